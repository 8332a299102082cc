"""Check a batch job's output directory: what ``claimtrack check --batch DIR`` runs after a kill.

The commit protocol (output.py) promises that a chunk is complete exactly when its marker
exists. This verifies it on the files: every committed chunk has a readable part in every
table, with as many documents and errors as its marker says; every part's child rows belong to
a document of the same part; and no input (``path:line``) is in two committed chunks, so
reading the output never counts an article twice. Uncommitted parts and leftover temporary
files of a killed run are allowed (a rerun overwrites them; readers skip them) and are only
counted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from claimtrack.batch.output import ERRORS, MARKERS, BatchOutput
from claimtrack.batch.tables import DOCUMENT_TABLES, ERRORS_SCHEMA, arrow_schema
from claimtrack.store.check import CheckReport
from claimtrack.store.schema import documents

MARKER_KEYS = ("chunk_id", "path", "start", "end", "documents", "errors")


def check_batch(root: str | Path) -> CheckReport:
    """Every check above on the output directory ``root``; never raises for what it finds."""
    out = BatchOutput(root)
    report = CheckReport(str(out.root))
    if not out.root.is_dir():
        report.add(f"{out.root}: no such directory")
        return report
    markers = _markers(out, report)
    report.rows = {"committed chunks": len(markers), "uncommitted parts": 0,
                   "temporary files": sum(1 for p in out.root.rglob(".*.tmp"))}
    seen: Counter[str] = Counter()
    where: dict[str, str] = {}
    for chunk_id, marker in sorted(markers.items()):
        names = _check_chunk(out, chunk_id, marker, report)
        for name in names:
            seen[name] += 1
            if seen[name] == 2:
                report.add(f"input {name} is in two committed chunks ({where[name]}, {chunk_id})")
            where.setdefault(name, chunk_id)
        report.documents += marker.get("documents", 0) if isinstance(marker, dict) else 0
    for table in (*(t.name for t in DOCUMENT_TABLES), ERRORS):
        folder = out.root / table
        if folder.is_dir():
            report.rows["uncommitted parts"] += sum(
                1 for p in folder.glob("part-*.parquet")
                if p.stem.removeprefix("part-") not in markers)
    return report


def _markers(out: BatchOutput, report: CheckReport) -> dict[str, dict]:  # type: ignore[type-arg]
    """Committed chunks' markers by chunk id; unreadable or inconsistent ones reported."""
    found: dict[str, dict] = {}  # type: ignore[type-arg]
    folder = out.root / MARKERS
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.json")):
        try:
            marker = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            report.add(f"marker {path.name}: unreadable: {exc}")
            continue
        missing = [k for k in MARKER_KEYS if not isinstance(marker, dict) or k not in marker]
        if missing:
            report.add(f"marker {path.name}: missing {', '.join(missing)}")
            continue
        if marker["chunk_id"] != path.stem:
            report.add(f"marker {path.name}: names chunk {marker['chunk_id']}")
        found[path.stem] = marker
    return found


def _check_chunk(out: BatchOutput, chunk_id: str, marker: dict,  # type: ignore[type-arg]
                 report: CheckReport) -> list[str]:
    """One committed chunk's parts; returns the input names it holds (documents and errors)."""
    names: list[str] = []
    doc_ids: set[str] = set()
    for table in DOCUMENT_TABLES:
        path = out.part_path(table.name, chunk_id)
        data = _read(path, chunk_id, table.name, report)
        if data is None:
            continue
        expected = arrow_schema(table).names
        if data.schema.names != expected:
            report.add(f"chunk {chunk_id}: {table.name} part has columns {data.schema.names}, "
                       f"expected {expected}")
            continue
        if table is documents:
            ids = data.column("id").to_pylist()
            doc_ids = set(ids)
            names += data.column("input_name").to_pylist()
            if len(ids) != marker["documents"]:
                report.add(f"chunk {chunk_id}: {len(ids)} documents in its part, its marker "
                           f"says {marker['documents']}")
        else:
            stray = set(data.column("doc_id").to_pylist()) - doc_ids
            if stray:
                report.add(f"chunk {chunk_id}: {table.name} rows of documents not in its "
                           f"documents part: {sorted(stray)[:5]}")
    errors = _read(out.part_path(ERRORS, chunk_id), chunk_id, ERRORS, report)
    if errors is not None:
        if errors.schema.names != ERRORS_SCHEMA.names:
            report.add(f"chunk {chunk_id}: errors part has columns {errors.schema.names}")
        else:
            names += errors.column("input").to_pylist()
            if errors.num_rows != marker["errors"]:
                report.add(f"chunk {chunk_id}: {errors.num_rows} errors in its part, its marker "
                           f"says {marker['errors']}")
    counts = Counter(names)
    for name, n in counts.items():
        if n > 1:
            report.add(f"chunk {chunk_id}: input {name} appears {n} times")
    return list(counts)


def _read(path: Path, chunk_id: str, table: str, report: CheckReport):  # type: ignore[no-untyped-def]
    """A part as an Arrow table, or None with the reason reported."""
    if not path.exists():
        report.add(f"chunk {chunk_id}: committed but has no {table} part")
        return None
    try:
        return pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - any reader error means the part is unusable
        report.add(f"chunk {chunk_id}: {table} part unreadable: {type(exc).__name__}: {exc}")
        return None
