"""The Store: save processed Documents and query their claims, events and places.

One class over one SQLAlchemy Core engine, SQLite by default and PostgreSQL-compatible. A
document is saved in one transaction that first deletes whatever an earlier run stored under
the same id, so re-processing an article replaces its records atomically and a failure
mid-way leaves the previous records as they were. All user values reach SQL as bound
parameters of Core expressions.

Opening a store reads its schema version without taking the write lock (schema_state.py);
it migrates only an empty database, or an older schema when ``migrate`` is true (writers:
``process``, ``serve``, ``batch --load-db``, ``claimtrack migrate``), and refuses a
database that is not a claimtrack store without changing it.

The Store is composed of one mixin per job: writes.py (save, save_many), documents.py
(resolve, get, latest, documents, count), records.py (claims, events, places),
story_store.py (stories, story, and the story index) and thread_store.py (threads, thread,
and the thread index). The SQL builders they share are in queries.py.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections import deque
from typing import Any, Self

from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.link.stories import DEFAULT_SETTINGS, StorySettings
from claimtrack.link.threads import Embedder
from claimtrack.settings import default_database_url
from claimtrack.store.contest_reads import ContestReads
from claimtrack.store.documents import MIN_PREFIX, load_document_in
from claimtrack.store.engine import is_lock_timeout, lock_wait, migrate, open_engine, safe_url
from claimtrack.store.queries import BBox, Position
from claimtrack.store.records import RecordReads
from claimtrack.store.schema_state import SchemaBehindError, SchemaState, inspect_schema, refusal
from claimtrack.store.story_store import TITLE_FALLBACK_CHARS, StoryLinks, StoryReads
from claimtrack.store.summary import SummaryReads
from claimtrack.store.thread_store import ThreadLinks, ThreadReads
from claimtrack.store.writes import LockHold, Writes

__all__ = ["MIN_PREFIX", "TITLE_FALLBACK_CHARS", "BBox", "Position", "Store",
           "load_document_in"]


class Store(Writes, RecordReads, StoryReads, SummaryReads, ThreadReads, ContestReads):
    """Where processed articles live between runs; the CLI, API and web app all read it."""

    story_settings: StorySettings = DEFAULT_SETTINGS
    thread_embedder: Embedder | None = None  # None: wordllama, loaded at the first claim

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        """Open the store at ``url`` (default: the user's SQLite file). ``migrate``: bring an
        older schema up to date (taking the write lock); without it an older schema is a
        :class:`SchemaBehindError` naming ``claimtrack migrate``. An empty database always
        gets the schema; one that is not a claimtrack store is refused, unchanged."""
        self.url = url or default_database_url()
        self._stories = StoryLinks()  # the story index, built at the first save
        self._threads = ThreadLinks()  # the thread index, likewise
        self.lock_holds: deque[LockHold] = deque(maxlen=100_000)  # see writes.py
        # one save or delete at a time per Store: they link into the shared indexes before
        # taking the database's write lock, which no longer serializes them by itself
        self._writing = threading.RLock()
        engine = None
        try:
            engine = open_engine(self.url)
            self.schema = self._open_schema(engine, migrate)
        except StoreError:
            if engine is not None:
                engine.dispose()
            raise
        except (SQLAlchemyError, CommandError, ImportError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            if is_lock_timeout(exc):
                raise StoreError(
                    f"the store at {safe_url(self.url)} is busy: another process held its "
                    f"write lock for more than {lock_wait():g} s while this one had to "
                    "migrate it; try again (CLAIMTRACK_LOCK_WAIT sets the wait)") from exc
            raise StoreError(f"cannot open the store at {safe_url(self.url)}: {exc}") from exc
        self.engine = engine
        # a Store dropped without close() (a CLI command, a script) still closes its pooled
        # connections; psycopg warns about, and the server keeps, connections left to the GC
        self._closer = weakref.finalize(self, engine.dispose)

    def _open_schema(self, engine: Any, may_migrate: bool) -> SchemaState:
        """Check the schema read-only; migrate an empty one, or an older one if allowed."""
        state = inspect_schema(engine)
        reason = refusal(state, safe_url(self.url), migrating=may_migrate)
        if reason is not None:
            error = SchemaBehindError if state.kind == "behind" else StoreError
            raise error(reason)
        self.migrated_from: str | None = None  # the version migrated from ("": none)
        if state.kind in ("empty", "behind"):
            if state.kind == "behind":  # serve and scripts say so too, not only the CLI
                logging.getLogger("claimtrack").warning(
                    "migrating the store at %s from schema %s to %s", safe_url(self.url),
                    state.version, state.head)
            migrate(engine)
            self.migrated_from = state.version or ""
            state = inspect_schema(engine)
        return state

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles); the Store stays usable."""
        self.engine.dispose()
