"""Near-duplicate articles (wire copies, updates, syndication) grouped into stories.

Why: the same agency report reprinted by ten outlets would otherwise count its claims and
events ten times. Two articles belong to one story when their texts share at least
``threshold`` of their word shingles (Jaccard similarity), directly or through a chain of such
articles (connected components).

How: every text becomes a set of word shingles of its normalised form, then a MinHash
signature (fixed seed, so signatures are reproducible across processes and can be stored).
MinHash LSH proposes candidate pairs quickly; a candidate pair is confirmed only when the
signatures' estimated Jaccard similarity reaches the threshold, and confirmed pairs are joined
with union-find. A story's id is the doc id of its earliest-added member, so it stays the
same as articles join; when a new article bridges two stories, the later story is absorbed.

:class:`StoryIndex` adds articles one at a time (as ``claimtrack process`` stores them) and
:func:`group_stories` groups a batch; both give the same stories for the same input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from claimtrack.model import normalize_text

SIGNATURE_DTYPE = np.dtype("<u8")  # MinHash hash values as stored: little-endian uint64


@dataclass(frozen=True)
class StorySettings:
    """How near-duplicates are detected; stored signatures depend on the first three."""

    shingle_words: int = 5
    """Words per shingle. Five is long enough that shared shingles mean shared sentences, not
    shared stock phrases ("the prime minister said that"), and short enough that one edited
    word changes only five shingles."""

    num_perm: int = 128
    """MinHash permutations: the estimated Jaccard has a standard error of about
    sqrt(J(1-J)/128) = 0.044 at J = 0.5, and a signature takes 1 KiB."""

    seed: int = 1
    """Fixed, so that signatures computed in different processes can be compared."""

    threshold: float = 0.5
    """Jaccard similarity of shingle sets at which two articles are one story. Wire copies and
    lightly edited reprints score well above 0.8; an update that adds a few paragraphs to a
    report keeps about half of its shingles; two different articles on the same event share
    a few quotes and score below 0.2. 0.5 takes updates and leaves same-topic coverage apart."""

    lsh_bands: int = 42
    lsh_rows: int = 3
    """LSH banding: 42 bands of 3 hash values (126 of the 128). A pair is proposed when any
    band is equal, with probability 1 - (1 - J^3)^42: 0.996 at J = 0.5 and 0.94 at 0.4, so
    pairs at the threshold are hardly ever missed; unrelated pairs (J about 0.05) only 0.5%
    of the time, and the similarity check drops whatever is proposed in excess. (datasketch's
    own choice for 0.5, 30 bands of 4 rows, proposes a pair at 0.5 only 86% of the time.)"""

    min_shingles: int = 20
    """Texts with fewer shingles (under about 24 words) are never merged: a few shared
    boilerplate lines ("Read more at ...") would make them look like duplicates by chance,
    and a headline-only item carries too little to tell a copy from a coincidence."""

    @property
    def scheme(self) -> str:
        """Names what a signature was computed with; signatures of another scheme differ."""
        return f"minhash-w{self.shingle_words}-p{self.num_perm}-s{self.seed}"


DEFAULT_SETTINGS = StorySettings()


def shingles(text: str, words: int = DEFAULT_SETTINGS.shingle_words) -> set[str]:
    """The set of ``words``-word shingles of the text, case-folded and whitespace-collapsed
    (the normalisation document ids use), so reflowed or recased copies compare equal."""
    tokens = normalize_text(text).split()
    if len(tokens) < words:
        return set()
    return {" ".join(tokens[i:i + words]) for i in range(len(tokens) - words + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when both are empty)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


@dataclass(frozen=True)
class Signature:
    """An article's MinHash signature and how many shingles it summarises."""

    minhash: LeanMinHash | None  # None when the text has fewer than min_shingles shingles
    shingle_count: int

    def to_bytes(self) -> bytes | None:
        """The hash values as portable bytes (1 KiB for 128 permutations), for the store."""
        if self.minhash is None:
            return None
        return np.asarray(self.minhash.hashvalues, dtype=SIGNATURE_DTYPE).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | None, shingle_count: int,
                   settings: StorySettings = DEFAULT_SETTINGS) -> Signature:
        """The inverse of :meth:`to_bytes`."""
        if data is None:
            return cls(None, shingle_count)
        values = np.frombuffer(data, dtype=SIGNATURE_DTYPE).astype(np.uint64)
        return cls(LeanMinHash(seed=settings.seed, hashvalues=values), shingle_count)

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity; 0.0 if either text is too short to compare."""
        if self.minhash is None or other.minhash is None:
            return 0.0
        return float(self.minhash.jaccard(other.minhash))


class Signer:
    """Computes signatures, reusing one set of permutations (drawing them per text costs more
    than hashing the text)."""

    def __init__(self, settings: StorySettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self._permutations = MinHash(num_perm=settings.num_perm, seed=settings.seed).permutations

    def sign(self, text: str) -> Signature:
        """The signature of ``text``, without a MinHash if it is too short to merge."""
        shingle_set = shingles(text, self.settings.shingle_words)
        return self.sign_shingles(shingle_set)

    def sign_shingles(self, shingle_set: set[str]) -> Signature:
        """The signature of an already computed shingle set."""
        if len(shingle_set) < self.settings.min_shingles:
            return Signature(None, len(shingle_set))
        minhash = MinHash(num_perm=self.settings.num_perm, seed=self.settings.seed,
                          permutations=self._permutations)
        minhash.update_batch([s.encode("utf-8") for s in sorted(shingle_set)])
        return Signature(LeanMinHash(minhash), len(shingle_set))


@dataclass
class Member:
    """One article of a story, in the order articles were added."""

    doc_id: str
    seq: int  # added order: the earliest member names the story
    outlet: str | None
    published: date | None
    signature: Signature = field(repr=False)
    story_id: str = ""
    similarity: float = 1.0  # estimated Jaccard to the story's first member (1.0 for itself)


@dataclass(frozen=True)
class Assignment:
    """What adding one article did: its story, and earlier members that moved to that story
    (when the article bridged two stories) with their new similarity to its first member."""

    story_id: str
    member: Member
    moved: list[Member]


class StoryIndex:
    """Articles grouped into stories as they arrive, without recomputing earlier ones."""

    def __init__(self, settings: StorySettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self.signer = Signer(settings)
        self._lsh = _new_lsh(settings)
        self._members: dict[str, Member] = {}
        self._stories: dict[str, list[Member]] = {}  # story id -> members in added order
        self._next_seq = 0

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._members

    def add(self, doc_id: str, text: str, published: date | None = None,
            outlet: str | None = None) -> str:
        """Add an article and return the id of its story; an id already added keeps its story
        (a document id names its text, so re-saving an article changes nothing)."""
        return self.assign_text(doc_id, text, published, outlet).story_id

    def assign_text(self, doc_id: str, text: str, published: date | None = None,
                    outlet: str | None = None) -> Assignment:
        """Like :meth:`add`, saying what changed; a known id is not signed again."""
        if doc_id in self._members:
            member = self._members[doc_id]
            return Assignment(member.story_id, member, [])
        return self.assign(doc_id, self.signer.sign(text), published, outlet)

    def assign(self, doc_id: str, signature: Signature, published: date | None = None,
               outlet: str | None = None, seq: int | None = None) -> Assignment:
        """Add an article by its signature (e.g. one loaded from the store), in added order
        ``seq`` (default: after every article so far), and say what changed."""
        if doc_id in self._members:
            member = self._members[doc_id]
            return Assignment(member.story_id, member, [])
        order = self._next_seq if seq is None else seq
        member = Member(doc_id, order, outlet, published, signature, story_id=doc_id)
        self._next_seq = max(self._next_seq, order + 1)
        matches = self._confirmed_matches(signature)
        self._members[doc_id] = member
        self._stories[doc_id] = [member]
        if signature.minhash is not None:
            self._lsh.insert(doc_id, signature.minhash, check_duplication=False)
        moved: list[Member] = []
        for story_id in sorted({m.story_id for m in matches}, key=self._story_seq):
            moved.extend(self._merge(story_id, member.story_id))
        moved = list({m.doc_id: m for m in moved if m.doc_id != doc_id}.values())
        return Assignment(member.story_id, member, moved)

    def story_of(self, doc_id: str) -> str | None:
        """The story id of an added article."""
        member = self._members.get(doc_id)
        return member.story_id if member else None

    def member(self, doc_id: str) -> Member | None:
        return self._members.get(doc_id)

    def members(self, story_id: str) -> list[Member]:
        """A story's members in added order (empty for an unknown id)."""
        return list(self._stories.get(story_id, []))

    def stories(self) -> dict[str, list[Member]]:
        """Every story (singletons too) with its members, in the order stories began."""
        ordered = sorted(self._stories.items(), key=lambda item: item[1][0].seq)
        return {story_id: list(members) for story_id, members in ordered}

    def _confirmed_matches(self, signature: Signature) -> list[Member]:
        """Earlier articles the LSH proposes whose estimated similarity reaches the threshold."""
        if signature.minhash is None:
            return []
        candidates = (self._members[key] for key in self._lsh.query(signature.minhash))
        return [m for m in candidates
                if signature.similarity(m.signature) >= self.settings.threshold]

    def _story_seq(self, story_id: str) -> int:
        return self._stories[story_id][0].seq

    def _merge(self, first: str, second: str) -> list[Member]:
        """Join two stories under the id of the one that began earlier; return the members
        whose story or similarity changed."""
        if first == second:
            return []
        keep, absorb = sorted((first, second), key=self._story_seq)
        absorbed = self._stories.pop(absorb)
        members = sorted(self._stories[keep] + absorbed, key=lambda m: m.seq)
        self._stories[keep] = members
        head = members[0].signature
        for m in absorbed:
            m.story_id = keep
            m.similarity = _similarity_to_head(m, members[0], head)
        return absorbed


