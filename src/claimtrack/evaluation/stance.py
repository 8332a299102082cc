"""Task ``stance``: the stance of an article headline toward a claim on Emergent.

Data (see ``../shared/data/README.md``): ``stance/emergent/emergent_dev.csv`` with columns
``id, claimHeadline, articleHeadline, articleHeadlineStance, articleId, claimId`` and stances
``for`` / ``against`` / ``observing`` (Ferreira & Vlachos 2016; the file is their data split by
claim). Scores: accuracy and macro-F1 over the three classes, per-class P/R/F1, and a confusion
table; a majority-class baseline ("for") is scored in the same run.

The file has no training part, so rows are split by a hash of their claim id (all the headlines
about one claim stay together): ``split`` ``dev`` / ``test`` / ``all`` (default). The rules of
:mod:`claimtrack.stance_toward` were written looking at dev errors only.

Options: ``split``, ``limit`` (first N rows), ``predict`` (``(claim, text) -> stance``).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    SPLITS,
    EvalReport,
    EvaluationError,
    check_options,
    f1_score,
    in_split,
    register_task,
    require_path,
    safe_div,
)

TASK = "stance"
DATA_PATH = "stance/emergent/emergent_dev.csv"
CLASSES = ("for", "against", "observing")


def load_rows(path: Path) -> list[dict[str, str]]:
    """The rows of the Emergent CSV, checked for the columns the task needs."""
    with require_path(path, "Emergent stance CSV").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    needed = {"claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"}
    if rows and not needed <= rows[0].keys():
        raise EvaluationError(f"{path}: expected columns {sorted(needed)}")
    return rows


def rows_in_split(path: Path, split: str, task: str) -> list[dict[str, str]]:
    """The Emergent rows of one half (by a hash of the claim id) or of the whole file."""
    if split not in SPLITS:
        raise EvaluationError(f"task {task!r}: split must be one of {SPLITS}, not {split!r}")
    return [r for r in load_rows(path) if in_split(f"emergent-{r['claimId']}", split)]


def _default_predictor() -> Callable[[str, str], str]:
    from claimtrack.settings import Settings
    from claimtrack.stages.nlp import load_model
    from claimtrack.stance_toward import stance_toward

    nlp = load_model(Settings().nlp.model)
    return lambda claim, text: stance_toward(claim, text, nlp)[0]


def scores(gold: list[str], predicted: list[str]) -> tuple[dict[str, float],
                                                           dict[str, dict[str, float]]]:
    """Accuracy, macro-F1 and per-class rows."""
    rows, f1s = {}, []
    for cls in CLASSES:
        tp = sum(g == p == cls for g, p in zip(gold, predicted))
        p = safe_div(tp, sum(x == cls for x in predicted))
        r = safe_div(tp, sum(x == cls for x in gold))
        rows[cls] = {"n_gold": sum(x == cls for x in gold), "precision": p, "recall": r,
                     "f1": f1_score(p, r)}
        f1s.append(f1_score(p, r))
    metrics = {"accuracy": safe_div(sum(g == p for g, p in zip(gold, predicted)), len(gold)),
               "macro_f1": sum(f1s) / len(f1s)}
    return metrics, rows


@register_task(TASK)
class StanceTask:
    """Score the stance of article headlines toward their claims."""

    options = ("split", "limit", "predict")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        split = options.get("split") or "all"
        path = data_dir / DATA_PATH
        rows = rows_in_split(path, split, TASK)
        if options.get("limit") is not None:
            rows = rows[: int(options["limit"])]
        predict = options.get("predict") or _default_predictor()
        gold = [r["articleHeadlineStance"].strip().lower() for r in rows]
        predicted = [predict(r["claimHeadline"], r["articleHeadline"]) for r in rows]
        metrics, breakdown = scores(gold, predicted)
        majority = Counter(gold).most_common(1)[0][0] if gold else "for"
        baseline, _ = scores(gold, [majority] * len(gold))
        metrics["majority_accuracy"] = baseline["accuracy"]
        metrics["majority_macro_f1"] = baseline["macro_f1"]
        metrics["n_rows"] = len(rows)
        metrics["n_claims"] = len({r["claimId"] for r in rows})
        confusion = Counter(zip(gold, predicted))
        notes = [f"majority class: {majority}",
                 "confusion (gold->pred): " + ", ".join(
                     f"{g}->{p} {n}" for (g, p), n in sorted(confusion.items()) if g != p)]
        return EvalReport(task=TASK, dataset=f"emergent ({path})"
                          + ("" if split == "all" else f", {split} half"),
                          n_documents=len(rows), metrics=metrics, breakdown=breakdown,
                          notes=notes)
