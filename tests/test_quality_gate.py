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
    report = run_task(task, **GATE[task]["options"])
    for metric, minimum in GATE[task]["minimum"].items():
        assert report.metrics[metric] >= minimum, f"{task} {metric} {report.metrics[metric]:.3f} < {minimum}"
