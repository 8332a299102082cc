"""The typed data model every stage reads and extends.

All spans are character offsets into ``Document.text`` (the clean article text), so any
claim, event, place or date can be highlighted in the article it came from. Objects are
plain dataclasses, immutable by convention once the stage that produced them is done.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

ClaimKind = Literal["direct", "indirect", "mixed", "according_to", "narration"]
Stance = Literal["assert", "deny", "hedge", "no_comment", "question"]
EntityType = Literal["PERSON", "ORG", "GPE", "NORP", "ANON", "OUTLET", "OTHER"]

CLAIM_KINDS: tuple[str, ...] = ("direct", "indirect", "mixed", "according_to", "narration")
STANCES: tuple[str, ...] = ("assert", "deny", "hedge", "no_comment", "question")
#: What a claim's content says: that something is so, or that it is not so.
POLARITIES: tuple[str, ...] = ("positive", "negative")
#: How an event stands in the article, from the claim (and the claims around it) that reports it:
#: a denied event is something a source rejects, never a fact.
EVENT_STATUSES: tuple[str, ...] = ("asserted", "denied", "hedged", "hypothetical", "negated")
#: The 16 event types of PLOVER 2.0, in its quad order (verbal and material cooperation, verbal
#: and material conflict).
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` in ``Document.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def text(self, text: str) -> str:
        return text[self.start : self.end]

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class RawDocument:
    """What a reader hands to the pipeline: undecoded-or-decoded content plus declared metadata.

    ``name`` says where the input came from (a path, ``path:line``, ``<stdin>``) so that every
    error message can name the document it is about.
    """

    name: str
    content: str
    format: Literal["text", "html"] = "text"
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: date | None = None


@dataclass
class DroppedSpan:
    """Boilerplate removed by the extract stage, kept for audit (offsets into the raw text)."""

    raw_start: int
    raw_end: int
    text: str
    reason: str


@dataclass
class Mention:
    """One occurrence of an entity, place or source in the text."""

    span: Span
    text: str
    kind: Literal["name", "pronoun", "nominal", "descriptor"] = "name"


@dataclass
class Entity:
    """A cluster of mentions that refer to one real-world actor within an article."""

    id: str
    name: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None  # "prime minister of the self-proclaimed Donetsk People's Republic"
    country: str | None = None  # ISO-3 or IGO code
    sector: str | None = None  # PLOVER sector code (GOV, MIL, REB, ...)
    place_id: int | None = None  # GeoNames id when the entity is a place (e.g. "Ukraine")


@dataclass
class Claim:
    """Somebody says that something is so: source, cue, content, kind and stance.

    What is claimed is kept apart from how the source stands toward it: ``stance`` is the
    source's commitment (``assert``, ``deny``: rejects a proposition someone holds, ``hedge``,
    ``no_comment``, ``question``), ``polarity`` whether the content says something is or is not
    so, and ``proposition`` the claimed content in a normal form (the event frame when the claim
    reports an event, else its content words, negation and hedges left out), so that "rebels
    shelled the post" and "the rebel command denied attacking the post" can meet in one thread.
    A negative sentence is not a denial: "we would not sit on our hands" asserts, negatively.
    """

    id: str
    content: Span
    content_text: str
    kind: str  # one of CLAIM_KINDS
    stance: str  # one of STANCES
    source_entity: str | None  # Entity.id; None only when the source could not be found
    source_text: str  # the source as written at this claim ("He", "a Russian diplomatic source")
    source_span: Span | None = None
    cue: str = ""
    cue_span: Span | None = None
    parent: str | None = None  # Claim.id of the claim this one is nested in
    sentence: int = 0  # index into Document.sentences
    confidence: float = 1.0
    polarity: str = "positive"  # one of POLARITIES
    proposition: str = ""  # normal form of what is claimed (see stages/propositions.py)


@dataclass
class EventActor:
    """An actor or target of an event, coded with PLOVER country and sector."""

    text: str
    entity: str | None = None
    country: str | None = None
    sector: str | None = None


@dataclass
class Event:
    """A PLOVER event reported by a claim."""

    id: str
    type: str
    trigger: Span
    trigger_text: str
    claim: str | None  # Claim.id that reports this event
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    actors: list[EventActor] = field(default_factory=list)
    targets: list[EventActor] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False
    place: int | None = None  # Place.geonames_id
    date: str | None = None  # ISO value of the TimeRef in its clause
    #: The act the actor promised, requested, threatened or refused ("urged sanctions" is a
    #: REQUEST proposing SANCTION): PLOVER codes the speech act, we keep what it is about.
    proposed: str | None = None
    #: One of EVENT_STATUSES: from the reporting claim's commitment and the claims it is nested
    #: in ("Russia denies arming the rebels": AID is ``denied``), and the trigger's own negation
    #: or condition. Every view shows it; only ``asserted`` events are reported as facts.
    status: str = "asserted"
    #: Who reports the event: the reporting claim's source (canonical name), "" when no claim.
    reported_by: str = ""


@dataclass
class Place:
    """A place resolved to GeoNames, with every mention of it in the article."""

    geonames_id: int
    name: str
    feature_class: str
    feature_code: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Toponym:
    """A reference to a place in the text, whether or not it goes on the map.

    ``place``: a mention of one of the document's Places. ``demonym``: "Russian", "EU" (the
    country or region it names is an actor attribute, not where something happened).
    ``embedded``: a place name inside another name ("the Washington Post", "the Syrian
    Observatory"). ``unresolved``: named as a place, but the gazetteer has no record for it.
    """

    span: Span
    text: str
    kind: Literal["place", "demonym", "embedded", "unresolved"]
    geonames_id: int | None = None
    #: For an unresolved name: the article's focus place it most likely lies in ("Royal Street"
    #: in an article about New Orleans), an approximation, never its own id.
    within: int | None = None


@dataclass
class TimeRef:
    """A time expression resolved against the publication date."""

    span: Span
    text: str
    value: str | None  # ISO date "2014-08-28", week "2014-W35", month "2014-08", year "2014"
    granularity: Literal["day", "week", "month", "year", "unknown"]
    anchor: str | None = None  # ISO date the value was resolved against


@dataclass
class Document:
    """One article and everything claimtrack found in it.

    ``parse`` holds the spaCy ``Doc`` while the NLP-backed stages run; it is transient, never
    stored or serialized, and spaCy types do not leak past the stages.
    """

    raw: RawDocument
    id: str = ""
    text: str = ""
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: date | None = None
    language: str | None = None
    status: str = "analysed"  # or "not analysed: language xx" (see stages/language.py)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    dropped: list[DroppedSpan] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    toponyms: list[Toponym] = field(default_factory=list)
    timerefs: list[TimeRef] = field(default_factory=list)
    parse: Any = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def analysed(self) -> bool:
        """Whether the language-specific stages (English NLP onwards) ran on this document."""
        return self.status == "analysed"

    def entity(self, entity_id: str | None) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)

    def claim(self, claim_id: str | None) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def source_name(self, claim: Claim) -> str:
        """The canonical name of a claim's source, falling back to the text at the claim."""
        entity = self.entity(claim.source_entity)
        return entity.name if entity else claim.source_text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of everything but the raw input and the transient parse."""
        data = asdict(self)
        data.pop("parse")
        raw = data.pop("raw")
        data["input"] = raw["name"]
        data["published"] = self.published.isoformat() if self.published else None
        return data


def normalize_text(text: str) -> str:
    """The form a document's identity is computed on: NFC, case-folded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def document_id(text: str) -> str:
    """Identify an article by its content, so the same article from two inputs is one record."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:32]
