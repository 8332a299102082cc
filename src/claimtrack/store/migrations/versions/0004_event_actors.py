"""Event actors and targets in a table of their own, so events can be filtered by them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Existing events are backfilled from their ``actors`` and ``targets`` JSON columns.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "event_actors",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("sector", sa.String(8)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_event_actors_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", "event_id", "role", "seq", name="pk_event_actors"),
    )
    op.create_index("ix_event_actors_country_sector", "event_actors", ["country", "sector"])
    bind = op.get_bind()
    rows = []
    for doc_id, event_id, actors, targets in bind.execute(
            sa.text("SELECT doc_id, id, actors, targets FROM events")):
        for role, group in (("actor", actors), ("target", targets)):
            items = json.loads(group) if isinstance(group, str) else (group or [])
            for seq, actor in enumerate(items):
                rows.append({"doc_id": doc_id, "event_id": event_id, "role": role, "seq": seq,
                             "country": actor.get("country"), "sector": actor.get("sector"),
                             "text": actor.get("text") or ""})
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_event_actors_country_sector", table_name="event_actors")
    op.drop_table("event_actors")
