"""The gazetteer builds atomically from the packages plus our supplement and finds names by folding."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest

from claimtrack.gazetteer import build as build_module
from claimtrack.gazetteer.build import BuildStats, _Place, build_gazetteer, read_supplement
from claimtrack.gazetteer.query import Gazetteer, GazetteerError, fold_name, open_gazetteer

pytestmark = pytest.mark.slow


def shared_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Build the real gazetteer once per test session (about 15 s) and share it between modules."""
    path = tmp_path_factory.getbasetemp() / "gazetteer-shared" / "gazetteer.sqlite"
    sidecar = path.with_suffix(".stats.json")
    if not path.exists():
        stats = build_gazetteer(path)
        sidecar.write_text(json.dumps(asdict(stats), default=str))
    return path, json.loads(sidecar.read_text())


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    return shared_gazetteer(tmp_path_factory)


@pytest.fixture(scope="session")
def gazetteer(built: tuple[Path, dict]) -> Gazetteer:
    return Gazetteer(built[0])


def tiny_collect(stats: BuildStats) -> tuple[dict[int, _Place], set[tuple[str, int]], dict]:
    """A two-place gazetteer, so the file-handling tests do not wait for the real build."""
    places = {
        709717: _Place(709717, "Donetsk", "P", "PPL", "UA", "05", 901645, 48.023, 37.80224, "t"),
        -1: _Place(-1, "Sea of Azov", "H", "SEA", None, None, 0, 46.0, 37.0, "t"),
    }
    names = {("donetsk", 709717), ("sea of azov", -1), ("azov sea", -1)}
    return places, names, {"UA": "UKR"}


def test_gazetteer_build_counts_and_time(built: tuple[Path, dict]) -> None:
    path, stats = built
    assert stats["places"] > 250_000 and stats["names"] > 500_000
    assert stats["countries"] > 240 and stats["admin_regions"] > 40_000
    assert stats["supplement_features"] >= 5
    assert stats["seconds"] < 60
    assert stats["bytes"] == path.stat().st_size
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]


def test_gazetteer_build_schema_and_index(built: tuple[Path, dict]) -> None:
    conn = sqlite3.connect(built[0])
    columns = [row[1] for row in conn.execute("PRAGMA table_info(places)")]
    plan = " ".join(str(r) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT geonames_id FROM names WHERE name_folded = 'kyiv'"))
    conn.close()
    assert columns == ["geonames_id", "name", "feature_class", "feature_code", "country",
                       "country_iso3", "admin1", "population", "lat", "lon", "source"]
    assert "SEARCH" in plan  # an index lookup, not a scan


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Savur-Mohyla", "savur mohyla"),
        ("Luhans'k", "luhansk"),
        ("Donets’k", "donetsk"),
        ("Kraków", "krakow"),
        ("Łódź", "lodz"),
        ("  São   Paulo ", "sao paulo"),
        ("U.S.", "u s"),
    ],
)
def test_gazetteer_fold_name_normalises(raw: str, folded: str) -> None:
    assert fold_name(raw) == folded


@pytest.mark.parametrize(
    ("name", "geonames_id"),
    [
        ("Kyiv", 703448),
        ("Kiev", 703448),
        ("Luhansk", 702658),
        ("Lugansk", 702658),
        ("Mariupol", 701822),
        ("Novoazovsk", 699675),
        ("Sloviansk", 693468),
        ("Donbass", -4),
        ("Azov Sea", -1),
        ("Saur-Mogila", -3),
    ],
)
def test_gazetteer_candidates_find_spelling_variants(
    gazetteer: Gazetteer, name: str, geonames_id: int
) -> None:
    assert geonames_id in [r.geonames_id for r in gazetteer.candidates(name)]


def test_gazetteer_candidates_unknown_name_is_empty(gazetteer: Gazetteer) -> None:
    assert gazetteer.candidates("Zzyzxqville") == []
    assert gazetteer.candidates("  ") == []


