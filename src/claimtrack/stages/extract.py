"""extract: RawDocument -> clean article text, paragraphs, metadata and dropped boilerplate.

HTML goes through the extractor chain in ``html_extract`` (trafilatura and readability-lxml
voting on paragraphs; trafilatura's metadata: title, date, site name, author). Plain text is split
into blocks (blank-line separated paragraphs, or lines when there are no blank lines) and the
line classifier in ``boilerplate`` keeps the article; every dropped block is recorded with its
raw offsets and the reason. Format "clean" is text the caller vouches for: used verbatim, so
offsets into it stay valid (the attribution evaluation needs that).

A big page is bounded before the extractors (``html_bounds``): pruned, and past 4 MB read by a
streaming text path; a page over 1 MB after pruning is extracted in a child process that the
stage's time budget stops (``extract_worker``). The stage runs one document at a time
(``prepare`` / ``run_one``), so a slow page is never extracted a second time.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from claimtrack.errors import InputError
from claimtrack.model import Document, DroppedSpan, Span, document_id
from claimtrack.pipeline import OverBudget, time_left
from claimtrack.stages.boilerplate import classify_lines, clean_plaintext_lines, site_repeated_lines

if TYPE_CHECKING:
    from claimtrack.stages.html_extract import HtmlExtraction

__all__ = ["ExtractStage", "clean_plaintext_lines", "split_blocks"]

_PAGE_MARKUP = re.compile(r"<(html|body|head|!doctype)\b", re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")
MIN_ARTICLE_WORDS = 8  # fewer words than this from an HTML page is a menu, not an article
#: A page's visible text may be this many times the article text limit (``max_chars``): beyond
#: it, no article within the limit is plausible, and the streaming path stops reading.
VISIBLE_TEXT_FACTOR = 5
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def split_blocks(raw: str) -> list[tuple[int, int]]:
    """Raw offsets of the text's blocks: paragraphs if blank lines separate them, else lines."""
    raw = raw.replace("\r\n", "\n")
    separator = _BLANK_LINE if _BLANK_LINE.search(raw) else re.compile(r"\n")
    blocks, pos = [], 0
    for match in separator.finditer(raw):
        blocks.append((pos, match.start()))
        pos = match.end()
    blocks.append((pos, len(raw)))
    return [(s, e) for s, e in blocks if raw[s:e].strip()]


class ExtractStage:
    """Fill text, paragraphs, title, outlet, published and dropped; set the document id."""

    name = "extract"
    requires = frozenset({"raw"})
    produces = frozenset({"text", "paragraphs", "metadata", "dropped"})

    def __init__(self, max_chars: int = 200_000) -> None:
        self.max_chars = max_chars

    def run(self, docs: list[Document]) -> list[Document]:
        repeats = self.prepare(docs)
        for doc in docs:
            self.run_one(doc, repeats)
        return docs

    def prepare(self, docs: list[Document]) -> dict[int, frozenset[str]]:
        """Template lines of the batch's plain-text pages, per site (keyed by id() of the doc)."""
        return _site_repeats(docs)

    def run_one(self, doc: Document, context: object) -> None:
        """Extract one document; ``context`` is what ``prepare`` returned (or None)."""
        repeats = context.get(id(doc), frozenset()) if isinstance(context, dict) else frozenset()
        try:
            self._extract(doc, repeats)
        except InputError:
            if not repeats:
                raise
            # every line of the page is one its site repeats (a batch of near-copies): judge it
            # alone, as a batch that failed used to be rerun document by document
            self._extract(doc, frozenset())

    def _extract(self, doc: Document, site_repeats: frozenset[str] = frozenset()) -> None:
        raw = doc.raw
        if raw.format == "html":
            paragraphs, meta = _from_html(raw.name, raw.content, raw.url,
                                          VISIBLE_TEXT_FACTOR * self.max_chars)
            dropped: list[DroppedSpan] = []
        elif raw.format == "clean":
            paragraphs, meta, dropped = [raw.content], {}, []
        else:
            paragraphs, dropped = _from_plaintext(raw.content.replace("\r\n", "\n"), site_repeats)
            meta = {"title": paragraphs[0] if paragraphs else None}
        if not "".join(paragraphs).strip():
            raise InputError(raw.name, "no article text found (every block looks like boilerplate; "
                                       "to take a short text as it is, process it verbatim: "
                                       "claimtrack process --verbatim, or clean=True in Python)")
        text = paragraphs[0] if raw.format == "clean" else "\n\n".join(paragraphs)
        if len(text) > self.max_chars:
            raise InputError(
                raw.name, f"article text too long: {len(text):,} characters exceeds the "
                f"{self.max_chars:,} limit (setting nlp.max_chars)"
            )
        doc.text = text
        doc.paragraphs = _paragraph_spans(text, "\n\n" if raw.format != "clean" else "\n")
        doc.dropped = dropped
        doc.title = raw.title or meta.get("title")
        doc.authors = split_authors(meta.get("author"))
        doc.url = raw.url or meta.get("url")
        doc.published = raw.published or _iso_date(meta.get("date"))
        doc.outlet = raw.outlet or meta.get("sitename") or _host(doc.url)
        doc.id = document_id(text)


