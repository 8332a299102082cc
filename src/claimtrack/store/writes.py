"""Saving processed documents: replace a document's rows, all or nothing, and keep its
story and claim threads in step (story_store.py, thread_store.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.link.stories import StorySettings
from claimtrack.link.threads import Embedder, thread_claims_of
from claimtrack.model import Document
from claimtrack.store.bulk import SAVE_BATCH, batches, write_rows
from claimtrack.store.engine import WRITE
from claimtrack.store.rows import document_rows
from claimtrack.store.schema import CHILD_TABLES, STORY_TABLES, THREAD_TABLES, documents
from claimtrack.store.story_store import StoryLinks
from claimtrack.store.thread_store import ThreadLinks


def _delete_documents(conn: Connection, ids: list[str]) -> None:
    """Delete every row stored for these documents (not relying on ON DELETE CASCADE)."""
    for table in (*CHILD_TABLES, *STORY_TABLES, *THREAD_TABLES):
        conn.execute(delete(table).where(table.c.doc_id.in_(ids)))
    conn.execute(delete(documents).where(documents.c.id.in_(ids)))


class Writes:
    """The Store's write methods; each runs in one write transaction (engine.WRITE)."""

    engine: Engine
    story_settings: StorySettings
    thread_embedder: Embedder | None
    _stories: StoryLinks
    _threads: ThreadLinks

    def save(self, doc: Document) -> None:
        """Store ``doc``, replacing any earlier records of the same article, all or nothing,
        and assign it to its story (a new one, or that of the near-duplicates stored before)."""
        if not doc.id:
            raise StoreError(f"{doc.name}: document has no id; it was not extracted")
        rows = document_rows(doc, datetime.now(UTC).replace(tzinfo=None))
        thread_claims = thread_claims_of(doc)
        # outside the write transaction: it takes time
        vectors = self._threads.embed(thread_claims, self.thread_embedder)
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                index = self._stories.in_sync(conn, self.story_settings)
                resaved = self._threads.stored(conn, [doc.id])
                _delete_documents(conn, [doc.id])
                for table, table_rows in rows.items():
                    if table_rows:
                        conn.execute(insert(table), table_rows)
                self._stories.assign(conn, index, doc, self.story_settings)
                self._threads.link(conn, thread_claims, vectors, self.thread_embedder,
                                   rebuild=resaved, saving=(doc.id,))
        except SQLAlchemyError as exc:
            self._forget_indexes()  # they may hold what was rolled back: rebuild them next time
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"{doc.name}: could not save document {doc.id}: {reason}") from exc
        except BaseException:
            self._forget_indexes()
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
        thread_claims = [claim for doc in batch for claim in thread_claims_of(doc)]
        vectors = self._threads.embed(thread_claims, self.thread_embedder)
        ids = [doc.id for doc in batch]
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                index = self._stories.in_sync(conn, self.story_settings)
                resaved = self._threads.stored(conn, ids)
                _delete_documents(conn, ids)
                for table, table_rows in rows.items():
                    write_rows(conn, table, table_rows)
                self._stories.assign_batch(conn, index, batch, self.story_settings)
                self._threads.link(conn, thread_claims, vectors, self.thread_embedder,
                                   rebuild=resaved, saving=set(ids), write=write_rows)
        except SQLAlchemyError as exc:
            self._forget_indexes()
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"could not save the batch of {len(batch)} documents from "
                             f"{batch[0].name} to {batch[-1].name}: {reason}") from exc
        except BaseException:
            self._forget_indexes()
            raise

    def _forget_indexes(self) -> None:
        """Drop the story and thread indexes after a failed save: the next one rebuilds them."""
        self._stories.reset()
        self._threads.reset()
