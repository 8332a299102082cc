"""The Store: save processed Documents and query their claims, events and places.

One class over one SQLAlchemy Core engine, SQLite by default and PostgreSQL-compatible. A
document is saved in one transaction that first deletes whatever an earlier run stored under
the same id, so re-processing an article replaces its records atomically and a failure
mid-way leaves the previous records as they were. All user values reach SQL as bound
parameters of Core expressions.

The Store is composed of one mixin per job: writes.py (save, save_many), documents.py
(resolve, get, latest, documents, count), records.py (claims, events, places),
story_store.py (stories, story, and the story index) and thread_store.py (threads, thread,
and the thread index). The SQL builders they share are in queries.py.
"""

from __future__ import annotations

import weakref
from typing import Self

from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.link.stories import DEFAULT_SETTINGS, StorySettings
from claimtrack.link.threads import Embedder
from claimtrack.settings import default_database_url
from claimtrack.store.contest_reads import ContestReads
from claimtrack.store.documents import MIN_PREFIX, load_document_in
from claimtrack.store.engine import migrate, open_engine, safe_url
from claimtrack.store.queries import BBox, Position
from claimtrack.store.records import RecordReads
from claimtrack.store.story_store import TITLE_FALLBACK_CHARS, StoryLinks, StoryReads
from claimtrack.store.summary import SummaryReads
from claimtrack.store.thread_store import ThreadLinks, ThreadReads
from claimtrack.store.writes import Writes

__all__ = ["MIN_PREFIX", "TITLE_FALLBACK_CHARS", "BBox", "Position", "Store",
           "load_document_in"]


class Store(Writes, RecordReads, StoryReads, SummaryReads, ThreadReads, ContestReads):
    """Where processed articles live between runs; the CLI, API and web app all read it."""

    story_settings: StorySettings = DEFAULT_SETTINGS
    thread_embedder: Embedder | None = None  # None: wordllama, loaded at the first claim

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self._stories = StoryLinks()  # the story index, built at the first save
        self._threads = ThreadLinks()  # the thread index, likewise
        engine = None
        try:
            engine = open_engine(self.url)
            migrate(engine)
        except (SQLAlchemyError, CommandError, ImportError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            raise StoreError(f"cannot open the store at {safe_url(self.url)}: {exc}") from exc
        self.engine = engine
        # a Store dropped without close() (a CLI command, a script) still closes its pooled
        # connections; psycopg warns about, and the server keeps, connections left to the GC
        self._closer = weakref.finalize(self, engine.dispose)

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles); the Store stays usable."""
        self.engine.dispose()
