"""Claim threads: claims about one proposition, within and across articles, linked together.

Two claims join a thread when their contents are close in a sentence-embedding space
(``wordllama`` by default; its weights ship in the wheel) and they share something concrete:
a salient word, an actor code or a place. Stance never comes from the embedding ("denied" and
"admitted" sit side by side there): each claim keeps the stance the attribution stage gave it,
and a thread is *contested* when one source asserts what another denies.

The index is incremental: :meth:`ThreadIndex.add_document` links a new article's claims to the
threads already there without recomputing them. Candidates come from an inverted index of
blocking keys, so a claim is compared with the claims that share a key, not with all of them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Protocol

import numpy as np

from claimtrack.errors import ClaimtrackError
from claimtrack.model import Document

#: Cosine similarity of two claims' contents from which they may be one proposition.
SIMILARITY_THRESHOLD = 0.7
#: Claims further apart than this (by publication date) are not linked.
WINDOW_DAYS = 90
#: A blocking key shared by more claims than this says nothing (like "said"); it is skipped.
MAX_POSTING = 2000
#: Candidates come from a claim's rarest keys only, and must share two of them when one key
#: alone would bring more than FEW_CANDIDATES: the work per claim stays bounded as the index grows.
RAREST_KEYS = 8
FEW_CANDIDATES = 50
MIN_WORDS = 4
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
STOPWORDS = frozenset({
    "about", "above", "after", "again", "against", "also", "among", "been", "before",
    "being", "below", "between", "both", "could", "does", "doing", "down", "during", "each",
    "from", "further", "have", "having", "here", "into", "more", "most", "other", "over",
    "said", "same", "says", "should", "some", "such", "than", "that", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "under", "until", "very",
    "were", "what", "when", "where", "which", "while", "will", "with", "would", "your",
    "just", "only", "like", "told",
})


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> Any: ...


class WordLlamaEmbedder:
    """Sentence embeddings from the ``wordllama`` wheel, L2-normalised (256 dimensions)."""

    def __init__(self) -> None:
        try:
            from pathlib import Path

            import wordllama
            from wordllama import WordLlama
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise ClaimtrackError("claim threads need the PyPI package 'wordllama'") from exc
        # The wheel ships its weights and tokenizer; point the loader at them, never download.
        self.model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent,
                                    disable_download=True)

    def embed(self, texts: Sequence[str]) -> Any:
        return self.model.embed(list(texts), norm=True)


@cache
def default_embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


@dataclass(frozen=True)
class ThreadClaim:
    """What a thread needs of a claim: its words, stance, source and where and when."""

    doc_id: str
    claim_id: str
    text: str
    stance: str
    source: str
    source_codes: tuple[str | None, str | None] = (None, None)
    outlet: str | None = None
    published: date | None = None
    keys: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.claim_id}"


@dataclass
class Thread:
    """Claims about one proposition, with the sides they take."""

    id: str
    claims: list[ThreadClaim] = field(default_factory=list)

    def sides(self) -> dict[str, list[ThreadClaim]]:
        out: dict[str, list[ThreadClaim]] = defaultdict(list)
        for claim in self.claims:
            out[claim.stance].append(claim)
        return dict(out)

    @property
    def contested(self) -> bool:
        """Some source asserts it and a different source denies it."""
        sides = self.sides()
        asserting = {c.source.lower() for c in sides.get("assert", [])}
        denying = {c.source.lower() for c in sides.get("deny", [])}
        return bool(asserting) and bool(denying) and asserting != denying

    @property
    def first_seen(self) -> date | None:
        dates = [c.published for c in self.claims if c.published]
        return min(dates) if dates else None


def claims_of(doc: Document) -> list[ThreadClaim]:
    """A document's claims as thread members: content of at least four words, with blocking
    keys from its salient words, the codes of its events' actors and its places."""
    out = []
    entities = {e.id: e for e in doc.entities}
    for claim in doc.claims:
        text = claim.content_text
        if len(text.split()) < MIN_WORDS:
            continue
        source = entities.get(claim.source_entity or "")
        keys = set(salient_words(text))
        for event in doc.events:
            if event.claim == claim.id:
                keys.add(f"event:{event.type}")
                keys.update(f"actor:{a.country}" for a in event.actors + event.targets
                            if a.country)
        keys.update(f"place:{p.geonames_id}" for p in doc.places for m in p.mentions
                    if claim.content.contains(m.span))
        out.append(ThreadClaim(
            doc_id=doc.id, claim_id=claim.id, text=text, stance=claim.stance,
            source=doc.source_name(claim),
            source_codes=(source.country, source.sector) if source else (None, None),
            outlet=doc.outlet, published=doc.published, keys=frozenset(keys)))
    return out


def salient_words(text: str) -> list[str]:
    """Lower-cased content words of four letters or more, plural -s stripped ("troops" and
    "troop" meet), stopwords left out."""
    words = []
    for word in _WORD.findall(text):
        w = word.lower().strip("'")
        if w in STOPWORDS:
            continue
        words.append(w[:-1] if w.endswith("s") and not w.endswith("ss") else w)
    return words


