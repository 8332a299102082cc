"""Translate between model.Document and table rows, in both directions, with no I/O.

Kept apart from the queries so the mapping can be read (and tested) as one piece: every
model field has one column or one JSON key, and ``load_document(document_rows(d))`` gives
back a Document equal in content to ``d`` (the raw input keeps only its name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Table

from claimtrack.link.stories import Member, Signature, StorySettings
from claimtrack.link.threads import ThreadClaim
from claimtrack.model import (
    Claim,
    Document,
    DroppedSpan,
    Entity,
    Event,
    EventActor,
    Mention,
    Place,
    RawDocument,
    Span,
    TimeRef,
    Toponym,
)
from claimtrack.store.schema import (
    claims,
    documents,
    entities,
    event_actors,
    events,
    place_mentions,
    places,
    timerefs,
    toponyms,
)

Row = Mapping[str, Any]


def _span(span: Span | None) -> tuple[int | None, int | None]:
    """A possibly-missing span as a (start, end) pair of nullable columns."""
    return (span.start, span.end) if span else (None, None)


def _opt_span(start: int | None, end: int | None) -> Span | None:
    """The inverse of _span."""
    return None if start is None or end is None else Span(start, end)


def _mentions(mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    """Mentions as JSON objects."""
    return [
        {"start": m.span.start, "end": m.span.end, "text": m.text, "kind": m.kind} for m in mentions
    ]


def _load_mentions(data: Iterable[Mapping[str, Any]] | None) -> list[Mention]:
    """The inverse of _mentions."""
    return [Mention(Span(m["start"], m["end"]), m["text"], m["kind"]) for m in data or []]


def document_rows(doc: Document, processed_at: datetime) -> dict[Table, list[dict[str, Any]]]:
    """Every row that stores ``doc``, keyed by table (documents first, then its children)."""
    doc_id = doc.id
    rows: dict[Table, list[dict[str, Any]]] = {
        documents: [
            {
                "id": doc_id,
                "url": doc.url,
                "outlet": doc.outlet,
                "title": doc.title,
                "published": doc.published,
                "language": doc.language,
                "status": doc.status,
                "authors": list(doc.authors),
                "text": doc.text,
                "input_name": doc.raw.name,
                "paragraphs": [[s.start, s.end] for s in doc.paragraphs],
                "sentences": [[s.start, s.end] for s in doc.sentences],
                "dropped": [asdict(d) for d in doc.dropped],
                "processed_at": processed_at,
            }
        ]
    }
    rows[entities] = [
        {
            "doc_id": doc_id,
            "id": e.id,
            "seq": seq,
            "name": e.name,
            "type": e.type,
            "role": e.role,
            "country": e.country,
            "sector": e.sector,
            "place_id": e.place_id,
            "mentions": _mentions(e.mentions),
        }
        for seq, e in enumerate(doc.entities)
    ]
    rows[claims] = [_claim_row(doc, seq, c) for seq, c in enumerate(doc.claims)]
    rows[events] = [
        {
            "doc_id": doc_id,
            "id": ev.id,
            "seq": seq,
            "type": ev.type,
            "mode": ev.mode,
            "context": list(ev.context),
            "trigger_start": ev.trigger.start,
            "trigger_end": ev.trigger.end,
            "trigger_text": ev.trigger_text,
            "claim": ev.claim,
            "actors": [asdict(a) for a in ev.actors],
            "targets": [asdict(a) for a in ev.targets],
            "negated": ev.negated,
            "hypothetical": ev.hypothetical,
            "proposed": ev.proposed,
            "status": ev.status,
            "reported_by": ev.reported_by,
            "place": ev.place,
            "date": ev.date,
        }
        for seq, ev in enumerate(doc.events)
    ]
    rows[event_actors] = [
        {"doc_id": doc_id, "event_id": ev.id, "role": role, "seq": seq, "country": a.country,
         "sector": a.sector, "text": a.text}
        for ev in doc.events
        for role, group in (("actor", ev.actors), ("target", ev.targets))
        for seq, a in enumerate(group)
    ]
    rows[places] = [
        {
            "doc_id": doc_id,
            "geonames_id": p.geonames_id,
            "seq": seq,
            "name": p.name,
            "feature_class": p.feature_class,
            "feature_code": p.feature_code,
            "country": p.country,
            "admin1": p.admin1,
            "lat": p.lat,
            "lon": p.lon,
            "mentions": _mentions(p.mentions),
        }
        for seq, p in enumerate(doc.places)
    ]
    rows[place_mentions] = place_mention_rows(doc_id, doc.places)
    rows[toponyms] = [
        {"doc_id": doc_id, "seq": seq, "start_offset": t.span.start, "end_offset": t.span.end,
         "text": t.text, "kind": t.kind, "geonames_id": t.geonames_id, "within_id": t.within}
        for seq, t in enumerate(doc.toponyms)
    ]
    rows[timerefs] = [
        {
            "doc_id": doc_id,
            "idx": idx,
            "start_offset": t.span.start,
            "end_offset": t.span.end,
            "text": t.text,
            "value": t.value,
            "granularity": t.granularity,
            "anchor": t.anchor,
        }
        for idx, t in enumerate(doc.timerefs)
    ]
    return rows


def place_mention_rows(doc_id: str, doc_places: Iterable[Place]) -> list[dict[str, Any]]:
    """One row per place mention, so claims can be matched to places by span in SQL (a JSON
    column cannot be joined portably). Never read back: the places row's JSON stays the record."""
    return [
        {"doc_id": doc_id, "geonames_id": p.geonames_id, "seq": seq,
         "start_offset": m.span.start, "end_offset": m.span.end}
        for p in doc_places
        for seq, m in enumerate(p.mentions)
    ]


