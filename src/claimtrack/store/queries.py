"""SQL builders and filter helpers the Store's read methods share.

Pure functions of their arguments: each returns a Core expression, a subquery or plain rows,
and none opens a connection. User values reach SQL only as bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, exists, func, or_, select

from claimtrack.errors import StoreError
from claimtrack.model import EVENT_STATUSES
from claimtrack.store.schema import (
    claims,
    documents,
    entities,
    event_actors,
    events,
    place_mentions,
    places,
)

DOC_COLUMNS = (documents.c.title, documents.c.outlet, documents.c.url, documents.c.published)


def iso(value: date | datetime | None) -> str | None:
    """A date, or a naive-UTC datetime, as ISO 8601 text for JSON-ready results."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat()
    return value.isoformat() if value else None


def choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """Reject a misspelt filter value loudly instead of silently matching nothing."""
    if value is not None and value not in allowed:
        raise StoreError(f"unknown {name} {value!r}; expected one of: {', '.join(allowed)}")
    return value


def statuses(wanted: str | Iterable[str]) -> list[str]:
    """Event statuses to keep: one name, a comma-separated list, or several; each checked."""
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    found = [part.strip().lower() for name in names for part in name.split(",") if part.strip()]
    if not found:
        raise StoreError(f"no event status given; expected one of: {', '.join(EVENT_STATUSES)}")
    for name in found:
        choice("status", name, EVENT_STATUSES)
    return sorted(set(found))


def paged(stmt: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    """Apply LIMIT/OFFSET; ``limit=None`` means every matching row."""
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt.offset(offset) if offset else stmt


def published_between(date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """Inclusive bounds on the article's publication date (undated articles never match)."""
    conditions = []
    if date_from is not None:
        conditions.append(documents.c.published >= date_from)
    if date_to is not None:
        conditions.append(documents.c.published <= date_to)
    return conditions


def has_party(role: str, country: str | None, sector: str | None) -> ColumnElement[bool]:
    """An event with an actor (or target) coded with this country and/or sector."""
    conditions = [event_actors.c.doc_id == events.c.doc_id,
                  event_actors.c.event_id == events.c.id, event_actors.c.role == role]
    if country:
        conditions.append(event_actors.c.country == country.upper())
    if sector:
        conditions.append(event_actors.c.sector == sector.upper())
    return exists().where(*conditions)


def reported_with(specs: list[tuple[str, str | None, str | None]]) -> ColumnElement[bool]:
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


def source_matches(source: str) -> ColumnElement[bool]:
    """Case-insensitive substring of the canonical source name or the source as written."""
    return or_(
        claims.c.source_name.icontains(source, autoescape=True),
        claims.c.source_text.icontains(source, autoescape=True),
    )


BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat), WGS84 degrees


def within(bbox: BBox) -> ColumnElement[bool]:
    """A place inside the box; a box whose min_lon exceeds its max_lon crosses the
    antimeridian (GeoJSON's RFC 7946 convention), e.g. (170, -20, -170, 0) around Fiji."""
    min_lon, min_lat, max_lon, max_lat = bbox
    lon_ok = (places.c.lon.between(min_lon, max_lon) if min_lon <= max_lon
              else or_(places.c.lon >= min_lon, places.c.lon <= max_lon))
    return and_(places.c.lat.between(min_lat, max_lat), lon_ok)


def outlet_matches(outlet: str) -> ColumnElement[bool]:
    """Case-insensitive substring of the document's outlet ("moscow times")."""
    return documents.c.outlet.icontains(outlet, autoescape=True)


Position = tuple[str | None, str, str]  # (published ISO date or None, doc_id, item id)


def after_processed(after: tuple[str, str]) -> ColumnElement[bool]:
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


def after_published(table: Any, after: Position) -> ColumnElement[bool]:
    """Rows of ``table`` (claims or events) listed after the one at ``after`` = (published,
    doc_id, id) in the order published descending (undated last), doc_id, seq."""
    published, doc_id, item_id = after
    other = table.alias()
    seq = (select(other.c.seq).where(other.c.doc_id == doc_id, other.c.id == item_id)
           .scalar_subquery())
    later = or_(table.c.doc_id > doc_id, and_(table.c.doc_id == doc_id, table.c.seq > seq))
    return published_then(published, later)


def published_then(published: str | None, later: ColumnElement[bool]) -> ColumnElement[bool]:
    """Rows after a position in the order published descending (undated last), then the
    order ``later`` says for rows of the position's own day: the keyset condition the claims,
    events and places listings share."""
    if published is None:
        return and_(documents.c.published.is_(None), later)
    try:
        day = date.fromisoformat(published)
    except (TypeError, ValueError):
        raise StoreError(f"bad position {published!r}: expected an ISO date") from None
    return or_(documents.c.published < day, documents.c.published.is_(None),
               and_(documents.c.published == day, later))


def keyset_alone(after: object, per_story: bool) -> None:
    """Refuse a keyset position on a per-story listing, which is collapsed after the query."""
    if after is not None and per_story:
        raise StoreError("a position (after) cannot page a per-story listing: use offset")


def events_per_place() -> Subquery:
    """Events per (doc_id, geonames_id) of their place: at most one row per places row, so
    joining it to places multiplies nothing and a SUM gives the count over the documents.
    ``asserted`` counts those the article holds as asserted (not denied, hedged, ...)."""
    asserted = func.sum(case((events.c.status == "asserted", 1), else_=0))
    return (
        select(events.c.doc_id, events.c.place.label("geonames_id"), func.count().label("n"),
               asserted.label("asserted"))
        .where(events.c.place.is_not(None))
        .group_by(events.c.doc_id, events.c.place)
        .subquery("place_events")
    )


def claims_per_place() -> Subquery:
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


def per_place(counts: Subquery, column: str = "n") -> tuple[Any, ColumnElement[bool]]:
    """A per-document count (``column`` of ``counts``) summed over a place's documents, and
    its LEFT JOIN condition."""
    on = and_(counts.c.doc_id == places.c.doc_id, counts.c.geonames_id == places.c.geonames_id)
    return func.coalesce(func.sum(counts.c[column]), 0), on



def event_identity(row: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two event rows of one story copies: type, mode, actor and target codes,
    source, stance and status (a copy that denies what another asserts is not a copy)."""
    def party(actors: Any) -> tuple[tuple[Any, Any], ...]:
        return tuple(sorted((a.get("country"), a.get("sector")) for a in actors or []))

    return (row["type"], row["mode"], party(row["actors"]), party(row["targets"]),
            (row.get("source_name") or "").lower(), row.get("stance"), row.get("status"))


def once_per_story(rows: list[dict[str, Any]], identity: Any = event_identity,
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
