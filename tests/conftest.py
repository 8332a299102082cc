"""Shared fixtures: one data directory per test session, the real pipeline loaded once, and
the store's two backends (a SQLite file, a database on a real PostgreSQL server)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.pg_server import PostgresServer, find_bin_dir

#: The shared data beside the clone (../shared), or where $CLAIMTRACK_DATA (its data/
#: directory, as for `claimtrack eval`) says it is, for a clone kept elsewhere.
SHARED = (Path(os.environ["CLAIMTRACK_DATA"]).expanduser().resolve().parent
          if os.environ.get("CLAIMTRACK_DATA")
          else Path(__file__).resolve().parents[2] / "shared")
SEED = SHARED / "seed" / "moscow_times_2014-08-28.txt"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def pytest_report_header() -> str:
    """Say at the top of every run whether the shared data was found: without it the
    evaluation, seed and corpus tests skip, and a run that skips them should not look green
    by accident."""
    if (SHARED / "data").is_dir():
        return f"claimtrack shared data: {SHARED} (found)"
    return (f"claimtrack shared data: {SHARED} is absent; the tests that read it skip "
            "(set CLAIMTRACK_DATA=/path/to/shared/data)")


@pytest.fixture(scope="session", autouse=True)
def claimtrack_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep stores and the gazetteer out of the user's data directory (one build per session)."""
    home = Path(os.environ.get("CLAIMTRACK_TEST_HOME") or tmp_path_factory.mktemp("home"))
    os.environ["CLAIMTRACK_HOME"] = str(home)
    os.environ.pop("CLAIMTRACK_DATABASE_URL", None)
    return home


@pytest.fixture(scope="session")
def pipeline(claimtrack_home: Path):  # type: ignore[no-untyped-def]
    """The full default pipeline with the real spaCy model and gazetteer."""
    from claimtrack.api import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from claimtrack.stages.nlp import load_model

    return load_model()


def processed_articles(pipeline: Any, articles: list[tuple[str, Any, str]]) -> list[Any]:
    """Short articles we wrote, as (outlet, published date, text), through the real pipeline:
    each must come out analysed (a failure names its error)."""
    from claimtrack.model import RawDocument

    raws = [RawDocument(name=f"{outlet}-{i}", content=text, format="clean",  # type: ignore[arg-type]
                        outlet=outlet, published=published)
            for i, (outlet, published, text) in enumerate(articles)]
    found = []
    for outcome in pipeline.run(raws):
        assert outcome.document is not None, outcome.error
        found.append(outcome.document)
    return found


def requires_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is absent")


def load_bench(name: str) -> ModuleType:
    """A script of ``bench/`` as a module, so tests can call its functions."""
    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BACKENDS = ("sqlite", "postgresql")


def _on_ci() -> bool:
    """CI=true (GitHub Actions, GitLab and most others set it): nothing may be skipped."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session: CLAIMTRACK_TEST_POSTGRES_URL (a superuser or
    CREATEDB role's URL on an existing server), else one started from the installed
    binaries. Without either, PostgreSQL tests skip, except on CI, where they fail: a CI
    run that silently tested SQLite only would claim more than it checked."""
    given = os.environ.get("CLAIMTRACK_TEST_POSTGRES_URL")
    if given:
        server = PostgresServer(given)
    else:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            reason = ("PostgreSQL not found: no initdb/pg_ctl/postgres on PATH or in "
                      "/usr/lib/postgresql/*/bin (install Debian's postgresql package, or set "
                      "CLAIMTRACK_TEST_POSTGRES_URL to a server's URL)")
            if _on_ci():
                pytest.fail(f"CI is set, so PostgreSQL tests may not skip: {reason}",
                            pytrace=False)
            pytest.skip(reason)
        server = PostgresServer.start(bin_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server, dropped after the test."""
    url = postgres_server.database()
    yield url
    postgres_server.drop(url)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store on each backend in turn, so one test checks SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))