@pytest.mark.parametrize(
    ("geonames_id", "lat", "lon", "feature_code"),
    [
        (-1, 46.0, 37.0, "SEA"),  # Sea of Azov
        (-2, 44.0, 35.0, "SEA"),  # Black Sea
        (-3, 47.92, 38.74, "HLL"),  # Savur-Mohyla
        (-4, 48.0, 37.8, "RGN"),  # Donbas
        (-5, 45.3, 34.4, "PEN"),  # Crimea
    ],
)
def test_gazetteer_supplement_features_are_placed(
    gazetteer: Gazetteer, geonames_id: int, lat: float, lon: float, feature_code: str
) -> None:
    record = gazetteer.get(geonames_id)
    assert record is not None and record.feature_code == feature_code
    assert abs(record.lat - lat) < 0.1 and abs(record.lon - lon) < 0.1
    assert record.source.startswith("claimtrack curated")


def test_gazetteer_supplement_rows_are_well_formed() -> None:
    for row in read_supplement():
        if int(row["geonames_id"]) < 0:
            assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
            assert "negative id" in row["source"]
        assert row["source"].startswith("claimtrack curated")


@pytest.mark.parametrize("code", ["UA", "UKR", "ua"])
def test_gazetteer_country_by_iso2_or_iso3(gazetteer: Gazetteer, code: str) -> None:
    ukraine = gazetteer.country(code)
    assert ukraine is not None and ukraine.geonames_id == 690791
    assert (ukraine.country, ukraine.country_iso3, ukraine.feature_code) == ("UA", "UKR", "PCLI")
    assert abs(ukraine.lat - 50.45) < 0.3 and abs(ukraine.lon - 30.52) < 0.3  # capital: Kyiv


def test_gazetteer_region_point_is_inside_region(gazetteer: Gazetteer) -> None:
    donetsk_oblast = gazetteer.admin1("UA", "05")
    assert donetsk_oblast is not None and donetsk_oblast.geonames_id == 709716
    assert 46.8 < donetsk_oblast.lat < 49.3 and 36.5 < donetsk_oblast.lon < 38.9


def test_gazetteer_failed_build_leaves_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "gazetteer.sqlite"
    target.write_bytes(b"previous gazetteer")

    def crash(tmp: Path, *args: object) -> None:
        tmp.write_bytes(b"half-built")
        raise RuntimeError("crash mid-build")

    monkeypatch.setattr(build_module, "_collect", tiny_collect)
    monkeypatch.setattr(build_module, "_write", crash)
    with pytest.raises(RuntimeError):
        build_gazetteer(target)
    assert target.read_bytes() == b"previous gazetteer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite"]


def test_gazetteer_open_builds_missing_and_stale_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "_collect", tiny_collect)
    monkeypatch.setenv("CLAIMTRACK_HOME", str(tmp_path))
    gazetteer = open_gazetteer()  # default path: data_dir()/gazetteer.sqlite, built on first use
    assert gazetteer.path == tmp_path / "gazetteer.sqlite"
    assert [r.geonames_id for r in gazetteer.candidates("Azov Sea")] == [-1]
    gazetteer.close()
    conn = sqlite3.connect(tmp_path / "gazetteer.sqlite")
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
    conn.commit()
    conn.close()
    reopened = open_gazetteer(tmp_path / "gazetteer.sqlite")
    assert reopened.meta["fingerprint"] == build_module.fingerprint()
    reopened.close()


def test_gazetteer_missing_file_raises_without_build(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="not found"):
        open_gazetteer(tmp_path / "absent.sqlite", build=False)


def test_gazetteer_two_builds_while_a_reader_queries_are_safe(
    built: tuple[Path, dict], tmp_path: Path
) -> None:
    """Two processes rebuild the same file at once while this one keeps reading it: every query
    answers, both builds succeed, and the file they leave is a complete gazetteer."""
    import shutil
    import subprocess
    import sys

    target = tmp_path / "gazetteer.sqlite"
    shutil.copy(built[0], target)
    reader = Gazetteer(target)
    script = ("import sys; from claimtrack.gazetteer.build import build_gazetteer; "
              "build_gazetteer(sys.argv[1])")
    builders = [subprocess.Popen([sys.executable, "-c", script, str(target)],
                                 stderr=subprocess.PIPE) for _ in range(2)]
    answered = 0
    while any(b.poll() is None for b in builders):
        assert [r.geonames_id for r in reader.candidates("Mariupol")][:1] == [701822]
        answered += 1
    outputs = [b.communicate()[1] for b in builders]
    assert [b.returncode for b in builders] == [0, 0], outputs
    assert answered > 0
    reader.close()
    fresh = Gazetteer(target)
    assert fresh.get(701822) is not None and fresh.country("UKR") is not None
    fresh.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer.sqlite"]  # no temp files
