"""Threads: each claim's thread (claims about one proposition) and the vectors behind it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25

Documents stored before have no rows here; the first save by a Store that knows threads
adds their claims (embedding them from the stored documents, oldest processed first) before
the new document's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thread_members",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(128), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_thread_members_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", "claim_id", name="pk_thread_members"),
    )
    op.create_index("ix_thread_members_thread_id", "thread_members", ["thread_id"])
    op.create_index("ix_thread_members_seq", "thread_members", ["seq"])
    op.create_table(
        "claim_vectors",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("blocking_keys", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_claim_vectors_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", "claim_id", name="pk_claim_vectors"),
    )


def downgrade() -> None:
    op.drop_table("claim_vectors")
    op.drop_index("ix_thread_members_seq", table_name="thread_members")
    op.drop_index("ix_thread_members_thread_id", table_name="thread_members")
    op.drop_table("thread_members")
