"""Task ``geo`` on a GeoWebNews-format file we write ourselves, and on the real set when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.evaluation import run_task
from claimtrack.evaluation.base import DatasetMissingError
from claimtrack.evaluation.geo import auc_of_errors, haversine_km, load_gold
from tests.conftest import requires_shared

TEXT = ("Shells fell in Mariupol and Donetsk on Monday, Ukrainian officials said. "
        "The Kyiv Post reported that residents of Mariupol fled.")


def toponym(name: str, kind: str, gid: int | None, lat: float, lon: float, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(name, start + 1)
    return (f"<toponym><extractedName>{name}</extractedName><type>{kind}</type>"
            f"<start>{start}</start><end>{start + len(name)}</end>"
            f"<geonamesID>{gid or ''}</geonamesID><latitude>{lat}</latitude>"
            f"<longitude>{lon}</longitude></toponym>")


def write_set(root: Path) -> Path:
    toponyms = "".join([
        toponym("Mariupol", "Literal", 701822, 47.0958, 37.5494),
        toponym("Donetsk", "Literal", 709717, 48.0230, 37.8022),
        toponym("Ukrainian", "Non_Literal_Modifier", 690791, 49.0, 32.0),
        toponym("Kyiv", "Embedded_Non_Lit", 703448, 50.4547, 30.5238),
        toponym("Mariupol", "Literal", 701822, 47.0958, 37.5494, nth=1),
        # not a toponym type: ignored by recognition and resolution
        ("<toponym><extractedName>residents</extractedName><type>Non_Lit_Expression</type>"
         f"<start>{TEXT.index('residents')}</start><end>{TEXT.index('residents') + 9}</end>"
         "</toponym>"),
    ])
    path = root / "geo" / "geowebnews.xml"
    path.parent.mkdir(parents=True)
    path.write_text(f'<articles><article file="a1"><text>{TEXT}</text>'
                    f"<toponyms>{toponyms}</toponyms></article></articles>", encoding="utf-8")
    return path


def test_geo_loader_keeps_only_place_types(tmp_path: Path) -> None:
    [article] = load_gold(write_set(tmp_path))
    assert [t.name for t in article.toponyms] == ["Mariupol", "Donetsk", "Ukrainian", "Kyiv",
                                                  "Mariupol"]


def test_geo_scores_recognition_and_resolution(tmp_path: Path) -> None:
    write_set(tmp_path)
    report = run_task("geo", tmp_path)
    metrics = report.metrics
    assert metrics["n_gold_toponyms"] == 5
    assert metrics["recognition_recall"] == 1.0  # places, the demonym and the embedded name
    assert metrics["exact_id_acc"] == 1.0 and metrics["acc_161km"] == 1.0
    assert metrics["e2e_acc_161km"] == 1.0
    assert metrics["map_places_recognition_recall"] == pytest.approx(3 / 5)
    assert report.breakdown["Literal"]["recall"] == 1.0


def test_geo_distance_helpers() -> None:
    assert haversine_km(47.0958, 37.5494, 48.0230, 37.8022) == pytest.approx(105, abs=2)
    assert auc_of_errors([0.0, 0.0]) == 0.0
    assert auc_of_errors([20039.0, 20039.0]) == pytest.approx(1.0)


def test_geo_missing_set_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError):
        run_task("geo", tmp_path)


@requires_shared(Path(__file__).resolve().parents[2] / "shared" / "data" / "geo" / "geowebnews.xml")
def test_geo_real_set_first_articles() -> None:
    report = run_task("geo", limit=10)
    assert report.n_documents == 10 and report.metrics["recognition_f1"] > 0.5
