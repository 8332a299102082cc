"""The two reads ``claimtrack export`` needs that the listings do not have: places per article
(the listing aggregates them per GeoNames id, losing the article) and thread members a few
threads at a time (the listing ranks every thread at once). Both page by keyset."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select

from claimtrack.link.threads import Thread, side_of
from claimtrack.store.place_names import english_name, place_condition
from claimtrack.store.queries import (
    iso,
    outlet_matches,
    published_between,
    published_then,
    within,
)
from claimtrack.store.schema import documents, places, thread_members
from claimtrack.store.thread_store import (
    _MEMBER_COLUMNS,
    _actor_matches,
    _dated_between,
    _member_claim,
    _thread_members_joined,
    _threads_naming,
)

PlacePosition = tuple[str | None, str, int]  # (published ISO date or None, doc_id, seq)


def _after_place(after: PlacePosition) -> Any:
    """Places listed after ``after`` in the order published descending (undated last),
    doc_id, seq: the order of the claims and events listings."""
    published, doc_id, seq = after
    later = or_(places.c.doc_id > doc_id, and_(places.c.doc_id == doc_id, places.c.seq > seq))
    return published_then(published, later)


def place_mentions_page(store: Any, f: dict[str, Any]
                        ) -> Callable[[int, PlacePosition | None], list[dict[str, Any]]]:
    """``fetch(limit, after)``: places as each article names them, newest articles first,
    with the article, the place's English name and the article's mentions of it; ``f`` holds
    export filters (place as users write it, see :mod:`.place_names`; country, doc, outlet,
    bbox, from, to)."""
    where = published_between(f.get("from"), f.get("to"))
    if f.get("outlet"):
        where.append(outlet_matches(f["outlet"]))
    if f.get("bbox") is not None:
        where.append(within(f["bbox"]))
    if f.get("place"):
        where.append(place_condition(f["place"], places))
    if f.get("country"):
        where.append(places.c.country == f["country"].upper())
    if f.get("doc"):
        where.append(places.c.doc_id == f["doc"])
    stmt = (select(places.c.doc_id, places.c.seq, places.c.geonames_id, places.c.name,
                   places.c.country, places.c.admin1, places.c.feature_code, places.c.lat,
                   places.c.lon, places.c.mentions, documents.c.title, documents.c.outlet,
                   documents.c.url, documents.c.published)
            .select_from(places.join(documents, places.c.doc_id == documents.c.id))
            .order_by(documents.c.published.desc().nulls_last(), places.c.doc_id,
                      places.c.seq))

    def fetch(limit: int, after: PlacePosition | None) -> list[dict[str, Any]]:
        page = stmt.where(*where, *([_after_place(after)] if after else [])).limit(limit)
        with store._read() as conn:
            rows = conn.execute(page).mappings().all()
        found = []
        for row in rows:
            texts = [" ".join(str(m.get("text")).split()) for m in row["mentions"] or []]
            found.append({"article_id": row["doc_id"], "seq": row["seq"],
                          "published": iso(row["published"]), "outlet": row["outlet"],
                          "url": row["url"], "title": row["title"],
                          "geonames_id": row["geonames_id"],
                          "place": english_name(row["geonames_id"], row["name"]),
                          "country": row["country"], "admin1": row["admin1"],
                          "feature_code": row["feature_code"], "lat": row["lat"],
                          "lon": row["lon"], "mentions": "; ".join(dict.fromkeys(texts)),
                          "mention_count": len(texts)})
        return found

    return fetch


def thread_member_pages(store: Any, f: dict[str, Any], page_size: int
                        ) -> Iterator[list[dict[str, Any]]]:
    """Each member claim of the matching threads with its side, ``page_size`` threads at a
    time in thread id order; ``f`` holds export filters (contested, actor, place, from, to,
    min_size, as ``Store.threads`` applies them)."""
    size = (select(thread_members.c.thread_id).group_by(thread_members.c.thread_id)
            .having(func.count() >= f.get("min_size", 2)).order_by(thread_members.c.thread_id))
    after: str | None = None
    while True:
        ids_stmt = size.where(thread_members.c.thread_id > after) if after else size
        with store._read() as conn:
            ids = list(conn.execute(ids_stmt.limit(page_size)).scalars())
            if not ids:
                return
            stmt = (select(*_MEMBER_COLUMNS, documents.c.url, documents.c.title)
                    .select_from(_thread_members_joined())
                    .where(thread_members.c.thread_id.in_(ids)).order_by(thread_members.c.seq))
            rows = conn.execute(stmt).mappings().all()
            named = (set(conn.execute(_threads_naming(f["place"], ids)).scalars())
                     if f.get("place") else None)
        page = _thread_rows(rows, f, named)
        if page:
            yield page
        if len(ids) < page_size:
            return
        after = ids[-1]


def _thread_rows(rows: Any, f: dict[str, Any], named: set[str] | None
                 ) -> list[dict[str, Any]]:
    """One row per member of the threads of ``rows`` that pass the filters."""
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row["thread_id"], []).append(row)
    found = []
    for thread_id in sorted(grouped):
        members = [_member_claim(r) for r in grouped[thread_id]]
        if named is not None and thread_id not in named:
            continue
        if f.get("actor") and not _actor_matches(members, f["actor"]):
            continue
        if (f.get("from") or f.get("to")) and not _dated_between(members, f.get("from"),
                                                                  f.get("to")):
            continue
        thread = Thread(thread_id, members)
        if f.get("contested") and not thread.contested:
            continue
        extra = {(r["doc_id"], r["claim_id"]): r for r in grouped[thread_id]}
        polarity, proposition, contested = thread.polarity, thread.proposition, thread.contested
        for claim in sorted(members, key=lambda c: c.order):
            row = extra[(claim.doc_id, claim.claim_id)]
            found.append({
                "thread_id": thread_id, "proposition": proposition,
                "thread_size": len(members), "contested": contested,
                "side": side_of(claim, polarity), "stance": claim.stance,
                "polarity": claim.polarity, "source": claim.source,
                "source_codes": " ".join(x for x in claim.source_codes if x),
                "article_id": claim.doc_id, "published": iso(claim.published),
                "outlet": claim.outlet, "url": row["url"], "title": row["title"],
                "claim_id": claim.claim_id, "text": claim.text})
    return found
