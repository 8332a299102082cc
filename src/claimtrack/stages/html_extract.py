"""Main text of an HTML page: trafilatura proposes, readability-lxml confirms.

No single open extractor is right on every page (on the article-extraction benchmark,
trafilatura keeps related-link lists, newsletter boxes and company boilerplate that readability
drops, and on a few layouts stops half-way through an article that readability gets whole), but
where two extractors built on different heuristics agree they are rarely both wrong. The chain:

1. trafilatura in recall mode (``favor_recall``, ``fast``) proposes paragraphs and gives the
   metadata (title, date via htmldate, site name, author);
2. readability-lxml gives a second opinion on the same parsed tree;
3. :func:`vote` keeps a trafilatura paragraph when readability has most of it, adds a
   readability paragraph trafilatura lacks only when it is long prose, and drops a line that
   repeats the headline (the headline goes to ``title``). When the two outputs share less than
   half of their text, the extractors picked different parts of the page, and when
   readability's output is under a third of trafilatura's, it probably kept one block only:
   in both cases trafilatura's text is used alone. When one extractor finds nothing, the
   other's text is used.

A page over 1 MB is pruned first, and one still over 4 MB takes a streaming text path instead
of the chain (``html_bounds``): the chain's time and memory grow with the page.

SUPPORT, MIN_AGREEMENT and PROSE_CHARS were chosen on the 181 pages of zyte-aeb
(``claimtrack eval extract-html``); each sits on a plateau (0.3-0.7 for the first two,
150-300 characters for the third give the same F1 within 0.002). MIN_SHARE is a safety rule
that no zyte-aeb page triggers (readability's output is at least 0.6 of trafilatura's there).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring
from lxml_html_clean import Cleaner
from readability import Document as _ReadabilityDocument
from readability.readability import REGEXES as _READABILITY_REGEXES
from readability.readability import Unparseable

from claimtrack.stages.html_bounds import (
    FULL_EXTRACTION_MAX_CHARS,
    PRUNE_ABOVE_CHARS,
    prune_html,
    streaming_article,
)

# readability reports its own fallbacks at INFO ("ruthless removal did not work"): our second
# opinion is not news to an operator, and in `claimtrack serve` those lines filled the log.
logging.getLogger("readability.readability").setLevel(logging.WARNING)

__all__ = [
    "HtmlExtraction",
    "bounded_page",
    "extract_main_text",
    "extract_with_chain",
    "html_to_lines",
    "readability_lines",
    "trafilatura_extract",
    "vote",
]

#: A paragraph counts as kept by the other extractor when this share of it is in that output.
SUPPORT = 0.5
#: Below this overlap of the two outputs, the extractors chose different parts of the page.
MIN_AGREEMENT = 0.5
#: Below this size ratio (readability / trafilatura), readability kept one block, not the article.
MIN_SHARE = 1 / 3
#: A readability-only paragraph is added when it has this many characters and ends a sentence:
#: article paragraphs trafilatura missed are long prose, readability's extra captions,
#: bylines, link titles and credits are short or unpunctuated.
PROSE_CHARS = 200
SENTENCE_END = (".", "!", "?", '"', "'", "\u201d", "\u2019", "\u2026", "\u00bb", "\u3002",
                "\uff01", "\uff1f")
SHINGLE = 4  # words per shingle, as in the article-extraction benchmark's metric

#: Elements that start a new line when an HTML fragment is turned into text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class HtmlExtraction:
    """The article text of a page, its metadata, and which extractors the text came from."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    author: str | None = None
    url: str | None = None
    which: str = "none"  # "vote", "trafilatura", "readability", "streaming" or "none"
    candidates_used: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """The paragraphs, one per line."""
        return "\n".join(self.paragraphs)


def bounded_page(html: str) -> str:
    """``html`` pruned when it is over ``PRUNE_ABOVE_CHARS``, else unchanged."""
    return prune_html(html) if len(html) > PRUNE_ABOVE_CHARS else html


