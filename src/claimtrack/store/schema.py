"""The store's tables, declared once with SQLAlchemy Core and portable to SQLite and PostgreSQL.

Every child table is keyed by ``(doc_id, ...)`` and cascades on delete from ``documents``.
List order within an article (entities, claims, events, places) is kept in a ``seq`` column
because a composite key does not keep it, and a reloaded Document must equal the one saved.
Migrations in ``migrations/versions`` are written by hand and must match this module; the
test suite checks that a migrated database has exactly these tables, columns and indexes.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

DOC_ID = String(32)  # model.document_id(): 32 hex characters of a SHA-256
ITEM_ID = String(64)  # entity, claim and event ids assigned by the stages


def _doc_fk() -> Column:
    """The ``doc_id`` column every child table starts with, cascading from documents."""
    return Column(
        "doc_id", DOC_ID, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )


documents = Table(
    "documents",
    metadata,
    Column("id", DOC_ID, primary_key=True),
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", Date),
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("input_name", Text, nullable=False),
    Column("paragraphs", JSON, nullable=False),  # [[start, end], ...]
    Column("sentences", JSON, nullable=False),  # [[start, end], ...]
    Column("dropped", JSON, nullable=False),  # [{raw_start, raw_end, text, reason}, ...]
    Column("processed_at", DateTime, nullable=False),  # naive UTC
    Column("status", Text, nullable=False, server_default="analysed"),  # added in 0002
    Column("authors", JSON),  # added in 0003
    Index(None, "published"),
    Index(None, "processed_at"),
)

entities = Table(
    "entities",
    metadata,
    _doc_fk(),
    Column("id", ITEM_ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("role", Text),
    Column("country", String(16)),
    Column("sector", String(16)),
    Column("place_id", Integer),
    Column("mentions", JSON, nullable=False),  # [{start, end, text, kind}, ...]
    PrimaryKeyConstraint("doc_id", "id"),
    Index(None, "name"),
)

claims = Table(
    "claims",
    metadata,
    _doc_fk(),
    Column("id", ITEM_ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("stance", String(16), nullable=False),
    Column("source_entity", ITEM_ID),
    Column("source_name", Text, nullable=False),  # entity's canonical name, else source_text
    Column("source_text", Text, nullable=False),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("cue", Text, nullable=False),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("parent", ITEM_ID),
    Column("sentence", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("polarity", String(16), nullable=False, server_default="positive"),  # 0010
    Column("proposition", Text, nullable=False, server_default=""),  # 0010
    PrimaryKeyConstraint("doc_id", "id"),
    Index(None, "stance"),
    Index(None, "kind"),
    Index(None, "source_name"),
)

events = Table(
    "events",
    metadata,
    _doc_fk(),
    Column("id", ITEM_ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("mode", String(32)),
    Column("context", JSON, nullable=False),  # [str, ...]
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("trigger_text", Text, nullable=False),
    Column("claim", ITEM_ID),
    Column("actors", JSON, nullable=False),  # [{text, entity, country, sector}, ...]
    Column("targets", JSON, nullable=False),
    Column("negated", Boolean, nullable=False),
    Column("hypothetical", Boolean, nullable=False),
    Column("place", Integer),  # places.geonames_id
    Column("date", String(64)),  # ISO value of a TimeRef
    Column("proposed", String(32)),  # the event type a REQUEST/AGREE/THREATEN/REJECT is about
    Column("status", String(16), nullable=False, server_default="asserted"),  # 0010
    Column("reported_by", Text, nullable=False, server_default=""),  # 0010
    PrimaryKeyConstraint("doc_id", "id"),
    Index(None, "type"),
    Index(None, "status"),
    Index(None, "doc_id", "claim"),
)

places = Table(
    "places",
    metadata,
    _doc_fk(),
    Column("geonames_id", Integer, nullable=False, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("feature_class", String(8), nullable=False),
    Column("feature_code", String(16), nullable=False),
    Column("country", String(16)),
    Column("admin1", Text),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("mentions", JSON, nullable=False),  # [{start, end, text, kind}, ...]
    PrimaryKeyConstraint("doc_id", "geonames_id"),
    Index(None, "geonames_id"),
    Index(None, "country"),
)

timerefs = Table(
    "timerefs",
    metadata,
    _doc_fk(),
    Column("idx", Integer, nullable=False, autoincrement=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", String(64)),
    Column("granularity", String(16), nullable=False),
    Column("anchor", String(32)),
    PrimaryKeyConstraint("doc_id", "idx"),
    Index(None, "value"),
)

event_actors = Table(  # added in 0004: one row per coded actor or target, for filtering
    "event_actors",
    metadata,
    _doc_fk(),
    Column("event_id", ITEM_ID, nullable=False),
    Column("role", String(8), nullable=False),  # "actor" or "target"
    Column("seq", Integer, nullable=False),
    Column("country", String(8)),
    Column("sector", String(8)),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("doc_id", "event_id", "role", "seq"),
    Index(None, "country", "sector"),
)

place_mentions = Table(  # added in 0006: one row per mention of a place, to join with claim spans
    "place_mentions",
    metadata,
    _doc_fk(),
    Column("geonames_id", Integer, nullable=False, autoincrement=False),
    Column("seq", Integer, nullable=False),  # the mention's index in Place.mentions
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    PrimaryKeyConstraint("doc_id", "geonames_id", "seq"),  # also serves lookups by doc_id
    Index(None, "geonames_id"),
)

toponyms = Table(  # added in 0007: every reference to a place (map place, demonym, embedded, unresolved)
    "toponyms",
    metadata,
    _doc_fk(),
    Column("seq", Integer, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("geonames_id", Integer),
    Column("within_id", Integer),  # an unresolved name's likely surrounding place
    PrimaryKeyConstraint("doc_id", "seq"),
    Index(None, "geonames_id"),
)

story_members = Table(  # added in 0008: each document's story (its group of near-duplicates)
    "story_members",
    metadata,
    _doc_fk(),
    Column("story_id", DOC_ID, nullable=False),  # the earliest member's doc id; no FK, as the
    # story keeps its id while that member is re-saved (deleted and inserted again)
    Column("seq", Integer, nullable=False),  # order of addition across the store
    Column("similarity", Float, nullable=False),  # estimated Jaccard to the story's first member
    PrimaryKeyConstraint("doc_id"),
    Index(None, "story_id"),
    Index(None, "seq"),
)

story_signatures = Table(  # added in 0008: MinHash signatures, so no process re-reads texts
    "story_signatures",
    metadata,
    _doc_fk(),
    Column("scheme", String(32), nullable=False),  # stories.StorySettings.scheme
    Column("shingles", Integer, nullable=False),
    Column("signature", LargeBinary),  # little-endian uint64 hash values; NULL: too short
    PrimaryKeyConstraint("doc_id"),
)

thread_members = Table(  # added in 0009: each stored claim's thread (claims about one proposition)
    "thread_members",
    metadata,
    _doc_fk(),
    Column("claim_id", ITEM_ID, nullable=False),
    Column("thread_id", String(128), nullable=False),  # "doc_id:claim_id" of its earliest claim;
    # no FK, as the thread keeps its id while that claim's document is re-saved
    Column("seq", Integer, nullable=False),  # order of addition across the store
    PrimaryKeyConstraint("doc_id", "claim_id"),
    Index(None, "thread_id"),
    Index(None, "seq"),
)

thread_aliases = Table(  # added in 0010: a thread merged into another resolves to it
    "thread_aliases",
    metadata,
    Column("old_id", String(128), nullable=False),
    Column("thread_id", String(128), nullable=False),
    PrimaryKeyConstraint("old_id"),
)

claim_vectors = Table(  # added in 0009: what the thread index needs to replay a claim unembedded
    "claim_vectors",
    metadata,
    _doc_fk(),
    Column("claim_id", ITEM_ID, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # little-endian float32 sentence embedding
    Column("blocking_keys", JSON, nullable=False),  # the claim's blocking keys, sorted
    PrimaryKeyConstraint("doc_id", "claim_id"),
)

store_state = Table(  # added in 0012: store-wide counters, one row each
    "store_state",
    metadata,
    Column("name", String(32), nullable=False),  # "thread_seq": highest thread seq assigned
    Column("value", BigInteger, nullable=False),
    PrimaryKeyConstraint("name"),
)

THREAD_TABLES: tuple[Table, ...] = (thread_members, claim_vectors)  # written by the thread
# index, not loaded with a Document

STORY_TABLES: tuple[Table, ...] = (story_members, story_signatures)  # written by the story
# index, not loaded with a Document

CHILD_TABLES: tuple[Table, ...] = (
    entities, claims, events, event_actors, places, place_mentions, toponyms, timerefs
)