def _claim_row(doc: Document, seq: int, c: Claim) -> dict[str, Any]:
    """One claims row; ``source_name`` is denormalized so queries need no join to entities."""
    source_start, source_end = _span(c.source_span)
    cue_start, cue_end = _span(c.cue_span)
    return {
        "doc_id": doc.id,
        "id": c.id,
        "seq": seq,
        "kind": c.kind,
        "stance": c.stance,
        "source_entity": c.source_entity,
        "source_name": doc.source_name(c),
        "source_text": c.source_text,
        "source_start": source_start,
        "source_end": source_end,
        "cue": c.cue,
        "cue_start": cue_start,
        "cue_end": cue_end,
        "content_start": c.content.start,
        "content_end": c.content.end,
        "content_text": c.content_text,
        "parent": c.parent,
        "sentence": c.sentence,
        "confidence": c.confidence,
        "polarity": c.polarity,
        "proposition": c.proposition,
    }


def load_claim(r: Row) -> Claim:
    """A Claim from its row (also used by callers that only want claims)."""
    return Claim(
        id=r["id"],
        content=Span(r["content_start"], r["content_end"]),
        content_text=r["content_text"],
        kind=r["kind"],
        stance=r["stance"],
        source_entity=r["source_entity"],
        source_text=r["source_text"],
        source_span=_opt_span(r["source_start"], r["source_end"]),
        cue=r["cue"],
        cue_span=_opt_span(r["cue_start"], r["cue_end"]),
        parent=r["parent"],
        sentence=r["sentence"],
        confidence=r["confidence"],
        polarity=r["polarity"],
        proposition=r["proposition"],
    )