def _similarity_to_head(member: Member, head_member: Member, head: Signature) -> float:
    return 1.0 if member is head_member else round(member.signature.similarity(head), 4)


def _new_lsh(settings: StorySettings) -> MinHashLSH:
    """An empty LSH index banded as the settings say (see StorySettings.lsh_bands)."""
    return MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm,
                      params=(settings.lsh_bands, settings.lsh_rows))


@dataclass(frozen=True)
class Article:
    """An article to group: its id and text, and what a story listing shows about it."""

    doc_id: str
    text: str
    published: date | None = None
    outlet: str | None = None


def group_stories(articles: Iterable[Article],
                  settings: StorySettings = DEFAULT_SETTINGS) -> dict[str, list[Member]]:
    """Group a batch in one pass: index every signature, then join the confirmed pairs with
    union-find. Gives the same stories (ids and members) as adding the articles one by one
    to a :class:`StoryIndex` in the same order."""
    members = batch_members(articles, Signer(settings))
    return stories_from_pairs(members, similar_pairs(members, settings))


def candidate_pairs(members: Sequence[Member],
                    settings: StorySettings = DEFAULT_SETTINGS) -> list[tuple[Member, Member]]:
    """Every (earlier, later) pair of members the LSH proposes, each pair once."""
    lsh = _new_lsh(settings)
    signed = [m for m in members if m.signature.minhash is not None]
    with lsh.insertion_session() as session:
        for m in signed:
            session.insert(m.doc_id, m.signature.minhash, check_duplication=False)
    by_id = {m.doc_id: m for m in signed}
    pairs = []
    for m in signed:
        earlier = (by_id[key] for key in lsh.query(m.signature.minhash))
        pairs.extend((other, m) for other in sorted(earlier, key=lambda o: o.seq)
                     if other.seq < m.seq)
    return pairs


