"""CSV and TSV -> one RawDocument per row, through a mapping from our fields to the file's columns.

News exports (spreadsheets, scraper dumps, data sets) name their columns every which way;
the default mapping recognises the usual names and ``columns=`` covers the rest.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.base import Format, ReadItem, parse_date
from claimtrack.readers.compressed import GZIP_ERRORS, inner_suffix, is_gzipped, open_binary
from claimtrack.readers.decode import check_size, clean_text, sniff_format

__all__ = ["CSV_DELIMITERS", "DEFAULT_COLUMNS", "FIELDS", "check_columns", "read_csv"]

CSV_DELIMITERS = {".csv": ",", ".tsv": "\t"}
#: Our fields and the column names each is found under when no mapping is given, in order of
#: preference. "html" is its own field so that its content is known to be HTML.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "html": ("html",),
    "text": ("text", "content", "body"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "site"),
    "published": ("published", "date"),
}
FIELDS = frozenset(DEFAULT_COLUMNS)
FIELD_LIMIT_FACTOR = 2


def check_columns(columns: Mapping[str, str] | None) -> None:
    """Reject a mapping with fields we do not have: a caller's mistake, so it raises."""
    unknown = set(columns or {}) - FIELDS
    if unknown:
        raise ValueError(f"unknown field(s) in columns: {sorted(unknown)}; known: {sorted(FIELDS)}")
    if columns and not {"text", "html"} & set(columns):
        raise ValueError("columns must map 'text' or 'html' to the column holding the article")


def read_csv(
    path: Path, max_bytes: int, columns: Mapping[str, str] | None = None,
) -> Iterator[ReadItem]:
    """Stream rows as RawDocuments named ``path:row`` (the header is row 1, as in a spreadsheet)."""
    name = str(path)
    delimiter = CSV_DELIMITERS.get(inner_suffix(path), ",")  # "rows.tsv.gz" is tab-separated
    _allow_fields_up_to(max_bytes)
    try:
        handle = open_binary(path)
    except OSError as exc:
        yield Outcome(name, error=f"{name}: cannot read: {exc.strerror or exc}")
        return
    with handle:
        lines = _Lines(name, handle)
        rows = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(rows, None)
            if header is None:
                yield Outcome(name, error=f"{name}: empty input")
                return
            mapping = _resolve(name, header, columns)
            for row_number, row in enumerate(rows, start=2):
                if any(cell.strip() for cell in row):
                    yield _row_to_item(f"{name}:{row_number}", row, header, mapping, max_bytes)
        except InputError as exc:
            yield Outcome(name, error=str(exc))
        except GZIP_ERRORS as exc:  # a damaged .csv.gz: the rows read before it are kept
            if not is_gzipped(path):
                raise
            yield Outcome(name, error=f"{name}: not a readable gzip file ({exc})")
        except csv.Error as exc:
            reason = f"malformed CSV ({exc})"
            if "field limit" in str(exc):
                reason = f"a cell is over {csv.field_size_limit()} characters (an unclosed quote?)"
            where = f"{name}: line {lines.number}"
            yield Outcome(name, error=f"{where}: {reason}; reading stopped there")


class _Lines:
    """Decode a CSV file line by line: a bad byte is reported at its line, after the good rows."""

    def __init__(self, name: str, handle: IO[bytes]) -> None:
        self.name, self.handle, self.number = name, handle, 0

    def __iter__(self) -> Iterator[str]:
        for number, line in enumerate(self.handle, start=1):
            self.number = number
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                reason = (
                    f"line {number}: not valid UTF-8 (byte 0x{line[exc.start]:02x} at column "
                    f"{exc.start + 1}); CSV files must be UTF-8; reading stopped there"
                )
                raise InputError(self.name, reason) from None


def _allow_fields_up_to(max_bytes: int) -> None:
    """Let one cell hold a whole article: the csv module's default cap is 128 KB per field.

    Cells up to twice the per-document limit are read and then rejected alone; past that the
    cap stays, because a cell that size is usually an unclosed quote swallowing the rest of
    the file. The cap is process-wide, so it is only ever raised, never lowered.
    """
    if csv.field_size_limit() < FIELD_LIMIT_FACTOR * max_bytes:
        csv.field_size_limit(FIELD_LIMIT_FACTOR * max_bytes)


def _resolve(name: str, header: list[str], columns: Mapping[str, str] | None) -> dict[str, int]:
    """Our field -> column index, from the caller's mapping or the default names."""
    index = {cell.strip().lower(): i for i, cell in reversed(list(enumerate(header)))}
    mapping: dict[str, int] = {}
    if columns:
        for field_name, column in columns.items():
            if column.strip().lower() not in index:
                raise InputError(
                    name, f"column {column!r} (for {field_name}) is not in the header: "
                          f"{_show(header)}",
                )
            mapping[field_name] = index[column.strip().lower()]
        return mapping
    for field_name, candidates in DEFAULT_COLUMNS.items():
        found = next((index[c] for c in candidates if c in index), None)
        if found is not None:
            mapping[field_name] = found
    if not {"text", "html"} & set(mapping):
        wanted = ", ".join(DEFAULT_COLUMNS["html"] + DEFAULT_COLUMNS["text"])
        raise InputError(name, f"no article column ({wanted}) in the header: {_show(header)}; "
                               "pass a column mapping")
    return mapping


def _show(header: list[str], limit: int = 200) -> str:
    """The header as one short line, for an error message."""
    shown = ", ".join(" ".join(cell.split()) for cell in header)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _row_to_item(
    where: str, row: list[str], header: list[str], mapping: dict[str, int], max_bytes: int,
) -> ReadItem:
    def cell(field_name: str) -> str | None:
        i = mapping.get(field_name)
        # NUL is valid in a CSV cell, not in a store
        value = clean_text(row[i]).strip() if i is not None and i < len(row) else ""
        return value or None

    html, text = cell("html"), cell("text")
    fmt: Format = "html" if html else sniff_format(text or "")
    content = html or text
    if not content:
        named = " or ".join(repr(header[mapping[f]]) for f in ("html", "text") if f in mapping)
        return Outcome(where, error=f"{where}: row has no text (column {named} is empty)")
    try:
        check_size(where, len(content.encode("utf-8")), max_bytes)
        published = parse_date(cell("published"), where)
    except InputError as exc:
        return Outcome(where, error=str(exc))
    return RawDocument(
        name=where, content=content, format=fmt, url=cell("url"), title=cell("title"),
        outlet=cell("outlet"), published=published,
    )
