"""Country outlines for the web map: Natural Earth 1:110m, from the npm package world-atlas.

The outlines are public-domain Natural Earth data packaged as TopoJSON by world-atlas@2.0.2
(ISC). They are not copied into our repository: ``claimtrack web-assets`` downloads that exact
tarball from the npm registry, checks its sha512 integrity (the value npm records in
package-lock files), decodes ``countries-110m.json`` to GeoJSON here and stores the result in
the data directory, where the web app serves it from ``OUTLINES_ROUTE``.

TopoJSON (https://github.com/topojson/topojson-specification) stores each shared border once as
an *arc*; with a ``transform`` the arc positions are quantized integers, each position after
the first a delta from the one before. A geometry lists arc indexes; ``~i`` (that is
``-i - 1``) is arc ``i`` reversed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.settings import data_dir

PACKAGE = "world-atlas@2.0.2"
TARBALL_URL = "https://registry.npmjs.org/world-atlas/-/world-atlas-2.0.2.tgz"
INTEGRITY = ("sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHc"
             "Ya5ChG0LQ==")
MEMBER = "package/countries-110m.json"
OBJECT = "countries"
FILENAME = "countries-110m.geojson"
ATTRIBUTION = ("Made with Natural Earth (public domain), 1:110m countries, "
               f"as TopoJSON by {PACKAGE} (ISC)")
MAX_TARBALL_BYTES = 20_000_000  # the real one is 2.3 MB
DECIMALS = 3  # ~100 m: far below what 1:110m outlines resolve, and a smaller file

Position = list[float]


class OutlineError(ClaimtrackError):
    """The outlines could not be downloaded, verified or decoded."""


def outlines_path() -> Path:
    """Where the decoded outlines live (in the data directory, next to the default store)."""
    return data_dir() / FILENAME


# -- TopoJSON -> GeoJSON ---------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    """Every arc as absolute [lon, lat] positions: undo the delta encoding and quantization
    when the topology has a ``transform``, else return the positions as they are."""
    transform = topology.get("transform")
    arcs = topology.get("arcs", [])
    if not transform:
        return [[[float(p[0]), float(p[1])] for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append([round(x * sx + tx, DECIMALS), round(y * sy + ty, DECIMALS)])
        decoded.append(points)
    return decoded


def _point(position: Sequence[float], transform: dict[str, Any] | None) -> Position:
    """A Point's position: quantized but never delta-encoded."""
    if not transform:
        return [float(position[0]), float(position[1])]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    return [round(position[0] * sx + tx, DECIMALS), round(position[1] * sy + ty, DECIMALS)]


def _line(indexes: Sequence[int], arcs: list[list[Position]]) -> list[Position]:
    """Arcs joined end to start; ``~i`` is arc ``i`` reversed. Each arc after the first begins
    where the previous one ended, so its first position is dropped."""
    points: list[Position] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _ring(indexes: Sequence[int], arcs: list[list[Position]]) -> list[Position]:
    """A closed ring of at least four positions, as GeoJSON requires."""
    points = _line(indexes, arcs)
    while len(points) < 4:  # a degenerate ring (possible after quantization)
        points.append(points[0])
    return points


def geometry(obj: dict[str, Any], arcs: list[list[Position]],
             transform: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON geometry for one TopoJSON geometry object (None for a null geometry)."""
    kind = obj.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r, arcs) for r in obj["arcs"]]}
    if kind == "MultiPolygon":
        return {"type": kind,
                "coordinates": [[_ring(r, arcs) for r in polygon] for polygon in obj["arcs"]]}
    if kind == "LineString":
        return {"type": kind, "coordinates": _line(obj["arcs"], arcs)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_line(line, arcs) for line in obj["arcs"]]}
    if kind == "Point":
        return {"type": kind, "coordinates": _point(obj["coordinates"], transform)}
    if kind == "MultiPoint":
        return {"type": kind, "coordinates": [_point(p, transform) for p in obj["coordinates"]]}
    if kind == "GeometryCollection":
        parts = [geometry(g, arcs, transform) for g in obj.get("geometries", [])]
        return {"type": kind, "geometries": [g for g in parts if g is not None]}
    if kind is None:
        return None
    raise OutlineError(f"unknown TopoJSON geometry type {kind!r}")


def to_geojson(topology: dict[str, Any], name: str) -> dict[str, Any]:
    """The object ``name`` of a topology as a GeoJSON FeatureCollection (one Feature per
    geometry of a GeometryCollection, keeping ``id`` and ``properties``)."""
    if topology.get("type") != "Topology":
        raise OutlineError("not a TopoJSON topology (type is not 'Topology')")
    if name not in topology.get("objects", {}):
        raise OutlineError(f"the topology has no object {name!r}; it has: "
                           f"{', '.join(sorted(topology.get('objects', {})))}")
    arcs, transform = decode_arcs(topology), topology.get("transform")
    obj = topology["objects"][name]
    members = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for member in members:
        feature: dict[str, Any] = {"type": "Feature",
                                   "properties": dict(member.get("properties") or {}),
                                   "geometry": geometry(member, arcs, transform)}
        if "id" in member:
            feature["id"] = member["id"]
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


# -- download, verify, install ---------------------------------------------------------------


def verify(data: bytes, integrity: str = INTEGRITY) -> None:
    """Check bytes against an npm/SRI integrity string ("sha512-<base64 digest>")."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in {"sha256", "sha384", "sha512"}:
        raise OutlineError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != expected:
        raise OutlineError(f"integrity check failed for {PACKAGE}: expected {integrity}, "
                           f"got {algorithm}-{actual}")


def download(url: str = TARBALL_URL, timeout: float = 60.0) -> bytes:
    """The tarball's bytes from the npm registry."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read(MAX_TARBALL_BYTES + 1)
    except OSError as exc:
        raise OutlineError(f"cannot download {url}: {exc}") from exc
    if len(data) > MAX_TARBALL_BYTES:
        raise OutlineError(f"{url} is larger than {MAX_TARBALL_BYTES} bytes")
    return data


def topology_from_tarball(data: bytes, member: str = MEMBER) -> dict[str, Any]:
    """Read one JSON member of a (verified) npm tarball, without extracting anything to disk."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            info = tar.getmember(member)
            handle = tar.extractfile(info) if info.isfile() else None
            if handle is None:
                raise OutlineError(f"{member} in the {PACKAGE} tarball is not a file")
            topology: dict[str, Any] = json.load(handle)
    except KeyError:
        raise OutlineError(f"the {PACKAGE} tarball has no {member}") from None
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise OutlineError(f"cannot read {member} from the {PACKAGE} tarball: {exc}") from exc
    return topology


def install(tarball: Path | None = None, dest: Path | None = None,
            integrity: str = INTEGRITY, url: str = TARBALL_URL) -> tuple[Path, int]:
    """Download (or read ``tarball``), verify, decode and store the outlines; returns the path
    written and the number of countries. The file is replaced atomically."""
    if tarball is not None:
        try:
            data = tarball.read_bytes()
        except OSError as exc:
            raise OutlineError(f"cannot read {tarball}: {exc}") from exc
    else:
        data = download(url)
    verify(data, integrity)
    collection = to_geojson(topology_from_tarball(data), OBJECT)
    collection["attribution"] = ATTRIBUTION
    target = dest or outlines_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".outlines-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(collection, handle, separators=(",", ":"))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the server may run as another user
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, len(collection["features"])
