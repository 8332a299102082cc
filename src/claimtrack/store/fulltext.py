"""Full-text search over documents: what migration 0011 built, and the SQL to query it.

SQLite has ``documents_fts`` (FTS5, external content over ``documents``, ranked by bm25 with
the title counting twice, snippets by ``snippet()``); PostgreSQL a GIN index on an English
``tsvector`` of title and text (ranked by ``ts_rank``, snippets by ``ts_headline``). Both
tokenise and stem English alike ("troops" finds "troop"), though PostgreSQL drops stop
words ("the") where FTS5 keeps them.

User text never reaches either engine's query syntax: it is cut into words (letters and
digits, any script), each sent as a quoted term on SQLite and as ``plainto_tsquery`` input on
PostgreSQL, so quotes, ``*``, ``NEAR``, ``-``, ``OR`` or unbalanced parentheses are plain
text. A document matches when it has every word. A query with no word matches nothing
(a blank one is no filter: see Store.documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, column, func, literal, literal_column, table

from claimtrack.store.schema import documents

FTS_TABLE = "documents_fts"  # SQLite: the FTS5 table; FTS5 adds shadow tables named FTS_TABLE_*
PG_INDEX = "ix_documents_fulltext"
#: The indexed expression of PG_INDEX, word for word (the planner matches it structurally).
PG_VECTOR = ("(setweight(to_tsvector('english'::regconfig, coalesce(documents.title, '')), 'A')"
             " || to_tsvector('english'::regconfig, documents.text))")
PG_CONFIG = "'english'::regconfig"
TITLE_WEIGHT = 2.0  # bm25 column weight of the title against the text's 1.0
SNIPPET_START, SNIPPET_END, ELLIPSIS = "«", "»", "…"
SNIPPET_TOKENS = 16  # words in an SQLite snippet; PostgreSQL's is MinWords..MaxWords
PG_HEADLINE = (f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MinWords=8, MaxWords=20, "
               "MaxFragments=1")
MAX_WORDS = 32  # of a query; more are ignored
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script


def query_words(q: str) -> list[str]:
    """The distinct words of a search, in order: runs of letters and digits, nothing else."""
    return list(dict.fromkeys(_WORD.findall(q)))[:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH string requiring every word, each one a quoted string (quotes doubled),
    so NEAR, AND, OR, NOT and ``*`` are words, not operators."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def is_fulltext_object(name: str | None) -> bool:
    """Whether a table or index of the database is the full-text search's (it is engine
    specific, so it is not declared in schema.metadata)."""
    return bool(name) and (name in (FTS_TABLE, PG_INDEX) or name.startswith(FTS_TABLE + "_"))


@dataclass(frozen=True)
class Search:
    """The pieces of a documents query that a full-text search adds."""

    source: FromClause  # documents, joined with what the match needs
    match: ColumnElement[bool]
    order: ColumnElement[Any]  # ascending: most relevant first
    score: ColumnElement[float]  # higher: more relevant (engine-specific scale)
    snippet: ColumnElement[str]  # the text around the matches, marked «so»


def search(dialect: str, words: list[str]) -> Search:
    """The full-text match of ``words`` (non-empty, see :func:`query_words`) on an engine."""
    if dialect == "sqlite":
        fts = table(FTS_TABLE, column("rowid"))
        ref = literal_column(FTS_TABLE)
        bm25 = func.bm25(ref, literal(TITLE_WEIGHT), literal(1.0))
        return Search(
            source=documents.join(fts, fts.c.rowid == literal_column("documents.rowid")),
            match=ref.op("MATCH")(fts5_query(words)),
            order=bm25, score=-bm25,
            snippet=func.snippet(ref, 1, SNIPPET_START, SNIPPET_END, ELLIPSIS, SNIPPET_TOKENS))
    if dialect == "postgresql":
        vector = literal_column(PG_VECTOR)
        query = func.plainto_tsquery(literal_column(PG_CONFIG), " ".join(words))
        rank = func.ts_rank(vector, query, 1)  # 1: divided by 1 + log(document length)
        return Search(
            source=documents, match=vector.op("@@")(query), order=rank.desc(), score=rank,
            snippet=func.ts_headline(literal_column(PG_CONFIG), documents.c.text, query,
                                     PG_HEADLINE))
    raise ValueError(f"no full-text search on {dialect}")
