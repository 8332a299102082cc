"""Readers: files, directories, globs, WARC, RSS/Atom, CSV/TSV, JSONL and stdin -> RawDocument.

Readers never raise for a bad input: they yield an ``Outcome`` naming the input and the
reason, so a batch reports it and goes on. Multi-document inputs (WARC, feeds, CSV, JSONL)
are streamed and fail record by record.
"""

from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.base import Format, ReadItem, ReadStats, parse_date, record_to_raw
from claimtrack.readers.compressed import (
    GZIP_ERRORS,
    inner_suffix,
    is_gzipped,
    open_binary,
    read_unpacked,
)
from claimtrack.readers.csv_reader import CSV_DELIMITERS, check_columns, read_csv
from claimtrack.readers.decode import (
    check_size,
    clean_optional,
    clean_text,
    decode,
    sniff_format,
)
from claimtrack.readers.feed import (
    FEED_FILE_MAX_BYTES,
    FEED_SUFFIXES,
    looks_like_feed,
    parse_feed,
    read_feed,
)
from claimtrack.readers.parquet import read_parquet
from claimtrack.readers.warc import is_warc_path, looks_like_warc, read_warc

__all__ = [
    "ReadItem", "ReadStats", "expand_input", "parse_date", "raw_from_string", "read_inputs",
    "read_jsonl_lines", "read_path", "record_to_raw",
]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
#: What a directory is searched for (.warc.gz is matched by name, see ``is_warc_path``).
DIRECTORY_SUFFIXES = (
    HTML_SUFFIXES | JSONL_SUFFIXES | TEXT_SUFFIXES | FEED_SUFFIXES | set(CSV_DELIMITERS) | {".warc"}
    | PARQUET_SUFFIXES
)


@dataclass(frozen=True)
class _Options:
    """What every path reader needs, passed as one value rather than six arguments."""

    max_bytes: int
    published: date | None
    url: str | None
    columns: Mapping[str, str] | None
    stats: ReadStats


def raw_from_string(
    content: str, name: str = "<string>", published: date | None = None, url: str | None = None,
    title: str | None = None, outlet: str | None = None, fmt: str | None = None,
) -> RawDocument:
    """Wrap a Python string (text or HTML) as a RawDocument, cleaned as readers clean text
    (``clean_text``: no NUL or other C0 control, no lone surrogate; the length is kept)."""
    return RawDocument(
        name=name, content=clean_text(content), format=fmt or sniff_format(content),
        url=clean_optional(url), title=clean_optional(title), outlet=clean_optional(outlet),
        published=published,
    )


def read_inputs(
    inputs: Iterable[str], max_bytes: int = 32_000_000, published: date | None = None,
    url: str | None = None, stdin: IO[bytes] | None = None, *,
    columns: Mapping[str, str] | None = None, stats: ReadStats | None = None,
) -> Iterator[ReadItem]:
    """Expand paths, directories and globs ("-" is stdin) and read each input in order.

    Files are read by suffix: .warc/.warc.gz, .rss/.atom (and .xml that parses as a feed),
    .csv/.tsv, .jsonl/.ndjson, .html/.htm, and anything else as text or HTML, sniffed (an
    unlabelled WARC or feed is recognised by its first bytes). ``max_bytes`` limits each
    document (each WARC record, feed entry, CSV row or JSON line), not a whole WARC file.
    ``published`` and ``url`` apply to single-document inputs only. ``columns`` maps our
    fields (text, html, url, title, outlet, published) to CSV/TSV column names; ``stats``
    counts records skipped on purpose (images, redirects, robots.txt in a WARC).
    """
    check_columns(columns)
    stats = stats if stats is not None else ReadStats()
    options = _Options(max_bytes, published, url, columns, stats)
    return _read_all(inputs, options, stdin)


def _read_all(
    inputs: Iterable[str], options: _Options, stdin: IO[bytes] | None,
) -> Iterator[ReadItem]:
    for spec in inputs:
        if spec == "-":
            stream = stdin or sys.stdin.buffer
            data = stream.read(options.max_bytes + 1)
            yield from _read_bytes("<stdin>", data, options)
            continue
        paths = expand_input(spec)
        if not paths:
            yield Outcome(spec, error=f"{spec}: no such file, directory or matching glob")
        for path in paths:
            yield from _read_path(path, options)


def expand_input(spec: str) -> list[Path]:
    """The files one input names: itself, a directory's readable files, or a glob's matches."""
    path = Path(spec)
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*")
            if p.is_file() and not p.name.startswith(".")
            and (_readable_in_directory(p) or is_warc_path(p))
        )
    if path.exists():
        return [path]
    if glob.has_magic(spec):
        return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
    return []


def _readable_in_directory(path: Path) -> bool:
    """A file a directory input picks up: a known suffix, also under ``.gz`` (a bare
    ``name.gz`` says nothing of what it holds and is left out, as a bare ``name`` is not)."""
    if is_gzipped(path):
        inner = inner_suffix(path)
        return bool(inner) and inner in DIRECTORY_SUFFIXES
    return path.suffix.lower() in DIRECTORY_SUFFIXES


def read_path(path: Path, max_bytes: int = 32_000_000) -> Iterator[ReadItem]:
    """Read one file as :func:`read_inputs` would, with no per-run options (for batch jobs)."""
    return _read_path(path, _Options(max_bytes, None, None, None, ReadStats()))


