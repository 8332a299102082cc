"""Saving processed documents: replace a document's rows, all or nothing, and keep its
story and claim threads in step (story_store.py, thread_store.py).

A save links the document's claims into threads before it takes the write lock, in a read
transaction (ThreadLinks.prepare), so the lock is held for the rows: deleting the earlier
records, inserting the new ones, the story (a MinHash lookup) and the prepared thread rows,
all in one transaction. Each write transaction's lock hold is recorded in
``Store.lock_holds`` (seconds, and claims compared while holding it) for benches and tests.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

from sqlalchemy import Connection, Engine, delete
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.link.stories import StoryIndex, StorySettings
from claimtrack.link.threads import Embedder, ThreadClaim, thread_claims_of
from claimtrack.model import Document
from claimtrack.store.bulk import SAVE_BATCH, RowWriter, batches, insert_rows, write_rows
from claimtrack.store.engine import WRITE, is_lock_timeout, lock_wait, safe_url
from claimtrack.store.rows import document_rows
from claimtrack.store.schema import CHILD_TABLES, STORY_TABLES, THREAD_TABLES, documents
from claimtrack.store.story_store import StoryLinks
from claimtrack.store.thread_store import ThreadLinks

COPY_FROM = 1_000  # rows of one saved article from which save() writes them as save_many does


@dataclass(frozen=True)
class LockHold:
    """One write transaction: what it saved, how long it held the write lock (from the lock
    taken to the commit) and how many claims the link rule compared meanwhile."""

    documents: int
    seconds: float
    comparisons: int


def _delete_documents(conn: Connection, ids: list[str]) -> None:
    """Delete every row stored for these documents (not relying on ON DELETE CASCADE)."""
    for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
        conn.execute(delete(table).where(table.c.doc_id.in_(ids)))
    conn.execute(delete(documents).where(documents.c.id.in_(ids)))


class Writes:
    """The Store's write methods; each runs in one write transaction (engine.WRITE)."""

    engine: Engine
    url: str
    story_settings: StorySettings
    thread_embedder: Embedder | None
    _stories: StoryLinks
    _threads: ThreadLinks
    lock_holds: deque[LockHold]
    _writing: threading.RLock

    def save(self, doc: Document) -> None:
        """Store ``doc``, replacing any earlier records of the same article, all or nothing,
        and assign it to its story (a new one, or that of the near-duplicates stored before)."""
        if not doc.id:
            raise StoreError(f"{doc.name}: document has no id; it was not extracted")
        rows = document_rows(doc, datetime.now(UTC).replace(tzinfo=None))

        def assign(conn: Connection, index: StoryIndex) -> None:
            self._stories.assign(conn, index, doc, self.story_settings)

        # an article with thousands of claims writes tens of thousands of rows while the lock
        # is held: those go in with COPY on PostgreSQL, as in save_many
        many = sum(len(r) for r in rows.values()) >= COPY_FROM
        self._store([doc], rows, write_rows if many else insert_rows, assign,
                    f"{doc.name}: could not save document "
                    f"{doc.id}")

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

        def assign(conn: Connection, index: StoryIndex) -> None:
            self._stories.assign_batch(conn, index, batch, self.story_settings)

        self._store(batch, rows, write_rows, assign, f"could not save the batch of "
                    f"{len(batch)} documents from {batch[0].name} to {batch[-1].name}")

    def _store(self, docs: list[Document], rows: dict[Any, list[dict[str, Any]]],
               write: RowWriter, assign: Callable[[Connection, StoryIndex], None],
               failure: str) -> None:
        """Link the documents' claims into threads against a snapshot (no lock), then in one
        write transaction replace their rows, assign their stories and store the threads."""
        thread_claims: list[ThreadClaim] = [c for doc in docs for c in thread_claims_of(doc)]
        # outside the write transaction: these take time
        vectors = self._threads.embed(thread_claims, self.thread_embedder)
        ids = [doc.id for doc in docs]
        with self._writing:
            self._store_linked(ids, len(docs), rows, write, assign, thread_claims, vectors,
                               failure)

    def _store_linked(self, ids: list[str], count: int, rows: dict[Any, list[dict[str, Any]]],
                      write: RowWriter, assign: Callable[[Connection, StoryIndex], None],
                      thread_claims: list[ThreadClaim], vectors: list[Any],
                      failure: str) -> None:
        stories_touched = False
        try:
            with self._snapshot() as conn:
                plan = self._threads.prepare(conn, thread_claims, vectors, self.thread_embedder,
                                             saving=ids)
            with self._write_transaction(count) as conn:
                state = self._threads.check(conn, plan)
                index = self._stories.in_sync(conn, self.story_settings)
                stories_touched = True
                _delete_documents(conn, ids)
                for table, table_rows in rows.items():
                    if table_rows:
                        write(conn, table, table_rows)
                assign(conn, index)
                self._threads.commit(conn, plan, state, thread_claims, vectors,
                                     self.thread_embedder, write)
        except SQLAlchemyError as exc:
            self._forget_indexes(stories_touched)
            raise StoreError(f"{failure}: {self._reason(exc)}") from exc
        except BaseException:
            self._forget_indexes(stories_touched)
            raise

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A read transaction seeing one state of the store throughout (no lock taken)."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def _write_transaction(self, documents: int) -> Iterator[Connection]:
        """One write transaction, holding the store's write lock from BEGIN to commit; how long
        and how much linking it did meanwhile go to ``lock_holds``."""
        with self.engine.connect().execution_options(**WRITE) as conn:
            with conn.begin():  # the lock is taken here (BEGIN IMMEDIATE, advisory lock)
                taken, compared = perf_counter(), self._threads.comparisons
                yield conn
            self.lock_holds.append(LockHold(documents, perf_counter() - taken,
                                            self._threads.comparisons - compared))

    def _reason(self, exc: SQLAlchemyError) -> str:
        """A driver error as a user reads it; a lock wait that ran out says so."""
        if is_lock_timeout(exc):
            return (f"the store at {safe_url(self.url)} is busy: another process held its "
                    f"write lock for more than {lock_wait():g} s (CLAIMTRACK_LOCK_WAIT sets "
                    "the wait); nothing of this save was stored, run it again")
        return str(getattr(exc, "orig", None) or exc)

    def _forget_indexes(self, stories: bool = True) -> None:
        """Drop the indexes after a failed save: the thread index holds claims linked for a
        save that was not stored, and the story index, if the save got that far, an
        assignment that was rolled back. The next save rebuilds the thread index before it
        takes the lock; the story index only when it had to be dropped."""
        if stories:
            self._stories.reset()
        self._threads.reset()
