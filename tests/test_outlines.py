"""Country outlines for the web map: TopoJSON decoding on topologies we write, the integrity
check, and installing from a tarball (no network: the tarballs are built here)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimtrack.cli import EXIT_ERROR, main
from claimtrack.web.outlines import (
    FILENAME,
    INTEGRITY,
    MEMBER,
    OutlineError,
    install,
    outlines_path,
    to_geojson,
    verify,
)

# Two unit squares sharing the edge x=2 (quantized), stored once as arc 0: the left square
# walks it forwards, the right one backwards (~0 == -1). Positions after the first of each arc
# are deltas. transform: lon = x * 0.5 + 10, lat = y * 0.25 + 20.
SQUARES: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],  # (2,0) -> (2,4): the shared edge
        [[2, 4], [-2, 0], [0, -4], [2, 0]],  # (2,4) -> (0,4) -> (0,0) -> (2,0)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],  # (2,0) -> (4,0) -> (4,4) -> (2,4)
    ],
    "objects": {
        "countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "Left"}},
            {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "002",
             "properties": {"name": "Right"}},
            {"type": "Point", "coordinates": [4, 4], "properties": {"name": "Corner"}},
            {"type": "LineString", "arcs": [1]},
            {"type": None, "properties": {"name": "Nowhere"}},
        ]},
    },
}

LEFT = [[11.0, 20.0], [11.0, 21.0], [10.0, 21.0], [10.0, 20.0], [11.0, 20.0]]
RIGHT = [[11.0, 20.0], [12.0, 20.0], [12.0, 21.0], [11.0, 21.0], [11.0, 20.0]]


def test_outlines_decode_quantized_delta_arcs_and_shared_edges() -> None:
    collection = to_geojson(SQUARES, "countries")
    left, right, corner, line, nowhere = collection["features"]
    assert left == {"type": "Feature", "id": "001", "properties": {"name": "Left"},
                    "geometry": {"type": "Polygon", "coordinates": [LEFT]}}
    assert right["id"] == "002"
    assert right["geometry"] == {"type": "MultiPolygon", "coordinates": [[RIGHT]]}
    assert corner["geometry"] == {"type": "Point", "coordinates": [12.0, 21.0]}  # no deltas
    assert line["geometry"] == {"type": "LineString", "coordinates": LEFT[1:]}
    assert nowhere["geometry"] is None and nowhere["properties"] == {"name": "Nowhere"}


def test_outlines_decode_a_topology_without_transform() -> None:
    topology = {"type": "Topology", "arcs": [[[0, 0], [1, 0]], [[1, 0], [1, 1], [0, 0]]],
                "objects": {"land": {"type": "Polygon", "arcs": [[0, 1]]}}}
    [feature] = to_geojson(topology, "land")["features"]
    assert feature["geometry"]["coordinates"] == [[[0, 0], [1, 0], [1, 1], [0, 0]]]


@pytest.mark.parametrize(("topology", "name", "message"), [
    ({"type": "FeatureCollection"}, "countries", "not a TopoJSON topology"),
    (SQUARES, "land", "has no object 'land'; it has: countries"),
    ({"type": "Topology", "arcs": [], "objects": {"x": {"type": "Sphere"}}}, "x",
     "unknown TopoJSON geometry type 'Sphere'"),
])
def test_outlines_decode_rejects_what_it_cannot_read(topology: dict[str, Any], name: str,
                                                     message: str) -> None:
    with pytest.raises(OutlineError, match=message):
        to_geojson(topology, name)


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def tarball(topology: dict[str, Any], member: str = MEMBER) -> bytes:
    """An npm-style tarball holding ``topology`` at ``member``."""
    payload = json.dumps(topology).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(member)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def test_outlines_verify_accepts_the_matching_digest_and_rejects_any_other() -> None:
    data = b"world-atlas"
    verify(data, sri(data))
    with pytest.raises(OutlineError, match="integrity check failed"):
        verify(data + b"!", sri(data))
    with pytest.raises(OutlineError, match="unsupported integrity algorithm 'md5'"):
        verify(data, "md5-AAAA")


def test_outlines_install_from_a_verified_tarball(tmp_path: Path) -> None:
    data = tarball(SQUARES)
    path = tmp_path / "package.tgz"
    path.write_bytes(data)
    target, count = install(path, dest=tmp_path / "out" / "countries.geojson",
                            integrity=sri(data))
    assert count == 5
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["features"][0]["geometry"]["coordinates"] == [LEFT]
    assert "Natural Earth" in written["attribution"]
    assert [p.name for p in target.parent.iterdir()] == ["countries.geojson"]  # no temp left


def test_outlines_install_refuses_a_tarball_that_is_not_world_atlas(tmp_path: Path) -> None:
    path = tmp_path / "package.tgz"
    path.write_bytes(tarball(SQUARES))
    dest = tmp_path / "countries.geojson"
    with pytest.raises(OutlineError, match="integrity check failed"):
        install(path, dest=dest)  # the pinned world-atlas@2.0.2 digest
    assert not dest.exists()


def test_outlines_install_reports_a_missing_member(tmp_path: Path) -> None:
    data = tarball(SQUARES, member="package/land-110m.json")
    path = tmp_path / "package.tgz"
    path.write_bytes(data)
    with pytest.raises(OutlineError, match="has no package/countries-110m.json"):
        install(path, dest=tmp_path / "countries.geojson", integrity=sri(data))


def test_outlines_cli_web_assets_fails_cleanly_on_a_wrong_tarball(tmp_path: Path) -> None:
    path = tmp_path / "package.tgz"
    path.write_bytes(tarball(SQUARES))
    result = CliRunner().invoke(main, ["web-assets", "--tarball", str(path)])
    assert result.exit_code == EXIT_ERROR
    assert "integrity check failed for world-atlas@2.0.2" in result.stderr
    assert INTEGRITY in result.stderr
    assert not outlines_path().exists()


# Read at import, before the session fixture points CLAIMTRACK_HOME at a temporary directory.
_USER_HOME = os.environ.get("CLAIMTRACK_HOME")


def installed_outlines() -> Path:
    """Where `claimtrack web-assets` put the outlines for the user running the tests."""
    import platformdirs

    home = _USER_HOME or platformdirs.user_data_dir("claimtrack", appauthor=False)
    return Path(home) / FILENAME


def test_outlines_installed_by_web_assets_are_natural_earth_countries() -> None:
    """The real world-atlas outlines as `claimtrack web-assets` installed them (CI runs it
    after the install): every country, every ring closed, Ukraine where it belongs."""
    path = installed_outlines()
    if not path.is_file():
        reason = f"{path} is absent: run `claimtrack web-assets`"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI is set, so this may not skip: {reason}", pytrace=False)
        pytest.skip(reason)
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = {f["properties"]["name"]: f for f in collection["features"]}
    assert len(features) == 177 and {"Russia", "Fiji", "Antarctica"} <= set(features)
    for feature in features.values():
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        assert all(ring[0] == ring[-1] and len(ring) >= 4 for p in polygons for ring in p)
    ukraine = [pt for ring in features["Ukraine"]["geometry"]["coordinates"] for pt in ring]
    lons, lats = [p[0] for p in ukraine], [p[1] for p in ukraine]
    assert 21 < min(lons) < 23 and 39 < max(lons) < 41
    assert 44 < min(lats) < 46 and 52 < max(lats) < 53
