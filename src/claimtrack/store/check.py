"""Check a store's integrity: what ``claimtrack check`` runs after a crash, a kill or a restore.

Why: a document is saved in one transaction (repository.py), so a crash must leave each
article stored with all its records or none. This module verifies that from the outside, on
what is actually in the database, rather than trusting the code that wrote it:

* the engine's own checks: SQLite's ``PRAGMA integrity_check`` (pages, indexes) and
  ``PRAGMA foreign_key_check``; PostgreSQL enforces its constraints at every commit, so only
  the queries below run there;
* every child row's ``doc_id`` names a stored document (also on PostgreSQL, where a cascade
  could have been dropped by hand);
* every document is what its own rows say: its id is the content hash of its text (so no
  article is stored twice), it reloads (``Store.get``), and saving the reloaded Document again
  would write exactly the rows stored, table by table (``document_rows``): this catches a
  document whose claims, events, event actors or place mentions were partly written;
* references inside a document hold: events name claims and places of the same document, claims
  name entities and parent claims that exist, place mentions point at places of the document;
* the cross-article tables agree: each document has one story membership and one signature,
  its thread members and claim vectors are exactly the claims ``threads.thread_claims_of`` gives.

Reading every document costs about as much as a full export; fine for the stores claimtrack is
used with (up to a few hundred thousand articles), and what a post-crash check is for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from claimtrack.link.threads import thread_claims_of
from claimtrack.model import Document, document_id
from claimtrack.store.repository import Store, load_document_in
from claimtrack.store.rows import document_rows
from claimtrack.store.schema import (
    CHILD_TABLES,
    STORY_TABLES,
    THREAD_TABLES,
    claim_vectors,
    documents,
    place_mentions,
    places,
    story_members,
    story_signatures,
    thread_members,
)

MAX_PROBLEMS = 1000  # stop listing after this many: a broken store would print millions


@dataclass
class CheckReport:
    """What a check looked at and what it found wrong (empty ``problems``: clean)."""

    target: str
    documents: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(f"... more problems not listed (first {MAX_PROBLEMS} shown)")

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "ok": self.ok, "documents": self.documents,
                "rows": self.rows, "problems": self.problems}


def check_store(store: Store) -> CheckReport:
    """Every check of this module on ``store``; never raises for what it finds."""
    from claimtrack.store.engine import safe_url

    report = CheckReport(safe_url(store.url))
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _sqlite_checks(conn, report)
        _orphans(conn, report)
        _place_mentions(conn, report)
        ids = list(conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars())
        report.documents = len(ids)
        for table in (documents, *CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
            report.rows[table.name] = conn.execute(
                select(func.count()).select_from(table)).scalar_one()
        hashes: dict[str, str] = {}
        for doc_id in ids:
            _check_document(conn, doc_id, report, hashes)
    return report


def _sqlite_checks(conn: Connection, report: CheckReport) -> None:
    """SQLite's own verdict on the file: b-tree pages, indexes, foreign keys."""
    for (line,) in conn.exec_driver_sql("PRAGMA integrity_check").all():
        if line != "ok":
            report.add(f"sqlite integrity_check: {line}")
    for row in conn.exec_driver_sql("PRAGMA foreign_key_check").all():
        report.add(f"sqlite foreign_key_check: {row[0]} row {row[1]} -> missing {row[2]}")


def _orphans(conn: Connection, report: CheckReport) -> None:
    """Child rows whose document is not stored."""
    for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
        missing = ~select(documents.c.id).where(documents.c.id == table.c.doc_id).exists()
        stmt = (select(table.c.doc_id, func.count()).where(missing)
                .group_by(table.c.doc_id).order_by(table.c.doc_id))
        for doc_id, count in conn.execute(stmt):
            report.add(f"{table.name}: {count} rows of document {doc_id}, which is not stored")


def _stored_counts(conn: Connection, doc_id: str) -> dict[str, int]:
    counts = {}
    for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
        counts[table.name] = conn.execute(
            select(func.count()).select_from(table).where(table.c.doc_id == doc_id)).scalar_one()
    return counts


