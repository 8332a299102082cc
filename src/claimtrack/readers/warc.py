"""WARC and WARC.gz -> one RawDocument per archived HTML or text page, streamed record by record.

A crawl is mostly not articles (images, scripts, redirects, robots.txt): those records are
skipped and counted in ``ReadStats``, never reported as errors. A truncated or corrupt file
still yields every good record before the damage, then one error naming the offset.

fastwarc 2.0.0 parses the records and the HTTP headers. Bodies are read raw
(``auto_decode="none"``) and only then decoded with fastwarc's own ``auto_decode="all"``:
when it decodes while reading, a record cut short comes out as a shorter body with no
error, and the decoded length cannot be compared with the declared one.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers.base import Format, ReadItem, ReadStats
from claimtrack.readers.decode import check_size, clean_optional, decode, looks_binary

if TYPE_CHECKING:
    from fastwarc.warc import WarcRecord

__all__ = ["is_warc_path", "looks_like_warc", "read_warc"]

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
#: Plain-text files every crawler fetches from every site; never articles.
SITE_FILES = frozenset({"robots.txt", "ads.txt", "app-ads.txt", "security.txt", "humans.txt"})
#: Content-Encoding labels fastwarc does not know under their alias.
_ENCODING_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate"}
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
GZIP_WBITS = 16 + zlib.MAX_WBITS
_PADDING = b"\x00 \t\r\n"
_TAIL = 64


class _Truncated(Exception):
    """The record ends before its declared length: the file was cut here."""


def is_warc_path(path: Path) -> bool:
    """A file named like a WARC (.warc, .warc.gz)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def looks_like_warc(head: bytes) -> bool:
    """An uncompressed WARC starts with its version line."""
    return head.startswith(b"WARC/")


def read_warc(path: Path, max_bytes: int, stats: ReadStats | None = None) -> Iterator[ReadItem]:
    """Stream a WARC file's response and resource records; ``max_bytes`` applies per record.

    In a .warc.gz (one gzip member per record) a corrupt member costs its own record only:
    one error names it, and reading resumes at the next member that holds a WARC record."""
    name = str(path)
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        yield Outcome(name, error=f"{name}: reading WARC files needs the fastwarc package "
                                  "(pip install fastwarc==2.0.0)")
        return
    stats = stats if stats is not None else ReadStats()
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Outcome(name, error=f"{name}: cannot read: {exc.strerror or exc}")
        return
    with handle:
        members = handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        progress = _Progress()
        start = 0
        while True:
            handle.seek(start)
            records = ArchiveIterator(
                handle, record_types=WarcRecordType.response | WarcRecordType.resource,
                parse_http=True, auto_decode="none",
            )
            failure = yield from _read_records(name, records, max_bytes, stats, progress)
            if failure is None:
                break
            resume = _resume_point(handle, failure, progress, start) if members else None
            if resume is None:
                yield Outcome(name, error=failure.stopped(name))
                return
            corrupt, start = resume
            yield Outcome(name, error=failure.skipped(name, corrupt, start))
        if progress.last_good is None:
            yield Outcome(name, error=f"{name}: no WARC response or resource records "
                                      "(empty, cut short, or not a WARC file)")
        elif not _ends_cleanly(handle, progress.last_good):
            yield Outcome(name, error=f"{name}: truncated WARC: the file ends inside a record "
                                      f"after the one at offset {progress.last_good}")


@dataclass
class _Progress:
    """How far a WARC file was read: the last record read whole."""

    last_good: int | None = None


@dataclass
class _Failure:
    """Where reading broke off: in a record at ``offset``, or between records (None)."""

    reason: str
    offset: int | None
    last_good: int | None
    truncated: bool = False

    def stopped(self, name: str) -> str:
        if self.offset is None:
            last = self.last_good
            where = "at offset 0" if last is None else f"after the record at offset {last}"
            return f"{name}: corrupt WARC, reading stopped {where}: {self.reason}"
        what = "truncated" if self.truncated else "corrupt"
        return (f"{name}: {what} WARC record at offset {self.offset} ({self.reason}); "
                "reading stopped there")

    def skipped(self, name: str, corrupt: int, resume: int) -> str:
        return (f"{name}: corrupt WARC.gz member at offset {corrupt} ({self.reason}); "
                f"skipped to the next record, at offset {resume}")


def _read_records(
    name: str, records: Iterable[WarcRecord], max_bytes: int, stats: ReadStats, progress: _Progress,
) -> Generator[ReadItem, None, _Failure | None]:
    """An item per page record; returns where the records break off, None at a clean end."""
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return None
        except OSError as exc:  # fastwarc: "Invalid WARC header", gzip data errors
            return _Failure(str(exc), None, progress.last_good)
        offset = record.stream_pos
        try:
            item = _read_record(name, record, max_bytes, stats)
        except (_Truncated, OSError) as exc:
            return _Failure(str(exc), offset, progress.last_good, isinstance(exc, _Truncated))
        if item is not None:
            yield item
        progress.last_good = offset


