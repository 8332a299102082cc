"""The Store: save processed Documents and query their claims, events and places.

One class over one SQLAlchemy Core engine, SQLite by default and PostgreSQL-compatible. A
document is saved in one transaction that first deletes whatever an earlier run stored under
the same id, so re-processing an article replaces its records atomically and a failure
mid-way leaves the previous records as they were. All user values reach SQL as bound
parameters of Core expressions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
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
from claimtrack.store.engine import WRITE, migrate, open_engine, safe_url
from claimtrack.store.rows import (
    document_rows,
    load_document,
    load_signature,
    story_member_row,
    story_signature_row,
)
from claimtrack.store.schema import (
    CHILD_TABLES,
    STORY_TABLES,
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
    timerefs,
)
from claimtrack.stories import DEFAULT_SETTINGS, Assignment, Member, StoryIndex, StorySettings

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


class Store:
    """Where processed articles live between runs; the CLI, API and web app all read it."""

    story_settings: StorySettings = DEFAULT_SETTINGS

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self._story_index: StoryIndex | None = None  # built at the first save (see save)
        self._story_seq = -1  # the highest stored story_members.seq the index has seen
        engine = None
        try:
            engine = open_engine(self.url)
            migrate(engine)
        except (SQLAlchemyError, CommandError, ImportError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            raise StoreError(f"cannot open the store at {safe_url(self.url)}: {exc}") from exc
        self.engine = engine

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles)."""
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
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                index = self._stories_in_sync(conn)
                for table in (*CHILD_TABLES, *STORY_TABLES):  # not relying on ON DELETE CASCADE
                    conn.execute(delete(table).where(table.c.doc_id == doc.id))
                conn.execute(delete(documents).where(documents.c.id == doc.id))
                for table, table_rows in rows.items():
                    if table_rows:
                        conn.execute(insert(table), table_rows)
                assignment = index.assign_text(doc.id, doc.text, doc.published, doc.outlet)
                self._write_assignment(conn, assignment)
        except SQLAlchemyError as exc:
            self._story_index = None  # it may hold what was rolled back: rebuild it next time
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"{doc.name}: could not save document {doc.id}: {reason}") from exc
        except BaseException:
            self._story_index = None
            raise

    def _stories_in_sync(self, conn: Connection) -> StoryIndex:
        """The story index holding every membership stored so far, by any process.

        The first call builds it by replaying the stored signatures in added order (texts are
        read only for signatures missing or computed another way); later calls replay the
        rows added since, e.g. by another process. The first call also rewrites stored rows
        the replay disagrees with (after a change of settings) and assigns the documents
        stored before stories existed, oldest first. Runs inside the caller's write
        transaction, so on SQLite no other writer can add a story member meanwhile; on
        PostgreSQL two processes saving copies of one article at the same moment may each
        miss the other's (they would need a lock on story_members, not taken here)."""
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
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings()
            doc_row = row.first()
            if doc_row is None:
                return None
            children = {}
            for table in CHILD_TABLES:
                order = table.c.idx if table is timerefs else table.c.seq
                stmt = select(table).where(table.c.doc_id == doc_id).order_by(order)
                children[table.name] = conn.execute(stmt).mappings().all()
        return load_document(doc_row, children)

    def latest(self) -> Document | None:
        """The most recently processed document, e.g. for ``claimtrack show`` with no id."""
        stmt = select(documents.c.id).order_by(
            documents.c.processed_at.desc(), documents.c.id
        ).limit(1)
        with self._read() as conn:
            doc_id = conn.execute(stmt).scalar()
        return self.get(doc_id) if doc_id else None

    def documents(self, limit: int | None = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Summaries of stored documents, most recently processed first, with record counts."""

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
        ).order_by(documents.c.processed_at.desc(), documents.c.id)
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
    ) -> list[dict[str, Any]]:
        """Claims across documents, newest articles first, filtered by who, how and when."""
        where = _published_between(date_from, date_to)
        if source:
            where.append(_source_matches(source))
        if _choice("stance", stance, STANCES):
            where.append(claims.c.stance == stance)
        if _choice("kind", kind, CLAIM_KINDS):
            where.append(claims.c.kind == kind)
        if doc_id is not None:
            where.append(claims.c.doc_id == self._doc_filter(doc_id))
        stmt = (
            select(*(c for c in claims.c if c.name != "seq"), *_DOC_COLUMNS)
            .join_from(claims, documents, claims.c.doc_id == documents.c.id)
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), claims.c.doc_id, claims.c.seq)
        )
        with self._read() as conn:
            rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
        return [{**row, "published": _iso(row["published"])} for row in rows]

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
    ) -> list[dict[str, Any]]:
        """Events with the source and stance of the claim reporting them, and their place;
        filtered also by the coded country and sector of an actor or target ("RUS MIL") and
        by who reports the kind of event with which stance (``reported_by``, see
        :func:`_reported_by`)."""
        where = _published_between(date_from, date_to)
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
                *_DOC_COLUMNS,
            )
            .select_from(joined)
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), events.c.doc_id, events.c.seq)
        )
        with self._read() as conn:
            rows = conn.execute(_paged(stmt, limit, offset)).mappings().all()
        return [{**row, "published": _iso(row["published"])} for row in rows]

    def places(
        self,
        name: str | None = None,
        country: str | None = None,
        doc_id: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[dict[str, Any]]:
        """Places aggregated over documents: how many articles and mentions name each one, how
        many events happen there and how many claims name it, counted in the matching
        documents only (so --from/--to/--doc narrow the counts as well as the list)."""
        where = _published_between(date_from, date_to)
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

    def _doc_filter(self, doc_ref: str) -> str:
        """A doc_id filter accepts a prefix too; an unknown one matches nothing."""
        return self.resolve(doc_ref) or doc_ref
