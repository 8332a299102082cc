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
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.model import CLAIM_KINDS, STANCES, Document
from claimtrack.settings import default_database_url
from claimtrack.store.engine import WRITE, migrate, open_engine, safe_url
from claimtrack.store.rows import document_rows, load_document
from claimtrack.store.schema import (
    CHILD_TABLES,
    claims,
    documents,
    entities,
    event_actors,
    events,
    metadata,
    place_mentions,
    places,
    timerefs,
)

MIN_PREFIX = 4  # shortest document-id prefix accepted by get()
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


class Store:
    """Where processed articles live between runs; the CLI, API and web app all read it."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
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
        """Store ``doc``, replacing any earlier records of the same article, all or nothing."""
        if not doc.id:
            raise StoreError(f"{doc.name}: document has no id; it was not extracted")
        rows = document_rows(doc, datetime.now(UTC).replace(tzinfo=None))
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                for table in CHILD_TABLES:  # explicit, not relying on ON DELETE CASCADE
                    conn.execute(delete(table).where(table.c.doc_id == doc.id))
                conn.execute(delete(documents).where(documents.c.id == doc.id))
                for table, table_rows in rows.items():
                    if table_rows:
                        conn.execute(insert(table), table_rows)
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"{doc.name}: could not save document {doc.id}: {reason}") from exc

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

    def _doc_filter(self, doc_ref: str) -> str:
        """A doc_id filter accepts a prefix too; an unknown one matches nothing."""
        return self.resolve(doc_ref) or doc_ref
