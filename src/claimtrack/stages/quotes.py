"""Find quoted passages: straight and curly double quotes, unbalanced ones, multi-paragraph ones.

Newspaper convention for a quote running over several paragraphs: each paragraph opens with a
quote mark and only the last one closes. An unclosed quote therefore ends at its paragraph's
end, and the next paragraph's opening quote starts a new passage.
"""

from __future__ import annotations

from claimtrack.model import Span

OPENERS = {"“": "”", "«": "»", "„": "“"}
STRAIGHT = '"'
MIN_QUOTE_CHARS = 2


def find_quotes(text: str, paragraphs: list[Span]) -> list[Span]:
    """Spans of quoted passages, quote marks included, in text order."""
    text = text.replace("\'\'", '"\x00')  # typewriter double quote '' (same length, offsets kept)
    quotes: list[Span] = []
    continued: Span | None = None  # an unclosed quote of the previous paragraph
    for para in paragraphs or [Span(0, len(text))]:
        open_at: int | None = None
        closer = ""
        first_in_para = True
        for i in range(para.start, para.end):
            ch = text[i]
            if open_at is None:
                if ch in OPENERS or ch == STRAIGHT:
                    open_at, closer = i, OPENERS.get(ch, STRAIGHT)
                    if first_in_para and continued is not None and text[para.start:i].strip() == "":
                        quotes.remove(continued)  # the quote runs on into this paragraph
                        open_at = continued.start
                    continued = None
                    first_in_para = False
                elif not ch.isspace():
                    first_in_para, continued = False, None
            elif ch == closer or (closer == "”" and ch == STRAIGHT) or (closer == STRAIGHT and ch == "”") \
                    or (ch == "“" and _closes_word(text, i)):  # “It's unusual,“ said ...
                close = i + 2 if text[i + 1 : i + 2] == "\x00" else i + 1
                if close - open_at > MIN_QUOTE_CHARS:
                    quotes.append(Span(open_at, close))
                open_at = None
        continued = None
        if open_at is not None and para.end - open_at > MIN_QUOTE_CHARS:
            continued = Span(open_at, para.end)
            quotes.append(continued)
    return quotes


def _closes_word(text: str, i: int) -> bool:
    """An opening curly quote used as a closing one: right after a word, before a space."""
    after = text[i + 1 : i + 2]
    return i > 0 and not text[i - 1].isspace() and (after == "" or after.isspace() or after in ".,;:!?")
