"""The stance of a headline toward a claim (for / against / observing), on headlines we wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimtrack.evaluation import run_task
from claimtrack.stance_toward import stance_toward

CLAIM = "Russian troops crossed into eastern Ukraine"


@pytest.fixture(scope="module")
def nlp() -> Any:
    from claimtrack.stages.nlp import load_model

    return load_model()


@pytest.mark.parametrize(
    ("headline", "stance"),
    [
        ("Russian troops cross into eastern Ukraine", "for"),
        ("Moscow denies its troops crossed the border", "against"),
        ("Photos of Russian tanks in Donetsk are fake, fact-checkers find", "against"),
        ("Russian troops did not cross the border, officials insist", "against"),
        ("Rebels dismiss rumors of Russian troops in Donetsk", "against"),
        ("Kyiv says Russian troops crossed the border", "observing"),
        ("Russian troops reportedly crossed into Ukraine", "observing"),
        ("Have Russian troops crossed into Ukraine?", "observing"),
        ("Russian column crosses border - Kyiv Post", "observing"),
        ("Russian tanks in Donetsk: real or fake?", "observing"),
        ("Convoy footage is no hoax, analysts say", "observing"),
    ],
)
def test_stance_toward_claim(nlp: Any, headline: str, stance: str) -> None:
    assert stance_toward(CLAIM, headline, nlp)[0] == stance


def test_stance_task_on_a_file_we_wrote(tmp_path: Path) -> None:
    path = tmp_path / "stance" / "emergent" / "emergent_dev.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "id,claimHeadline,articleHeadline,articleHeadlineStance,articleId,claimId\n"
        f"1,{CLAIM},Moscow denies troops crossed,against,a1,c1\n"
        f"2,{CLAIM},Kyiv says troops crossed,observing,a2,c1\n"
        f"3,{CLAIM},Troops cross into Ukraine,for,a3,c1\n"
        f"4,{CLAIM},Troops cross into Ukraine,against,a4,c1\n", encoding="utf-8")
    report = run_task("stance", tmp_path)
    assert report.metrics["accuracy"] == 0.75 and report.metrics["n_claims"] == 1
    assert report.breakdown["against"]["recall"] == 0.5
    assert report.metrics["majority_accuracy"] == 0.5
