"""Bulk loading for ``Store.save_many``: documents in batches, rows written with PostgreSQL's
COPY through psycopg 3 (elsewhere with an executemany INSERT).

``Store.save_many`` writes a whole batch of documents per transaction; this module is the
part that differs by engine. On PostgreSQL ``COPY ... FROM STDIN`` streams every row of a
table in one command, where INSERT sends pages of parameter tuples that the server parses
and plans page by page. Values are encoded here as SQLAlchemy would bind them (JSON with the
dialect's serializer, Python ``None`` in a JSON column as JSON ``null``), so a document
loaded with COPY reads back exactly as one saved with INSERT; the test suite checks that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, insert
from sqlalchemy.exc import DBAPIError

from claimtrack.errors import StoreError
from claimtrack.model import Document

RowWriter = Callable[[Connection, Table, Sequence[Mapping[str, Any]]], None]
SAVE_BATCH = 500  # save_many's documents per transaction: COPY pays off from tens of rows


def batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """``docs`` in lists of at most ``size``; a document whose id is already in the list
    starts the next one, so a batch saves each article once, in order, as save() would."""
    if size < 1:
        raise StoreError(f"batch size must be at least 1, not {size}")
    batch: list[Document] = []
    ids: set[str] = set()
    for doc in docs:
        if not doc.id:
            raise StoreError(f"{doc.name}: document has no id; it was not extracted")
        if len(batch) >= size or doc.id in ids:
            yield batch
            batch, ids = [], set()
        batch.append(doc)
        ids.add(doc.id)
    if batch:
        yield batch


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """One executemany INSERT (what ``write_rows`` does on SQLite)."""
    if rows:
        conn.execute(insert(table), list(rows))


def write_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows into ``table`` inside ``conn``'s transaction: COPY on PostgreSQL with psycopg 3,
    an executemany INSERT elsewhere (SQLite has no COPY; its INSERTs are in-process calls)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        copy_rows(conn, table, rows)
    else:
        insert_rows(conn, table, rows)


def copy_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """COPY ``rows`` (all with the same keys) into ``table`` in text format on the psycopg
    connection under ``conn``, so they are part of its transaction."""
    columns = [c for c in table.columns if c.name in rows[0]]
    missing = set(rows[0]) - {c.name for c in columns}
    if missing:
        raise ValueError(f"{table.name} has no column(s) {', '.join(sorted(missing))}")
    encoders = [_encoder(conn, c) for c in columns]
    quote = conn.dialect.identifier_preparer
    statement = (f"COPY {quote.format_table(table)} "
                 f"({', '.join(quote.quote(c.name) for c in columns)}) FROM STDIN")
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([encode(row[c.name]) for c, encode in zip(columns, encoders)])
    except dbapi_error as exc:  # raised as SQLAlchemy raises the driver's errors elsewhere
        raise DBAPIError.instance(statement, None, exc, dbapi_error) from exc
    finally:
        cursor.close()


def _encoder(conn: Connection, column: Column[Any]) -> Callable[[Any], Any]:
    """How one column's Python values go into COPY: JSON as its text (psycopg would send a
    list as a PostgreSQL array), everything else as psycopg adapts it (bytes, bool, date)."""
    if not isinstance(column.type, JSON):
        return _same
    dumps = getattr(conn.dialect, "_json_serializer", None) or json.dumps
    none_as_null = column.type.none_as_null

    def encode(value: Any) -> Any:
        if value is None and none_as_null:
            return None
        return dumps(value)

    return encode


def _same(value: Any) -> Any:
    return value
