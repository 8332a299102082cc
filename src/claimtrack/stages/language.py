"""language: identify the article's language; non-English articles are stored, not analysed.

claimtrack's NLP is English-only for now. An article in another language keeps its text,
metadata and language code, with the status "not analysed: language xx", instead of getting
English NLP output that would be noise. Identification is py3langid (langid.py's model,
shipped in the wheel, 97 languages).

Each paragraph is identified on its own and weighed by its length: on a whole text langid
prefers the script with the rarer characters, so an article 60% English and 40% Russian
came out Russian (p = 0.99) and lost its English claims. The article's language is the one
of most of its text, and it is analysed when English paragraphs make up at least
``ANALYSED_SHARE`` of it; the other paragraphs go through the English pipeline too, which
finds little in them (its cues and patterns are English words).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from claimtrack.model import Document

ANALYSED_LANGUAGES = frozenset({"en"})
MIN_CONFIDENCE = 0.9  # below this the text keeps being analysed (short or mixed texts)
SAMPLE_CHARS = 5000
PARTS_SAMPLE_CHARS = 20_000  # paragraphs identified one by one, up to this much text
MIN_PART_CHARS = 40  # shorter lines (datelines, bylines, captions) are not identified alone
ANALYSED_SHARE = 0.25  # English paragraphs this share of the text or more: analysed
_PARAGRAPHS = re.compile(r"\n\s*")


@cache
def identifier() -> Any:
    """py3langid's identifier with normalised probabilities, loaded once."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of a text's language."""
    language, probability = identifier().classify(text[:SAMPLE_CHARS])
    return str(language), float(probability)


def language_shares(text: str) -> dict[str, float]:
    """Share of the text (by characters) of each language, paragraph by paragraph; empty
    when no paragraph is long enough to identify on its own."""
    sizes: Counter[str] = Counter()
    seen = 0
    for part in _PARAGRAPHS.split(text):
        part = part.strip()
        if len(part) < MIN_PART_CHARS:
            continue
        sizes[identify(part)[0]] += len(part)
        seen += len(part)
        if seen >= PARTS_SAMPLE_CHARS:
            break
    return {language: size / seen for language, size in sizes.items()} if seen else {}


def language_of(text: str) -> tuple[str, bool]:
    """(language code, whether the article is analysed) of a text."""
    language, probability = identify(text)
    shares = language_shares(text)
    if shares:
        language = max(shares, key=lambda code: (shares[code], code))
    if sum(shares.get(code, 0.0) for code in ANALYSED_LANGUAGES) >= ANALYSED_SHARE:
        return language, True
    return language, language in ANALYSED_LANGUAGES or probability < MIN_CONFIDENCE


class LanguageStage:
    """Set Document.language, and the status of articles not in an analysed language."""

    name = "language"
    requires = frozenset({"text"})
    produces = frozenset({"language"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            language, analysed = language_of(doc.text)
            doc.language = language
            doc.status = "analysed" if analysed else f"not analysed: language {language}"
        return docs
