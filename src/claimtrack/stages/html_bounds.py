"""Bounds for huge HTML pages: cheap pruning before the extractors, and a streaming text path.

trafilatura and readability-lxml work on a whole parsed tree, in calls into lxml that a Python
signal cannot interrupt, in time and memory that grow with the page: on generated pages of
nested or flat markup 2.5-5 s and about 100 MB per MB of HTML (20 MB: minutes and gigabytes).
So, before them:

1. a page over ``PRUNE_ABOVE_CHARS`` loses what no extractor keeps, in one linear scan:
   comments, ``script`` (JSON-LD metadata excepted), ``style``, ``svg``, ``noscript`` and
   ``template`` elements, and attribute values over ``LONG_ATTRIBUTE_CHARS`` (``data:`` images,
   inline application state);
2. a page still over ``FULL_EXTRACTION_MAX_CHARS`` is too big for the extractor chain within a
   budget and takes the streaming path: lxml's parser feeds a target that keeps the text of
   block elements as lines (no tree is built), and the plain-text line classifier of
   ``boilerplate`` keeps the article. Its visible text is capped (``max_text_chars``), so a
   page of megabytes of text fails early, with its size, instead of after extraction.

Pages under the first threshold are untouched, so the extractor chain's accuracy on ordinary
pages is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from lxml import etree

from claimtrack.stages.boilerplate import classify_lines

#: Pages longer than this (characters) are pruned before extraction (every page of the
#: zyte-aeb and trafilatura evaluation sets is under 1.5 MB; six are over 1 MB).
PRUNE_ABOVE_CHARS = 1_000_000
#: Pruned pages longer than this take the streaming path: the extractor chain needs about
#: 4.6 s per MB on nested markup here, so 4 MB stays well within the default 60 s budget.
FULL_EXTRACTION_MAX_CHARS = 4_000_000
#: Attribute values longer than this are emptied when a page is pruned.
LONG_ATTRIBUTE_CHARS = 1_000
#: A JSON-LD script up to this size is kept: trafilatura reads title, date and author from it.
JSON_LD_MAX_CHARS = 100_000
#: The streaming path feeds lxml this many characters at a time (a signal is seen between).
CHUNK_CHARS = 1_000_000
#: Longer lines are cut at a space in the streaming path: the line classifier's lexicon
#: patterns (``\bsign up\b.*\b(newsletter|...)``) cost up to the square of a line's length, in
#: one regular-expression call that a signal cannot interrupt. News paragraphs are far shorter.
MAX_LINE_CHARS = 5_000

_DROPPED = ("script", "style", "svg", "noscript", "template")
_OPENING = re.compile(r"<!--|<(script|style|svg|noscript|template)(?=[\s/>])", re.IGNORECASE)
_JSON_LD = re.compile(r"""\btype\s*=\s*["']?application/ld\+json""", re.IGNORECASE)
_LONG_ATTRIBUTE = re.compile(
    rf"""=(\s*)(?:"[^"]{{{LONG_ATTRIBUTE_CHARS},}}"|'[^']{{{LONG_ATTRIBUTE_CHARS},}}')""")
#: Elements whose text starts a new line in the streaming path.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "title", "tr", "ul",
})
#: Elements whose text is never article text.
_SKIPPED = frozenset({*_DROPPED, "head", "select", "option", "button", "textarea", "iframe"})
#: <meta> names and properties read as metadata by the streaming path.
_META = {"og:title": "title", "twitter:title": "title", "og:site_name": "sitename",
         "article:published_time": "date", "date": "date", "author": "author",
         "article:author": "author", "og:url": "url"}


class VisibleTextTooLong(ValueError):
    """A page holds more visible text than any article within the text limit could come from."""

    def __init__(self, chars: int, limit: int) -> None:
        super().__init__(f"the page has over {chars:,} characters of visible text, more than the "
                         f"{limit:,} an article within the text limit can come from")


