"""Open a database engine configured for the store, and migrate its schema when asked to.

SQLite needs care to behave like a real transactional database: foreign keys are off unless
``PRAGMA foreign_keys=ON`` runs on every connection, Python's sqlite3 module (3.11) does not
wrap DDL in transactions, and ``lower()`` folds ASCII only. The connect/begin hooks here fix
all three so that the same Core code behaves the same on SQLite and PostgreSQL.

PostgreSQL URLs are given as users write them (``postgresql://`` or Heroku-style
``postgres://``) and always run on psycopg 3, the driver we pin. Its write transactions take
one transaction-level advisory lock, so writers queue as they do on SQLite (BEGIN IMMEDIATE):
the story and thread indexes replay what other processes stored before they add to it. A
writer waits for that lock at most ``lock_wait()`` seconds (``CLAIMTRACK_LOCK_WAIT``, default
60), then fails with a message saying the store is busy; readers never take it.

Opening never writes: a SQLite file is switched to WAL only when its schema is created or
migrated (a file that is not ours must stay byte-identical), and a file on a read-only volume
(or a read-only file) is opened read-only, immutable when SQLite could not create its WAL
side files next to it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITE = {"claimtrack_write": True}  # execution option: take the store's write lock at BEGIN
PG_WRITE_LOCK = 0x636C61696D  # pg_advisory_xact_lock key of store writers ("claim" in hex)
PG_SCHEMES = ("postgresql", "postgres")  # bare schemes that mean psycopg 3 here
LOCK_WAIT_ENV = "CLAIMTRACK_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 60.0  # seconds a writer queues for the write lock before giving up


def lock_wait() -> float:
    """Seconds a writer waits for the store's write lock (``CLAIMTRACK_LOCK_WAIT``)."""
    value = os.environ.get(LOCK_WAIT_ENV, "").strip()
    try:
        return max(0.0, float(value)) if value else DEFAULT_LOCK_WAIT
    except ValueError:
        return DEFAULT_LOCK_WAIT


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a driver error is a writer giving up on the lock (SQLite's "database is
    locked", PostgreSQL's lock_timeout)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "lock timeout" in text


def safe_url(url: str | URL) -> str:
    """The URL with any password masked, for messages and reprs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given, minus nothing secret
        return "<unparsable database URL>"


def normalize_url(url: str | URL) -> URL:
    """The parsed URL, with bare ``postgresql://`` and ``postgres://`` pinned to psycopg 3
    (SQLAlchemy would otherwise pick psycopg2, which is not installed, or reject
    ``postgres``); an explicit driver (``postgresql+psycopg2://``) is kept."""
    if isinstance(url, str) and url.split("://", 1)[0] in PG_SCHEMES:
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return make_url(url)


def _sqlite_file(url: URL) -> Path | None:
    """The file path of an on-disk SQLite URL, else None (memory or URI forms)."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database)


def _read_only_url(url: URL, path: Path) -> URL | None:
    """A read-only URI form of the SQLite file ``path`` when we cannot write it (read-only
    file or volume), else None. A WAL store needs its -wal and -shm files: when the folder
    is not writable and they are not there to open, the file is opened immutable (nothing
    can change it while it is on a read-only volume)."""
    path = path.expanduser()
    if not path.exists():
        return None
    folder = path.parent
    if os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK):
        return None
    options = "mode=ro"
    side_files = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    if not os.access(folder, os.W_OK | os.X_OK) and not side_files:
        options += "&immutable=1"
    target = quote(str(path.resolve()))
    return url.set(database=f"file:{target}?{options}", query={"uri": "true"})


def _lower(value: Any) -> Any:
    """Unicode-aware lower() for SQLite, which folds only ASCII (PostgreSQL folds all)."""
    return value.lower() if isinstance(value, str) else value


def _install_sqlite_hooks(engine: Engine, on_disk: bool) -> None:
    """Foreign keys, the lock wait, Unicode lower(), and BEGIN emitted by us so DDL is
    transactional (WAL is set by :func:`migrate`, never on a file we only read)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(lock_wait() * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock up front; a deferred BEGIN that reads first and then writes
        # fails with SQLITE_BUSY in WAL mode if another process wrote in between.
        write = conn.get_execution_options().get("claimtrack_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _install_postgresql_hooks(engine: Engine) -> None:
    """Serialize the store's writers with an advisory lock held until commit or rollback."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("claimtrack_write", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_wait() * 1000)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


def open_engine(url: str | URL) -> Engine:
    """An engine for ``url``; for a SQLite file, its directory is created first, and a file
    we cannot write is opened read-only."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, pool_pre_ping=True)
        if parsed.get_backend_name() == "postgresql":
            _install_postgresql_hooks(engine)
        return engine
    path = _sqlite_file(parsed)
    if path is not None:
        read_only = _read_only_url(parsed, path)
        if read_only is not None:
            parsed = read_only
        else:
            path.expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed)
    _install_sqlite_hooks(engine, on_disk=path is not None)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """An in-memory Alembic config pointing at the packaged migrations (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` in one transaction, so a failed migration undoes.
    A SQLite file is switched to WAL first (readers then never wait for the writer)."""
    if engine.dialect.name == "sqlite" and _sqlite_file(engine.url) is not None:
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA journal_mode=WAL").fetchall()
        finally:
            raw.close()
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        command.upgrade(alembic_config(conn), revision)