class ThreadIndex:
    """Incremental threads over claims; union-find over links between similar claims."""

    def __init__(self, embedder: Embedder | None = None,
                 threshold: float = SIMILARITY_THRESHOLD, window_days: int = WINDOW_DAYS) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.window_days = window_days
        self.claims: list[ThreadClaim] = []
        self.vectors: list[Any] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.parent: list[int] = []

    def add_document(self, doc: Document) -> list[str]:
        """Add a document's claims; the ids of the threads they joined, in claim order."""
        return self.add(claims_of(doc))

    def add(self, claims: Iterable[ThreadClaim]) -> list[str]:
        claims = list(claims)
        if not claims:
            return []
        embedder = self.embedder or default_embedder()
        return self.add_with_vectors(claims, embedder.embed([c.text for c in claims]))

    def add_with_vectors(self, claims: Iterable[ThreadClaim], vectors: Iterable[Any],
                         merged: list[str] | None = None) -> list[str]:
        """Like :meth:`add` for claims whose vectors are known (e.g. loaded from the store):
        nothing is embedded. The ids of the threads that existed before and were merged into
        another by this addition are appended to ``merged`` when it is given."""
        claims, vectors = list(claims), list(vectors)
        if len(claims) != len(vectors):
            raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
        start = len(self.claims)
        for claim, vector in zip(claims, vectors):
            index = len(self.claims)
            self.claims.append(claim)
            self.vectors.append(vector)
            self.parent.append(index)
            candidates = sorted(self._candidates(claim, index))
            if candidates:  # one matrix product for all candidates
                similarities = np.stack([self.vectors[i] for i in candidates]) @ vector
                for other, similarity in zip(candidates, similarities):
                    if self._linked(claim, float(similarity), other):
                        ra, rb = self._find(index), self._find(other)
                        lost = max(ra, rb)
                        if ra != rb and merged is not None and lost < start:
                            merged.append(self.claims[lost].key)
                        self._union(index, other)
            bucket = self._bucket(claim)
            for key in claim.keys:
                self.postings[f"{key}|{bucket}"].append(index)
        return [self.thread_id(i) for i in range(start, len(self.claims))]

    def _bucket(self, claim: ThreadClaim) -> str:
        """The time slice a claim's postings live in: its date in windows of ``window_days``
        (undated claims share one slice), so a claim is compared only with claims near it in
        time and the work per claim does not grow with the years an index covers."""
        if claim.published is None:
            return "undated"
        return str(claim.published.toordinal() // self.window_days)

    def _candidates(self, claim: ThreadClaim, index: int) -> set[int]:
        """Claims sharing a blocking key, in this time slice, the two beside it and the undated
        slice; a key shared by more than MAX_POSTING claims in a slice is skipped."""
        if claim.published is None:
            buckets = ["undated"]
        else:
            here = claim.published.toordinal() // self.window_days
            buckets = [str(here - 1), str(here), str(here + 1), "undated"]
        postings = []
        for key in claim.keys:
            merged = [i for bucket in buckets for i in self.postings.get(f"{key}|{bucket}", [])]
            if merged and len(merged) <= MAX_POSTING:
                postings.append(merged)
        postings.sort(key=len)  # the rarest keys say the most about what a claim is about
        counts: Counter[int] = Counter()
        for posting in postings[:RAREST_KEYS]:
            counts.update(set(posting))
        counts.pop(index, None)
        if len(counts) <= FEW_CANDIDATES:
            return set(counts)
        return {i for i, n in counts.items() if n >= 2}  # two shared keys when there are many

    def _linked(self, claim: ThreadClaim, similarity: float, other: int) -> bool:
        peer = self.claims[other]
        if claim.published and peer.published and abs(
                (claim.published - peer.published).days) > self.window_days:
            return False
        if peer.doc_id == claim.doc_id and peer.claim_id == claim.claim_id:
            return False
        shared = claim.keys & peer.keys
        structured = any(k.startswith(("event:", "actor:", "place:")) for k in shared)
        # A shared event, actor or place lowers the bar a little: same who/what/where.
        return similarity >= self.threshold - (0.05 if structured else 0.0)

    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the earliest claim names the thread

    def thread_id(self, index: int) -> str:
        return self.claims[self._find(index)].key

    def threads(self, min_size: int = 2) -> list[Thread]:
        """Threads with at least ``min_size`` claims, contested first, then by size."""
        groups: dict[int, Thread] = {}
        for i, claim in enumerate(self.claims):
            root = self._find(i)
            groups.setdefault(root, Thread(self.claims[root].key)).claims.append(claim)
        found = [t for t in groups.values() if len(t.claims) >= min_size]
        return sorted(found, key=lambda t: (not t.contested, -len(t.claims), t.id))
