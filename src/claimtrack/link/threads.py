"""Claim threads: claims about one proposition, across articles, with who stands on which side.

A thread is a proposition ("rebels shelled the border post near Kharkiv") and the claims about
it. Two claims are about the same proposition when

* both report events and their frames agree (same PLOVER family, actors and targets that do
  not conflict) and their propositions are close in a sentence-embedding space, or
* their propositions (content words without negation, hedges or reporting verbs; see
  :mod:`claimtrack.stages.propositions`) are very close in that space and share a content word,

within ``WINDOW_DAYS`` of each other. The embedding is ``wordllama`` (weights in the wheel).
It never decides a side: "denied" and "admitted" sit side by side there. A claim's side comes
from its commitment and polarity together (:func:`side_of`): asserting that something is not
so is the same side as denying that it is.

**Deterministic.** The link rule is a pure function of the two claims, and the candidates a
claim is compared with are the claims sharing one of its ``KEPT_KEYS`` rarest words, ranked by a
fixed scale (the embedding tokenizer's vocabulary rank), not by what the index holds. So the
threads are the connected components of one graph whatever order the claims arrive in, in one
run or many, in process or on Spark; an article only ever joins threads it links to, and never
removes a claim from a thread. A thread is named after its earliest member (by publication date,
then id): it keeps its id as newer claims join, and when two threads merge the surviving id is
the earlier one's; the other is reported so the store can resolve it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from typing import Any, Protocol

import numpy as np

from claimtrack.errors import ClaimtrackError
from claimtrack.model import Document

# Cosine similarities of two propositions (wordllama) at which the link rule joins them. They
# were first chosen on Emergent's dev half (0.55-0.62), then raised after a reading of 300 BBC
# articles showed those values chaining a year of UK politics into one thread.
#: Three shared words making up this share of the shorter proposition, this close.
OVERLAP = 0.6
MANY_WORDS_THRESHOLD = 0.55
#: Verbs too general to say what happened ("go", "see", "get").
LIGHT_VERBS = frozenset({"go", "see", "get", "make", "take", "come", "give", "want", "put",
                         "back", "know", "think", "look", "find", "keep", "let",
                         "seem", "become", "need", "try", "leave", "call", "work", "feel",
                         "show", "mean", "set", "hold", "bring", "turn", "start", "run"})
#: Propositions this close are one even without a shared verb or frame (paraphrases).
VERY_CLOSE = 0.80
#: ... sharing two words.
TWO_WORDS_THRESHOLD = 0.62

#: The least similarity at which one kind of act by an actor coded alike is one proposition
#: across articles (within one article, the act and its denial are one proposition at any
#: similarity: a short denial embeds far from the assertion it answers). Lower floors chained
#: Emergent's dev half into threads of up to 191 headlines.
SAME_ACTOR_FLOOR = 0.50
#: Claims further apart than this (by publication date) are not linked.
WINDOW_DAYS = 90
#: Candidates share one of a claim's KEPT_KEYS rarest words (fixed rarity scale).
KEPT_KEYS = 6
#: A proposition needs this many content words to join a thread ("said so" says nothing).
MIN_WORDS = 2

#: PLOVER 2.0 types in their four quad families; frames of one family can be one proposition
#: ("shelled" ASSAULT and "attacked" ASSAULT; "troops crossed" MOBILIZE and "invaded" ASSAULT).
FAMILIES = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), "verbal conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), "material conflict"),
}
_WORD = re.compile(r"[^\W\d_][\w'-]+")

Side = str  # "for" | "against" | "observing"


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


def vocabulary_ids(form: str) -> list[int]:
    """The embedding tokenizer's vocabulary ids of a word-initial form, without the bare
    word-boundary piece."""
    encoded = default_embedder().model.tokenizer.encode(form, add_special_tokens=False)
    return [i for i, piece in zip(encoded.ids, encoded.tokens) if piece != "▁"]


@lru_cache(maxsize=200_000)
def rarity(word: str) -> int:
    """A fixed rarity scale for words: the vocabulary rank of the embedding tokenizer's pieces
    (byte-pair vocabularies are built most frequent first, so a low id is a common word and a
    word cut into several pieces is rarer than any one-piece word). Fixed, so it does not
    depend on what has been indexed, which keeps the threads independent of article order."""
    ids = vocabulary_ids(word)
    if not ids:
        return 0
    return 32_000 * (len(ids) - 1) + max(ids)


@dataclass(frozen=True)
class ThreadClaim:
    """What a thread needs of a claim: its proposition, commitment, polarity, voice, when."""

    doc_id: str
    claim_id: str
    text: str  # the claim's content as written (shown in views)
    stance: str  # the source's commitment: assert, deny, hedge, no_comment, question
    source: str
    source_codes: tuple[str | None, str | None] = (None, None)
    outlet: str | None = None
    published: date | None = None
    #: words (lemmas), "frame:TYPE:actors>targets", "place:ID" — what the link rule reads
    keys: frozenset[str] = frozenset()
    polarity: str = "positive"
    kind: str = "indirect"
    sentence: int = 0

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.claim_id}"

    # cached: the link rule reads these for every candidate pair (a frozen dataclass without
    # slots keeps cached_property's value in the instance dict)
    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(k for k in self.keys if ":" not in k)

    @cached_property
    def predicates(self) -> frozenset[str]:
        """The verbs of the proposition, and what it says is not there: what happened."""
        return frozenset(k[5:] for k in self.keys if k.startswith("pred:"))

    @cached_property
    def frames(self) -> tuple[str, ...]:
        return tuple(sorted(k[6:] for k in self.keys if k.startswith("frame:")))

    @property
    def order(self) -> tuple[date, str]:
        """Earliest first: the member that names a thread is the first by this order."""
        return (self.published or date.max, self.key)

    @property
    def voice(self) -> str:
        """Who speaks: the source, whatever outlet carries it (two outlets quoting one ministry
        are one voice; an outlet's narration is the outlet's)."""
        country, sector = self.source_codes
        if country and sector:
            return f"{country}-{sector}"
        return self.source.casefold().removeprefix("the ").strip()


def stated_polarity(claim: ThreadClaim) -> str:
    """What the claim holds, as a polarity: an assertion holds its content; a denial holds the
    opposite of what it rejects, and what it rejects is taken to be positive, whether the
    denial is a cue ("denied attacking the post": rejects "attacked the post") or a negated
    counter-assertion ("there are no regular troops there": rejects "there are troops"). A
    denied negation ("denied that he had not paid") is rare and read the same way."""
    return "negative" if claim.stance == "deny" else claim.polarity


def side_of(claim: ThreadClaim, polarity: str = "positive") -> Side:
    """The side a claim takes on a proposition of the given polarity: *for* when what it holds
    has that polarity, *against* when it holds the opposite, *observing* when it hedges, asks
    or declines to comment."""
    if claim.stance in {"hedge", "question", "no_comment"}:
        return "observing"
    return "for" if stated_polarity(claim) == polarity else "against"


@dataclass
class Thread:
    """Claims about one proposition, with the sides they take."""

    id: str
    claims: list[ThreadClaim] = field(default_factory=list)

    @property
    def polarity(self) -> str:
        """The proposition's polarity: that of most contents asserted or denied (positive on
        a tie). A denial's content is what it rejects, so "X did it" and "X denies doing it"
        are about "X did it", and so is a thread of denials alone ("Snyder responds to fake
        stolen Batmobile report" stands against the theft, not for a negative proposition)."""
        contents = [c.polarity for c in self.claims if c.stance in {"assert", "deny"}]
        return "negative" if contents.count("negative") > len(contents) / 2 else "positive"

    @property
    def proposition(self) -> str:
        """The thread's proposition in words: its earliest asserting claim's content."""
        members = sorted(self.claims, key=lambda c: c.order)
        asserting = [c for c in members if side_of(c, self.polarity) == "for"]
        return (asserting or members)[0].text if members else ""

    def sides(self) -> dict[Side, list[ThreadClaim]]:
        out: dict[Side, list[ThreadClaim]] = defaultdict(list)
        polarity = self.polarity
        for claim in sorted(self.claims, key=lambda c: c.order):
            out[side_of(claim, polarity)].append(claim)
        return dict(out)

    def voices(self, side: Side) -> set[str]:
        return {c.voice for c in self.sides().get(side, [])}

    @property
    def contested(self) -> bool:
        """A voice stands for the proposition and a different voice against it. Claims of one
        article's sentence are one voice (an outlet's narration and the source it quotes, a
        claim and the claim nested in it), and so are an outlet's narration and any claim it
        carries in the same article."""
        sides = self.sides()
        for a in sides.get("for", []):
            for b in sides.get("against", []):
                if a.voice == b.voice:
                    continue
                if a.doc_id == b.doc_id and ("narration" in {a.kind, b.kind}
                                             or a.sentence == b.sentence):
                    continue
                return True
        return False

    @property
    def first_seen(self) -> date | None:
        dates = [c.published for c in self.claims if c.published]
        return min(dates) if dates else None

    @property
    def last_seen(self) -> date | None:
        dates = [c.published for c in self.claims if c.published]
        return max(dates) if dates else None

    def rank(self) -> tuple[Any, ...]:
        """Sort key: contested first, then by distinct voices and outlets on the weaker side,
        then by voices overall, then the most recent; never by size alone."""
        sides = self.sides()
        voices = {s: {c.voice for c in sides.get(s, [])} for s in ("for", "against")}
        outlets = {s: {c.outlet for c in sides.get(s, [])} for s in ("for", "against")}
        last = self.last_seen or date.min
        return (not self.contested, -min(len(voices["for"]), len(voices["against"])),
                -min(len(outlets["for"]), len(outlets["against"])),
                -len(voices["for"] | voices["against"]), -last.toordinal(), self.id)


def _party_compatible(a: str, b: str) -> bool:
    """Two coded parties ("UKR-REB,RUS-GOV", "?") can be the same: either is unknown, or they
    share a country (a state acts through its government and its army alike: "Russia" and
    "Russian forces"), or they share a sector where a country is missing on one side."""
    if a == "?" or b == "?":
        return True
    codes_a, codes_b = set(a.split(",")), set(b.split(","))
    if codes_a & codes_b:
        return True
    countries_a = {c.split("-")[0] for c in codes_a if "-" in c or len(c) == 3 and c.isupper()}
    countries_b = {c.split("-")[0] for c in codes_b if "-" in c or len(c) == 3 and c.isupper()}
    if countries_a & countries_b:
        return True
    sectors_a = {c.split("-")[-1] for c in codes_a}
    sectors_b = {c.split("-")[-1] for c in codes_b}
    return bool(sectors_a & sectors_b) and not (countries_a and countries_b)


def same_actor_frame(a: Iterable[str], b: Iterable[str]) -> bool:
    """Frames of one PLOVER family whose actors are coded alike ("REB", "RUS-MIL"), not merely
    unknown, and whose targets do not conflict: short denials ("denied attacking the post")
    embed far from the assertion they answer, but name the same act by the same actor."""
    for fa in a:
        type_a, _, parties_a = fa.partition(":")
        actor_a, _, target_a = parties_a.partition(">")
        for fb in b:
            type_b, _, parties_b = fb.partition(":")
            actor_b, _, target_b = parties_b.partition(">")
            if FAMILIES.get(type_a, type_a) != FAMILIES.get(type_b, type_b):
                continue
            if actor_a != "?" and set(actor_a.split(",")) & set(actor_b.split(",")) \
                    and _party_compatible(target_a, target_b):
                return True
    return False


def linked(a: ThreadClaim, b: ThreadClaim, similarity: float,
           window_days: int = WINDOW_DAYS) -> bool:
    """Whether two claims are about one proposition: the pure rule that makes the threads.

    Within the window, sharing a content word, and sharing what happened (a verb, or an event
    frame of one PLOVER family by an actor coded alike, :func:`same_actor_frame`), two claims
    are one proposition when their propositions are very close (``VERY_CLOSE``), or close and
    sharing two words (``TWO_WORDS_THRESHOLD``), or report the same act by the same actor and
    are not far apart (``SAME_ACTOR_FLOOR``). Three shared words that make up most of the
    shorter proposition (``OVERLAP``) stand in for a shared verb ("a brake defect in the
    Vantor"). Within one article only an act and
    its denial are linked (opposite sides), so an article's many claims do not fuse into one
    topic. Sharing names and topic words alone links nothing: on 300 BBC articles that
    chained thousands of claims into one thread (bench/results/propositions_read_check.md).
    """
    if a.key == b.key:
        return False
    if a.published and b.published and abs((a.published - b.published).days) > window_days:
        return False
    shared = a.words & b.words
    if not shared:
        return False
    act = same_actor_frame(a.frames, b.frames)
    happened = bool((a.predicates & b.words | b.predicates & a.words) - LIGHT_VERBS) or act
    if not happened and similarity < VERY_CLOSE and len(shared) < 3:
        return False
    if a.doc_id == b.doc_id:
        opposed = stated_polarity(a) != stated_polarity(b) and "observing" not in {
            side_of(a), side_of(b)}
        return opposed and (act or similarity >= TWO_WORDS_THRESHOLD)
    if similarity >= VERY_CLOSE:
        return True
    if len(shared) >= 2 and similarity >= TWO_WORDS_THRESHOLD:
        return True
    if (len(shared) >= 3 and len(shared) >= OVERLAP * min(len(a.words), len(b.words))
            and similarity >= MANY_WORDS_THRESHOLD):
        return True  # "brake defect in the Vantor" / "a brake defect ... Vantor sedans"
    return act and similarity >= SAME_ACTOR_FLOOR


#: The lowest similarity at which :func:`linked` joins claims of two articles.
LOWEST_ACROSS = min(VERY_CLOSE, TWO_WORDS_THRESHOLD, MANY_WORDS_THRESHOLD, SAME_ACTOR_FLOOR)


def kept_keys(claim: ThreadClaim, n: int = KEPT_KEYS) -> list[str]:
    """The claim's ``n`` rarest words on the fixed scale (ties by the word itself)."""
    return sorted(claim.words, key=lambda w: (-rarity(w), w))[:n]


def time_slice(published: date | None, window_days: int = WINDOW_DAYS) -> int | None:
    return None if published is None else published.toordinal() // window_days


def thread_claims_of(doc: Document) -> list[ThreadClaim]:
    """A document's claims that can join threads, with their proposition keys.

    Left out: claims whose proposition has fewer than ``MIN_WORDS`` content words, and the
    outlet's narration of a sentence that reports somebody's speech ("The rebel command denied
    attacking the post.": the proposition is the source's claim; the narration is about the
    denial, and would otherwise stand as the outlet asserting it).
    """
    out = []
    entities = {e.id: e for e in doc.entities}
    cues = [c.cue_span for c in doc.claims if c.cue_span is not None and c.kind != "narration"]
    for claim in doc.claims:
        frames_part, _, words_part = claim.proposition.rpartition("|")
        if not frames_part and ":" in words_part.split(" ")[0]:
            frames_part, words_part = words_part, ""
        marked = words_part.split()
        words = {w.lstrip("~") for w in marked}
        if len(words) < MIN_WORDS:
            continue
        if claim.kind == "narration" and any(claim.content.contains(s) for s in cues):
            continue
        source = entities.get(claim.source_entity or "")
        keys = set(words)
        keys.update(f"pred:{w[1:]}" for w in marked if w.startswith("~"))
        keys.update(f"frame:{f}" for f in frames_part.split())
        keys.update(f"place:{p.geonames_id}" for p in doc.places for m in p.mentions
                    if claim.content.contains(m.span))
        out.append(ThreadClaim(
            doc_id=doc.id, claim_id=claim.id, text=claim.content_text, stance=claim.stance,
            source=doc.source_name(claim),
            source_codes=(source.country, source.sector) if source else (None, None),
            outlet=doc.outlet, published=doc.published, keys=frozenset(keys),
            polarity=claim.polarity, kind=claim.kind, sentence=claim.sentence))
    return out


def embedding_text(claim: ThreadClaim) -> str:
    """What is embedded: the proposition's words (no negation, hedge or reporting verb)."""
    return " ".join(sorted(claim.words))


class ThreadIndex:
    """Incremental threads: union-find over the pure link rule, earliest member as the id."""

    def __init__(self, embedder: Embedder | None = None,
                 window_days: int = WINDOW_DAYS, dedup: bool = True) -> None:
        self.embedder = embedder
        self.window_days = window_days
        #: claims compared by the link rule so far (what linking costs; benches and tests)
        self.comparisons = 0
        # Twins: claims of one document identical in everything the link rule reads (keys,
        # commitment, polarity, date, vector) link exactly the claims their first copy links
        # and never each other, so only the first copy is compared; the others join its
        # thread as soon as it links anything (see _twin). One article repeating a claim
        # 2,000 times costs 2,000 comparisons, not 2 million. ``dedup=False`` compares each.
        self.dedup = dedup
        self._first_copy: dict[tuple[Any, ...], int] = {}  # twin signature -> first copy
        self._waiting_twins: dict[int, list[int]] = {}  # first copy not linked yet -> twins
        self._linked_copies: set[int] = set()  # first copies that have linked something
        self._copies: set[int] = set()  # every first copy
        self.claims: list[ThreadClaim] = []
        # vectors in one growing matrix and documents as small ints, so a claim's candidates
        # are scored and filtered by numpy, not one by one in Python
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._docs = np.zeros(0, dtype=np.int64)
        self._doc_codes: dict[str, int] = {}
        self.postings: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.by_key: dict[str, list[int]] = defaultdict(list)  # every slice: for undated claims
        self.position: dict[str, int] = {}  # "doc_id:claim_id" -> index
        self.parent: list[int] = []
        self.first: list[int] = []  # per root: the member naming the thread

    def add_document(self, doc: Document) -> list[str]:
        """Add a document's claims; the ids of the threads they joined, in claim order."""
        return self.add(thread_claims_of(doc))

    def embed(self, claims: Sequence[ThreadClaim]) -> list[Any]:
        embedder = self.embedder or default_embedder()
        return list(embedder.embed([embedding_text(c) for c in claims])) if claims else []

    def add(self, claims: Iterable[ThreadClaim]) -> list[str]:
        claims = list(claims)
        return self.add_with_vectors(claims, self.embed(claims)) if claims else []

    def add_with_vectors(self, claims: Iterable[ThreadClaim], vectors: Iterable[Any],
                         renamed: list[tuple[str, str]] | None = None) -> list[str]:
        """Like :meth:`add` for claims whose vectors are known (e.g. loaded from the store).
        Threads that existed before this call and changed id (merged into an earlier thread)
        are appended to ``renamed`` as (old id, new id) when it is given."""
        claims, vectors = list(claims), list(vectors)
        if len(claims) != len(vectors):
            raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
        start = len(self.claims)
        before: dict[int, str] = {}  # root -> id, for threads that existed before this call
        for claim, vector in zip(claims, vectors):
            index = len(self.claims)
            self.claims.append(claim)
            self.position[claim.key] = index
            self._append_vector(np.asarray(vector, dtype=np.float32), claim.doc_id)
            self.parent.append(index)
            self.first.append(index)
            if self._twin(claim, index, start, before):
                continue
            keys = kept_keys(claim)
            candidates = sorted(self._candidates(claim, keys))
            if candidates:  # one matrix product for all candidates
                rows = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
                similarities = self._matrix[rows] @ self._matrix[index]
                # the rule links no two articles' claims below LOWEST_ACROSS
                keep = (similarities >= LOWEST_ACROSS) | (self._docs[rows] == self._docs[index])
                kept = rows[keep].tolist()
                self.comparisons += len(kept)
                for other, similarity in zip(kept, similarities[keep].tolist()):
                    if linked(claim, self.claims[other], similarity, self.window_days):
                        self._link(index, other, start, before)
            here = time_slice(claim.published, self.window_days)
            for key in keys:
                self.postings[(key, here)].append(index)
                self.by_key[key].append(index)
        if renamed is not None:
            for old in dict.fromkeys(before.values()):
                new = self.thread_id(self.position[old])
                if new != old:
                    renamed.append((old, new))
        return [self.thread_id(i) for i in range(start, len(self.claims))]

    def _join(self, index: int, other: int, start: int, before: dict[int, str]) -> None:
        """Union two claims, noting the thread of ``other`` if it existed before this call."""
        root = self._find(other)
        if root != self._find(index) and self.first[root] < start:
            before.setdefault(root, self.claims[self.first[root]].key)
        self._union(index, other)

    def _link(self, index: int, other: int, start: int, before: dict[int, str]) -> None:
        """Join two claims the rule links, and the twins of either that were waiting for
        their first copy to link something."""
        self._join(index, other, start, before)
        for copy in (index, other):
            if copy in self._copies and copy not in self._linked_copies:
                self._linked_copies.add(copy)
                for twin in self._waiting_twins.pop(copy, []):
                    self._join(copy, twin, start, before)

    def _twin(self, claim: ThreadClaim, index: int, start: int,
              before: dict[int, str]) -> bool:
        """Whether the claim at ``index`` is a twin of an earlier claim of its document (see
        ``__init__``): then it joins that claim's thread now if that one has linked
        anything, else when it does, and is neither compared nor indexed itself."""
        if not self.dedup:
            return False
        signature = (claim.doc_id, claim.keys, claim.stance, claim.polarity, claim.published,
                     self._matrix[index].tobytes())
        copy = self._first_copy.setdefault(signature, index)
        if copy == index:
            self._copies.add(index)
            return False
        if copy in self._linked_copies:
            self._join(copy, index, start, before)
        else:
            self._waiting_twins.setdefault(copy, []).append(index)
        return True

    @property
    def vectors(self) -> Any:
        """The claims' vectors, one row per claim in index order."""
        return self._matrix[: len(self.claims)]

    def _append_vector(self, vector: Any, doc_id: str) -> None:
        n = len(self.claims) - 1  # the claim was appended already
        if n >= len(self._matrix):
            grown = np.zeros((max(1024, 2 * len(self._matrix)), vector.shape[0]), dtype=np.float32)
            if len(self._matrix):
                grown[: len(self._matrix)] = self._matrix
            docs = np.zeros(len(grown), dtype=np.int64)
            docs[: len(self._docs)] = self._docs
            self._matrix, self._docs = grown, docs
        self._matrix[n] = vector
        self._docs[n] = self._doc_codes.setdefault(doc_id, len(self._doc_codes))

    def _candidates(self, claim: ThreadClaim, keys: list[str]) -> set[int]:
        """Indexed claims sharing a kept key, in this time slice, the two beside it and the
        undated slice (an undated claim looks in every slice)."""
        here = time_slice(claim.published, self.window_days)
        out: set[int] = set()
        for key in keys:
            if here is None:
                out.update(self.by_key.get(key, ()))
                continue
            for where in (here - 1, here, here + 1, None):
                out.update(self.postings.get((key, where), ()))
        return out

    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        keep, lose = min(ra, rb), max(ra, rb)
        self.parent[lose] = keep
        fa, fb = self.first[ra], self.first[rb]
        self.first[keep] = min(fa, fb, key=lambda i: self.claims[i].order)

    def thread_id(self, index: int) -> str:
        return self.claims[self.first[self._find(index)]].key

    def threads(self, min_size: int = 2) -> list[Thread]:
        """Threads with at least ``min_size`` claims, ranked by :meth:`Thread.rank`."""
        groups: dict[int, Thread] = {}
        for i, claim in enumerate(self.claims):
            root = self._find(i)
            groups.setdefault(root, Thread(self.thread_id(i))).claims.append(claim)
        found = [t for t in groups.values() if len(t.claims) >= min_size]
        return sorted(found, key=Thread.rank)
