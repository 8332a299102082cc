"""Read side of the gazetteer: folded-name lookups against the SQLite file that build.py writes.

One ``Gazetteer`` is opened per process and shared by every stage and thread: the connection is
read-only, guarded by a lock, and lookups are memoised, so ``run()`` never touches the disk twice
for the same name.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from claimtrack.errors import ClaimtrackError

#: Bumped whenever the schema or the meaning of a column changes; a file with another version is
#: rebuilt by ``open_gazetteer``.
SCHEMA_VERSION = 2  # 2: continents

# Letters that NFKD does not decompose into a base letter plus combining marks.
_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ħ": "h",
     "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
     "ə": "a", "Ə": "A"}
)
# Apostrophe-like marks vanish ("Luhans'k" -> "luhansk"); other punctuation separates words.
_APOSTROPHES = re.compile(r"['’‘ʼʹ`´ʻ]")
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")


def fold_name(name: str) -> str:
    """The key names are stored and looked up by, so spelling and diacritics do not block a match."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_LETTERS)
    text = _APOSTROPHES.sub("", text.lower())
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


@dataclass(frozen=True)
class PlaceRecord:
    """One gazetteer row: a GeoNames feature with the fields disambiguation and output need."""

    geonames_id: int
    name: str
    feature_class: str
    feature_code: str
    country: str | None  # ISO-2
    country_iso3: str | None
    admin1: str | None  # GeoNames admin1 code, relative to the country ("05" = Donetsk Oblast)
    population: int
    lat: float
    lon: float
    source: str

    @property
    def is_country(self) -> bool:
        return self.feature_code.startswith("PCL")

    @property
    def is_admin(self) -> bool:
        return self.feature_class == "A" and self.feature_code.startswith("ADM")

    @property
    def is_populated_place(self) -> bool:
        return self.feature_class == "P"


class GazetteerError(ClaimtrackError):
    """The gazetteer file is missing, unreadable or from an incompatible build."""


_COLUMNS = ("geonames_id, name, feature_class, feature_code, country, country_iso3, admin1, "
            "population, lat, lon, source")


class Gazetteer:
    """Folded-name and country lookups on a built gazetteer file, shared by threads in one process."""

    def __init__(self, path: Path | str, cache_size: int = 65536) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerError(f"gazetteer not found: {self.path} (build it with build_gazetteer)")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self.meta = dict(self._conn.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            raise GazetteerError(f"cannot read gazetteer {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._cached = lru_cache(maxsize=cache_size)(self._lookup)
        # Countries and regions are few and asked for in every article (actor codes,
        # demonyms), and their codes are not indexed: each answer is kept once found.
        self._countries: dict[str, PlaceRecord] | None = None
        self.admin1 = lru_cache(maxsize=8192)(self._admin1)  # type: ignore[method-assign]

    def candidates(self, name: str) -> list[PlaceRecord]:
        """Every place whose name or alias folds to the same key as ``name`` (most populous first)."""
        key = fold_name(name)
        return list(self._cached(key)) if key else []

    def _lookup(self, key: str) -> tuple[PlaceRecord, ...]:
        sql = (f"SELECT {_COLUMNS} FROM places WHERE geonames_id IN "
               "(SELECT geonames_id FROM names WHERE name_folded = ?) ORDER BY population DESC")
        with self._lock:
            rows = self._conn.execute(sql, (key,)).fetchall()
        return tuple(PlaceRecord(*row) for row in rows)

    def get(self, geonames_id: int) -> PlaceRecord | None:
        """The place with this GeoNames id (negative ids are our curated features)."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM places WHERE geonames_id = ?", (geonames_id,)
            ).fetchone()
        return PlaceRecord(*row) if row else None

    def country(self, iso: str) -> PlaceRecord | None:
        """The country record for an ISO-2 or ISO-3 code (read once; see _country)."""
        return self._country(iso)

    def _country(self, iso: str) -> PlaceRecord | None:
        """The country record for an ISO-2 or ISO-3 code, e.g. to map an actor code to a point:
        all countries are read in one scan the first time (the codes are not indexed)."""
        if self._countries is None:
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT {_COLUMNS} FROM places WHERE feature_code LIKE 'PCL%' "
                    "ORDER BY population ASC").fetchall()
            countries: dict[str, PlaceRecord] = {}
            for row in rows:  # the most populous feature of a code is written last, and wins
                record = PlaceRecord(*row)
                for code in (record.country, record.country_iso3):
                    if code:
                        countries[code.upper()] = record
            self._countries = countries
        return self._countries.get(iso.upper())

    def admin1(self, country: str, code: str) -> PlaceRecord | None:
        """The first-order region of a country by its GeoNames admin1 code (cached)."""
        return self._admin1(country, code)

    def _admin1(self, country: str, code: str) -> PlaceRecord | None:
        """The first-order region of a country by its GeoNames admin1 code."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM places WHERE country = ? AND admin1 = ? "
                "AND feature_code = 'ADM1' LIMIT 1",
                (country.upper(), code),
            ).fetchone()
        return PlaceRecord(*row) if row else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def default_path() -> Path:
    """Where the shared gazetteer lives unless a caller names another file."""
    from claimtrack.settings import data_dir

    return data_dir() / "gazetteer.sqlite"


def open_gazetteer(path: Path | str | None = None, *, build: bool = True) -> Gazetteer:
    """Open the gazetteer, building it first when it is missing or from an older builder."""
    from claimtrack.gazetteer.build import build_gazetteer, fingerprint

    target = Path(path) if path is not None else default_path()
    if build and (not target.is_file() or _stored_fingerprint(target) != fingerprint()):
        # the first run is otherwise silent for the build's ~40 s: say what is happening
        # (a warning, so Python's last-resort handler prints it on stderr with no setup)
        logging.getLogger("claimtrack").warning(
            "building the place gazetteer at %s (first run only; about 40 s) ...", target)
        build_gazetteer(target)
    return Gazetteer(target)


def _stored_fingerprint(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None
