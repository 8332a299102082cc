"""Non-English articles are stored with their language and a status, not English NLP output."""

from __future__ import annotations

from typing import Any

import pytest

from claimtrack.model import RawDocument
from claimtrack.stages.language import identify

GERMAN = ("Die Regierung hat am Donnerstag neue Sanktionen gegen mehrere Unternehmen beschlossen. "
          "Der Minister sagte, die Maßnahmen würden sofort in Kraft treten.")
ENGLISH = ("The government approved new sanctions against several companies on Thursday. "
           "The minister said the measures would take effect immediately.")


@pytest.mark.parametrize(("text", "language"), [(GERMAN, "de"), (ENGLISH, "en"),
                                                ("Правительство в четверг одобрило новые санкции.", "ru")])
def test_language_identify(text: str, language: str) -> None:
    assert identify(text)[0] == language


def test_language_non_english_article_is_stored_but_not_analysed(pipeline: Any) -> None:
    german, english = pipeline.run([RawDocument("de.txt", GERMAN), RawDocument("en.txt", ENGLISH)])
    assert german.ok and german.document.language == "de"
    assert german.document.status == "not analysed: language de"
    assert german.document.claims == [] and german.document.sentences == []
    assert english.document.analysed and english.document.language == "en"
    assert any(c.cue == "said" for c in english.document.claims)
