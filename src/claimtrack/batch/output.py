"""A batch job's output directory: Parquet tables written chunk by chunk, committed by a marker.

Layout::

    OUT/documents/part-<chunk>.parquet     one file per chunk in every table, even when empty
    OUT/claims/part-<chunk>.parquet        ... (every table of batch.tables.DOCUMENT_TABLES)
    OUT/errors/part-<chunk>.parquet        inputs that failed, with the reason
    OUT/_chunks/<chunk>.json               the commit marker: what the chunk covered, counts

Why this protocol: a chunk's files are each written to a hidden temporary name and renamed
into place (atomic on a POSIX file system), and the marker is renamed in last. A chunk is done
exactly when its marker exists; a job killed in between leaves at worst complete part files of
an uncommitted chunk, which the rerun overwrites under the same names. So a rerun never
duplicates or loses an article, whatever the moment of the kill. Spark and pyarrow skip files
and folders whose names start with "." or "_", so ``spark.read.parquet("OUT/claims")`` reads
committed and overwritten parts alike, and never a half-written one.

The directory must be on a file system every worker sees (local disk for local mode, NFS or a
mounted bucket on a cluster).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

MARKERS = "_chunks"
ERRORS = "errors"


class BatchOutput:
    """Read and write one job's output directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def part_path(self, table: str, chunk_id: str) -> Path:
        return self.root / table / f"part-{chunk_id}.parquet"

    def marker_path(self, chunk_id: str) -> Path:
        return self.root / MARKERS / f"{chunk_id}.json"

    def committed(self) -> set[str]:
        """Ids of the chunks whose output is complete."""
        folder = self.root / MARKERS
        if not folder.is_dir():
            return set()
        return {p.stem for p in folder.glob("*.json")}

    def write_part(self, table: str, chunk_id: str, data: pa.Table) -> None:
        """One table's rows of one chunk, renamed into place when complete."""
        path = self.part_path(table, chunk_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        pq.write_table(data, temporary, compression="zstd")
        os.replace(temporary, path)

    def commit(self, chunk_id: str, summary: dict[str, Any]) -> None:
        """Mark a chunk done; call only after all its parts are written."""
        path = self.marker_path(chunk_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def summaries(self) -> list[dict[str, Any]]:
        """The markers of committed chunks."""
        folder = self.root / MARKERS
        if not folder.is_dir():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]

    def read(self, table: str, committed_only: bool = True) -> pa.Table | None:
        """A whole table in input order (chunks by file and position), from the committed
        chunks' parts only unless told otherwise, or None when no part has been written."""
        folder = self.root / table
        if not folder.is_dir():
            return None
        rank = {s["chunk_id"]: (s["path"], s["start"]) for s in self.summaries()}
        parts = [p for p in folder.glob("part-*.parquet")
                 if not committed_only or p.stem.removeprefix("part-") in rank]
        if not parts:
            return None
        parts.sort(key=lambda p: (p.stem.removeprefix("part-") not in rank,
                                  rank.get(p.stem.removeprefix("part-"), ("", 0)), p.name))
        return pa.concat_tables([pq.read_table(p) for p in parts])
