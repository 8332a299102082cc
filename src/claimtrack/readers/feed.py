"""RSS and Atom feeds -> one RawDocument per entry, with the feed's own metadata attached.

A feed says who published an entry, where and when more reliably than the page does, so
its link, title, date and channel title travel with the content.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.base import Format, ReadItem, local_date, published_problem
from claimtrack.readers.decode import check_size, clean_optional, clean_text

__all__ = ["FEED_FILE_MAX_BYTES", "FEED_SUFFIXES", "looks_like_feed", "parse_feed", "read_feed"]

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
#: feedparser builds the whole feed in memory, so a feed file has its own cap; the per-record
#: ``max_bytes`` applies to each entry.
FEED_FILE_MAX_BYTES = 100_000_000
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")


def looks_like_feed(data: bytes) -> bool:
    """True when an RSS, Atom or RDF root element opens near the start (after any prolog)."""
    head = data[:2048]
    match = _FEED_ROOT.search(head)
    return match is not None and b"<html" not in head[: match.start()].lower()


def parse_feed(data: bytes, name: str = "feed") -> Any | None:
    """The parsed feed, or None when the bytes are not a feed feedparser recognises; InputError
    when feedparser breaks on them (fuzzing found KeyError 'links' from an unbalanced <link>)."""
    import feedparser

    # A stream, never bytes or str: feedparser tries a str as a URL and bytes as a file name.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except RecursionError:
        raise InputError(name, "malformed feed: nested too deeply to parse") from None
    except Exception as exc:  # noqa: BLE001 - its parser's bugs are one bad input, not ours
        reason = f"malformed feed: the feed parser failed ({type(exc).__name__}: {exc})"
        raise InputError(name, reason) from None
    return parsed if parsed.get("version") or parsed.entries else None


def read_feed(name: str, parsed: Any, max_bytes: int) -> Iterator[ReadItem]:
    """One RawDocument per entry (``name#n``, 1-based); an entry with no content fails alone."""
    outlet = _text(parsed.feed.get("title"))
    if not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if parsed.get("bozo") and reason else ""
        yield Outcome(name, error=f"{name}: feed has no entries{detail}")
        return
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{name}#{number}"
        content, fmt = _content(entry)
        if not content:
            yield Outcome(where, error=f"{where}: feed entry has no content")
            continue
        try:
            check_size(where, len(content.encode("utf-8")), max_bytes)
        except InputError as exc:
            yield Outcome(where, error=str(exc))
            continue
        yield RawDocument(
            name=where, content=content, format=fmt, url=_text(entry.get("link")),
            title=_text(entry.get("title")), outlet=outlet, published=_published(entry),
        )


def _content(entry: Any) -> tuple[str, Format]:
    """The entry's full content if it has any, else its summary; plain-text parts stay text."""
    for detail in entry.get("content") or []:
        value = clean_text(detail.get("value") or "").strip()
        if value:
            return value, _format(detail.get("type"))
    summary = clean_text(entry.get("summary") or "").strip()
    detail = entry.get("summary_detail") or {}
    return summary, _format(detail.get("type"))


def _format(content_type: str | None) -> Format:
    return "text" if content_type == "text/plain" else "html"


def _published(entry: Any) -> date | None:
    """The entry's own local date, falling back to feedparser's UTC date.

    Keys are read with ``dict.get`` on purpose: feedparser 6 answers a missing
    ``updated_parsed`` with ``published_parsed`` and a DeprecationWarning.
    A date outside 1800-2100 (a feed's placeholder) is passed over, as a missing one is.
    """
    for key in ("published", "updated"):
        found = local_date(dict.get(entry, key))
        if found and published_problem(found) is None:
            return found
    for key in ("published_parsed", "updated_parsed"):
        parsed: time.struct_time | None = dict.get(entry, key)
        if parsed:
            found = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            if published_problem(found) is None:
                return found
    return None


def _text(value: Any) -> str | None:
    return clean_optional(str(value).strip() or None) if value else None