def _resume_point(handle: IO[bytes], failure: _Failure, progress: _Progress,
                  start: int) -> tuple[int, int] | None:
    """(offset of the corrupt gzip member, offset of the next whole member holding a WARC
    record) after a failure in a .warc.gz, or None when no record follows the damage."""
    walk_from = max(progress.last_good or 0, start)
    corrupt = _first_bad_member(handle, walk_from)
    if corrupt is None:  # every member inflates: the damage is in the WARC data itself
        if failure.offset is None:
            return None
        corrupt = failure.offset
    resume = _next_record_member(handle, corrupt + 1)
    return None if resume is None else (corrupt, resume)


def _inflate_member(handle: IO[bytes], offset: int, limit: int = 0) -> tuple[bytes, int] | None:
    """(the first ``limit`` inflated bytes of, the size in the file of) the gzip member at
    ``offset``; None when it is corrupt or cut short."""
    handle.seek(offset)
    member, head, fed = zlib.decompressobj(GZIP_WBITS), b"", 0
    try:
        while chunk := handle.read(_CHUNK):
            fed += len(chunk)
            data = member.decompress(chunk)
            if len(head) < limit:
                head += data[: limit - len(head)]
            if member.eof:
                return head, fed - len(member.unused_data)
    except zlib.error:
        return None
    return None


def _first_bad_member(handle: IO[bytes], offset: int) -> int | None:
    """The offset of the first gzip member from ``offset`` on that does not inflate whole
    (padding between members is passed over), or None when all do."""
    while True:
        handle.seek(offset)
        window = handle.read(_TAIL)
        if not window:
            return None
        rest = window.lstrip(_PADDING)
        offset += len(window) - len(rest)
        if not rest:
            continue
        inflated = _inflate_member(handle, offset)
        if inflated is None:
            return offset
        offset += inflated[1]


def _next_record_member(handle: IO[bytes], offset: int) -> int | None:
    """The offset of the first whole gzip member at or after ``offset`` that starts a WARC
    record (a gzip header inside compressed data is found and passed over)."""
    position = offset
    while True:
        handle.seek(position)
        window = handle.read(_CHUNK + len(GZIP_MAGIC))
        if len(window) < len(GZIP_MAGIC):
            return None
        found = window.find(GZIP_MAGIC + b"\x08")
        if found < 0:
            position += _CHUNK
            continue
        candidate = position + found
        inflated = _inflate_member(handle, candidate, limit=len(b"WARC/"))
        if inflated is not None and inflated[0] == b"WARC/":
            return candidate
        position = candidate + 1


def _ends_cleanly(handle: IO[bytes], last_good: int) -> bool:
    """Whether the file ends with a whole record: fastwarc ends a file cut inside a record's
    first header line without an error. Every WARC record ends with CRLF CRLF; for .warc.gz
    the gzip members from the last page record on must also be complete. Other compressions
    are taken as they come.
    """
    handle.seek(0)
    head = handle.read(8)
    if looks_like_warc(head):
        size = handle.seek(0, 2)
        handle.seek(max(size - _TAIL, 0))
        return _ends_with_separator(handle.read(_TAIL))
    handle.seek(last_good)
    if not head.startswith(GZIP_MAGIC) or handle.read(2) != GZIP_MAGIC:
        return True  # zstd, lz4, or one gzip stream for the whole file: no member to check
    handle.seek(last_good)
    return _gzip_members_end_cleanly(handle)


def _gzip_members_end_cleanly(handle: IO[bytes]) -> bool:
    """Decompress gzip members to the end of the file: all complete, the data ending CRLF CRLF."""
    tail, member, fed = b"", zlib.decompressobj(GZIP_WBITS), False
    try:
        while chunk := handle.read(_CHUNK):
            while chunk:
                if not fed:  # between members: padding some writers leave is not a member
                    chunk = chunk.lstrip(_PADDING)
                    if not chunk:
                        break
                tail = (tail + member.decompress(chunk))[-_TAIL:]
                fed = True
                if not member.eof:
                    break
                chunk = member.unused_data
                member, fed = zlib.decompressobj(GZIP_WBITS), False
    except zlib.error:
        return False
    return not fed and _ends_with_separator(tail)


def _ends_with_separator(tail: bytes) -> bool:
    """CRLF CRLF ends the last record; whitespace after it is tolerated."""
    return b"\r\n\r\n" in tail[len(tail.rstrip(_PADDING)) :]


