"""Readers: files, directories, globs, JSONL and stdin -> RawDocument (or a failed Outcome).

Readers never raise for a bad input: they yield an ``Outcome`` naming the input and the
reason, so a batch reports it and goes on.
"""

from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.decode import check_size, decode, sniff_format

__all__ = ["parse_date", "raw_from_string", "read_inputs", "read_jsonl_lines"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
ReadItem = RawDocument | Outcome


def parse_date(value: Any, name: str = "input") -> date | None:
    """Accept an ISO date or datetime string (or None); anything else is an InputError."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(name, f"published date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def raw_from_string(
    content: str, name: str = "<string>", published: date | None = None, url: str | None = None,
    title: str | None = None, outlet: str | None = None, fmt: str | None = None,
) -> RawDocument:
    """Wrap a Python string (text or HTML) as a RawDocument."""
    return RawDocument(
        name=name, content=content, format=fmt or sniff_format(content), url=url, title=title,
        outlet=outlet, published=published,
    )


def read_inputs(
    inputs: Iterable[str], max_bytes: int = 10_000_000, published: date | None = None,
    url: str | None = None, stdin: IO[bytes] | None = None,
) -> Iterator[ReadItem]:
    """Expand paths, directories and globs ("-" is stdin) and read each input in order."""
    for spec in inputs:
        if spec == "-":
            stream = stdin or sys.stdin.buffer
            yield from _read_bytes("<stdin>", stream.read(max_bytes + 1), max_bytes, published, url)
            continue
        paths = _expand(spec)
        if not paths:
            yield Outcome(spec, error=f"{spec}: no such file, directory or matching glob")
        for path in paths:
            yield from _read_path(path, max_bytes, published, url)


def _expand(spec: str) -> list[Path]:
    path = Path(spec)
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in HTML_SUFFIXES | JSONL_SUFFIXES | TEXT_SUFFIXES
            and not p.name.startswith(".")
        )
    if path.exists():
        return [path]
    if glob.has_magic(spec):
        return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
    return []


def _read_path(path: Path, max_bytes: int, published: date | None, url: str | None) -> Iterator[ReadItem]:
    name = str(path)
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                yield from read_jsonl_lines(name, handle, max_bytes)
            return
        check_size(name, path.stat().st_size, max_bytes)
        data = path.read_bytes()
    except InputError as exc:
        yield Outcome(name, error=str(exc))
        return
    except OSError as exc:
        yield Outcome(name, error=f"{name}: cannot read: {exc.strerror or exc}")
        return
    fmt = "html" if path.suffix.lower() in HTML_SUFFIXES else None
    yield from _read_bytes(name, data, max_bytes, published, url, fmt)


def _read_bytes(
    name: str, data: bytes, max_bytes: int, published: date | None, url: str | None,
    fmt: str | None = None,
) -> Iterator[ReadItem]:
    try:
        check_size(name, len(data), max_bytes)
        fmt = fmt or sniff_format(data)
        text = decode(name, data, fmt)
    except InputError as exc:
        yield Outcome(name, error=str(exc))
        return
    yield RawDocument(name=name, content=text, format=fmt, url=url, published=published)


def read_jsonl_lines(name: str, handle: IO[bytes], max_bytes: int) -> Iterator[ReadItem]:
    """One article per line: {text | html, url, title, outlet, published}; bad lines fail alone."""
    for lineno, line in enumerate(handle, start=1):
        where = f"{name}:{lineno}"
        if not line.strip():
            continue
        try:
            check_size(where, len(line), max_bytes)
            record = json.loads(decode(where, line, "text"))
            if not isinstance(record, dict):
                raise InputError(where, "JSON line is not an object")
            yield _record_to_raw(where, record)
        except InputError as exc:
            yield Outcome(where, error=str(exc))
        except json.JSONDecodeError as exc:
            yield Outcome(where, error=f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")


def _record_to_raw(where: str, record: dict[str, Any]) -> RawDocument:
    html, text = record.get("html"), record.get("text")
    content, fmt = (html, "html") if isinstance(html, str) and html.strip() else (text, "text")
    if not isinstance(content, str) or not content.strip():
        raise InputError(where, "JSON line has no non-empty 'text' or 'html' field")
    def opt(key: str) -> str | None:
        value = record.get(key)
        return str(value) if value not in (None, "") else None
    return RawDocument(
        name=where, content=content, format=fmt, url=opt("url"), title=opt("title"),
        outlet=opt("outlet"), published=parse_date(record.get("published"), where),
    )
