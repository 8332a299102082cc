"""Full-text search over documents' titles and texts: FTS5 on SQLite, a GIN index on PostgreSQL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

SQLite: ``documents_fts``, an external-content FTS5 table over ``documents(title, text)``
(nothing is stored twice; ``snippet()`` reads the text from ``documents``), keyed by the
documents' rowid and kept in step by three triggers, so every save, re-save and delete
(ON DELETE CASCADE included) updates it in the same transaction. The Porter stemmer makes
"troops" find "troop", as PostgreSQL's English configuration does. The migration fills it
from the documents already stored (FTS5's ``rebuild``). A later migration that rebuilds the
documents table (Alembic's batch mode on SQLite) must drop and recreate these triggers and
rebuild the index, as rowids and triggers do not survive a table copy.

PostgreSQL: a GIN index on the title (weight A) and text as an English ``tsvector``; the
store's queries repeat this expression word for word (store/fulltext.py), or the index is
not used. Building the index indexes the documents already stored.
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SQLITE_UP = (
    ("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
     "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"),
    ("CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
     "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); "
     "END"),
    ("CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
     "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
     "VALUES ('delete', old.rowid, old.title, old.text); END"),
    ("CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
     "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
     "VALUES ('delete', old.rowid, old.title, old.text); "
     "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); "
     "END"),
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS documents_fts_update",
    "DROP TRIGGER IF EXISTS documents_fts_delete",
    "DROP TRIGGER IF EXISTS documents_fts_insert",
    "DROP TABLE IF EXISTS documents_fts",
)
# the same expression as store/fulltext.py's PG_VECTOR, written out: a migration stands alone
PG_UP = (
    "CREATE INDEX ix_documents_fulltext ON documents USING gin (("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "to_tsvector('english'::regconfig, text)))"
)
PG_DOWN = "DROP INDEX IF EXISTS ix_documents_fulltext"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(PG_DOWN)