def extract_main_text(html: str, url: str | None = None,
                      max_text_chars: int = 1_000_000) -> HtmlExtraction:
    """Article paragraphs and metadata of ``html``: a big page pruned first, then trafilatura
    and readability voting, or, for a page still too big for them, the streaming path (which
    raises VisibleTextTooLong past ``max_text_chars`` of visible text)."""
    page = bounded_page(html)
    if len(page) > FULL_EXTRACTION_MAX_CHARS:
        lines, meta = streaming_article(page, max_text_chars)
        title = meta.get("title")
        kept = _drop_headline(lines, title)
        return HtmlExtraction(
            paragraphs=tuple(kept), title=title, date=meta.get("date"),
            sitename=meta.get("sitename"), author=meta.get("author"), url=meta.get("url") or url,
            which="streaming" if kept else "none", candidates_used=("streaming",) if kept else (),
        )
    return extract_with_chain(page, url)


def extract_with_chain(html: str, url: str | None = None) -> HtmlExtraction:
    """Article paragraphs and metadata of ``html`` from trafilatura and readability voting
    (whatever the page's size: callers bound it first, see :func:`extract_main_text`)."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return HtmlExtraction(paragraphs=(), url=url)
    proposed, meta = trafilatura_extract(tree, url)  # copies the tree: it stays unchanged
    second = readability_lines(tree)  # may drop hidden elements from the tree; used last
    title = meta.get("title")
    lines, which = vote(proposed, second, title)
    used = tuple(name for name, found in (("trafilatura", proposed), ("readability", second))
                 if found)
    return HtmlExtraction(
        paragraphs=tuple(lines), title=title, date=meta.get("date"),
        sitename=meta.get("sitename"), author=meta.get("author"), url=meta.get("url") or url,
        which=which, candidates_used=used,
    )


def trafilatura_extract(
    tree: HtmlElement | str, url: str | None
) -> tuple[list[str], dict[str, Any]]:
    """trafilatura's recall-mode paragraphs and metadata (empty when it finds no article)."""
    result = trafilatura.bare_extraction(
        tree, url=url, fast=True, favor_recall=True, with_metadata=True,
        include_comments=False, include_tables=True,
    )
    if result is None:
        return [], {}
    meta = {"title": result.title, "date": result.date, "sitename": result.sitename,
            "author": result.author, "url": result.url}
    return _clean_lines((result.text or "").split("\n")), meta


class _Readability(_ReadabilityDocument):  # type: ignore[misc]
    """readability-lxml 0.9, reusing trafilatura's parse and skipping JavaScript-link rewriting.

    Its ``_parse`` re-parses the page and cleans with ``javascript=True``, whose link rewriting
    is a third of readability's time; without both, the text it returns is the same (checked
    on zyte-aeb's 181 pages). Hidden elements are dropped as in readability's own ``_parse``;
    links are not made absolute (we keep no links).
    """

    _cleaner = Cleaner(
        scripts=True, javascript=False, comments=True, style=True, links=True, meta=False,
        add_nofollow=False, page_structure=False, processing_instructions=True,
        embedded=False, frames=False, forms=False, annoying_tags=False, remove_tags=None,
        remove_unknown_tags=False, safe_attrs_only=False,
    )

    def _parse(self, input: Any) -> HtmlElement:  # readability names the argument "input"
        if isinstance(input, HtmlElement):
            tree = input
        else:
            tree = trafilatura.load_html(input)
            if tree is None:
                raise Unparseable("not an HTML document")
        self.encoding = "utf-8"
        for elem in tree.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in tree.xpath("//*[@style]"):
            if _READABILITY_REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        cleaned: HtmlElement = self._cleaner.clean_html(tree)  # a deep copy: retries start fresh
        cleaned.resolve_base_href(handle_failures="discard")
        return cleaned


