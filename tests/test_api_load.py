"""The API load benchmark runs end to end, briefly: a real ``claimtrack serve`` subprocess, a
few clients for a few seconds, every answer the expected one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_bench

pytestmark = pytest.mark.slow


def test_api_load_bench_runs_without_errors(tmp_path: Path, pipeline: Any,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``pipeline`` is requested so that the session's data directory holds the gazetteer the
    server subprocess loads."""
    del pipeline
    out = tmp_path / "api_load.json"
    results = load_bench("api_load").main(["--clients", "4", "--seconds", "4",
                                           "--post-interval", "1", "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == results
    assert results["errors"] == 0, results["error_examples"]
    assert results["server_log_errors"] == []
    assert set(results["by_kind"]) == {"documents", "claims", "events", "places", "threads",
                                       "document", "thread", "post"}
    assert results["by_kind"]["post"]["requests"] >= 1
    assert results["overall"]["requests"] > 20
    assert results["overall"]["p50_ms"] <= results["overall"]["p99_ms"]
    assert "overall" in capsys.readouterr().out
