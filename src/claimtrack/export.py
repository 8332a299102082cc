"""Export stored records (claims, events, places, threads, documents) as CSV, JSON lines,
Parquet or GeoJSON, streamed: rows are read from the store a page at a time (keyset paging
where the store has it) and encoded as they come, so an export of a million rows never holds
them all in memory.

Every row carries its article: id, published date, outlet, URL and title, and the text that
is the evidence for it (a claim's content span, an event's reporting claim and trigger, a
place's mentions). Columns come in a fixed order; CSV headers are human-readable labels, the
other formats use the field names.

CSV is made to open cleanly in a spreadsheet: RFC 4180 quoting, optionally a UTF-8 byte
order mark (which Excel needs to read UTF-8), and *formula injection* neutralised as OWASP's
"CSV Injection" page advises: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is prefixed with ``'``, so a quote such as "=HYPERLINK(...)" is shown, not
run. Numbers (coordinates, counts) are written as numbers and left alone.

Filters are declared in :mod:`claimtrack.export_filters`. Use::

    export = Export(store, "claims", "csv", {"outlet": "moscow", "from": "2014-08-01"})
    with open("claims.csv", "wb") as out:
        export.write_to(out)
    export.rows  # rows written
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from claimtrack.errors import StoreError
from claimtrack.export_filters import FILTERS, FORMATS, KINDS, ExportError, check_request

__all__ = ["BOM", "COLUMNS", "FILTERS", "FORMATS", "KINDS", "MEDIA_TYPES", "PAGE_SIZE", "Column",
           "Export", "ExportError", "csv_cell"]

PAGE_SIZE = 1000  # rows read from the store at a time; one Parquet row group each
BOM = "\ufeff".encode()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet", "geojson": "application/geo+json"}

Row = dict[str, Any]
Page = list[Row]


# -- columns ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One output column: its field name, its CSV header and its type (str|int|float|bool)."""

    name: str
    label: str
    type: str = "str"


def _columns(*specs: str) -> tuple[Column, ...]:
    """'name|Label|type' specs; the type defaults to str."""
    return tuple(Column(*spec.split("|")) for spec in specs)


ARTICLE = ("article_id|Article ID", "published|Published", "outlet|Outlet", "url|URL",
           "title|Title")
COLUMNS: dict[str, tuple[Column, ...]] = {
    "claims": _columns(
        *ARTICLE, "claim_id|Claim ID", "source|Source", "source_text|Source as written",
        "cue|Cue", "stance|Stance", "polarity|Polarity", "claim_kind|Kind", "text|Claim text",
        "evidence_start|Claim start (character)|int", "evidence_end|Claim end (character)|int",
        "confidence|Confidence|float", "story_id|Story ID"),
    "events": _columns(
        *ARTICLE, "event_id|Event ID", "type|Event type", "mode|Mode",
        "proposed|Proposed event type", "status|Status", "reported_by|Reported by",
        "stance|Reporting stance", "actors|Actors", "actor_codes|Actor codes",
        "targets|Targets", "target_codes|Target codes", "trigger|Trigger",
        "claim_id|Reporting claim ID", "text|Reporting claim text", "place|Place",
        "geonames_id|GeoNames ID|int", "place_country|Place country", "lat|Latitude|float",
        "lon|Longitude|float", "date|Event date", "story_id|Story ID"),
    "places": _columns(
        *ARTICLE, "geonames_id|GeoNames ID|int", "place|Place", "country|Country",
        "admin1|Region", "feature_code|Feature code", "lat|Latitude|float",
        "lon|Longitude|float", "mentions|Mentions", "mention_count|Mention count|int"),
    "threads": _columns(
        "thread_id|Thread ID", "proposition|Proposition", "thread_size|Thread size|int",
        "contested|Contested|bool", "side|Side", "stance|Stance", "polarity|Polarity",
        "source|Source", "source_codes|Source codes", *ARTICLE, "claim_id|Claim ID",
        "text|Claim text"),
    "documents": _columns(
        *ARTICLE, "language|Language", "processed_at|Processed at", "input_name|Input",
        "entities|Entities|int", "claims|Claims|int", "events|Events|int",
        "places|Places|int", "timerefs|Dates|int"),
}


def _article(row: Row, doc_id: str = "doc_id") -> Row:
    return {"article_id": row[doc_id], "published": row.get("published"),
            "outlet": row.get("outlet"), "url": row.get("url"), "title": row.get("title")}


def _codes(party: dict[str, Any]) -> str:
    return " ".join(x for x in (party.get("country"), party.get("sector")) if x)


def claim_row(row: Row) -> Row:
    """A row of ``Store.claims`` as exported."""
    return {**_article(row), "claim_id": row["id"], "source": row["source_name"],
            "source_text": row["source_text"], "cue": row["cue"], "stance": row["stance"],
            "polarity": row["polarity"], "claim_kind": row["kind"], "text": row["content_text"],
            "evidence_start": row["content_start"], "evidence_end": row["content_end"],
            "confidence": row["confidence"], "story_id": row.get("story_id")}


