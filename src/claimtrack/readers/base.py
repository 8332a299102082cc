"""What every reader shares: the item type it yields, skip counters, and date parsing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.decode import clean_optional, clean_text

ReadItem = RawDocument | Outcome
Format = Literal["text", "html"]


@dataclass
class ReadStats:
    """Records a reader skipped on purpose (images, redirects, robots.txt), so a run can say so.

    Skipped records are not errors: a crawl is mostly things that are not articles. Pass one
    to ``read_inputs(..., stats=...)`` and read ``skipped`` afterwards.
    """

    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())


#: Publication dates a news article can have. Outside them a date is a data error (a
#: "0001-01-01" placeholder made the dates stage overflow; a Unix time 0 read as 1970).
FIRST_YEAR, LAST_YEAR = 1800, 2100


def published_problem(value: date) -> str | None:
    """Why ``value`` cannot be an article's publication date, or None."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return (f"published date {value.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR} "
                "(a placeholder or a wrong field?)")
    return None


def parse_date(value: Any, name: str = "input") -> date | None:
    """Accept an ISO date or datetime string (or a date, or None) in 1800-2100; anything else
    is an InputError naming the field, and the article is reported, not stored undated
    (a number is refused rather than guessed: 0 or 1700000000 as a Unix time, or 20240304)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool | int | float):
        raise InputError(name, f"published date {value!r} is a number, not an ISO date "
                               "(YYYY-MM-DD)")
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value)[:10])
        except ValueError:
            reason = f"published date {value!r} is not an ISO date (YYYY-MM-DD)"
            raise InputError(name, reason) from None
    problem = published_problem(value)
    if problem is not None:
        raise InputError(name, problem)
    return value


def local_date(value: str | None) -> date | None:
    """The calendar date of an ISO 8601 or RFC 822 timestamp in its own time zone, or None.

    Feeds carry the outlet's local offset ("2024-04-03T01:00:00+05:00"); converting to UTC
    first would move that article to April 2, and relative dates would resolve a day off.
    """
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def record_to_raw(where: str, record: Mapping[str, Any]) -> RawDocument:
    """A JSON line's or Parquet row's fields as a RawDocument; InputError without a text.

    Strings go through ``clean_text``: a JSON "\\u0000" or lone "\\ud800" escape is valid JSON
    but could not be stored."""
    html, text = (clean_text(v) if isinstance(v, str) else None
                  for v in (record.get("html"), record.get("text")))
    fmt: Format = "html" if html and html.strip() else "text"
    content = html if fmt == "html" else text
    if content is None or not content.strip():
        raise InputError(where, "record has no non-empty 'text' or 'html' field")

    def opt(key: str) -> str | None:
        value = record.get(key)
        return clean_optional(str(value)) if value not in (None, "") else None
    return RawDocument(
        name=where, content=content, format=fmt, url=opt("url"), title=opt("title"),
        outlet=opt("outlet"), published=parse_date(record.get("published"), where),
    )