def prune_html(html: str) -> str:
    """``html`` without comments, scripts (small JSON-LD excepted), styles, SVG, noscript and
    template elements, and with long attribute values emptied; linear in the page's length.

    An element that is never closed is dropped to the end of the page, as a browser would."""
    parts: list[str] = []
    pos = 0
    while match := _OPENING.search(html, pos):
        parts.append(html[pos : match.start()])
        tag = match.group(1)
        if tag is None:
            end = html.find("-->", match.end())
            pos = len(html) if end < 0 else end + 3
            continue
        close = _closing(tag.lower()).search(html, match.end())
        end = len(html) if close is None else close.end()
        if tag.lower() == "script" and end - match.start() <= JSON_LD_MAX_CHARS:
            opening_end = html.find(">", match.end(), end)
            if opening_end >= 0 and _JSON_LD.search(html, match.end(), opening_end):
                parts.append(html[match.start() : end])
        pos = end
    parts.append(html[pos:])
    return _LONG_ATTRIBUTE.sub(r'=\1""', "".join(parts))


@cache
def _closing(tag: str) -> re.Pattern[str]:
    return re.compile(rf"</{tag}\s*>", re.IGNORECASE)


class _LineCollector:
    """An lxml parser target: the text of block elements as lines, and <title>/<meta> metadata."""

    def __init__(self, max_text_chars: int) -> None:
        self.max_text_chars = max_text_chars
        self.lines: list[str] = []
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self._line: list[str] = []
        self._chars = 0
        self._skipping = 0  # depth inside elements whose text is skipped
        self._in_title = False

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = (attrib.get("property") or attrib.get("name") or "").lower()
            if key in _META and attrib.get("content") and _META[key] not in self.meta:
                self.meta[_META[key]] = attrib["content"].strip()
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._break()

    def end(self, tag: str) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag == "title":
            self._in_title = False
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def data(self, text: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + text)
        elif not self._skipping:
            self._line.append(text)
            self._chars += len(text)
            if self._chars > self.max_text_chars:
                raise VisibleTextTooLong(self._chars, self.max_text_chars)

    def comment(self, text: str) -> None:
        """Comments are not text."""

    def close(self) -> None:
        self._break()

    def _break(self) -> None:
        if self._line:
            line = " ".join("".join(self._line).split())
            while len(line) > MAX_LINE_CHARS:
                cut = line.rfind(" ", 0, MAX_LINE_CHARS)
                cut = cut if cut > 0 else MAX_LINE_CHARS
                self.lines.append(line[:cut])
                line = line[cut:].lstrip()
            if line:
                self.lines.append(line)
            self._line = []


def stream_lines(html: str, max_text_chars: int) -> _LineCollector:
    """Parse ``html`` without building a tree: the text of its block elements as lines.

    Raises VisibleTextTooLong as soon as the text passes ``max_text_chars``."""
    collector = _LineCollector(max_text_chars)
    parser = etree.HTMLParser(target=collector, recover=True, no_network=True)
    for start in range(0, len(html), CHUNK_CHARS):
        parser.feed(html[start : start + CHUNK_CHARS])
    parser.close()
    return collector


def streaming_article(html: str, max_text_chars: int) -> tuple[list[str], dict[str, str | None]]:
    """The article lines of a page too big for the extractor chain, and its metadata (title,
    date, site name, author, url from <title> and <meta>): block text classified line by line
    as a plain-text scrape is."""
    collected = stream_lines(html, max_text_chars)
    verdicts = classify_lines(collected.lines)
    kept = [line for line, verdict in zip(collected.lines, verdicts, strict=True) if verdict.keep]
    meta: dict[str, str | None] = {"title": None, "date": None, "sitename": None,
                                   "author": None, "url": None}
    meta.update(collected.meta)
    if not meta["title"] and collected.title and collected.title.strip():
        meta["title"] = " ".join(collected.title.split())  # og:title lacks the site's suffix
    return kept, meta
