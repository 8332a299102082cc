"""Every reference to a place (map place, demonym, embedded name, unresolved name) is stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

Articles stored before have no such rows; reprocessing them fills the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "toponyms",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("geonames_id", sa.Integer(), nullable=True),
        sa.Column("within_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_toponyms_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", "seq", name="pk_toponyms"),
    )
    op.create_index("ix_toponyms_geonames_id", "toponyms", ["geonames_id"])


def downgrade() -> None:
    op.drop_index("ix_toponyms_geonames_id", table_name="toponyms")
    op.drop_table("toponyms")
