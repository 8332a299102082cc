"""Load a batch job's Parquet output into a store (SQLite, or PostgreSQL through COPY).

The rows go back through ``load_document`` into Documents and then ``Store.save_many``, so a
loaded article gets its story and its threads exactly as if ``claimtrack process`` had saved
it, and loading twice replaces instead of duplicating. Chunks are loaded one at a time in
file order, so memory holds one chunk's documents, not the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from claimtrack.batch.output import BatchOutput
from claimtrack.batch.tables import DOCUMENT_TABLES, from_arrow
from claimtrack.model import Document
from claimtrack.store.schema import documents, timerefs


def chunk_documents(out: BatchOutput, chunk_id: str) -> list[Document]:
    """The Documents of one committed chunk, in input order."""
    from claimtrack.store.rows import load_document

    tables: dict[str, list[dict[str, Any]]] = {}
    for table in DOCUMENT_TABLES:
        path = out.part_path(table.name, chunk_id)
        tables[table.name] = from_arrow(table, pq.read_table(path)) if path.exists() else []
    children: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for table in DOCUMENT_TABLES:
        if table is documents:
            continue
        order = "idx" if table is timerefs else "seq"
        key = [c.name for c in table.primary_key.columns]
        seen: set[tuple[Any, ...]] = set()  # an article read twice wrote its rows twice
        for row in sorted(tables[table.name], key=lambda r: r[order]):
            identity = tuple(row[k] for k in key)
            if identity not in seen:
                seen.add(identity)
                children[row["doc_id"]][table.name].append(row)
    firsts: dict[str, dict[str, Any]] = {}
    for row in tables[documents.name]:
        firsts.setdefault(row["id"], row)
    return [load_document(row, children[doc_id]) for doc_id, row in firsts.items()]


def committed_in_order(out: BatchOutput) -> Iterator[str]:
    """Committed chunk ids by file and position, so a load is reproducible."""
    summaries = sorted(out.summaries(), key=lambda s: (s["path"], s["start"]))
    for summary in summaries:
        yield summary["chunk_id"]


def load_output(out_dir: str | Path, store: Any) -> int:
    """Save every committed chunk's documents into ``store``; the number saved."""
    out = BatchOutput(out_dir)
    count = 0
    for chunk_id in committed_in_order(out):
        count += store.save_many(chunk_documents(out, chunk_id))
    return count
