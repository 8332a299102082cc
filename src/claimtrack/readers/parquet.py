"""Parquet files of articles: one row per article, with the columns of a JSON line.

Columns are ``text`` or ``html``, and optionally ``url``, ``title``, ``outlet`` and
``published`` (a date, a timestamp or an ISO string). Rows are named ``path:N`` (1-based) like
JSON lines, so an article keeps its name whether a batch job or ``claimtrack process`` reads
it. Row groups can be read alone: a batch job splits a large file at row-group boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from claimtrack.errors import InputError
from claimtrack.pipeline import Outcome
from claimtrack.readers.base import ReadItem, record_to_raw
from claimtrack.readers.decode import check_size

#: The columns read; others (a crawl's own fields) are left on disk.
COLUMNS = ("text", "html", "url", "title", "outlet", "published")


def _open(path: Path):  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    return pq.ParquetFile(path)


def row_group_rows(path: Path) -> list[int]:
    """The number of rows in each row group of ``path`` (raises OSError/ArrowException)."""
    meta = _open(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def read_parquet(path: Path, max_bytes: int, row_groups: Sequence[int] | None = None,
                 first_row: int = 1) -> Iterator[ReadItem]:
    """The articles in ``path`` (or in some of its row groups, whose first row is number
    ``first_row``); a bad row fails alone, an unreadable file fails as one input."""
    import pyarrow as pa

    name = str(path)
    try:
        parquet = _open(path)
        wanted = [c for c in COLUMNS if c in parquet.schema_arrow.names]
        if "text" not in wanted and "html" not in wanted:
            yield Outcome(name, error=f"{name}: Parquet file has no 'text' or 'html' column")
            return
        groups = list(range(parquet.num_row_groups)) if row_groups is None else list(row_groups)
        row_number = first_row
        for group in groups:
            table = parquet.read_row_group(group, columns=wanted)
            for record in table.to_pylist():
                where = f"{name}:{row_number}"
                row_number += 1
                try:
                    content = record.get("html") or record.get("text") or ""
                    check_size(where, len(content.encode("utf-8", "surrogatepass"))
                               if isinstance(content, str) else 0, max_bytes)
                    yield record_to_raw(where, record)
                except InputError as exc:
                    yield Outcome(where, error=str(exc))
    except (OSError, pa.ArrowException) as exc:
        yield Outcome(name, error=f"{name}: cannot read as Parquet: {exc}")
