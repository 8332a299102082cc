"""Stories: each document's group of near-duplicates, and the MinHash signatures behind it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

Documents stored before have no rows here; the first save by a Store that knows stories
assigns them (from their stored text, oldest processed first) before the new document.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_members",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("story_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_story_members_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", name="pk_story_members"),
    )
    op.create_index("ix_story_members_story_id", "story_members", ["story_id"])
    op.create_index("ix_story_members_seq", "story_members", ["seq"])
    op.create_table(
        "story_signatures",
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("scheme", sa.String(32), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"],
                                name="fk_story_signatures_doc_id_documents", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id", name="pk_story_signatures"),
    )


def downgrade() -> None:
    op.drop_table("story_signatures")
    op.drop_index("ix_story_members_seq", table_name="story_members")
    op.drop_index("ix_story_members_story_id", table_name="story_members")
    op.drop_table("story_members")
