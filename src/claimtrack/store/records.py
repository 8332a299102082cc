"""Listing claims, events and places across stored documents, filtered and paged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select

from claimtrack.model import CLAIM_KINDS, STANCES
from claimtrack.store.documents import DocumentReads
from claimtrack.store.place_names import (
    display_name,
    english_name,
    mentioned_as,
    place_condition,
    spellings_query,
)
from claimtrack.store.queries import (
    DOC_COLUMNS,
    BBox,
    Position,
    after_published,
    choice,
    claims_per_place,
    events_per_place,
    has_party,
    iso,
    keyset_alone,
    once_per_story,
    outlet_matches,
    paged,
    per_place,
    published_between,
    reported_with,
    source_matches,
    statuses,
    within,
)
from claimtrack.store.schema import claims, documents, events, places, story_members


class RecordReads(DocumentReads):
    """The records extracted from articles (claims, events, places), newest articles first."""

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
        id) of the last row listed gives the next page (see :func:`after_published`)."""
        keyset_alone(after, per_story)
        where = published_between(date_from, date_to)
        if after is not None:
            where.append(after_published(claims, after))
        if outlet:
            where.append(outlet_matches(outlet))
        if q:
            where.append(claims.c.content_text.icontains(q, autoescape=True))
        if source:
            where.append(source_matches(source))
        if choice("stance", stance, STANCES):
            where.append(claims.c.stance == stance)
        if choice("kind", kind, CLAIM_KINDS):
            where.append(claims.c.kind == kind)
        if doc_id is not None:
            where.append(claims.c.doc_id == self._doc_filter(doc_id))
        stmt = (
            select(*(c for c in claims.c if c.name != "seq"), story_members.c.story_id,
                   *DOC_COLUMNS)
            .select_from(claims.join(documents, claims.c.doc_id == documents.c.id)
                         .outerjoin(story_members, story_members.c.doc_id == claims.c.doc_id))
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), claims.c.doc_id, claims.c.seq)
        )
        with self._read() as conn:
            rows = conn.execute(stmt if per_story else paged(stmt, limit, offset)).mappings().all()
        found = [{**row, "published": iso(row["published"])} for row in rows]
        if not per_story:
            return found
        collapsed = once_per_story(found, lambda r: (
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
        status: str | Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Events with the source and stance of the claim reporting them, and their place;
        filtered also by the coded country and sector of an actor or target ("RUS MIL") and
        by who reports the kind of event with which stance (``reported_by``, see
        :func:`reported_with`). Each row has its document's ``story_id``. With ``per_story``
        the copies of one event in the near-duplicates of a story (same type, mode, actors,
        targets, source and stance) are one row, the earliest, with ``copies`` and the
        ``outlets`` that carried it: a wire story reprinted ten times counts once. ``outlet``
        is a substring of the outlet; ``bbox`` keeps events whose place is in the box; ``after``
        pages like :meth:`claims`. ``status`` (one of EVENT_STATUSES, or several) keeps the
        events the article holds so: ``"denied"`` lists what sources reject, never facts.
        Every row has the event's ``status`` and ``reported_by`` (the reporting source).
        ``place`` is a place as users write it, an exonym or the article's spelling ("Kiev",
        "Turkey"), and ``place_name`` the place's English name (both: :mod:`.place_names`)."""
        keyset_alone(after, per_story)
        where = published_between(date_from, date_to)
        if after is not None:
            where.append(after_published(events, after))
        if outlet:
            where.append(outlet_matches(outlet))
        if bbox is not None:
            where.append(within(bbox))
        if reported_by:
            for reported_stance, _country, _sector in reported_by:
                choice("stance", reported_stance, STANCES)
            where.append(reported_with(reported_by))
        for role, country, sector in (("actor", actor_country, actor_sector),
                                      ("target", target_country, target_sector)):
            if country or sector:
                where.append(has_party(role, country, sector))
        if place:
            where.append(place_condition(place, places))
        if type:
            where.append(events.c.type.in_(sorted({type, type.upper()})))
        if source:
            where.append(source_matches(source))
        if choice("stance", stance, STANCES):
            where.append(claims.c.stance == stance)
        if status is not None:
            where.append(events.c.status.in_(statuses(status)))
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
                *DOC_COLUMNS,
            )
            .select_from(joined)
            .where(*where)
            .order_by(documents.c.published.desc().nulls_last(), events.c.doc_id, events.c.seq)
        )
        with self._read() as conn:
            if per_story:  # collapse first, then page over what is left
                rows = conn.execute(stmt).mappings().all()
            else:
                rows = conn.execute(paged(stmt, limit, offset)).mappings().all()
        found = [{**row, "published": iso(row["published"]),
                  "place_name": (english_name(row["place"], row["place_name"])
                                 if row["place_name"] is not None else None)} for row in rows]
        if not per_story:
            return found
        collapsed = once_per_story(found)
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
        many events are reported there (``event_count``; ``asserted_event_count`` of them
        asserted, the rest denied, hedged, hypothetical or negated) and how many claims name
        it, counted in the matching documents only (so --from/--to/--doc/outlet narrow the
        counts as well as the list). ``name`` is a place as users write it: the GeoNames or
        English name, an exonym or the article's spelling (see :mod:`.place_names`); rows
        carry the English name, the GeoNames one and the articles' spellings (:meth:`_place_row`)."""
        where = published_between(date_from, date_to)
        if outlet:
            where.append(outlet_matches(outlet))
        if bbox is not None:
            where.append(within(bbox))
        if name:
            where.append(place_condition(name, places))
        if country:
            where.append(places.c.country == country.upper())
        if doc_id is not None:
            where.append(places.c.doc_id == self._doc_filter(doc_id))
        doc_count = func.count(places.c.doc_id).label("doc_count")
        # json_array_length() is spelt the same in SQLite (JSON1) and PostgreSQL (json type)
        mention_count = func.sum(func.json_array_length(places.c.mentions)).label("mention_count")
        place_events, place_claims = events_per_place(), claims_per_place()
        event_count, events_on = per_place(place_events)
        asserted_count, _ = per_place(place_events, "asserted")
        claim_count, claims_on = per_place(place_claims)
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
                asserted_count.label("asserted_event_count"),
                claim_count.label("claim_count"),
            )
            .select_from(joined)
            .where(*where)
            .group_by(places.c.geonames_id)
            .order_by(doc_count.desc(), mention_count.desc(), places.c.geonames_id)
        )
        with self._read() as conn:
            rows = conn.execute(paged(stmt, limit, offset)).mappings().all()
            ids = [row["geonames_id"] for row in rows]
            spelt = mentioned_as((gid, text) for gid, text, _n in conn.execute(
                spellings_query(places, ids, where)).all()) if ids else {}
        return [self._place_row(row, spelt.get(row["geonames_id"], [])) for row in rows]

    @staticmethod
    def _place_row(row: Any, spellings: list[str]) -> dict[str, Any]:
        """A places() row: ``name`` the English conventional name, ``geonames_name`` the name
        it is stored under, ``mentioned_as`` the articles' spellings (most frequent first)
        and ``display_name`` the name with the spellings that differ: "Kyiv (Kiev)" (see
        :mod:`claimtrack.store.place_names`)."""
        name = english_name(row["geonames_id"], row["name"])
        return {
            **row, "name": name, "geonames_name": row["name"], "mentioned_as": spellings,
            "display_name": display_name(name, spellings),
            "mention_count": int(row["mention_count"] or 0),
            "event_count": int(row["event_count"]),
            "asserted_event_count": int(row["asserted_event_count"]),
            "claim_count": int(row["claim_count"]),
        }