def _read_record(
    name: str, record: WarcRecord, max_bytes: int, stats: ReadStats,
) -> ReadItem | None:
    """One record -> a RawDocument, a failed Outcome, or None when it is not a page (counted)."""
    if "Content-Length" not in record.headers:
        raise _Truncated("record header is incomplete")
    record_id = (record.record_id or "").strip("<> ")
    where = f"{name}#{record_id or record.stream_pos}"
    url = clean_optional((record.headers.get("WARC-Target-URI") or "").strip("<> ") or None)
    headers = record.http_headers if record.is_http else record.headers
    mime, charset = _parse_content_type(headers.get("Content-Type"))
    reason = _skip_reason(record, url, mime)
    if reason:
        _consume(record)
        stats.skip(reason)
        return None
    try:
        check_size(where, record.content_length, max_bytes)
    except InputError as exc:
        _consume(record)
        return Outcome(where, error=str(exc))
    raw = _read_payload(record)
    fmt: Format = "html" if mime in HTML_TYPES else "text"
    try:
        body = _undo_http_encodings(where, raw, record, max_bytes) if record.is_http else raw
        check_size(where, len(body), max_bytes)
        text = decode(where, body, fmt, charset)
    except InputError as exc:
        return Outcome(where, error=str(exc))
    return RawDocument(name=where, content=text, format=fmt, url=url)


def _parse_content_type(value: str | None) -> tuple[str, str | None]:
    """'Text/HTML; charset="KOI8-R"' -> ('text/html', 'KOI8-R')."""
    if not value:
        return "", None
    match = _CHARSET.search(value)
    return value.split(";", 1)[0].strip().lower(), match.group(1) if match else None


def _skip_reason(record: WarcRecord, url: str | None, mime: str) -> str | None:
    """Why a record is not an article page (the key it is counted under), or None."""
    if record.is_http:
        status = record.http_headers.status_code
        if status is not None and not 200 <= status < 300:
            return f"HTTP {status}"
    elif url and url.startswith("urn:"):
        return "derived resource (urn:)"  # crawler-made copies: page text, screenshots
    if mime not in HTML_TYPES | TEXT_TYPES:
        return mime or "no content type"
    file_name = _file_name(url)
    return file_name if file_name in SITE_FILES else None


def _file_name(url: str | None) -> str:
    """The last path segment of a URL, lowercased; "" for none or an unparsable URL (fuzzing
    found urlsplit's ValueError "Invalid IPv6 URL" on "http://[")."""
    try:
        return urlsplit(url).path.rsplit("/", 1)[-1].lower() if url else ""
    except ValueError:
        return ""


def _consume(record: WarcRecord) -> None:
    """Skip a record's body, noticing when the file ends inside it."""
    expected = record.content_length
    got = record.consume()
    if got < expected:
        raise _Truncated(f"{got} of {expected} body bytes")


def _read_payload(record: WarcRecord) -> bytes:
    """The record's whole (still encoded) body; the caller has checked its declared size."""
    expected = record.content_length
    body = _read_up_to(record.reader, expected)
    if len(body) < expected:
        raise _Truncated(f"{len(body)} of {expected} body bytes")
    return body


def _read_up_to(reader: Any, limit: int) -> bytes:
    """Read until ``limit`` bytes or the end, whatever size each read returns."""
    chunks: list[bytes] = []
    got = 0
    while got < limit and (chunk := reader.read(min(_CHUNK, limit - got))):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _undo_http_encodings(where: str, raw: bytes, record: WarcRecord, max_bytes: int) -> bytes:
    """Undo Transfer-Encoding and Content-Encoding with fastwarc's HTTP decoder.

    Archives often keep a "Content-Encoding: gzip" header on a body they stored decoded; such a
    body is used as it is when it reads as text.
    """
    from fastwarc.warc import WarcRecord, WarcRecordType

    lines = []
    for header in ("Transfer-Encoding", "Content-Encoding"):
        values = [v.strip().lower() for v in (record.http_headers.get(header) or "").split(",")]
        values = [_ENCODING_ALIASES.get(v, v) for v in values if v and v != "identity"]
        if values:
            lines.append(f"{header}: {', '.join(values)}\r\n".encode("latin-1"))
    if not lines:
        return raw
    rebuilt = WarcRecord()
    rebuilt.init_headers(WarcRecordType.response)
    rebuilt.set_bytes_content(b"HTTP/1.1 200 OK\r\n" + b"".join(lines) + b"\r\n" + raw)
    rebuilt.is_http = True
    try:
        rebuilt.parse_http(auto_decode="all")
        body = _read_up_to(rebuilt.reader, max_bytes + 1)
    except OSError as exc:
        if looks_binary(raw):
            encodings = b" ".join(line.strip() for line in lines).decode("latin-1")
            raise InputError(where, f"cannot undo HTTP encoding ({encodings}): {exc}") from None
        return raw
    return body
