"""The atheris harnesses in fuzz/ still run: each fuzzes briefly from its seeds, then replays
the inputs that once crashed it (fuzz/regressions/), so neither the harness nor a fix rots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"

pytest.importorskip("atheris", reason="atheris is a dev dependency (pip install atheris)")


def _run(harness: str, *args: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [sys.executable, str(FUZZ / harness), *args], capture_output=True, text=True,
        timeout=900, env={**os.environ, **(env or {})}, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("harness", "runs", "env"),
    [("fuzz_readers.py", 2000, {}), ("fuzz_pipeline.py", 300, {"FUZZ_FULL_EVERY": "100"})],
)
def test_fuzz_harness_runs_from_its_seeds(tmp_path: Path, harness: str, runs: int,
                                          env: dict[str, str]) -> None:
    corpus = tmp_path / "corpus"
    _run(harness, str(corpus), f"-atheris_runs={runs}", "-timeout=120", "-seed=1",
         f"-artifact_prefix={tmp_path}/", env=env)
    assert any(p.name.startswith("seed-") for p in corpus.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize(("harness", "folder"), [("fuzz_readers.py", "readers"),
                                                 ("fuzz_pipeline.py", "pipeline")])
def test_fuzz_harness_replays_past_crashes(tmp_path: Path, harness: str, folder: str) -> None:
    crashes = sorted(str(p) for p in (FUZZ / "regressions" / folder).iterdir())
    assert crashes
    _run(harness, *crashes, f"-artifact_prefix={tmp_path}/", env={"FUZZ_FULL_EVERY": "1"})
