"""A batch job's inputs cut into chunks: the unit of work, of output and of resumption.

Why chunks and not files: one JSONL file of a million articles must spread over many workers,
and a job killed after hours must not start again from zero. A chunk is a byte range of a
JSONL file (cut at line starts), a run of row groups of a Parquet file, or one whole file of
any other kind (a WARC file is read as one stream, as cc-pyspark does). Its id is a hash of
what it covers, so a rerun of the same job on the same files plans the same chunks and can
skip those whose output is already committed.

JSON lines are numbered as in the whole file, so an article read by a batch job has the same
name ("path:line") as when ``claimtrack process`` reads it. Counting the lines before a chunk
costs one sequential read of the file on the driver (about a second per GB).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claimtrack.pipeline import Outcome
from claimtrack.readers import JSONL_SUFFIXES, PARQUET_SUFFIXES, expand_input, read_path
from claimtrack.readers.base import ReadItem
from claimtrack.readers.parquet import read_parquet, row_group_rows

ChunkKind = Literal["jsonl", "parquet", "file"]
#: Bytes of JSONL per chunk: about 2,000 news articles, a few minutes of one core.
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
#: Rows of Parquet per chunk (whole row groups are added until this is reached).
DEFAULT_CHUNK_ROWS = 2000
_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Chunk:
    """Part of one input file. ``start``/``end`` are byte offsets for JSONL, row-group indexes
    for Parquet, and 0/size for a whole file; ``first`` is the number of its first line or row."""

    path: str
    kind: ChunkKind
    start: int
    end: int
    first: int
    size: int

    @property
    def id(self) -> str:
        """Stable across runs as long as the file keeps its path and size."""
        key = f"{self.path}\0{self.size}\0{self.kind}\0{self.start}\0{self.end}"
        return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]

    def describe(self) -> str:
        unit = {"jsonl": "bytes", "parquet": "row groups", "file": "bytes"}[self.kind]
        return f"{self.path} [{unit} {self.start}-{self.end}]"


def plan_chunks(inputs: Sequence[str], chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                chunk_rows: int = DEFAULT_CHUNK_ROWS) -> tuple[list[Chunk], list[Outcome]]:
    """Chunks for every file the inputs name (paths, directories, globs), and an error for
    each input that names nothing or cannot be planned."""
    chunks: list[Chunk] = []
    problems: list[Outcome] = []
    for spec in inputs:
        paths = expand_input(spec)
        if not paths:
            problems.append(Outcome(spec, error=f"{spec}: no such file, directory or matching glob"))
        for path in paths:
            try:
                chunks.extend(_plan_file(path.absolute(), chunk_bytes, chunk_rows))
            except OSError as exc:
                problems.append(Outcome(str(path), error=f"{path}: cannot read: {exc}"))
    return chunks, problems


def _plan_file(path: Path, chunk_bytes: int, chunk_rows: int) -> list[Chunk]:
    suffix, size = path.suffix.lower(), path.stat().st_size
    if suffix in JSONL_SUFFIXES:
        return _jsonl_chunks(path, size, chunk_bytes)
    if suffix in PARQUET_SUFFIXES:
        try:
            rows = row_group_rows(path)
        except Exception:  # noqa: BLE001 - not Parquet after all: the reader reports why
            return [Chunk(str(path), "file", 0, size, 1, size)]
        return _parquet_chunks(path, size, rows, chunk_rows)
    return [Chunk(str(path), "file", 0, size, 1, size)]


def _jsonl_chunks(path: Path, size: int, chunk_bytes: int) -> list[Chunk]:
    """Cut at the first line start at or after each multiple of ``chunk_bytes``."""
    chunks: list[Chunk] = []
    start, first, line, offset = 0, 1, 1, 0
    with path.open("rb") as handle:
        for raw_line in handle:
            offset += len(raw_line)
            line += 1
            if offset - start >= chunk_bytes and offset < size:
                chunks.append(Chunk(str(path), "jsonl", start, offset, first, size))
                start, first = offset, line
    if start < size or not chunks:
        chunks.append(Chunk(str(path), "jsonl", start, size, first, size))
    return chunks


def _parquet_chunks(path: Path, size: int, rows: list[int], chunk_rows: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    start, first, count, row = 0, 1, 0, 1
    for group, n in enumerate(rows):
        count += n
        row += n
        if count >= chunk_rows and group + 1 < len(rows):
            chunks.append(Chunk(str(path), "parquet", start, group + 1, first, size))
            start, first, count = group + 1, row, 0
    chunks.append(Chunk(str(path), "parquet", start, len(rows), first, size))
    return chunks


def read_chunk(chunk: Chunk, max_bytes: int) -> Iterator[ReadItem]:
    """The articles (or per-article errors) of one chunk, in file order."""
    path = Path(chunk.path)
    if chunk.kind == "parquet":
        yield from read_parquet(path, max_bytes, range(chunk.start, chunk.end), chunk.first)
    elif chunk.kind == "jsonl":
        from claimtrack.readers import read_jsonl_lines

        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Outcome(chunk.path, error=f"{chunk.path}: cannot read: {exc.strerror or exc}")
            return
        with handle:
            handle.seek(chunk.start)
            yield from read_jsonl_lines(chunk.path, _lines_until(handle, chunk.end), max_bytes,
                                        first_lineno=chunk.first)
    else:
        yield from read_path(path, max_bytes)


def _lines_until(handle, end: int) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """Lines from the handle's position while they start before ``end``."""
    while handle.tell() < end:
        line = handle.readline()
        if not line:
            return
        yield line