def event_row(row: Row) -> Row:
    """A row of ``Store.events`` as exported: actors and targets as text and as codes."""
    actors, targets = row.get("actors") or [], row.get("targets") or []
    return {**_article(row), "event_id": row["id"], "type": row["type"], "mode": row["mode"],
            "proposed": row["proposed"], "status": row["status"],
            "reported_by": row["reported_by"], "stance": row["stance"],
            "actors": "; ".join(str(a.get("text")) for a in actors),
            "actor_codes": "; ".join(_codes(a) for a in actors),
            "targets": "; ".join(str(t.get("text")) for t in targets),
            "target_codes": "; ".join(_codes(t) for t in targets),
            "trigger": row["trigger_text"], "claim_id": row["claim"], "text": row["claim_text"],
            "place": row["place_name"], "geonames_id": row["place"],
            "place_country": row["place_country"], "lat": row["lat"], "lon": row["lon"],
            "date": row["date"], "story_id": row.get("story_id")}


def document_row(row: Row) -> Row:
    """A row of ``Store.documents`` as exported."""
    return {**_article(row, "id"), **{k: row[k] for k in (
        "language", "processed_at", "input_name", "entities", "claims", "events", "places",
        "timerefs")}}


# -- reading pages ---------------------------------------------------------------------------

def _pages(fetch: Callable[[int, Any], list[Row]], advance: Callable[[Any, list[Row]], Any],
           page_size: int, start: Any = None) -> Iterator[list[Row]]:
    """Pages of ``fetch(limit, cursor)`` until one comes back short; ``advance(cursor, rows)``
    gives the next cursor (a keyset position or an offset)."""
    cursor = start
    while True:
        rows = fetch(page_size, cursor)
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        cursor = advance(cursor, rows)


def _keyset(fetch: Callable[[int, Any], list[Row]], position: Callable[[Row], Any],
            page_size: int) -> Iterator[list[Row]]:
    """Pages positioned after the last row of the page before (see :func:`_pages`)."""
    return _pages(fetch, lambda _cursor, rows: position(rows[-1]), page_size)


def _item_position(row: Row) -> tuple[Any, str, str]:
    return row["published"], row["doc_id"], row["id"]


def _claim_pages(store: Any, f: dict[str, Any], page_size: int) -> Iterator[Page]:
    kwargs = {"source": f.get("source"), "stance": f.get("stance"), "kind": f.get("kind"),
              "date_from": f.get("from"), "date_to": f.get("to"), "doc_id": f.get("doc"),
              "outlet": f.get("outlet"), "q": f.get("q")}
    for rows in _keyset(lambda n, a: store.claims(**kwargs, limit=n, after=a),
                        _item_position, page_size):
        yield [claim_row(r) for r in rows]


def _event_pages(store: Any, f: dict[str, Any], page_size: int) -> Iterator[Page]:
    kwargs = {key: f.get(name) for key, name in (
        ("type", "type"), ("source", "source"), ("stance", "stance"), ("date_from", "from"),
        ("date_to", "to"), ("doc_id", "doc"), ("actor_country", "actor_country"),
        ("actor_sector", "actor_sector"), ("target_country", "target_country"),
        ("target_sector", "target_sector"), ("place", "place"), ("reported_by", "reported_by"),
        ("outlet", "outlet"), ("bbox", "bbox"), ("status", "status"))}
    for rows in _keyset(lambda n, a: store.events(**kwargs, limit=n, after=a),
                        _item_position, page_size):
        yield [event_row(r) for r in rows]


def _offset(fetch: Callable[[int, int], list[Row]], page_size: int) -> Iterator[list[Row]]:
    """Pages by offset, for a ranked search that no keyset position can follow."""
    return _pages(fetch, lambda offset, rows: offset + len(rows), page_size, start=0)


def _document_pages(store: Any, f: dict[str, Any], page_size: int) -> Iterator[Page]:
    def fetch(n: int, offset: int = 0, after: Any = None) -> list[Row]:
        return store.documents(limit=n, offset=offset, after=after, outlet=f.get("outlet"),
                               q=f.get("q"), date_from=f.get("from"), date_to=f.get("to"))

    if f.get("q"):  # a text search may be ranked by relevance, which has no keyset
        pages = _offset(fetch, page_size)
    else:
        pages = _keyset(lambda n, a: fetch(n, after=a), lambda r: (r["processed_at"], r["id"]),
                        page_size)
    for rows in pages:
        yield [document_row(r) for r in rows]


