"""language: identify the article's language; non-English articles are stored, not analysed.

claimtrack's NLP is English-only for now. An article in another language keeps its text,
metadata and language code, with the status "not analysed: language xx", instead of getting
English NLP output that would be noise. Identification is py3langid (langid.py's model,
shipped in the wheel, 97 languages), on the first few thousand characters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack.model import Document

ANALYSED_LANGUAGES = frozenset({"en"})
MIN_CONFIDENCE = 0.9  # below this the text keeps being analysed (short or mixed texts)
SAMPLE_CHARS = 5000


@cache
def identifier() -> Any:
    """py3langid's identifier with normalised probabilities, loaded once."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of a text's language."""
    language, probability = identifier().classify(text[:SAMPLE_CHARS])
    return str(language), float(probability)


class LanguageStage:
    """Set Document.language, and the status of articles not in an analysed language."""

    name = "language"
    requires = frozenset({"text"})
    produces = frozenset({"language"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            language, probability = identify(doc.text)
            doc.language = language
            if language not in ANALYSED_LANGUAGES and probability >= MIN_CONFIDENCE:
                doc.status = f"not analysed: language {language}"
            else:
                doc.status = "analysed"
        return docs
