"""Quality gate (as trafilatura's eval_gate.py): each evaluation must reach its pinned minimum."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimtrack.evaluation import default_data_dir, run_task

GATE = json.loads((Path(__file__).resolve().parents[1] / "quality_gate.json").read_text())
TASKS = [name for name in GATE if not name.startswith("_")]


@pytest.mark.skipif(not default_data_dir().exists(), reason="../shared/data is absent")
@pytest.mark.parametrize("task", TASKS)
def test_quality_gate_minimum_scores(task: str, pipeline: Any) -> None:
    """An entry names its task (``task``, default: the entry's key, so one task can be gated
    on several sets), the minimum of each higher-is-better figure and the maximum of each
    lower-is-better one (events coded on sentences with none)."""
    entry = GATE[task]
    report = run_task(entry.get("task", task), **entry["options"])
    for metric, minimum in entry.get("minimum", {}).items():
        assert report.metrics[metric] >= minimum, f"{task} {metric} {report.metrics[metric]:.3f} < {minimum}"
    for metric, maximum in entry.get("maximum", {}).items():
        assert report.metrics[metric] <= maximum, f"{task} {metric} {report.metrics[metric]:.3f} > {maximum}"
