"""The Store: save processed Documents and query their claims, events and places.

One class over one SQLAlchemy Core engine, SQLite by default and PostgreSQL-compatible. A
document is saved in one transaction that first deletes whatever an earlier run stored under
the same id, so re-processing an article replaces its records atomically and a failure
mid-way leaves the previous records as they were. All user values reach SQL as bound
parameters of Core expressions.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.model import CLAIM_KINDS, STANCES, Document
from claimtrack.settings import default_database_url
from claimtrack.store.bulk import SAVE_BATCH, RowWriter, batches, insert_rows, write_rows
from claimtrack.store.engine import WRITE, migrate, open_engine, safe_url
from claimtrack.store.rows import (
    as_vector,
    document_rows,
    load_document,
    load_signature,
    load_thread_claim,
    story_member_row,
    story_signature_row,
    thread_rows,
)
from claimtrack.store.schema import (
    CHILD_TABLES,
    STORY_TABLES,
    THREAD_TABLES,
    claim_vectors,
    claims,
    documents,
    entities,
    event_actors,
    events,
    metadata,
    place_mentions,
    places,
    story_members,
    story_signatures,
    thread_members,
    timerefs,
)
from claimtrack.stories import DEFAULT_SETTINGS, Assignment, Member, StoryIndex, StorySettings
from claimtrack.threads import (
    Embedder,
    Thread,
    ThreadClaim,
    ThreadIndex,
    claims_of,
    default_embedder,
)

MIN_PREFIX = 4  # shortest document-id prefix accepted by get()
TITLE_FALLBACK_CHARS = 120  # a story of untitled articles is shown by its opening
_DOC_COLUMNS = (documents.c.title, documents.c.outlet, documents.c.url, documents.c.published)


def _iso(value: date | datetime | None) -> str | None:
    """A date, or a naive-UTC datetime, as ISO 8601 text for JSON-ready results."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat()
    return value.isoformat() if value else None


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """Reject a misspelt filter value loudly instead of silently matching nothing."""
    if value is not None and value not in allowed:
        raise StoreError(f"unknown {name} {value!r}; expected one of: {', '.join(allowed)}")
    return value


