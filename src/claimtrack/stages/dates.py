"""dates: time expressions resolved against the publication date.

Handles explicit dates ("August 28", "Aug. 28, 2014", "28 August 2014", "2014-08-28"),
months and years, weekdays ("on Thursday": the most recent such day up to the publication
date, or the next one when the verb is future; "last Monday" strictly before, "next Monday"
strictly after), "today", "yesterday", "tomorrow", "three days ago", "this/last/next
week|month|year", and ranges ("from August 1 to August 5", "between Monday and Wednesday",
"August 1-5"), whose value is an ISO interval "start/end" at the granularity of its ends. Expressions come from spaCy DATE entities plus a regex
pass for ISO dates; what cannot be resolved is kept with value None.

"Two days after <event>" dates the event it introduces: "the escalation came two days after
the presidents held talks" puts the talks two days before the escalation, which (having no
date of its own) is taken to be the news of the publication date. Such a TimeRef's text ends
in "after" or "before" (:func:`is_relational`) and only the events under that word get it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from claimtrack.model import Document, Span, TimeRef

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i for i, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for m in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(1[89]|20)\d\d)"
PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(st|nd|rd|th)?(,?\s+{_YEAR})?\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>\d{{1,2}})(st|nd|rd|th)?\s+(of\s+)?{_MONTH}(,?\s+{_YEAR})?\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(1[89]|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE),
]
_ISO = re.compile(r"\b(1[89]|20)\d\d-\d\d-\d\d\b")
NUMBER_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
NUMBER_WORDS.update({"a": 1, "an": 1})
_RELATIONAL = re.compile(r"\b(?P<n>\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\s+"
                         r"(?P<unit>days?|weeks?)\s+(?P<dir>after|before)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(this|last|next|past|coming)\s+(week|month|year)\b", re.IGNORECASE)


def resolve(expression: str, published: date | None, future: bool = False) -> tuple[str | None, str]:
    """(ISO value, granularity) of a time expression, or (None, 'unknown')."""
    text = expression.lower().strip()
    ranged = _range(text, published, future)
    if ranged is not None:
        return ranged
    part = re.fullmatch(r"(?:the\s+)?(?:mid|early|late|end of|beginning of)[-\s]+(.+)", text)
    if part:  # "mid-August", "early 2014": the month or year it is part of
        value, granularity = resolve(part.group(1), published, future)
        if granularity in {"month", "year"}:
            return value, granularity
    if published is not None:
        ago = _AGO.search(text)
        if ago:
            n = ago.group("n")
            count = int(n) if n.isdigit() else NUMBER_WORDS[n]
            unit = ago.group("unit").rstrip("s")
            if unit == "month":
                index = published.year * 12 + published.month - 1 - count
                return f"{index // 12:04d}-{index % 12 + 1:02d}", "month"
            if unit == "year":
                return f"{published.year - count:04d}", "year"
            days = count * (7 if unit == "week" else 1)
            return (published - timedelta(days=days)).isoformat(), "day"
        for word, delta in (("yesterday", -1), ("today", 0), ("tonight", 0), ("tomorrow", 1)):
            if re.search(rf"\b{word}\b", text):
                return (published + timedelta(days=delta)).isoformat(), "day"
        rel = _RELATIVE.search(text)
        if rel:
            return _relative(rel.group(1).lower(), rel.group(2).lower(), published)
        for index, day in enumerate(WEEKDAYS):
            if re.search(rf"\b{day}\b", text) and not _explicit(text):
                if re.search(rf"\bnext\s+{day}\b", text):
                    offset = (index - published.weekday() - 1) % 7 + 1
                elif re.search(rf"\blast\s+{day}\b", text):
                    offset = -((published.weekday() - index - 1) % 7 + 1)
                elif future:
                    offset = (index - published.weekday()) % 7
                else:
                    offset = -((published.weekday() - index) % 7)
                return (published + timedelta(days=offset)).isoformat(), "day"
    explicit = _explicit(text, published)
    if explicit:
        return explicit
    month_only = re.fullmatch(rf"(?:in\s+|since\s+|by\s+)?{_MONTH}", text, re.IGNORECASE)
    if month_only and published is not None:  # "in August": the latest August, or the next
        month = MONTHS[month_only.group("month").lower()]
        year = published.year
        if future and month < published.month:
            year += 1
        elif not future and month > published.month:
            year -= 1
        return f"{year:04d}-{month:02d}", "month"
    year = re.fullmatch(r"(in\s+)?((1[89]|20)\d\d)", text)
    if year:
        return year.group(2), "year"
    return None, "unknown"


def _explicit(text: str, published: date | None = None) -> tuple[str, str] | None:
    for pattern in PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        month = int(groups["mnum"]) if groups.get("mnum") else MONTHS[groups["month"].lower()]
        year = int(groups["year"]) if groups.get("year") else (published.year if published else None)
        if year is None:
            return None
        if groups.get("day") is None:
            return f"{year:04d}-{month:02d}", "month"
        try:
            return date(year, month, int(groups["day"])).isoformat(), "day"
        except ValueError:
            return None
    return None


def _relative(which: str, unit: str, published: date) -> tuple[str, str]:
    step = {"this": 0, "coming": 1, "next": 1, "last": -1, "past": -1}[which]
    if unit == "week":
        day = published + timedelta(weeks=step)
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", "week"
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 + step
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "month"
    return f"{published.year + step:04d}", "year"


_AGO = re.compile(r"\b(?P<n>\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\s+"
                  r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b")
_RANGE = re.compile(r"^(?:from\s+|between\s+)?(?P<a>.+?)\s*(?:\bto\b|\buntil\b|\bthrough\b|"
                    r"\band\b|[-–—])\s*(?P<b>.+)$")


def _range(text: str, published: date | None, future: bool) -> tuple[str | None, str] | None:
    """'from August 1 to August 5', 'between Monday and Wednesday', 'August 1-5': an ISO
    interval when both ends resolve at the same granularity; None when it is no range."""
    match = _RANGE.match(text)
    if not match or not re.search(r"\b(from|between)\b|[-–—]|\bto\b|\buntil\b|\bthrough\b",
                                  text):
        return None
    first, second = match.group("a").strip(), match.group("b").strip()
    day_only = re.fullmatch(r"(\d{1,2})(?:,?\s+((?:1[89]|20)\d\d))?", second)
    if day_only:  # "August 1-5, 2013": the month (and year) of the other end
        month = re.match(rf"{_MONTH}\s+\d", first, re.IGNORECASE)
        if month is None:
            return None
        year = day_only.group(2)
        second = f"{month.group('month')} {day_only.group(1)}" + (f", {year}" if year else "")
        if year and not re.search(r"\b(1[89]|20)\d\d\b", first):
            first = f"{first}, {year}"
    if re.fullmatch(r"\d{1,2}", first):  # "1 to 5 August": the month of the second end
        month = re.search(_MONTH, second, re.IGNORECASE)
        if month is None:
            return None
        first = f"{first} {month.group('month')}"
    start, grain_a = resolve(first, published, future)
    end, grain_b = resolve(second, published, future)
    if start is None or end is None or grain_a != grain_b or start > end:
        return None
    return f"{start}/{end}", grain_a


def is_relational(ref: TimeRef) -> bool:
    """Whether the TimeRef dates the event after its last word ('two days after ...')."""
    return ref.text.lower().rsplit(None, 1)[-1] in {"after", "before"}


def _relational(match: re.Match[str], published: date) -> str:
    """'two days after X' -> X is two days before the main clause (the publication date)."""
    n = match.group("n").lower()
    count = int(n) if n.isdigit() else NUMBER_WORDS[n]
    days = count * (7 if match.group("unit").lower().startswith("week") else 1)
    sign = -1 if match.group("dir").lower() == "after" else 1
    return (published + timedelta(days=sign * days)).isoformat()


def _is_future(span: Any) -> bool:
    verb = span.root.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    return any(c.lower_ in {"will", "shall"} or c.lower_ == "going" for c in verb.children)


class DatesStage:
    """Find time expressions and resolve them against Document.published."""

    name = "dates"
    requires = frozenset({"parse", "metadata"})  # parse: dates come from its DATE entities
    produces = frozenset({"timerefs"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            refs: list[TimeRef] = []
            anchor = doc.published.isoformat() if doc.published else None
            relational = list(_RELATIONAL.finditer(doc.text)) if doc.published else []
            for match in relational:
                refs.append(TimeRef(Span(match.start(), match.end()), match.group(0),
                                    _relational(match, doc.published), "day", anchor))
            spans = [(e.start_char, e.end_char, _is_future(e)) for e in doc.parse.ents
                     if e.label_ == "DATE" and not any(
                         m.start() < e.end_char and e.start_char < m.end() for m in relational)]
            spans += [(m.start(), m.end(), False) for m in _ISO.finditer(doc.text)
                      if not any(s <= m.start() < e for s, e, _ in spans)]
            for start, end, future in sorted(spans):
                text = doc.text[start:end]
                value, granularity = resolve(text, doc.published, future)
                refs.append(TimeRef(Span(start, end), text, value, granularity,  # type: ignore[arg-type]
                                    anchor if value else None))
            doc.timerefs = sorted(refs, key=lambda r: r.span.start)
        return docs