def load_document(doc: Row, children: Mapping[str, Iterable[Row]]) -> Document:
    """A full Document from its documents row and its child rows (each list in seq order)."""
    return Document(
        raw=RawDocument(name=doc["input_name"], content=""),
        id=doc["id"],
        text=doc["text"],
        url=doc["url"],
        outlet=doc["outlet"],
        title=doc["title"],
        published=doc["published"],
        language=doc["language"],
        status=doc["status"],
        authors=list(doc["authors"] or []),
        paragraphs=[Span(s, e) for s, e in doc["paragraphs"] or []],
        sentences=[Span(s, e) for s, e in doc["sentences"] or []],
        dropped=[DroppedSpan(**d) for d in doc["dropped"] or []],
        entities=[
            Entity(
                id=r["id"],
                name=r["name"],
                type=r["type"],
                mentions=_load_mentions(r["mentions"]),
                role=r["role"],
                country=r["country"],
                sector=r["sector"],
                place_id=r["place_id"],
            )
            for r in children["entities"]
        ],
        claims=[load_claim(r) for r in children["claims"]],
        events=[
            Event(
                id=r["id"],
                type=r["type"],
                trigger=Span(r["trigger_start"], r["trigger_end"]),
                trigger_text=r["trigger_text"],
                claim=r["claim"],
                mode=r["mode"],
                context=list(r["context"] or []),
                actors=[EventActor(**a) for a in r["actors"] or []],
                targets=[EventActor(**a) for a in r["targets"] or []],
                negated=bool(r["negated"]),
                hypothetical=bool(r["hypothetical"]),
                proposed=r["proposed"],
                status=r["status"],
                reported_by=r["reported_by"],
                place=r["place"],
                date=r["date"],
            )
            for r in children["events"]
        ],
        places=[
            Place(
                geonames_id=r["geonames_id"],
                name=r["name"],
                feature_class=r["feature_class"],
                feature_code=r["feature_code"],
                country=r["country"],
                admin1=r["admin1"],
                lat=r["lat"],
                lon=r["lon"],
                mentions=_load_mentions(r["mentions"]),
            )
            for r in children["places"]
        ],
        toponyms=[
            Toponym(span=Span(r["start_offset"], r["end_offset"]), text=r["text"],
                    kind=r["kind"], geonames_id=r["geonames_id"], within=r["within_id"])
            for r in children.get("toponyms", [])
        ],
        timerefs=[
            TimeRef(
                span=Span(r["start_offset"], r["end_offset"]),
                text=r["text"],
                value=r["value"],
                granularity=r["granularity"],
                anchor=r["anchor"],
            )
            for r in children["timerefs"]
        ],
    )


def story_member_row(member: Member) -> dict[str, Any]:
    """A document's story membership as it stands in the story index."""
    return {"doc_id": member.doc_id, "story_id": member.story_id, "seq": member.seq,
            "similarity": member.similarity}


def story_signature_row(doc_id: str, signature: Signature,
                        settings: StorySettings) -> dict[str, Any]:
    """A document's MinHash signature, tagged with the scheme that computed it."""
    return {"doc_id": doc_id, "scheme": settings.scheme, "shingles": signature.shingle_count,
            "signature": signature.to_bytes()}


def load_signature(r: Row, settings: StorySettings) -> Signature | None:
    """The stored signature, or None when it is missing or was computed another way."""
    if r["scheme"] != settings.scheme:
        return None
    return Signature.from_bytes(r["signature"], r["shingles"], settings)


VECTOR_DTYPE = np.dtype("<f4")  # claim vectors are stored as little-endian float32


def as_vector(vector: Any) -> Any:
    """A claim vector as the store keeps it (so a replay computes the same similarities)."""
    return np.asarray(vector, dtype=VECTOR_DTYPE)


def thread_rows(claim: ThreadClaim, vector: Any, thread_id: str,
                seq: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A claim's thread_members row and its claim_vectors row."""
    member = {"doc_id": claim.doc_id, "claim_id": claim.claim_id, "thread_id": thread_id,
              "seq": seq}
    stored = {"doc_id": claim.doc_id, "claim_id": claim.claim_id,
              "vector": as_vector(vector).tobytes(), "blocking_keys": sorted(claim.keys)}
    return member, stored


def load_thread_claim(r: Row) -> tuple[ThreadClaim, Any]:
    """A stored thread member (joined with its claim, source entity, document and vector) as
    the ThreadClaim and vector the thread index had when it was added."""
    claim = ThreadClaim(
        doc_id=r["doc_id"], claim_id=r["claim_id"], text=r["content_text"], stance=r["stance"],
        source=r["source_name"], source_codes=(r["source_country"], r["source_sector"]),
        outlet=r["outlet"], published=r["published"], keys=frozenset(r["blocking_keys"] or ()),
        polarity=r["polarity"], kind=r["kind"], sentence=r["sentence"])
    return claim, np.frombuffer(r["vector"], dtype=VECTOR_DTYPE)