def _paged(stmt: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    """Apply LIMIT/OFFSET; ``limit=None`` means every matching row."""
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt.offset(offset) if offset else stmt


def _published_between(date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """Inclusive bounds on the article's publication date (undated articles never match)."""
    conditions = []
    if date_from is not None:
        conditions.append(documents.c.published >= date_from)
    if date_to is not None:
        conditions.append(documents.c.published <= date_to)
    return conditions


def _has_party(role: str, country: str | None, sector: str | None) -> ColumnElement[bool]:
    """An event with an actor (or target) coded with this country and/or sector."""
    conditions = [event_actors.c.doc_id == events.c.doc_id,
                  event_actors.c.event_id == events.c.id, event_actors.c.role == role]
    if country:
        conditions.append(event_actors.c.country == country.upper())
    if sector:
        conditions.append(event_actors.c.sector == sector.upper())
    return exists().where(*conditions)


def _reported_by(specs: list[tuple[str, str | None, str | None]]) -> ColumnElement[bool]:
    """Events whose article reports an event of the same type with each (stance, country,
    sector) of ``specs``: ("assert", "UKR", "GOV") and ("deny", "RUS", "GOV") find the kinds
    of event Ukraine's government asserts and Russia's denies in one article. Linking the same
    proposition across articles is the job of claim threads, not of this filter."""
    conditions = []
    for stance, country, sector in specs:
        other, claim, source = events.alias(), claims.alias(), entities.alias()
        where = [other.c.doc_id == events.c.doc_id, other.c.type == events.c.type,
                 claim.c.doc_id == other.c.doc_id, claim.c.id == other.c.claim,
                 claim.c.stance == stance,
                 source.c.doc_id == claim.c.doc_id, source.c.id == claim.c.source_entity]
        if country:
            where.append(source.c.country == country.upper())
        if sector:
            where.append(source.c.sector == sector.upper())
        conditions.append(exists().where(*where))
    return and_(*conditions)


def _source_matches(source: str) -> ColumnElement[bool]:
    """Case-insensitive substring of the canonical source name or the source as written."""
    return or_(
        claims.c.source_name.icontains(source, autoescape=True),
        claims.c.source_text.icontains(source, autoescape=True),
    )


BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat), WGS84 degrees


def _within(bbox: BBox) -> ColumnElement[bool]:
    """A place inside the box; a box whose min_lon exceeds its max_lon crosses the
    antimeridian (GeoJSON's RFC 7946 convention), e.g. (170, -20, -170, 0) around Fiji."""
    min_lon, min_lat, max_lon, max_lat = bbox
    lon_ok = (places.c.lon.between(min_lon, max_lon) if min_lon <= max_lon
              else or_(places.c.lon >= min_lon, places.c.lon <= max_lon))
    return and_(places.c.lat.between(min_lat, max_lat), lon_ok)


def _outlet_matches(outlet: str) -> ColumnElement[bool]:
    """Case-insensitive substring of the document's outlet ("moscow times")."""
    return documents.c.outlet.icontains(outlet, autoescape=True)


Position = tuple[str | None, str, str]  # (published ISO date or None, doc_id, item id)


def _after_processed(after: tuple[str, str]) -> ColumnElement[bool]:
    """Documents listed after the one at ``after`` = (processed_at ISO, id) in the order
    processed_at descending, id: keyset paging, which rows added meanwhile do not shift."""
    at, doc_id = after
    try:
        when = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        raise StoreError(f"bad position {at!r}: expected an ISO date and time") from None
    if when.tzinfo is not None:  # stored naive UTC
        when = when.astimezone(UTC).replace(tzinfo=None)
    return or_(documents.c.processed_at < when,
               and_(documents.c.processed_at == when, documents.c.id > doc_id))


def _after_published(table: Any, after: Position) -> ColumnElement[bool]:
    """Rows of ``table`` (claims or events) listed after the one at ``after`` = (published,
    doc_id, id) in the order published descending (undated last), doc_id, seq."""
    published, doc_id, item_id = after
    other = table.alias()
    seq = (select(other.c.seq).where(other.c.doc_id == doc_id, other.c.id == item_id)
           .scalar_subquery())
    later = or_(table.c.doc_id > doc_id, and_(table.c.doc_id == doc_id, table.c.seq > seq))
    if published is None:
        return and_(documents.c.published.is_(None), later)
    try:
        day = date.fromisoformat(published)
    except (TypeError, ValueError):
        raise StoreError(f"bad position {published!r}: expected an ISO date") from None
    return or_(documents.c.published < day, documents.c.published.is_(None),
               and_(documents.c.published == day, later))


def _keyset_alone(after: object, per_story: bool) -> None:
    if after is not None and per_story:
        raise StoreError("a position (after) cannot page a per-story listing: use offset")


def _events_per_place() -> Subquery:
    """Events per (doc_id, geonames_id) of their place: at most one row per places row, so
    joining it to places multiplies nothing and a SUM gives the count over the documents."""
    return (
        select(events.c.doc_id, events.c.place.label("geonames_id"), func.count().label("n"))
        .where(events.c.place.is_not(None))
        .group_by(events.c.doc_id, events.c.place)
        .subquery("place_events")
    )


def _claims_per_place() -> Subquery:
    """Claims per (doc_id, geonames_id) whose content span contains a mention of the place,
    each claim counted once however often it names the place (claim ids are unique per doc)."""
    mention = place_mentions
    contains = and_(
        mention.c.doc_id == claims.c.doc_id,
        mention.c.start_offset >= claims.c.content_start,
        mention.c.end_offset <= claims.c.content_end,
    )
    return (
        select(
            claims.c.doc_id,
            mention.c.geonames_id,
            func.count(claims.c.id.distinct()).label("n"),
        )
        .join_from(claims, mention, contains)
        .group_by(claims.c.doc_id, mention.c.geonames_id)
        .subquery("place_claims")
    )


def _per_place(counts: Subquery) -> tuple[Any, ColumnElement[bool]]:
    """A per-document count summed over a place's documents, and its LEFT JOIN condition."""
    on = and_(counts.c.doc_id == places.c.doc_id, counts.c.geonames_id == places.c.geonames_id)
    return func.coalesce(func.sum(counts.c.n), 0), on


def _story_replay(after_seq: int) -> Select[Any]:
    """Stored memberships added after ``after_seq``, in added order, with their signatures."""
    joined = (
        story_members.join(documents, story_members.c.doc_id == documents.c.id)
        .outerjoin(story_signatures, story_signatures.c.doc_id == story_members.c.doc_id)
    )
    return (
        select(story_members.c.doc_id, story_members.c.seq, story_members.c.story_id,
               story_members.c.similarity, story_signatures.c.scheme,
               story_signatures.c.shingles, story_signatures.c.signature,
               documents.c.outlet, documents.c.published)
        .select_from(joined)
        .where(story_members.c.seq > after_seq)
        .order_by(story_members.c.seq, story_members.c.doc_id)
    )


def _update_members(conn: Connection, members: list[Member]) -> None:
    """Write the story and similarity of members an addition moved to another story."""
    if not members:
        return
    stmt = (
        update(story_members)
        .where(story_members.c.doc_id == bindparam("member_id"))
        .values(story_id=bindparam("new_story"), similarity=bindparam("new_similarity"))
    )
    conn.execute(stmt, [{"member_id": m.doc_id, "new_story": m.story_id,
                         "new_similarity": m.similarity} for m in members])


def _story_summaries(conn: Connection, story_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title (the first member's, else its opening) and outlets of each story."""
    head = select(documents.c.id, documents.c.title,
                  func.substr(documents.c.text, 1, TITLE_FALLBACK_CHARS).label("opening"))
    titles = {
        row.id: row.title or " ".join(row.opening.split())
        for row in conn.execute(head.where(documents.c.id.in_(story_ids)))
    }
    outlets: dict[str, list[str]] = {story_id: [] for story_id in story_ids}
    stmt = (
        select(story_members.c.story_id, documents.c.outlet).distinct()
        .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
        .where(story_members.c.story_id.in_(story_ids), documents.c.outlet.is_not(None))
        .order_by(story_members.c.story_id, documents.c.outlet)
    )
    for row in conn.execute(stmt):
        outlets[row.story_id].append(row.outlet)
    return {sid: {"title": titles.get(sid), "outlets": outlets[sid]} for sid in story_ids}


def _thread_members_joined() -> Any:
    """Thread members with their claim, document and (if any) source entity."""
    on_claim = and_(claims.c.doc_id == thread_members.c.doc_id,
                    claims.c.id == thread_members.c.claim_id)
    on_source = and_(entities.c.doc_id == claims.c.doc_id,
                     entities.c.id == claims.c.source_entity)
    return (thread_members.join(claims, on_claim)
            .join(documents, documents.c.id == thread_members.c.doc_id)
            .outerjoin(entities, on_source))


_MEMBER_COLUMNS = (
    thread_members.c.doc_id, thread_members.c.claim_id, thread_members.c.thread_id,
    thread_members.c.seq, claims.c.content_text, claims.c.stance, claims.c.source_name,
    entities.c.country.label("source_country"), entities.c.sector.label("source_sector"),
    documents.c.outlet, documents.c.published,
)


def _thread_replay(after_seq: int) -> Select[Any]:
    """Stored thread members added after ``after_seq``, in added order, with their vectors."""
    on_vector = and_(claim_vectors.c.doc_id == thread_members.c.doc_id,
                     claim_vectors.c.claim_id == thread_members.c.claim_id)
    return (
        select(*_MEMBER_COLUMNS, claim_vectors.c.vector, claim_vectors.c.blocking_keys)
        .select_from(_thread_members_joined().join(claim_vectors, on_vector))
        .where(thread_members.c.seq > after_seq)
        .order_by(thread_members.c.seq, thread_members.c.doc_id, thread_members.c.claim_id)
    )


def _update_thread_ids(conn: Connection, changes: list[tuple[str, str, str]]) -> None:
    """Write the thread of (doc_id, claim_id, thread_id) members the replay disagrees on."""
    if not changes:
        return
    stmt = (
        update(thread_members)
        .where(thread_members.c.doc_id == bindparam("member_doc"),
               thread_members.c.claim_id == bindparam("member_claim"))
        .values(thread_id=bindparam("new_thread"))
    )
    conn.execute(stmt, [{"member_doc": d, "member_claim": c, "new_thread": t}
                        for d, c, t in changes])


def load_document_in(conn: Connection, doc_id: str) -> Document | None:
    """A stored Document read on ``conn`` (e.g. inside a write transaction)."""
    doc_row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
    if doc_row is None:
        return None
    children = {}
    for table in CHILD_TABLES:
        order = table.c.idx if table is timerefs else table.c.seq
        stmt = select(table).where(table.c.doc_id == doc_id).order_by(order)
        children[table.name] = conn.execute(stmt).mappings().all()
    return load_document(doc_row, children)


def _member_claim(row: Any) -> ThreadClaim:
    """A listed thread member (no keys: they matter only for linking)."""
    return ThreadClaim(doc_id=row["doc_id"], claim_id=row["claim_id"], text=row["content_text"],
                       stance=row["stance"], source=row["source_name"],
                       source_codes=(row["source_country"], row["source_sector"]),
                       outlet=row["outlet"], published=row["published"])


def _side_order(stance: str) -> tuple[int, str]:
    """Asserting first, then denying, then the other stances in the model's order."""
    first = {"assert": 0, "deny": 1}
    return (first.get(stance, 2 + (STANCES.index(stance) if stance in STANCES else 99)), stance)


def _thread_summary(thread_id: str, members: list[ThreadClaim]) -> dict[str, Any]:
    """What a listing shows of a thread: size, dates, stance counts, each side's sources and
    the earliest claim's text."""
    thread = Thread(thread_id, members)
    sides = thread.sides()
    dates = sorted(c.published for c in members if c.published)
    earliest = min(enumerate(members), key=lambda ic: (ic[1].published is None,
                                                        ic[1].published or date.min, ic[0]))[1]
    return {
        "thread_id": thread_id, "size": len(members), "contested": thread.contested,
        "first_published": _iso(dates[0]) if dates else None,
        "last_published": _iso(dates[-1]) if dates else None,
        "stances": {s: len(sides[s]) for s in sorted(sides, key=_side_order)},
        "asserting": sorted({c.source for c in sides.get("assert", [])}),
        "denying": sorted({c.source for c in sides.get("deny", [])}),
        "text": earliest.text,
    }


def _actor_matches(members: list[ThreadClaim], actor: str) -> bool:
    """A source name contains ``actor`` (any case), or a source is coded with it ("RUS")."""
    needle, code = actor.lower(), actor.strip().upper()
    return any(needle in c.source.lower() or code in {x for x in c.source_codes if x}
               for c in members)


def _dated_between(members: list[ThreadClaim], date_from: date | None,
                   date_to: date | None) -> bool:
    """Some claim of the thread was published within the inclusive bounds."""
    return any(c.published is not None
               and (date_from is None or c.published >= date_from)
               and (date_to is None or c.published <= date_to) for c in members)


def _threads_naming(place: str, thread_ids: Any) -> Select[Any]:
    """Ids (of ``thread_ids``) of threads with a claim whose content mentions a place whose
    name contains ``place``."""
    on_claim = and_(claims.c.doc_id == thread_members.c.doc_id,
                    claims.c.id == thread_members.c.claim_id)
    contains = and_(place_mentions.c.doc_id == claims.c.doc_id,
                    place_mentions.c.start_offset >= claims.c.content_start,
                    place_mentions.c.end_offset <= claims.c.content_end)
    on_place = and_(places.c.doc_id == place_mentions.c.doc_id,
                    places.c.geonames_id == place_mentions.c.geonames_id)
    joined = (thread_members.join(claims, on_claim).join(place_mentions, contains)
              .join(places, on_place))
    return (select(thread_members.c.thread_id).distinct().select_from(joined)
            .where(thread_members.c.thread_id.in_(thread_ids),
                   places.c.name.icontains(place, autoescape=True)))


def _event_identity(row: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two event rows of one story copies: type, mode, actor and target codes,
    source and stance."""
    def party(actors: Any) -> tuple[tuple[Any, Any], ...]:
        return tuple(sorted((a.get("country"), a.get("sector")) for a in actors or []))

    return (row["type"], row["mode"], party(row["actors"]), party(row["targets"]),
            (row.get("source_name") or "").lower(), row.get("stance"))


def _once_per_story(rows: list[dict[str, Any]], identity: Any = _event_identity,
                    ) -> list[dict[str, Any]]:
    """One row per item per story: rows of one story with the same ``identity`` are copies;
    the earliest published is kept, with the number of copies and the outlets."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    order = sorted(rows, key=lambda r: (r["published"] or "9999", r["doc_id"]))
    for row in order:
        key = (row.get("story_id") or row["doc_id"], *identity(row))
        if key in kept:
            first = kept[key]
            first["copies"] += 1
            if row.get("outlet") and row["outlet"] not in first["outlets"]:
                first["outlets"].append(row["outlet"])
        else:
            kept[key] = {**row, "copies": 1, "outlets": [row["outlet"]] if row.get("outlet") else []}
    newest_first = sorted(kept.values(), key=lambda r: (r["published"] or "", r["doc_id"]),
                          reverse=True)
    return newest_first


class Store:
    """Where processed articles live between runs; the CLI, API and web app all read it."""

    story_settings: StorySettings = DEFAULT_SETTINGS
    thread_embedder: Embedder | None = None  # None: wordllama, loaded at the first claim

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self._story_index: StoryIndex | None = None  # built at the first save (see save)
        self._story_seq = -1  # the highest stored story_members.seq the index has seen
        self._thread_index: ThreadIndex | None = None  # built at the first save, like stories
        self._thread_seq = -1  # the highest stored thread_members.seq the index has seen
        self._thread_pos: dict[str, int] = {}  # "doc_id:claim_id" -> position in the index
        engine = None
        try:
            engine = open_engine(self.url)
            migrate(engine)
        except (SQLAlchemyError, CommandError, ImportError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            raise StoreError(f"cannot open the store at {safe_url(self.url)}: {exc}") from exc
        self.engine = engine
        # a Store dropped without close() (a CLI command, a script) still closes its pooled
        # connections; psycopg warns about, and the server keeps, connections left to the GC
        self._closer = weakref.finalize(self, engine.dispose)

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles); the Store stays usable."""
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot); driver errors become StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"query failed on {safe_url(self.url)}: {exc}") from exc

    # -- writing -------------------------------------------------------------------------

    def save(self, doc: Document) -> None:
        """Store ``doc``, replacing any earlier records of the same article, all or nothing,
        and assign it to its story (a new one, or that of the near-duplicates stored before)."""
        if not doc.id:
            raise StoreError(f"{doc.name}: document has no id; it was not extracted")
        rows = document_rows(doc, datetime.now(UTC).replace(tzinfo=None))
        thread_claims = claims_of(doc)
        vectors = self._embed(thread_claims)  # outside the write transaction: it takes time
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                index = self._stories_in_sync(conn)
                resaved = conn.execute(select(thread_members.c.doc_id)
                                       .where(thread_members.c.doc_id == doc.id)
                                       .limit(1)).first() is not None
                for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
                    # not relying on ON DELETE CASCADE
                    conn.execute(delete(table).where(table.c.doc_id == doc.id))
                conn.execute(delete(documents).where(documents.c.id == doc.id))
                for table, table_rows in rows.items():
                    if table_rows:
                        conn.execute(insert(table), table_rows)
                assignment = index.assign_text(doc.id, doc.text, doc.published, doc.outlet)
                self._write_assignment(conn, assignment)
                threads = self._threads_in_sync(conn, rebuild=resaved, saving=(doc.id,))
                self._add_thread_claims(conn, threads, thread_claims, vectors)
        except SQLAlchemyError as exc:
            self._story_index = None  # it may hold what was rolled back: rebuild it next time
            self._thread_index = None
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"{doc.name}: could not save document {doc.id}: {reason}") from exc
        except BaseException:
            self._story_index = None
            self._thread_index = None
            raise

    def save_many(self, docs: Iterable[Document], batch_size: int = SAVE_BATCH) -> int:
        """Store many processed documents, ``batch_size`` per transaction, and return how many.

        Each batch is all or nothing, replaces earlier records of its articles, and gets the
        stories and threads that saving its documents one by one in the given order would
        give. On PostgreSQL the rows go in with COPY (store/bulk.py); SQLite takes the same
        path with executemany INSERTs, where one commit per batch rather than per document
        is what saves time, and one code path means the batching is tested on both engines.
        A failed batch raises StoreError naming it, after the batches before it committed:
        saving is idempotent, so a rerun of the same input resumes."""
        count = 0
        for batch in batches(docs, batch_size):
            self._save_batch(batch)
            count += len(batch)
        return count

    def _save_batch(self, batch: list[Document]) -> None:
        """One save_many transaction: delete, COPY the rows, then stories and threads."""
        now = datetime.now(UTC).replace(tzinfo=None)
        rows: dict[Any, list[dict[str, Any]]] = {}
        for i, doc in enumerate(batch):  # a microsecond apart: latest() and the replays go
            # by processed_at, and must see the batch in its order, as after save()
            for table, table_rows in document_rows(doc, now + timedelta(microseconds=i)).items():
                rows.setdefault(table, []).extend(table_rows)
        thread_claims = [claim for doc in batch for claim in claims_of(doc)]
        vectors = self._embed(thread_claims)
        ids = [doc.id for doc in batch]
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                index = self._stories_in_sync(conn)
                resaved = conn.execute(select(thread_members.c.doc_id)
                                       .where(thread_members.c.doc_id.in_(ids))
                                       .limit(1)).first() is not None
                for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
                    conn.execute(delete(table).where(table.c.doc_id.in_(ids)))
                conn.execute(delete(documents).where(documents.c.id.in_(ids)))
                for table, table_rows in rows.items():
                    write_rows(conn, table, table_rows)
                self._write_assignments(conn, index, batch)
                threads = self._threads_in_sync(conn, rebuild=resaved, saving=set(ids))
                self._add_thread_claims(conn, threads, thread_claims, vectors, write_rows)
        except SQLAlchemyError as exc:
            self._story_index = None
            self._thread_index = None
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"could not save the batch of {len(batch)} documents from "
                             f"{batch[0].name} to {batch[-1].name}: {reason}") from exc
        except BaseException:
            self._story_index = None
            self._thread_index = None
            raise

    def _write_assignments(self, conn: Connection, index: StoryIndex,
                           batch: list[Document]) -> None:
        """Assign a batch to stories in order and write each member's final state: the
        batch's own rows with COPY, earlier members that moved with UPDATE."""
        touched: dict[str, Member] = {}
        for doc in batch:
            assignment = index.assign_text(doc.id, doc.text, doc.published, doc.outlet)
            for member in (assignment.member, *assignment.moved):
                touched[member.doc_id] = member  # Members are the index's, kept up to date
            self._story_seq = max(self._story_seq, assignment.member.seq)
        ours = [touched.pop(doc.id) for doc in batch]
        write_rows(conn, story_members, [story_member_row(m) for m in ours])
        write_rows(conn, story_signatures, [
            story_signature_row(m.doc_id, m.signature, self.story_settings) for m in ours])
        _update_members(conn, list(touched.values()))

    def _stories_in_sync(self, conn: Connection) -> StoryIndex:
        """The story index holding every membership stored so far, by any process.

        The first call builds it by replaying the stored signatures in added order (texts are
        read only for signatures missing or computed another way); later calls replay the
        rows added since, e.g. by another process. The first call also rewrites stored rows
        the replay disagrees with (after a change of settings) and assigns the documents
        stored before stories existed, oldest first. Runs inside the caller's write
        transaction, which holds the store's write lock (SQLite's BEGIN IMMEDIATE, an advisory
        lock on PostgreSQL, see engine.py), so no other writer can add a member meanwhile."""
        first_build = self._story_index is None
        if self._story_index is None:
            self._story_index, self._story_seq = StoryIndex(self.story_settings), -1
        index = self._story_index
        stored: dict[str, tuple[str, float]] = {}
        for row in conn.execute(_story_replay(self._story_seq)).mappings().all():
            signature = load_signature(row, index.settings)
            if signature is None:
                signature = self._resign(conn, row["doc_id"], index)
            index.assign(row["doc_id"], signature, row["published"], row["outlet"],
                         seq=row["seq"])
            self._story_seq = max(self._story_seq, row["seq"])
            stored[row["doc_id"]] = (row["story_id"], row["similarity"])
        if first_build:
            _update_members(conn, [
                m for doc_id, (story_id, similarity) in stored.items()
                if (m := index.member(doc_id)) is not None
                and (m.story_id != story_id or abs(m.similarity - similarity) > 1e-9)
            ])
            self._assign_unassigned(conn, index)
        return index

    def _resign(self, conn: Connection, doc_id: str, index: StoryIndex) -> Any:
        """Sign a stored document's text again and store the signature."""
        text = conn.execute(select(documents.c.text).where(documents.c.id == doc_id)).scalar()
        signature = index.signer.sign(text or "")
        conn.execute(delete(story_signatures).where(story_signatures.c.doc_id == doc_id))
        conn.execute(insert(story_signatures),
                     [story_signature_row(doc_id, signature, index.settings)])
        return signature

    def _assign_unassigned(self, conn: Connection, index: StoryIndex) -> None:
        """Give a story to every stored document that has none (stored before 0008)."""
        missing = ~exists().where(story_members.c.doc_id == documents.c.id)
        stmt = select(documents.c.id).where(missing).order_by(documents.c.processed_at,
                                                              documents.c.id)
        for doc_id in conn.execute(stmt).scalars().all():
            row = conn.execute(
                select(documents.c.text, documents.c.published, documents.c.outlet)
                .where(documents.c.id == doc_id)).one()
            self._write_assignment(
                conn, index.assign_text(doc_id, row.text, row.published, row.outlet))

    def _write_assignment(self, conn: Connection, assignment: Assignment) -> None:
        """Store a document's membership and signature, and the members it moved."""
        member = assignment.member
        for table in STORY_TABLES:
            conn.execute(delete(table).where(table.c.doc_id == member.doc_id))
        conn.execute(insert(story_members), [story_member_row(member)])
        conn.execute(insert(story_signatures),
                     [story_signature_row(member.doc_id, member.signature, self.story_settings)])
        _update_members(conn, assignment.moved)
        self._story_seq = max(self._story_seq, member.seq)

    def _embed(self, thread_claims: list[ThreadClaim]) -> list[Any]:
        """The claims' vectors as stored; loads the embedder only when there are claims."""
        if not thread_claims:
            return []
        embedder = self.thread_embedder or default_embedder()
        return [as_vector(v) for v in embedder.embed([c.text for c in thread_claims])]

    def _threads_in_sync(self, conn: Connection, rebuild: bool = False,
                         saving: Collection[str] = ()) -> ThreadIndex:
        """The thread index holding every stored thread member, by any process.

        Like :meth:`_stories_in_sync`: the first call replays the stored vectors in added
        order (nothing is embedded again), later calls replay the rows added since. A full
        replay (the first one, or ``rebuild`` after a document's claims were deleted to be
        saved again: union-find cannot forget a claim) rewrites stored thread ids it
        disagrees with; the first one also adds the claims of documents stored before
        threads existed (except ``saving``, the documents being saved). When the stored
        members no longer match the index (another process re-saved a document), it is
        rebuilt the same way."""
        first_build = self._thread_index is None
        if first_build or rebuild:
            self._thread_index, self._thread_seq, self._thread_pos = ThreadIndex(), -1, {}
        index = self._thread_index
        assert index is not None
        stored: list[tuple[str, str, str]] = []
        for row in conn.execute(_thread_replay(self._thread_seq)).mappings().all():
            claim, vector = load_thread_claim(row)
            self._thread_pos[claim.key] = len(index.claims)
            index.add_with_vectors([claim], [vector])
            self._thread_seq = max(self._thread_seq, row["seq"])
            stored.append((row["doc_id"], row["claim_id"], row["thread_id"]))
        if first_build or rebuild:
            _update_thread_ids(conn, [
                (doc_id, claim_id, new) for doc_id, claim_id, thread_id in stored
                if (new := index.thread_id(self._thread_pos[f"{doc_id}:{claim_id}"])) != thread_id
            ])
        else:
            count = conn.execute(select(func.count()).select_from(thread_members)).scalar_one()
            if count != len(index.claims):
                return self._threads_in_sync(conn, rebuild=True, saving=saving)
        if first_build:
            self._thread_unthreaded(conn, index, saving)
        return index

    def _thread_unthreaded(self, conn: Connection, index: ThreadIndex,
                           saving: Collection[str]) -> None:
        """Add the claims of stored documents that have none in threads (stored before 0009),
        oldest processed first. Documents whose claims are all too short are read again at
        each process's first save (they leave no row to say they were seen)."""
        has_claims = exists().where(claims.c.doc_id == documents.c.id)
        missing = ~exists().where(thread_members.c.doc_id == documents.c.id)
        stmt = (select(documents.c.id).where(has_claims, missing)
                .order_by(documents.c.processed_at, documents.c.id))
        for doc_id in conn.execute(stmt).scalars().all():
            doc = load_document_in(conn, doc_id) if doc_id not in saving else None
            if doc is not None and (found := claims_of(doc)):
                self._add_thread_claims(conn, index, found, self._embed(found))

    def _add_thread_claims(self, conn: Connection, index: ThreadIndex,
                           thread_claims: list[ThreadClaim], vectors: list[Any],
                           write: RowWriter = insert_rows) -> None:
        """Link claims into threads and store them, their vectors and the threads they merged
        (``write``: how rows go in; save_many passes COPY)."""
        if not thread_claims:
            return
        start, merged = len(index.claims), []
        for i, claim in enumerate(thread_claims):
            self._thread_pos[claim.key] = start + i
        thread_ids = index.add_with_vectors(thread_claims, vectors, merged)
        members, stored = [], []
        for i, (claim, vector, thread_id) in enumerate(zip(thread_claims, vectors, thread_ids)):
            member, vector_row = thread_rows(claim, vector, thread_id, self._thread_seq + 1 + i)
            members.append(member)
            stored.append(vector_row)
        write(conn, thread_members, members)
        write(conn, claim_vectors, stored)
        self._thread_seq += len(thread_claims)
        for old in dict.fromkeys(merged):  # whole threads joined another: rename them at once
            new = index.thread_id(self._thread_pos[old])
            conn.execute(update(thread_members).where(thread_members.c.thread_id == old)
                         .values(thread_id=new))

    # -- documents -----------------------------------------------------------------------

    def resolve(self, doc_ref: str) -> str | None:
        """The full id for a full id or unique prefix; None if no document matches."""
        ref = doc_ref.strip()
        with self._read() as conn:
            if conn.execute(select(documents.c.id).where(documents.c.id == ref)).first():
                return ref
            if len(ref) < MIN_PREFIX:
                raise StoreError(
                    f"document reference {ref!r} is too short: "
                    f"give the full id or at least {MIN_PREFIX} characters of it"
                )
            # substr() rather than LIKE: case-sensitive and free of wildcards on both engines
            prefix = func.substr(documents.c.id, 1, len(ref)) == ref
            stmt = select(documents.c.id).where(prefix).order_by(documents.c.id).limit(6)
            matches = list(conn.execute(stmt).scalars())
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise StoreError(
                f"document reference {ref!r} is ambiguous: it matches {shown}; "
                "give more characters of the id"
            )
        return matches[0] if matches else None

    def get(self, doc_ref: str) -> Document | None:
        """The full Document for an id or unique id prefix, as it was saved."""
        doc_id = self.resolve(doc_ref)
        if doc_id is None:
            return None
        with self._read() as conn:
            return load_document_in(conn, doc_id)

    def latest(self) -> Document | None:
        """The most recently processed document, e.g. for ``claimtrack show`` with no id."""
        stmt = select(documents.c.id).order_by(
            documents.c.processed_at.desc(), documents.c.id
        ).limit(1)
        with self._read() as conn:
            doc_id = conn.execute(stmt).scalar()
        return self.get(doc_id) if doc_id else None

    def documents(self, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None,
                  q: str | None = None, date_from: date | None = None,
                  date_to: date | None = None,
                  after: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """Summaries of stored documents, most recently processed first, with record counts;
        ``q`` is a case-insensitive substring of the title or text; ``after`` (processed_at,
        id) of the last row listed gives the next page (see :func:`_after_processed`)."""
        where = _published_between(date_from, date_to)
        if after is not None:
            where.append(_after_processed(after))
        if outlet:
            where.append(_outlet_matches(outlet))
        if q:
            where.append(or_(documents.c.title.icontains(q, autoescape=True),
                             documents.c.text.icontains(q, autoescape=True)))

        def count_of(table: Any) -> Any:
            where = table.c.doc_id == documents.c.id
            return select(func.count()).select_from(table).where(where).scalar_subquery()

        stmt = select(
            documents.c.id,
            *_DOC_COLUMNS,
            documents.c.language,
            documents.c.input_name,
            documents.c.processed_at,
            *(count_of(t).label(t.name) for t in (entities, claims, events, places, timerefs)),
        ).where(*where).order_by(documents.c.processed_at.desc(), documents.c.id)
        with self._read() as conn:
            rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
        return [
            {**row, "published": _iso(row["published"]), "processed_at": _iso(row["processed_at"])}
            for row in rows
        ]

    def count(self, table: str) -> int:
        """Rows in one store table (by name), for status output and tests."""
        if table not in metadata.tables:
            raise StoreError(f"no table {table!r}; tables: {', '.join(sorted(metadata.tables))}")
        stmt = select(func.count()).select_from(metadata.tables[table])
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    # -- queries -------------------------------------------------------------------------

    def claims(
        self,
        source: str | None = None,
        stance: str | None = None,
        kind: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        doc_id: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        per_story: bool = False,
        outlet: str | None = None,
        q: str | None = None,
        after: Position | None = None,
    ) -> list[dict[str, Any]]:
        """Claims across documents, newest articles first, filtered by who, how and when. With
        ``per_story`` a claim's copies in the near-duplicates of one story (same source, stance
        and words) are one row, the earliest, with ``copies`` and ``outlets``. ``outlet`` and
        ``q`` (the claim's text) are case-insensitive substrings. ``after`` (published, doc_id,
        id) of the last row listed gives the next page (see :func:`_after_published`)."""
        _keyset_alone(after, per_story)
        where = _published_between(date_from, date_to)
        if after is not None:
            where.append(_after_published(claims, after))
        if outlet:
            where.append(_outlet_matches(outlet))
        if q:
            where.append(claims.c.content_text.icontains(q, autoescape=True))
        if source:
            where.append(_source_matches(source))
        if _choice("stance", stance, STANCES):
            where.append(claims.c.stance == stance)
        if _choice("kind", kind, CLAIM_KINDS):
            where.append(claims.c.kind == kind)
        if doc_id is not None:
            where.append(claims.c.doc_id == self._doc_filter(doc_id))
        stmt = (
            select(*(c for c in claims.c if c.name != "seq"), story_members.c.story_id,
                   *_DOC_COLUMNS)
            .select_from(claims.join(documents, claims.c.doc_id == documents.c.id)
                         .outerjoin(story_members, story_members.c.doc_id == claims.c.doc_id))
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), claims.c.doc_id, claims.c.seq)
        )
        with self._read() as conn:
            rows = conn.execute(stmt if per_story else _paged(stmt, limit, offset)).mappings().all()
        found = [{**row, "published": _iso(row["published"])} for row in rows]
        if not per_story:
            return found
        collapsed = _once_per_story(found, lambda r: (
            (r.get("source_name") or "").lower(), r.get("stance"),
            " ".join((r.get("content_text") or "").lower().split())))
        end = None if limit is None else offset + limit
        return collapsed[offset:end]

    def events(
        self,
        type: str | None = None,
        source: str | None = None,
        stance: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        doc_id: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        actor_country: str | None = None,
        actor_sector: str | None = None,
        target_country: str | None = None,
        target_sector: str | None = None,
        place: str | None = None,
        reported_by: list[tuple[str, str | None, str | None]] | None = None,
        per_story: bool = False,
        outlet: str | None = None,
        bbox: BBox | None = None,
        after: Position | None = None,
    ) -> list[dict[str, Any]]:
        """Events with the source and stance of the claim reporting them, and their place;
        filtered also by the coded country and sector of an actor or target ("RUS MIL") and
        by who reports the kind of event with which stance (``reported_by``, see
        :func:`_reported_by`). Each row has its document's ``story_id``. With ``per_story``
        the copies of one event in the near-duplicates of a story (same type, mode, actors,
        targets, source and stance) are one row, the earliest, with ``copies`` and the
        ``outlets`` that carried it: a wire story reprinted ten times counts once. ``outlet``
        is a substring of the outlet; ``bbox`` keeps events whose place is in the box; ``after``
        pages like :meth:`claims`."""
        _keyset_alone(after, per_story)
        where = _published_between(date_from, date_to)
        if after is not None:
            where.append(_after_published(events, after))
        if outlet:
            where.append(_outlet_matches(outlet))
        if bbox is not None:
            where.append(_within(bbox))
        if reported_by:
            for reported_stance, _country, _sector in reported_by:
                _choice("stance", reported_stance, STANCES)
            where.append(_reported_by(reported_by))
        for role, country, sector in (("actor", actor_country, actor_sector),
                                      ("target", target_country, target_sector)):
            if country or sector:
                where.append(_has_party(role, country, sector))
        if place:
            where.append(places.c.name.icontains(place, autoescape=True))
        if type:
            where.append(events.c.type.in_(sorted({type, type.upper()})))
        if source:
            where.append(_source_matches(source))
        if _choice("stance", stance, STANCES):
            where.append(claims.c.stance == stance)
        if doc_id is not None:
            where.append(events.c.doc_id == self._doc_filter(doc_id))
        same_doc = events.c.doc_id
        joined = (
            events.join(documents, same_doc == documents.c.id)
            .outerjoin(story_members, story_members.c.doc_id == same_doc)
            .outerjoin(claims, and_(claims.c.doc_id == same_doc, claims.c.id == events.c.claim))
            .outerjoin(
                places, and_(places.c.doc_id == same_doc, places.c.geonames_id == events.c.place)
            )
        )
        stmt = (
            select(
                *(c for c in events.c if c.name != "seq"),
                claims.c.source_name,
                claims.c.stance,
                claims.c.content_text.label("claim_text"),
                places.c.name.label("place_name"),
                places.c.country.label("place_country"),
                places.c.lat,
                places.c.lon,
                story_members.c.story_id,
                *_DOC_COLUMNS,
            )
            .select_from(joined)
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), events.c.doc_id, events.c.seq)
        )
        with self._read() as conn:
            if per_story:  # collapse first, then page over what is left
                rows = conn.execute(stmt).mappings().all()
            else:
                rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
        found = [{**row, "published": _iso(row["published"])} for row in rows]
        if not per_story:
            return found
        collapsed = _once_per_story(found)
        end = None if limit is None else offset + limit
        return collapsed[offset:end]

    def places(
        self,
        name: str | None = None,
        country: str | None = None,
        doc_id: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        date_from: date | None = None,
        date_to: date | None = None,
        outlet: str | None = None,
        bbox: BBox | None = None,
    ) -> list[dict[str, Any]]:
        """Places aggregated over documents: how many articles and mentions name each one, how
        many events happen there and how many claims name it, counted in the matching
        documents only (so --from/--to/--doc/outlet narrow the counts as well as the list)."""
        where = _published_between(date_from, date_to)
        if outlet:
            where.append(_outlet_matches(outlet))
        if bbox is not None:
            where.append(_within(bbox))
        if name:
            where.append(places.c.name.icontains(name, autoescape=True))
        if country:
            where.append(places.c.country == country.upper())
        if doc_id is not None:
            where.append(places.c.doc_id == self._doc_filter(doc_id))
        doc_count = func.count(places.c.doc_id).label("doc_count")
        # json_array_length() is spelt the same in SQLite (JSON1) and PostgreSQL (json type)
        mention_count = func.sum(func.json_array_length(places.c.mentions)).label("mention_count")
        place_events, place_claims = _events_per_place(), _claims_per_place()
        event_count, events_on = _per_place(place_events)
        claim_count, claims_on = _per_place(place_claims)
        joined = (
            places.join(documents, places.c.doc_id == documents.c.id)
            .outerjoin(place_events, events_on)
            .outerjoin(place_claims, claims_on)
        )
        stmt = (
            select(
                places.c.geonames_id,
                func.min(places.c.name).label("name"),
                func.min(places.c.country).label("country"),
                func.min(places.c.admin1).label("admin1"),
                func.min(places.c.feature_class).label("feature_class"),
                func.min(places.c.feature_code).label("feature_code"),
                func.min(places.c.lat).label("lat"),
                func.min(places.c.lon).label("lon"),
                mention_count,
                doc_count,
                event_count.label("event_count"),
                claim_count.label("claim_count"),
            )
            .select_from(joined)
            .where(*where)
            .group_by(places.c.geonames_id)
            .order_by(doc_count.desc(), mention_count.desc(), places.c.geonames_id)
        )
        with self._read() as conn:
            rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
        return [
            {**row, "mention_count": int(row["mention_count"] or 0),
             "event_count": int(row["event_count"]), "claim_count": int(row["claim_count"])}
            for row in rows
        ]

    def stories(self, limit: int | None = 50, offset: int = 0,
                min_size: int = 1) -> list[dict[str, Any]]:
        """Stories (groups of near-duplicate articles), biggest first, then most recent: size,
        outlets, first and last publication date, and the title of the first article."""
        size = func.count().label("size")
        last_published = func.max(documents.c.published)
        stmt = (
            select(story_members.c.story_id, size,
                   func.min(documents.c.published).label("first_published"),
                   last_published.label("last_published"))
            .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
            .group_by(story_members.c.story_id)
            .having(func.count() >= min_size)
            .order_by(size.desc(), last_published.desc().nulls_last(), story_members.c.story_id)
        )
        with self._read() as conn:
            rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
            summaries = _story_summaries(conn, [row["story_id"] for row in rows])
        return [
            {"story_id": row["story_id"], "size": row["size"],
             "title": summaries[row["story_id"]]["title"],
             "outlets": summaries[row["story_id"]]["outlets"],
             "first_published": _iso(row["first_published"]),
             "last_published": _iso(row["last_published"])}
            for row in rows
        ]

    def story(self, ref: str) -> dict[str, Any] | None:
        """The story of a document (its id, a unique prefix, or the story's id), with every
        member's outlet, date and similarity to the first member, in the order they came."""
        doc_id = self.resolve(ref)
        if doc_id is None:
            return None
        with self._read() as conn:
            story_id = conn.execute(select(story_members.c.story_id)
                                    .where(story_members.c.doc_id == doc_id)).scalar()
            if story_id is None:
                return None
            stmt = (
                select(story_members.c.doc_id, story_members.c.seq, story_members.c.similarity,
                       *_DOC_COLUMNS)
                .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
                .where(story_members.c.story_id == story_id)
                .order_by(story_members.c.seq, story_members.c.doc_id)
            )
            members = conn.execute(stmt).mappings().all()
            summary = _story_summaries(conn, [story_id])[story_id]
        dates = sorted(m["published"] for m in members if m["published"] is not None)
        return {
            "story_id": story_id, "size": len(members), **summary,
            "first_published": _iso(dates[0]) if dates else None,
            "last_published": _iso(dates[-1]) if dates else None,
            "members": [{**m, "published": _iso(m["published"])} for m in members],
        }

    def threads(
        self,
        contested_only: bool = False,
        actor: str | None = None,
        place: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int | None = 50,
        offset: int = 0,
        min_size: int = 2,
    ) -> list[dict[str, Any]]:
        """Threads (claims about one proposition, across articles), contested ones first
        (one source asserts what another denies), then by size: dates, claims per stance, the
        sources on each side and the earliest claim's text. ``actor`` matches a source name
        (substring, any case) or a source's country or sector code; ``place`` a place named in
        a claim; ``date_from``/``date_to`` keep threads with a claim published in between."""
        big = (select(thread_members.c.thread_id).group_by(thread_members.c.thread_id)
               .having(func.count() >= min_size))
        stmt = (select(*_MEMBER_COLUMNS).select_from(_thread_members_joined())
                .where(thread_members.c.thread_id.in_(big))
                .order_by(thread_members.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
            named = (set(conn.execute(_threads_naming(place, big)).scalars())
                     if place else None)
        grouped: dict[str, list[ThreadClaim]] = {}
        for row in rows:
            grouped.setdefault(row["thread_id"], []).append(_member_claim(row))
        found = []
        for thread_id, members in grouped.items():
            if named is not None and thread_id not in named:
                continue
            if actor and not _actor_matches(members, actor):
                continue
            if (date_from or date_to) and not _dated_between(members, date_from, date_to):
                continue
            summary = _thread_summary(thread_id, members)
            if contested_only and not summary["contested"]:
                continue
            found.append(summary)
        found.sort(key=lambda t: (not t["contested"], -t["size"], t["thread_id"]))
        return found[offset:] if limit is None else found[offset:offset + limit]

    def thread(self, ref: str) -> dict[str, Any] | None:
        """One thread by its id or the "doc:claim" of any of its claims (the document part may
        be a unique prefix), with its claims grouped by stance (asserting, denying, others):
        source, outlet, date, document and text of each, in the order they were stored."""
        ref = ref.strip()
        with self._read() as conn:
            thread_id = conn.execute(select(thread_members.c.thread_id)
                                     .where(thread_members.c.thread_id == ref).limit(1)).scalar()
        if thread_id is None and ":" in ref:
            doc_ref, claim_id = ref.rsplit(":", 1)
            doc_id = self.resolve(doc_ref) if doc_ref else None
            if doc_id is not None:
                with self._read() as conn:
                    thread_id = conn.execute(
                        select(thread_members.c.thread_id)
                        .where(thread_members.c.doc_id == doc_id,
                               thread_members.c.claim_id == claim_id)).scalar()
        if thread_id is None:
            return None
        stmt = (select(*_MEMBER_COLUMNS).select_from(_thread_members_joined())
                .where(thread_members.c.thread_id == thread_id)
                .order_by(thread_members.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
        members = [_member_claim(row) for row in rows]
        if not members:
            return None
        sides: dict[str, list[dict[str, Any]]] = {}
        for claim in members:
            sides.setdefault(claim.stance, []).append({
                "doc_id": claim.doc_id, "claim_id": claim.claim_id, "source": claim.source,
                "source_country": claim.source_codes[0], "source_sector": claim.source_codes[1],
                "outlet": claim.outlet, "published": _iso(claim.published), "text": claim.text})
        return {**_thread_summary(thread_id, members),
                "sides": {s: sides[s] for s in sorted(sides, key=_side_order)}}

    def _doc_filter(self, doc_ref: str) -> str:
        """A doc_id filter accepts a prefix too; an unknown one matches nothing."""
        return self.resolve(doc_ref) or doc_ref
