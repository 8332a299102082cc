"""Gzip-compressed inputs (``page.html.gz``, ``notes.txt.gz``, ``feed.jsonl.gz``, ``rows.csv.gz``)
read as if they were not compressed: what a file holds is named by the suffix before ``.gz``.

Archives of scraped pages are usually stored compressed, so an analyst should not have to
unpack a directory before feeding it. ``.warc.gz`` is not handled here: WARC records are
compressed one by one and :mod:`claimtrack.readers.warc` reads them as such.

A compressed file is limited by what it unpacks to, not by its size on disk, so a small
"gzip bomb" is rejected at the limit instead of filling memory; a truncated or corrupt file
is an error for that file alone.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import IO

from claimtrack.errors import InputError

GZIP_SUFFIX = ".gz"
#: What reading a damaged gzip stream raises: a bad header (OSError/BadGzipFile), a stream
#: cut short (EOFError), bad deflate data (zlib.error).
GZIP_ERRORS = (OSError, EOFError, zlib.error)


def is_gzipped(path: Path) -> bool:
    """A ``.gz`` file that is not a WARC (``.warc.gz`` is read record by record)."""
    name = path.name.lower()
    return name.endswith(GZIP_SUFFIX) and not name.endswith(".warc.gz")


def inner_suffix(path: Path) -> str:
    """The suffix that says what a file holds: ``.html`` for ``page.html.gz``."""
    if is_gzipped(path):
        return Path(path.name[: -len(GZIP_SUFFIX)]).suffix.lower()
    return path.suffix.lower()


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, unpacked on the fly when it is gzipped."""
    if is_gzipped(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_unpacked(path: Path, limit: int) -> bytes:
    """A gzipped file's content, unpacking at most ``limit`` bytes (InputError beyond it, or
    when the file is not valid gzip)."""
    name = str(path)
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except GZIP_ERRORS as exc:
        raise InputError(name, f"not a readable gzip file ({exc})") from exc
    if len(data) > limit:
        raise InputError(name, f"unpacks to more than {limit:,} bytes (the per-document "
                               "limit; see --max-bytes)")
    return data
