"""The Parquet tables a batch job writes: the store's own tables, plus one of errors.

Why the store's tables: the rows come from the same ``document_rows`` that ``Store.save``
writes, so a batch output and a store hold the same columns, a test can compare them row by
row, and loading the output into a store is a copy, not a translation. JSON columns are kept as
JSON text (Parquet readers everywhere can parse it; nested Arrow types would differ by table).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, Table

from claimtrack.store.schema import (
    claims,
    documents,
    entities,
    event_actors,
    events,
    place_mentions,
    places,
    timerefs,
    toponyms,
)

#: What a processed article writes, in the order ``document_rows`` returns them.
DOCUMENT_TABLES: tuple[Table, ...] = (
    documents, entities, claims, events, event_actors, places, place_mentions, timerefs, toponyms,
)
ERRORS_SCHEMA = pa.schema([
    pa.field("chunk_id", pa.string(), nullable=False),
    pa.field("input", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])


def _arrow_type(column_type: Any) -> pa.DataType:
    if isinstance(column_type, JSON):
        return pa.string()
    if isinstance(column_type, Boolean):
        return pa.bool_()
    if isinstance(column_type, Integer):
        return pa.int64()
    if isinstance(column_type, Float):
        return pa.float64()
    if isinstance(column_type, DateTime):
        return pa.timestamp("us")
    if isinstance(column_type, Date):
        return pa.date32()
    if isinstance(column_type, LargeBinary):
        return pa.binary()
    return pa.string()


def arrow_schema(table: Table) -> pa.Schema:
    """The Parquet schema of a store table: same column names and order."""
    return pa.schema([pa.field(c.name, _arrow_type(c.type), nullable=bool(c.nullable))
                      for c in table.columns])


def _json_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, JSON)}


def to_arrow(table: Table, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows of a store table as an Arrow table, JSON columns encoded as text."""
    schema = arrow_schema(table)
    as_json = _json_columns(table)
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for row in rows:
        for name in schema.names:
            value = row.get(name)
            columns[name].append(
                json.dumps(value, ensure_ascii=False) if name in as_json and value is not None
                else value)
    return pa.table(columns, schema=schema)


def from_arrow(table: Table, data: pa.Table) -> list[dict[str, Any]]:
    """The inverse of :func:`to_arrow`: rows as ``document_rows`` gives them."""
    as_json = _json_columns(table)
    rows = data.to_pylist()
    for row in rows:
        for name in as_json:
            if row.get(name) is not None:
                row[name] = json.loads(row[name])
    return rows


def plain(value: Any) -> Any:
    """A value in the form both a Parquet round trip and a store give (for comparisons)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