def _check_document(conn: Connection, doc_id: str, report: CheckReport,
                    hashes: dict[str, str]) -> None:
    """One document: identity, reload, row counts, internal references, stories, threads."""
    try:
        doc = load_document_in(conn, doc_id)
    except Exception as exc:  # noqa: BLE001 - a row that cannot be read back is the finding
        report.add(f"document {doc_id}: cannot be reloaded: {type(exc).__name__}: {exc}")
        return
    if doc is None:
        report.add(f"document {doc_id}: listed but not found when read")
        return
    content = document_id(doc.text)
    if content != doc_id:
        report.add(f"document {doc_id} ({doc.name}): id is not the content hash of its text "
                   f"({content})")
    if content in hashes:
        report.add(f"documents {hashes[content]} and {doc_id}: same text stored twice")
    hashes.setdefault(content, doc_id)
    stored = _stored_counts(conn, doc_id)
    implied = document_rows(doc, datetime.now(UTC).replace(tzinfo=None))
    for table, rows in implied.items():
        if table is documents:
            continue
        if stored[table.name] != len(rows):
            report.add(f"document {doc_id} ({doc.name}): {stored[table.name]} {table.name} rows "
                       f"stored, its records imply {len(rows)}")
    for problem in _references(doc):
        report.add(f"document {doc_id} ({doc.name}): {problem}")
    for table in (story_members, story_signatures):
        if stored[table.name] != 1:
            report.add(f"document {doc_id} ({doc.name}): {stored[table.name]} {table.name} "
                       "rows, expected 1")
    expected = {c.claim_id for c in thread_claims_of(doc)}
    for table in (thread_members, claim_vectors):
        found = set(conn.execute(select(table.c.claim_id)
                                 .where(table.c.doc_id == doc_id)).scalars())
        if found != expected:
            report.add(f"document {doc_id} ({doc.name}): {table.name} has claims "
                       f"{sorted(found)}, its claims imply {sorted(expected)}")


def _references(doc: Document) -> list[str]:
    """Ids one record of the document gives for another that the document does not have."""
    problems = []
    claim_ids = Counter(c.id for c in doc.claims)
    entity_ids = {e.id for e in doc.entities}
    event_ids = Counter(e.id for e in doc.events)
    place_ids = {p.geonames_id for p in doc.places}
    problems += [f"claim id {i} used {n} times" for i, n in claim_ids.items() if n > 1]
    problems += [f"event id {i} used {n} times" for i, n in event_ids.items() if n > 1]
    for claim in doc.claims:
        if claim.source_entity and claim.source_entity not in entity_ids:
            problems.append(f"claim {claim.id}: source entity {claim.source_entity} missing")
        if claim.parent and claim.parent not in claim_ids:
            problems.append(f"claim {claim.id}: parent claim {claim.parent} missing")
    for event in doc.events:
        if event.claim and event.claim not in claim_ids:
            problems.append(f"event {event.id}: claim {event.claim} missing")
        if event.place is not None and event.place not in place_ids:
            problems.append(f"event {event.id}: place {event.place} not among its places")
    for place in doc.places:
        for mention in place.mentions:
            if not 0 <= mention.span.start <= mention.span.end <= len(doc.text):
                problems.append(f"place {place.geonames_id}: mention {mention.span} outside "
                                "the text")
    return problems


def _place_mentions(conn: Connection, report: CheckReport) -> None:
    """Place mentions whose place is not among their document's places (SQL, all documents)."""
    has_place = (select(places.c.geonames_id)
                 .where(places.c.doc_id == place_mentions.c.doc_id,
                        places.c.geonames_id == place_mentions.c.geonames_id).exists())
    stmt = (select(place_mentions.c.doc_id, place_mentions.c.geonames_id).distinct()
            .where(~has_place).order_by(place_mentions.c.doc_id))
    for doc_id, geonames_id in conn.execute(stmt):
        report.add(f"document {doc_id}: place mentions of {geonames_id}, not among its places")
