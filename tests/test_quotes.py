"""Quoted passages: curly and straight marks, '' marks, unbalanced and multi-paragraph quotes."""

from __future__ import annotations

import pytest

from claimtrack.model import Span
from claimtrack.stages.quotes import find_quotes


def paragraphs(text: str) -> list[Span]:
    spans, pos = [], 0
    for part in text.split("\n\n"):
        spans.append(Span(pos, pos + len(part)))
        pos += len(part) + 2
    return spans


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He said: "We will stay."', ['"We will stay."']),
        ("“Enough,” she said, “is enough.”", ["“Enough,”", "“is enough.”"]),
        ("''It is over,'' he said.", ["''It is over,''"]),
        ("“It's unusual,“ said the lawyer. “Very.”", ["“It's unusual,“", "“Very.”"]),
        ('"The first part runs on\n\n"and ends here," he said.', ['"The first part runs on\n\n"and ends here,"']),
        ('"Unclosed at the end\n\nThe next paragraph is narration.', ['"Unclosed at the end']),
    ],
)
def test_quotes_find(text: str, quoted: list[str]) -> None:
    assert [q.text(text) for q in find_quotes(text, paragraphs(text))] == quoted
