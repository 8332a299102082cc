"""A throwaway PostgreSQL server for the test session, and fresh databases on it per test.

The server is the real thing (initdb + pg_ctl from the installed PostgreSQL), not a mock, so
the store's SQL is checked against PostgreSQL's rules. It runs in a temporary directory,
listens on 127.0.0.1 on a free port with trust authentication, and is made fast by turning
durability off (fsync, synchronous_commit, full_page_writes: a crash loses only test data).
initdb refuses to run as root, so under root the server runs as the ``postgres`` user (or
``nobody`` when there is none). The cluster uses a UTF-8 locale: in the C locale lower()
folds only ASCII, and the store's case-insensitive filters must fold "Ł" as SQLite does.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

BINARIES = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: CLAIMTRACK_TEST_POSTGRES_BIN when
    set (to pick a version), else on PATH, else the newest Debian install
    (/usr/lib/postgresql/<version>/bin, which Debian keeps off PATH)."""
    chosen = os.environ.get("CLAIMTRACK_TEST_POSTGRES_BIN")
    if chosen is not None:
        candidates = [Path(chosen)]
    else:
        found = shutil.which("initdb")
        candidates = [Path(found).resolve().parent] if found else []
        versions = glob.glob("/usr/lib/postgresql/*/bin")
        candidates += [Path(p) for p in sorted(versions, key=_version, reverse=True)]
    for directory in candidates:
        if all((directory / name).is_file() for name in BINARIES):
            return directory
    return None


def _version(path: str) -> float:
    """The version number in /usr/lib/postgresql/<version>/bin, for picking the newest."""
    try:
        return float(Path(path).parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> str | None:
    """The user to run the server as when we are root (initdb refuses root), else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _locale() -> str:
    """A UTF-8 locale initdb can use (C.UTF-8 keeps SQLite's code-point ordering)."""
    available = subprocess.run(["locale", "-a"], capture_output=True, text=True,
                               check=False).stdout.split()
    for name in ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"):
        if name in available:
            return name
    return "C.UTF-8"


class PostgresServer:
    """A server started by us (``start``) or one given by URL; hands out fresh databases."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg")
        self._names = itertools.count()
        self._engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self._data_dir: Path | None = None
        self._pg_ctl: list[str] = []

    @classmethod
    def start(cls, bin_dir: Path) -> PostgresServer:
        """initdb into a new temporary directory and start a server on a free local port."""
        user = _run_as()
        data_dir = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
        prefix = ["runuser", "-u", user, "--"] if user else []
        if user:
            shutil.chown(data_dir, user)
        cluster = data_dir / "data"
        _check([*prefix, str(bin_dir / "initdb"), "-D", str(cluster), "-U", SUPERUSER,
                "--auth=trust", "--encoding=UTF8", f"--locale={_locale()}", "--no-sync"])
        port = _free_port()
        options = (f"-h 127.0.0.1 -p {port} -k {data_dir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "-D", str(cluster)]
        _check([*pg_ctl, "start", "-w", "-t", "60", "-l", str(data_dir / "server.log"),
                "-o", options])
        server = cls(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres")
        server._data_dir, server._pg_ctl = data_dir, pg_ctl
        return server

    def database(self) -> str:
        """The URL of a new, empty database (each test gets its own: about 0.15 s)."""
        name = f"claimtrack_test_{os.getpid()}_{next(self._names)}"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database handed out by ``database`` (closing anything still connected)."""
        name = make_url(url).database
        with self._engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def url(self, database: str) -> str:
        """A plain postgresql:// URL, as a user would write it (the store picks psycopg)."""
        url: URL = self.admin_url.set(drivername="postgresql", database=database)
        return url.render_as_string(hide_password=False)

    def stop(self) -> None:
        """Stop a server we started and delete its files; leave a given server running."""
        self._engine.dispose()
        if self._data_dir is None:
            return
        subprocess.run([*self._pg_ctl, "stop", "-m", "fast", "-w"], capture_output=True,
                       check=False)
        shutil.rmtree(self._data_dir, ignore_errors=True)


def _check(command: list[str]) -> None:
    """Run a setup command; on failure raise with its output, which says what went wrong."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")
