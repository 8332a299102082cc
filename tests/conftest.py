"""Shared fixtures: one data directory per test session, the real pipeline loaded once."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "moscow_times_2014-08-28.txt"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


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
