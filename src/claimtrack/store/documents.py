"""Reading stored documents: resolve an id or prefix, load a Document, list summaries.

``DocumentReads`` is the base of the Store's read mixins: it holds the read transaction
(``_read``) and the document-id resolution every other listing filters with.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.errors import StoreError
from claimtrack.model import Document
from claimtrack.store.engine import safe_url
from claimtrack.store.fulltext import Search, query_words, search
from claimtrack.store.queries import (
    DOC_COLUMNS,
    after_processed,
    iso,
    outlet_matches,
    paged,
    published_between,
)
from claimtrack.store.rows import load_document
from claimtrack.store.schema import (
    CHILD_TABLES,
    claims,
    documents,
    entities,
    events,
    metadata,
    places,
    timerefs,
)

MIN_PREFIX = 4  # shortest document-id prefix accepted by get()


def load_document_in(conn: Connection, doc_id: str) -> Document | None:
    """A stored Document read on ``conn`` (e.g. inside a write transaction)."""
    doc_row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
    if doc_row is None:
        return None
    children = {}
    for table in CHILD_TABLES:
        order = table.c.idx if table is timerefs else table.c.seq
        stmt = select(table).where(table.c.doc_id == doc_id).order_by(order)
        children[table.name] = conn.execute(stmt).mappings().all()
    return load_document(doc_row, children)



class DocumentReads:
    """Documents by id, prefix or recency, and the read transaction the listings share."""

    engine: Engine
    url: str

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot); driver errors become StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"query failed on {safe_url(self.url)}: {exc}") from exc


    def resolve(self, doc_ref: str) -> str | None:
        """The full id for a full id or unique prefix; None if no document matches."""
        ref = doc_ref.strip()
        with self._read() as conn:
            if conn.execute(select(documents.c.id).where(documents.c.id == ref)).first():
                return ref
            if len(ref) < MIN_PREFIX:
                raise StoreError(
                    f"document reference {ref!r} is too short: "
                    f"give the full id or at least {MIN_PREFIX} characters of it"
                )
            # substr() rather than LIKE: case-sensitive and free of wildcards on both engines
            prefix = func.substr(documents.c.id, 1, len(ref)) == ref
            stmt = select(documents.c.id).where(prefix).order_by(documents.c.id).limit(6)
            matches = list(conn.execute(stmt).scalars())
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise StoreError(
                f"document reference {ref!r} is ambiguous: it matches {shown}; "
                "give more characters of the id"
            )
        return matches[0] if matches else None

    def get(self, doc_ref: str) -> Document | None:
        """The full Document for an id or unique id prefix, as it was saved."""
        doc_id = self.resolve(doc_ref)
        if doc_id is None:
            return None
        with self._read() as conn:
            return load_document_in(conn, doc_id)

    def latest(self) -> Document | None:
        """The most recently processed document, e.g. for ``claimtrack show`` with no id."""
        stmt = select(documents.c.id).order_by(
            documents.c.processed_at.desc(), documents.c.id
        ).limit(1)
        with self._read() as conn:
            doc_id = conn.execute(stmt).scalar()
        return self.get(doc_id) if doc_id else None

    def documents(self, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None,
                  q: str | None = None, date_from: date | None = None,
                  date_to: date | None = None,
                  after: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """Summaries of stored documents with record counts, most recently processed first;
        ``after`` (processed_at, id) of the last row listed gives the next page (see
        :func:`after_processed`). With ``q`` (full-text search, see store/fulltext.py) the
        documents having every word of it, most relevant first, each with a ``snippet`` of
        its text around the words (marked «so») and a ``score`` (higher: more relevant, on
        each engine's scale); page those with ``offset``, as ``after`` is refused."""
        q = q.strip() if q else None  # a blank search is no filter
        where = self._document_filters(outlet, date_from, date_to)
        if after is not None:
            if q:
                raise StoreError("a search ranks by relevance: page it with offset, not after")
            where.append(after_processed(after))

        def count_of(table: Any) -> Any:
            where = table.c.doc_id == documents.c.id
            return select(func.count()).select_from(table).where(where).scalar_subquery()

        columns = (
            documents.c.id,
            *DOC_COLUMNS,
            documents.c.language,
            documents.c.input_name,
            documents.c.processed_at,
            *(count_of(t).label(t.name) for t in (entities, claims, events, places, timerefs)),
        )
        if q:
            found = self._search(q)
            if found is None:
                return []
            stmt = (select(*columns, found.score.label("score"), found.snippet.label("snippet"))
                    .select_from(found.source).where(found.match, *where)
                    .order_by(found.order, documents.c.id))
        else:
            stmt = select(*columns).where(*where).order_by(documents.c.processed_at.desc(),
                                                           documents.c.id)
        with self._read() as conn:
            rows = conn.execute(paged(stmt, limit, offset)).mappings().all()
        found = [
            {**row, "published": iso(row["published"]), "processed_at": iso(row["processed_at"])}
            for row in rows
        ]
        for row in found:
            if row.get("snippet"):  # one line: paragraph breaks become spaces
                row["snippet"] = " ".join(row["snippet"].split())
        return found

    def count_documents(self, *, outlet: str | None = None, q: str | None = None,
                        date_from: date | None = None, date_to: date | None = None) -> int:
        """How many documents :meth:`documents` lists with these filters, over all pages."""
        where = self._document_filters(outlet, date_from, date_to)
        stmt = select(func.count()).select_from(documents)
        if q and q.strip():
            found = self._search(q)
            if found is None:
                return 0
            stmt = select(func.count()).select_from(found.source).where(found.match)
        with self._read() as conn:
            return int(conn.execute(stmt.where(*where)).scalar_one())

    @staticmethod
    def _document_filters(outlet: str | None, date_from: date | None,
                          date_to: date | None) -> list[Any]:
        where = published_between(date_from, date_to)
        if outlet:
            where.append(outlet_matches(outlet))
        return where

    def _search(self, q: str) -> Search | None:
        """The full-text match of ``q`` on this store's engine; None if it has no word.
        Another engine than SQLite or PostgreSQL gets the substring match, unranked."""
        words = query_words(q)
        if not words:
            return None
        dialect = self.engine.dialect.name
        if dialect in ("sqlite", "postgresql"):
            return search(dialect, words)
        text = or_(documents.c.title.icontains(q, autoescape=True),
                   documents.c.text.icontains(q, autoescape=True))
        return Search(source=documents, match=text, order=documents.c.processed_at.desc(),
                      score=literal(0.0), snippet=func.substr(documents.c.text, 1, 200))

    def delete(self, doc_ref: str) -> dict[str, Any] | None:
        """Delete a document (id or unique prefix) with every record of it, all or nothing,
        and relink stories and threads as if it had never been stored; None if no document
        matches. Returns what went: the document's id, title, outlet and date, its record
        counts, and how many stories and threads the other members of its story and threads
        now form.

        Stories and threads are the connected components of pairwise rules, so an article
        can have been the only link between others: both indexes are rebuilt from the rows
        left (replayed in the order they were added, nothing embedded again) and the stored
        story and thread ids rewritten where they change, in the same transaction. Another
        process's Store notices at its next save, as the member counts no longer match its
        indexes."""
        doc_id = self.resolve(doc_ref)
        if doc_id is None:
            return None
        from claimtrack.store.relink import delete_and_relink  # imports this module

        with self._writing:  # type: ignore[attr-defined]  # the Store's (repository.py)
            return delete_and_relink(self, doc_id)

    def count(self, table: str) -> int:
        """Rows in one store table (by name), for status output and tests."""
        if table not in metadata.tables:
            raise StoreError(f"no table {table!r}; tables: {', '.join(sorted(metadata.tables))}")
        stmt = select(func.count()).select_from(metadata.tables[table])
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def _doc_filter(self, doc_ref: str) -> str:
        """A doc_id filter accepts a prefix too; an unknown one matches nothing."""
        return self.resolve(doc_ref) or doc_ref
