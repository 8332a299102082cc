"""Stores the Store must not change: another application's database, a read-only volume, an
older schema read by a command that does not migrate; and a gazetteer built into a folder
that is full or read-only. Real files, real PostgreSQL, real ``claimtrack`` processes; the
read-only volume and the full folder are real mounts in a private mount namespace
(``unshare -m``, skipped where the machine does not allow it)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from claimtrack.errors import StoreError
from claimtrack.store.engine import migrate, open_engine
from claimtrack.store.repository import Store
from tests.test_crash_safety import ENV, cli, run
from tests.test_store import doc_border


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount(), reason="needs unshare -m (mount namespace)")


def _in_namespace(setup: str, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` after the shell ``setup`` (mounts) in a private mount namespace."""
    script = f"{setup} && exec \"$@\""
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command], check=False,
                          env=ENV, capture_output=True, text=True, timeout=600)


@pytest.fixture
def foreign_file(tmp_path: Path) -> Path:
    """Another application's SQLite file (rollback journal, its own table)."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", [["claims"], ["check"], ["documents"], ["migrate"],
                                     ["threads"], ["process", __file__]])
def test_store_volumes_another_apps_sqlite_file_is_refused_unchanged(
        foreign_file: Path, command: list[str]) -> None:
    before = _sha256(foreign_file)
    done = run(cli(*command, "--db", f"sqlite:///{foreign_file}"))
    assert done.returncode == 4, done.stderr
    assert "is not a claimtrack store" in done.stderr and "left unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    assert _sha256(foreign_file) == before
    assert sorted(p.name for p in foreign_file.parent.iterdir()) == ["app.db"]


def test_store_volumes_another_apps_file_is_refused_by_the_store_class(
        foreign_file: Path) -> None:
    before = _sha256(foreign_file)
    for migrating in (True, False):
        with pytest.raises(StoreError, match="not a claimtrack store"):
            Store(f"sqlite:///{foreign_file}", migrate=migrating)
    assert _sha256(foreign_file) == before


def test_store_volumes_another_apps_postgresql_database_is_refused_unchanged(
        postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
                              if postgres_url.startswith("postgresql://") else postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE orders (id integer PRIMARY KEY, total numeric)"))
    try:
        with pytest.raises(StoreError, match="not a claimtrack store"):
            Store(postgres_url)
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["orders"]
    finally:
        engine.dispose()


def test_store_volumes_a_reader_refuses_an_older_schema_and_migrate_upgrades_it(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = open_engine(url)
    migrate(engine, "0011")
    engine.dispose()
    before = _sha256(tmp_path / "old.db")
    done = run(cli("claims", "--db", url))
    assert done.returncode == 4 and "claimtrack migrate" in done.stderr, done.stderr
    assert _sha256(tmp_path / "old.db") == before
    done = run(cli("migrate", "--db", url))
    assert done.returncode == 0 and "from schema 0011 to 0012" in done.stderr, done.stderr
    assert run(cli("claims", "--db", url)).returncode == 0


@needs_mounts
def test_store_volumes_a_store_on_a_read_only_volume_is_read_and_checked(
        tmp_path: Path) -> None:
    folder = tmp_path / "volume"
    folder.mkdir()
    url = f"sqlite:///{folder / 'store.db'}"
    doc = doc_border()
    with Store(url) as store:
        store.save(doc)
    before = {p.name: _sha256(p) for p in folder.iterdir()}
    read_only = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}"
    claims = _in_namespace(read_only, cli("claims", "--json", "--db", url))
    assert claims.returncode == 0, claims.stderr
    assert doc.claims[0].content_text in claims.stdout
    check = _in_namespace(read_only, cli("check", "--db", url))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip().endswith("ok")
    assert {p.name: _sha256(p) for p in folder.iterdir()} == before


@needs_mounts
@pytest.mark.parametrize("setup", [
    "mount --bind {d} {d} && mount -o remount,ro,bind {d}",  # read-only volume
    "mount -t tmpfs -o size=200k none {d}",  # a folder that fills up
], ids=["read-only", "full"])
def test_store_volumes_gazetteer_build_in_a_read_only_or_full_folder_exits_4(
        tmp_path: Path, setup: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    done = _in_namespace(setup.format(d=folder),
                         cli("gazetteer", "build", "--path", str(folder / "gazetteer.sqlite")))
    assert done.returncode == 4, done.stderr
    assert "cannot build the place gazetteer" in done.stderr
    assert "Traceback" not in done.stderr