def _block_texts(raw: str) -> tuple[list[tuple[int, int]], list[str]]:
    blocks = split_blocks(raw)
    return blocks, [" ".join(raw[s:e].split()) for s, e in blocks]


def _site_repeats(docs: list[Document]) -> dict[int, frozenset[str]]:
    """Plain-text pages of one site in a batch (same URL host, else same outlet) are compared
    for template lines, CCNet-style; keyed by id() of the document."""
    by_site: dict[str, list[Document]] = {}
    for doc in docs:
        site = _host(doc.raw.url) or doc.raw.outlet
        if doc.raw.format == "text" and site:
            by_site.setdefault(site, []).append(doc)
    out: dict[int, frozenset[str]] = {}
    for group in by_site.values():
        if len(group) < 2:
            continue
        pages = [_block_texts(d.raw.content.replace("\r\n", "\n"))[1] for d in group]
        for doc, repeats in zip(group, site_repeated_lines(pages), strict=True):
            out[id(doc)] = repeats
    return out


def _from_plaintext(raw: str, site_repeats: frozenset[str] = frozenset()) -> tuple[list[str], list[DroppedSpan]]:
    blocks, texts = _block_texts(raw)
    kept, dropped = [], []
    verdicts = classify_lines(texts, site_repeats)
    for (start, end), text, verdict in zip(blocks, texts, verdicts, strict=True):
        if verdict.keep:
            kept.append(text)
        else:
            dropped.append(DroppedSpan(start, end, raw[start:end], verdict.reason))
    return kept, dropped


def _from_html(name: str, html: str, url: str | None,
               max_text_chars: int) -> tuple[list[str], dict[str, str | None]]:
    if not _PAGE_MARKUP.search(html[:4096]):
        return _from_fragment(name, html), {}
    result = _extract_page(name, html, url, max_text_chars)
    paragraphs = list(result.paragraphs)
    if sum(len(p.split()) for p in paragraphs) < MIN_ARTICLE_WORDS:
        raise InputError(name, "no article text found in the HTML page")
    meta = {"title": result.title, "date": result.date, "sitename": result.sitename,
            "author": result.author, "url": result.url}
    return paragraphs, meta


def _extract_page(name: str, html: str, url: str | None, max_text_chars: int) -> HtmlExtraction:
    """The page's article, within bounds: pruned when big, streamed when huge, and in a child
    process stopped at the time budget when it is big enough to be slow and a budget is set."""
    from claimtrack.stages.extract_worker import (
        WORKER_ABOVE_CHARS,
        WorkerFailed,
        WorkerTimeout,
        extract_in_worker,
    )
    from claimtrack.stages.html_bounds import FULL_EXTRACTION_MAX_CHARS, VisibleTextTooLong
    from claimtrack.stages.html_extract import bounded_page, extract_main_text

    page = bounded_page(html)
    seconds = time_left()
    try:
        if seconds is not None and WORKER_ABOVE_CHARS < len(page) <= FULL_EXTRACTION_MAX_CHARS:
            return extract_in_worker(page, url, seconds)
        return extract_main_text(page, url, max_text_chars)
    except VisibleTextTooLong as exc:
        raise InputError(name, f"{exc} (setting nlp.max_chars; the page is "
                               f"{len(html) / 1e6:.1f} MB)") from None
    except WorkerTimeout:
        raise OverBudget from None  # the pipeline names the budget and the setting
    except WorkerFailed as exc:
        raise InputError(name, f"HTML extraction failed on a {len(html) / 1e6:.1f} MB page: "
                               f"{exc}") from None


def _from_fragment(name: str, html: str) -> list[str]:
    """A feed entry's HTML is the article body itself, not a page to find an article in:
    every block becomes a paragraph, scripts and styles are dropped."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        raise InputError(name, f"unparsable HTML fragment: {exc}") from None
    etree.strip_elements(root, "script", "style", "noscript", with_tail=False)
    for block in root.iter(*_BLOCK_TAGS):
        block.tail = "\n" + (block.tail or "")
        if block.text:
            block.text = "\n" + block.text
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = root.text_content()
    paragraphs = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    if sum(len(p.split()) for p in paragraphs) < MIN_ARTICLE_WORDS:
        raise InputError(name, "no article text found in the HTML fragment")
    return paragraphs


def split_authors(value: str | None) -> list[str]:
    """trafilatura gives 'A; B' or 'A and B'; a byline prefix 'By ' is dropped."""
    if not value:
        return []
    names = re.split(r"\s*;\s*|\s*,\s*|\s+and\s+|\s*&\s*", value.strip())
    return [re.sub(r"^by\s+", "", n, flags=re.IGNORECASE).strip() for n in names if n.strip()]


def _paragraph_spans(text: str, separator: str) -> list[Span]:
    spans, pos = [], 0
    for part in text.split(separator):
        if part.strip():
            spans.append(Span(pos, pos + len(part)))
        pos += len(part) + len(separator)
    return spans


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _host(url: str | None) -> str | None:
    try:
        host = urlparse(url).hostname if url else None
    except ValueError:  # "http://[": an unparsable URL has no host, and is no reason to fail
        return None
    return host.removeprefix("www.") if host else None
