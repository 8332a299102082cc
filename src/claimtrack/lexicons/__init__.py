"""Load the lexicon data files shipped in this folder (one entry per line, '#' comments).

Every lexicon is read here and nowhere else, and cached, so a stage can call these freely.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("  #", 1)[0].rstrip() if not line.startswith("#") else ""
        if line.strip():
            out.append(line.strip())
    return out


@cache
def words(name: str) -> frozenset[str]:
    """A set of lower-cased entries (one word or phrase per line)."""
    return frozenset(line.lower() for line in _lines(name))


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries in file order (for regex lists, where order or case matters)."""
    return tuple(_lines(name))


@cache
def table(name: str) -> dict[str, tuple[str, ...]]:
    """A tab-separated table: first column (lower-cased) -> the remaining columns."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _lines(name):
        key, *rest = [cell.strip() for cell in line.split("\t")]
        out[key.lower()] = tuple(rest)
    return out
