"""Place mentions in a table of their own, so claims can be counted per place by span.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Existing places are backfilled from their ``mentions`` JSON column, in Python so the same
migration runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _mention_rows(bind: sa.Connection) -> list[dict[str, Any]]:
    """One row per mention of every stored place (JSON comes back as text on SQLite)."""
    rows = []
    for doc_id, geonames_id, mentions in bind.execute(
            sa.text("SELECT doc_id, geonames_id, mentions FROM places")):
        items = json.loads(mentions) if isinstance(mentions, str) else (mentions or [])
        for seq, mention in enumerate(items):
            rows.append({"doc_id": doc_id, "geonames_id": geonames_id, "seq": seq,
                         "start_offset": mention["start"], "end_offset": mention["end"]})
    return rows


def upgrade() -> None:
    table = op.create_table(
        "place_mentions",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("geonames_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_place_mentions_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", "geonames_id", "seq", name="pk_place_mentions"),
    )
    op.create_index("ix_place_mentions_geonames_id", "place_mentions", ["geonames_id"])
    rows = _mention_rows(op.get_bind())
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_place_mentions_geonames_id", table_name="place_mentions")
    op.drop_table("place_mentions")
