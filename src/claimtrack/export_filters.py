"""The filters of ``claimtrack export`` and ``GET /api/v1/export/{kind}``, declared once:
the kinds each applies to, how a value is read (text from a query string or typed values
from Python alike) and its help; :func:`check_request` reads and checks a request."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.model import CLAIM_KINDS, EVENT_STATUSES, PLOVER_TYPES, STANCES

KINDS = ("claims", "events", "places", "threads", "documents")
FORMATS = ("csv", "jsonl", "parquet", "geojson")
GEO_KINDS = ("places", "events")  # the kinds with coordinates


class ExportError(ClaimtrackError):
    """A bad export request (kind, format or filter): the caller's to fix."""


def _text(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("must not be blank")
    return text


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _one_of(allowed: tuple[str, ...], upper: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        name = str(value).strip()
        name = name.upper() if upper else name.lower()
        if name not in allowed:
            raise ValueError(f"unknown value {value!r}; expected one of: {', '.join(allowed)}")
        return name
    return parse


def _many_of(allowed: tuple[str, ...]) -> Callable[[Any], list[str]]:
    """One value, a comma-separated list, or several: each one of ``allowed``."""
    one = _one_of(allowed)

    def parse(value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else list(value)
        names = [one(p) for v in values for p in str(v).split(",") if p.strip()]
        if not names:
            raise ValueError(f"expected one of: {', '.join(allowed)}")
        return list(dict.fromkeys(names))
    return parse


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("1", "0", "true", "false", "yes", "no"):
        raise ValueError(f"{value!r} is not true or false")
    return text in ("1", "true", "yes")


def _size(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError(f"{value!r} is not a whole number of at least 1")
    return number


def _bbox(value: Any) -> tuple[float, float, float, float]:
    """'min_lon,min_lat,max_lon,max_lat' (or a 4-tuple) in degrees."""
    try:
        parts = [float(p) for p in (value.split(",") if isinstance(value, str) else value)]
    except (TypeError, ValueError):
        parts = []
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts) or not (
            -180 <= parts[0] <= 180 and -180 <= parts[2] <= 180
            and -90 <= parts[1] <= parts[3] <= 90):
        raise ValueError(f"{value!r}: expected min_lon,min_lat,max_lon,max_lat in degrees")
    return parts[0], parts[1], parts[2], parts[3]


def _reported(value: Any) -> list[tuple[str, str | None, str | None]]:
    """(stance, country, sector) triples, as the store's ``reported_by`` takes them."""
    triples = [tuple(v) for v in value]
    if not all(len(t) == 3 and t[0] in STANCES for t in triples):
        raise ValueError("expected (stance, country, sector) triples")
    return triples  # type: ignore[return-value]


@dataclass(frozen=True)
class Filter:
    """One filter: the kinds it applies to, how a value is read, what it does."""

    kinds: tuple[str, ...]
    parse: Callable[[Any], Any]
    help: str


_C, _E, _P, _T, _D = KINDS
FILTERS: dict[str, Filter] = {
    "outlet": Filter((_C, _E, _P, _D), _text, "Outlet contains this (any case)."),
    "from": Filter(KINDS, _date, "Published on or after (YYYY-MM-DD); threads: a claim was."),
    "to": Filter(KINDS, _date, "Published on or before (YYYY-MM-DD); threads: a claim was."),
    "doc": Filter((_C, _E, _P), _text, "Only this document (id or prefix)."),
    "q": Filter((_C, _D), _text, "Claim text (claims) or title or text (documents) contains this."),
    "source": Filter((_C, _E), _text, "Source name contains this (any case)."),
    "stance": Filter((_C, _E), _one_of(STANCES), "Stance of the claim (reporting the event)."),
    "kind": Filter((_C,), _one_of(CLAIM_KINDS), "Claim kind."),
    "type": Filter((_E,), _one_of(PLOVER_TYPES, upper=True), "PLOVER event type."),
    "status": Filter((_E,), _many_of(EVENT_STATUSES), "How the article holds the event; "
                     "several allowed."),
    "actor_country": Filter((_E,), _text, "An actor is coded with this country (e.g. RUS)."),
    "actor_sector": Filter((_E,), _text, "An actor is coded with this sector (e.g. MIL)."),
    "target_country": Filter((_E,), _text, "A target is coded with this country."),
    "target_sector": Filter((_E,), _text, "A target is coded with this sector."),
    "reported_by": Filter((_E,), _reported, "(stance, country, sector) triples the article "
                          "reports the kind of event with (CLI --asserted-by/--denied-by)."),
    "place": Filter((_E, _P, _T), _text, "Place name contains this (threads: a claim names it)."),
    "country": Filter((_P,), _text, "Place's ISO-2 country code."),
    "bbox": Filter((_E, _P), _bbox, "min_lon,min_lat,max_lon,max_lat (degrees)."),
    "actor": Filter((_T,), _text, "A source's name contains this, or a source is coded with it."),
    "contested": Filter((_T,), _flag, "Only threads where one source asserts what another denies."),
    "min_size": Filter((_T,), _size, "Only threads of at least this many claims (default 2)."),
}


def filters_for(kind: str) -> list[str]:
    """The names of the filters that apply to ``kind``, in declaration order."""
    return [name for name, spec in FILTERS.items() if kind in spec.kinds]


def check_request(kind: str, fmt: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The filters read and checked; ExportError saying what is valid otherwise."""
    if kind not in KINDS:
        raise ExportError(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if fmt == "geojson" and kind not in GEO_KINDS:
        raise ExportError(f"geojson is for {' and '.join(GEO_KINDS)} (they have coordinates), "
                          f"not {kind}; use csv, jsonl or parquet")
    checked: dict[str, Any] = {}
    for name, value in filters.items():
        if value is None:
            continue
        spec = FILTERS.get(name)
        if spec is None or kind not in spec.kinds:
            problem = (f"unknown filter {name!r}" if spec is None
                       else f"filter {name!r} does not apply to {kind}")
            raise ExportError(f"{problem}; filters for {kind}: {', '.join(filters_for(kind))}")
        try:
            checked[name] = spec.parse(value)
        except ValueError as exc:
            raise ExportError(f"filter {name!r}: {exc}") from None
    if checked.get("from") and checked.get("to") and checked["from"] > checked["to"]:
        raise ExportError(f"'from' ({checked['from']}) is after 'to' ({checked['to']})")
    return checked
