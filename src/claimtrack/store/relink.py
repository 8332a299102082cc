"""Deleting a stored document: its rows go, then stories and threads are relinked from the
rows left, in one write transaction (see :meth:`DocumentReads.delete`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.store.engine import WRITE
from claimtrack.store.queries import iso
from claimtrack.store.schema import (
    claims,
    documents,
    entities,
    events,
    places,
    story_members,
    thread_aliases,
    thread_members,
    timerefs,
)
from claimtrack.store.writes import _delete_documents

COUNTED = (entities, claims, events, places, timerefs)


def _summary(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    """The document's id, title, outlet, date and record counts; None if it is not stored."""
    row = conn.execute(select(documents.c.id, documents.c.title, documents.c.outlet,
                              documents.c.published)
                       .where(documents.c.id == doc_id)).mappings().first()
    if row is None:
        return None
    counts = {t.name: conn.execute(select(func.count()).select_from(t)
                                   .where(t.c.doc_id == doc_id)).scalar_one() for t in COUNTED}
    return {**row, "published": iso(row["published"]), **counts}


def _story_peers(conn: Connection, doc_id: str) -> list[str]:
    """The other articles of the document's story."""
    story = select(story_members.c.story_id).where(story_members.c.doc_id == doc_id)
    return list(conn.execute(select(story_members.c.doc_id).where(
        story_members.c.story_id.in_(story.scalar_subquery()),
        story_members.c.doc_id != doc_id)).scalars())


def _thread_peers(conn: Connection, doc_id: str) -> tuple[int, list[tuple[str, str]]]:
    """How many threads the document's claims are in, and the other articles' claims in
    them (doc_id, claim_id)."""
    ours = select(thread_members.c.thread_id).where(thread_members.c.doc_id == doc_id)
    count = conn.execute(select(func.count(func.distinct(thread_members.c.thread_id)))
                         .where(thread_members.c.doc_id == doc_id)).scalar_one()
    peers = conn.execute(select(thread_members.c.doc_id, thread_members.c.claim_id).where(
        thread_members.c.thread_id.in_(ours), thread_members.c.doc_id != doc_id)).all()
    return count, [(p.doc_id, p.claim_id) for p in peers]


def _groups_of(conn: Connection, story_peers: list[str],
               thread_peers: list[tuple[str, str]]) -> tuple[int, int]:
    """How many stories the story peers now form, and how many threads the thread peers."""
    stories = set(conn.execute(select(story_members.c.story_id)
                               .where(story_members.c.doc_id.in_(story_peers))).scalars())
    docs = sorted({d for d, _ in thread_peers})
    keys = set(thread_peers)
    rows = conn.execute(select(thread_members.c.doc_id, thread_members.c.claim_id,
                               thread_members.c.thread_id)
                        .where(thread_members.c.doc_id.in_(docs))).all()
    threads = {r.thread_id for r in rows if (r.doc_id, r.claim_id) in keys}
    return len(stories), len(threads)


def delete_and_relink(store: Any, doc_id: str) -> dict[str, Any] | None:
    """Delete ``doc_id`` and relink what is left; None if it is not stored (any more).

    The Store's story and thread indexes are dropped and rebuilt here from the remaining
    rows (replaying them in added order, as a new process would), and the stored story and
    thread ids are rewritten where the rebuilt indexes disagree: an article that was the
    only link between two others leaves them in two stories or threads, exactly as if it
    had never been stored. Aliases of threads named after its claims go too, and those of
    threads that exist again under their own name."""
    try:
        with store.engine.connect().execution_options(**WRITE) as conn, conn.begin():
            found = _summary(conn, doc_id)
            if found is None:
                return None
            story_peers = _story_peers(conn, doc_id)
            thread_count, thread_peers = _thread_peers(conn, doc_id)
            _delete_documents(conn, [doc_id])
            named_after = f"{doc_id}:"
            conn.execute(delete(thread_aliases).where(or_(
                thread_aliases.c.old_id.startswith(named_after, autoescape=True),
                thread_aliases.c.thread_id.startswith(named_after, autoescape=True))))
            store._stories.reset()
            store._threads.reset()
            store._stories.in_sync(conn, store.story_settings)
            store._threads.link(conn, [], [], store.thread_embedder, rebuild=True, saving=())
            conn.execute(delete(thread_aliases).where(
                thread_aliases.c.old_id.in_(select(thread_members.c.thread_id))))
            stories, threads = _groups_of(conn, story_peers, thread_peers)
    except SQLAlchemyError as exc:
        store._stories.reset()
        store._threads.reset()
        reason = getattr(exc, "orig", None) or exc
        raise StoreError(f"could not delete document {doc_id}: {reason}") from exc
    except BaseException:
        store._stories.reset()
        store._threads.reset()
        raise
    return {**found, "story": {"other_articles": len(story_peers), "now_stories": stories},
            "threads": {"was_in": thread_count, "other_claims": len(thread_peers),
                        "now_threads": threads}}
