"""Headline case for the parser: "Mohammed Islam Denies Making 72 Million" parsed as written
gives spaCy's small model a string of proper nouns and no verb, so the claim in it is lost.

:func:`recase_headlines` rewrites, for parsing only, the lines of a text that are set in Title
Case or ALL CAPS: each capitalised word takes the case the embedding tokenizer's vocabulary
prefers ("Denies" -> "denies", "Apple" stays, "AUSTRALIA" -> "Australia"). Byte-pair
vocabularies are built most frequent first, so the form cut into fewer, lower-ranked pieces is
the one written more often. Only case changes, so every character offset into the text stays
valid and the stages keep pointing into ``Document.text``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*")
#: A line is a headline to recase when it has this many words of four letters or more...
MIN_LONG_WORDS = 3
#: ...and this share of them are capitalised (Title Case) or the line is mostly upper case.
TITLE_SHARE = 0.7


@lru_cache(maxsize=100_000)
def _rank(form: str) -> tuple[int, int]:
    """(pieces, rank of the rarest piece) of a word-initial form in the tokenizer vocabulary."""
    from claimtrack.link.threads import vocabulary_ids

    ids = vocabulary_ids(form)
    return (len(ids), max(ids) if ids else 0)


def preferred_case(word: str) -> str:
    """The case a capitalised or upper-case word is most often written in."""
    lower, title = word.lower(), word[:1].upper() + word[1:].lower()
    if word.isupper() and len(word) <= 4:
        pieces, rank = _rank(lower)
        return lower if pieces == 1 and rank < 1000 else word  # "THE" -> "the", "ISIS" stays
    candidates = [lower, title] if word.isupper() else [lower, word]
    return min(candidates, key=lambda form: (_rank(form), form != word))


def is_headline(line: str) -> bool:
    long_words = [w for w in _WORD.findall(line) if len(w) >= 4]
    if len(long_words) < MIN_LONG_WORDS:
        return False
    capitalised = sum(w[0].isupper() for w in long_words)
    upper = sum(w.isupper() for w in long_words)
    return capitalised >= TITLE_SHARE * len(long_words) or upper >= TITLE_SHARE * len(long_words)


def recase_line(line: str) -> str:
    """A headline with its words in their usual case; the first word keeps a capital."""
    out = list(line)
    first = True
    for match in _WORD.finditer(line):
        word = match.group(0)
        if word[0].isupper():
            new = preferred_case(word)
            if first:
                new = new[:1].upper() + new[1:]
            out[match.start():match.end()] = new
        first = False
    return "".join(out)


def recase_headlines(text: str) -> str:
    """The text with its Title Case and ALL CAPS lines recased (same length, same offsets)."""
    lines = text.split("\n")
    changed = [recase_line(line) if is_headline(line) else line for line in lines]
    result = "\n".join(changed)
    assert len(result) == len(text)
    return result