def similar_pairs(members: Sequence[Member], settings: StorySettings = DEFAULT_SETTINGS
                  ) -> list[tuple[Member, Member, float]]:
    """The LSH's candidate pairs whose estimated similarity reaches the threshold, with it."""
    scored = ((a, b, a.signature.similarity(b.signature))
              for a, b in candidate_pairs(members, settings))
    return [(a, b, score) for a, b, score in scored if score >= settings.threshold]


def stories_from_pairs(members: Sequence[Member],
                       pairs: Iterable[tuple[Member, Member, float]]) -> dict[str, list[Member]]:
    """The connected components of the pairs (union-find), keyed by their earliest member."""
    parent = {m.doc_id: m.doc_id for m in members}
    by_id = {m.doc_id: m for m in members}
    for first, second, _score in pairs:
        _union(parent, by_id, first.doc_id, second.doc_id)
    return _components(members, parent)


def batch_members(articles: Iterable[Article], signer: Signer) -> list[Member]:
    """Signed members, one per distinct doc id (the first occurrence wins), in input order."""
    members: list[Member] = []
    seen: set[str] = set()
    for article in articles:
        if article.doc_id in seen:
            continue
        seen.add(article.doc_id)
        members.append(Member(article.doc_id, len(members), article.outlet, article.published,
                              signer.sign(article.text), story_id=article.doc_id))
    return members


def _find(parent: dict[str, str], doc_id: str) -> str:
    """The root of a union-find tree, compressing the path on the way."""
    root = doc_id
    while parent[root] != root:
        root = parent[root]
    while parent[doc_id] != root:
        parent[doc_id], doc_id = root, parent[doc_id]
    return root


def _union(parent: dict[str, str], by_id: dict[str, Member], first: str, second: str) -> None:
    """Join two trees under the root added earlier, so a root is its story's first member."""
    roots = sorted((_find(parent, first), _find(parent, second)), key=lambda r: by_id[r].seq)
    parent[roots[1]] = roots[0]


def _components(members: Sequence[Member], parent: dict[str, str]) -> dict[str, list[Member]]:
    """Stories keyed by root id, each with members in added order and their similarity to
    the first member."""
    stories: dict[str, list[Member]] = {}
    for m in members:  # members are in seq order, so every story's root comes first
        m.story_id = _find(parent, m.doc_id)
        stories.setdefault(m.story_id, []).append(m)
    for story in stories.values():
        head = story[0]
        for m in story:
            m.similarity = _similarity_to_head(m, head, head.signature)
    return stories