def _read_path(path: Path, options: _Options) -> Iterator[ReadItem]:
    """Dispatch one file by its suffix, or by its first bytes when the suffix says nothing."""
    name, suffix = str(path), inner_suffix(path)  # "page.html.gz" reads as .html
    unlabelled = suffix not in (HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES
                                | set(CSV_DELIMITERS))
    if is_warc_path(path) or (unlabelled and _starts_like_warc(path)):
        yield from read_warc(path, options.max_bytes, options.stats)
        return
    if suffix in CSV_DELIMITERS:
        yield from _not_empty(name, read_csv(path, options.max_bytes, options.columns), "rows")
        return
    if suffix in PARQUET_SUFFIXES:
        if is_gzipped(path):  # Parquet compresses its own pages; a gzipped one is unusual
            yield Outcome(name, error=f"{name}: a gzipped Parquet file is not read; unpack it")
            return
        yield from _not_empty(name, read_parquet(path, options.max_bytes), "rows")
        return
    limit = options.max_bytes
    if suffix in FEED_SUFFIXES:
        limit = max(limit, FEED_FILE_MAX_BYTES)
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_file(path, options.max_bytes)
            return
        if is_gzipped(path):
            data = read_unpacked(path, limit)
        else:
            check_size(name, path.stat().st_size, limit)
            data = path.read_bytes()
    except InputError as exc:
        yield Outcome(name, error=str(exc))
        return
    except OSError as exc:
        yield Outcome(name, error=f"{name}: cannot read: {exc.strerror or exc}")
        return
    if suffix in FEED_SUFFIXES or (unlabelled and looks_like_feed(data)):
        try:
            parsed = parse_feed(data, name)
        except InputError as exc:
            yield Outcome(name, error=str(exc))
            return
        if parsed is not None:
            yield from read_feed(name, parsed, options.max_bytes)
            return
        if suffix in {".rss", ".atom"}:
            yield Outcome(name, error=f"{name}: not an RSS or Atom feed")
            return
    fmt: Format | None = "html" if suffix in HTML_SUFFIXES else None
    yield from _read_bytes(name, data, options, fmt)


def _jsonl_file(path: Path, max_bytes: int) -> Iterator[ReadItem]:
    """A JSON-lines file, gzipped or not; a damaged gzip stream ends the file with an error
    after the lines read before it (they are kept)."""
    name = str(path)
    try:
        with open_binary(path) as handle:
            yield from _not_empty(name, read_jsonl_lines(name, handle, max_bytes), "JSON lines")
    except GZIP_ERRORS as exc:
        if not is_gzipped(path):
            raise
        yield Outcome(name, error=f"{name}: not a readable gzip file ({exc})")


def _not_empty(name: str, items: Iterable[ReadItem], what: str) -> Iterator[ReadItem]:
    """The items, or one error when a file holds none: an input must never vanish silently."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield Outcome(name, error=f"{name}: empty input (no {what})")


def _starts_like_warc(path: Path) -> bool:
    """Sniff a WARC by its first bytes, before its size could reject it as a text file."""
    try:
        with path.open("rb") as handle:
            return looks_like_warc(handle.read(8))
    except OSError:
        return False  # reading it properly will report why


def _read_bytes(
    name: str, data: bytes, options: _Options, fmt: Format | None = None,
) -> Iterator[ReadItem]:
    try:
        check_size(name, len(data), options.max_bytes)
        fmt = fmt or sniff_format(data)
        text = decode(name, data, fmt)
    except InputError as exc:
        yield Outcome(name, error=str(exc))
        return
    yield RawDocument(
        name=name, content=text, format=fmt, url=options.url, published=options.published,
    )


def read_jsonl_lines(name: str, handle: Iterable[bytes], max_bytes: int,
                     first_lineno: int = 1) -> Iterator[ReadItem]:
    """One article per line: {text | html, url, title, outlet, published}; bad lines fail alone.
    ``first_lineno`` numbers the lines of a part of a file as in the whole file. From a file
    (anything with ``readline``) a line over ``max_bytes`` is skipped, not held in memory."""
    for lineno, (line, size) in enumerate(_bounded_lines(handle, max_bytes), start=first_lineno):
        where = f"{name}:{lineno}"
        if size <= max_bytes and not line.strip():
            continue
        try:
            check_size(where, size, max_bytes)
            record = json.loads(decode(where, line, "text"))
            if not isinstance(record, dict):
                raise InputError(where, "JSON line is not an object")
            yield record_to_raw(where, record)
        except InputError as exc:
            yield Outcome(where, error=str(exc))
        except json.JSONDecodeError as exc:
            yield Outcome(where, error=f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
        except ValueError as exc:  # an integer over Python's 4,300-digit conversion limit
            yield Outcome(where, error=f"{where}: not readable JSON ({exc})")
        except RecursionError:
            yield Outcome(where, error=f"{where}: JSON nested too deeply to read")


_LINE_CHUNK = 1 << 20


def _bounded_lines(handle: Iterable[bytes], max_bytes: int) -> Iterator[tuple[bytes, int]]:
    """(line, size) per line; from a file, a line over ``max_bytes`` comes as (b"", size), read
    in chunks and dropped, so a file with no newline cannot fill the memory."""
    readline = getattr(handle, "readline", None)
    if readline is None:
        for line in handle:
            yield line, len(line)
        return
    while line := readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while (rest := readline(_LINE_CHUNK)):
            size += len(rest)
            if rest.endswith(b"\n"):
                break
        yield b"", size