def readability_lines(html: HtmlElement | str) -> list[str]:
    """readability-lxml's article as paragraphs (empty when it cannot parse the page)."""
    try:
        summary = _Readability(html).summary(html_partial=True)
    except Unparseable:
        return []
    return html_to_lines(fragment_fromstring(summary, create_parent="div")) if summary else []


def html_to_lines(element: HtmlElement) -> list[str]:
    """The text of ``element``, one line per block element, whitespace collapsed."""
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in BLOCK_TAGS:
            parts.append("\n")
        if event == "start":
            if tag and node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return _clean_lines("".join(parts).split("\n"))


def _clean_lines(lines: list[str]) -> list[str]:
    """Whitespace-collapsed non-empty lines."""
    return [" ".join(line.split()) for line in lines if line.strip()]


class _Text:
    """One extractor's output as a bag of shingles, to ask how much of a line it contains."""

    def __init__(self, lines: list[str]) -> None:
        tokens = [token for line in lines for token in _WORD.findall(line)]
        self.shingles = {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
        self.joined = f" {' '.join(tokens)} "

    def share_of(self, line: str) -> float:
        """How much of ``line`` this text contains: its share of the line's shingles (lines
        shorter than a shingle count as contained when their words occur in a row)."""
        tokens = _WORD.findall(line)
        if len(tokens) < SHINGLE:
            return 1.0 if not tokens or f" {' '.join(tokens)} " in self.joined else 0.0
        own = [tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]
        return sum(s in self.shingles for s in own) / len(own)

    def agreement(self, other: _Text) -> float:
        """Overlap coefficient of the two shingle sets: 1.0 when one contains the other."""
        smaller = min(len(self.shingles), len(other.shingles))
        return len(self.shingles & other.shingles) / smaller if smaller else 0.0


def vote(proposed: list[str], second: list[str], title: str | None = None) -> tuple[list[str], str]:
    """Merge a proposing and a confirming extractor's paragraphs; return them and the source."""
    if not proposed or not second:
        lines, which = (proposed, "trafilatura") if proposed else (second, "readability")
        return _drop_headline(lines, title), which if lines else "none"
    mine, theirs = _Text(proposed), _Text(second)
    too_small = len(theirs.shingles) < MIN_SHARE * len(mine.shingles)
    if too_small or mine.agreement(theirs) < MIN_AGREEMENT:
        return _drop_headline(proposed, title), "trafilatura"
    keyed: list[tuple[int, int, str]] = [
        (i, 0, line) for i, line in enumerate(proposed) if theirs.share_of(line) >= SUPPORT
    ]
    anchor, first_line_of = -1, _first_line_index(proposed)
    for j, line in enumerate(second, start=1):
        if mine.share_of(line) >= SUPPORT:
            anchor = max(anchor, first_line_of(line))
        elif len(line) >= PROSE_CHARS and line.endswith(SENTENCE_END):
            keyed.append((anchor, j, line))  # after the last paragraph both extractors kept
    return _drop_headline([line for _, _, line in sorted(keyed)], title), "vote"


def _first_line_index(lines: list[str]) -> Callable[[str], int]:
    """A lookup: the last of ``lines`` that shares a shingle with a given line (-1 if none)."""
    where: dict[tuple[str, ...], int] = {}
    for i, line in enumerate(lines):
        tokens = _WORD.findall(line)
        for k in range(max(1, len(tokens) - SHINGLE + 1)):
            where.setdefault(tuple(tokens[k : k + SHINGLE]), i)

    def lookup(line: str) -> int:
        tokens = _WORD.findall(line)
        starts = range(max(1, len(tokens) - SHINGLE + 1))
        hits = (where.get(tuple(tokens[k : k + SHINGLE])) for k in starts)
        return max((h for h in hits if h is not None), default=-1)

    return lookup


def _drop_headline(lines: list[str], title: str | None) -> list[str]:
    """Drop lines that only repeat the headline: it is metadata (``title``), not body text."""
    if not title:
        return list(lines)
    headline = _WORD.findall(title.casefold())
    return [line for line in lines if _WORD.findall(line.casefold()) != headline]