def _place_pages(store: Any, f: dict[str, Any], page_size: int) -> Iterator[Page]:
    from claimtrack.store.export_reads import place_mentions_page

    fetch = place_mentions_page(store, f)
    for rows in _keyset(fetch, lambda r: (r["published"], r["article_id"], r["seq"]),
                        page_size):
        yield [{c.name: r.get(c.name) for c in COLUMNS["places"]} for r in rows]


def _thread_pages(store: Any, f: dict[str, Any], page_size: int) -> Iterator[Page]:
    from claimtrack.store.export_reads import thread_member_pages

    yield from thread_member_pages(store, f, page_size)


PAGES: dict[str, Callable[[Any, dict[str, Any], int], Iterator[Page]]] = {
    "claims": _claim_pages, "events": _event_pages, "places": _place_pages,
    "threads": _thread_pages, "documents": _document_pages}


# -- encoding --------------------------------------------------------------------------------

def csv_cell(value: Any) -> Any:
    """A cell as written to CSV: text that a spreadsheet would run as a formula gets a
    leading ``'`` (OWASP CSV injection); None is empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Drain(io.RawIOBase):
    """A write-only byte sink that hands over what was written since the last ``take``:
    lets ParquetWriter stream to a pipe or an HTTP response, which cannot seek."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _arrow_schema(columns: tuple[Column, ...]) -> Any:
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(c.name, types[c.type]) for c in columns])


class Export:
    """The rows of one kind matching some filters, encoded in one format, as a stream of byte
    chunks (one per store page): write them to a file, stdout or an HTTP response. ``rows``
    counts the rows encoded so far (GeoJSON: features; ``skipped`` the rows without
    coordinates it left out). Bad requests raise ExportError when the Export is made."""

    def __init__(self, store: Any, kind: str, fmt: str, filters: dict[str, Any] | None = None,
                 *, page_size: int = PAGE_SIZE, bom: bool = False) -> None:
        self.filters = check_request(kind, fmt, filters or {})
        if "doc" in self.filters:
            try:
                self.filters["doc"] = store.resolve(self.filters["doc"]) or self.filters["doc"]
            except StoreError as exc:
                raise ExportError(f"filter 'doc': {exc}") from None
        if page_size < 1:
            raise ExportError("page_size must be at least 1")
        self.store, self.kind, self.format = store, kind, fmt
        self.columns = COLUMNS[kind]
        self.page_size, self.bom = page_size, bom
        self.rows = self.skipped = 0

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def pages(self) -> Iterator[Page]:
        """The matching rows, a store page at a time, with the export's columns."""
        return PAGES[self.kind](self.store, self.filters, self.page_size)

    def chunks(self) -> Iterator[bytes]:
        """The encoded export, a chunk per store page; nothing is read before it is asked for."""
        encode = {"csv": self._csv, "jsonl": self._jsonl, "parquet": self._parquet,
                  "geojson": self._geojson}[self.format]
        return encode(self.pages())

    def write_to(self, out: IO[bytes]) -> int:
        """Write the whole export to a binary file; returns the number of rows."""
        for chunk in self.chunks():
            out.write(chunk)
        return self.rows

    def _csv(self, pages: Iterable[Page]) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([c.label for c in self.columns])
        yield (BOM if self.bom else b"") + buffer.getvalue().encode()
        for page in pages:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([csv_cell(row.get(c.name)) for c in self.columns] for row in page)
            self.rows += len(page)
            yield buffer.getvalue().encode()

    def _jsonl(self, pages: Iterable[Page]) -> Iterator[bytes]:
        for page in pages:
            lines = [json.dumps({c.name: row.get(c.name) for c in self.columns},
                                ensure_ascii=False, default=str) for row in page]
            self.rows += len(page)
            yield ("\n".join(lines) + "\n").encode()

    def _parquet(self, pages: Iterable[Page]) -> Iterator[bytes]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema, sink = _arrow_schema(self.columns), _Drain()
        with pq.ParquetWriter(sink, schema) as writer:
            for page in pages:
                data = {c.name: [row.get(c.name) for row in page] for c in self.columns}
                writer.write_table(pa.Table.from_pydict(data, schema=schema),
                                   row_group_size=len(page))
                self.rows += len(page)
                yield sink.take()
        yield sink.take()  # the footer

    def _geojson(self, pages: Iterable[Page]) -> Iterator[bytes]:
        """A FeatureCollection (RFC 7946: longitude first) of the rows with coordinates."""
        properties = [c.name for c in self.columns if c.name not in ("lat", "lon")]
        yield b'{"type": "FeatureCollection", "features": [\n'
        first = True
        for page in pages:
            features = []
            for row in page:
                if row.get("lat") is None or row.get("lon") is None:
                    self.skipped += 1
                    continue
                features.append(json.dumps({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                    "properties": {name: row.get(name) for name in properties}},
                    ensure_ascii=False, default=str))
            if features:
                yield (("" if first else ",\n") + ",\n".join(features)).encode()
                first = False
                self.rows += len(features)
        yield b"\n]}\n"
