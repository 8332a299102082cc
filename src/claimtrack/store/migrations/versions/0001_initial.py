"""Initial schema: documents and their entities, claims, events, places and time references.

Revision ID: 0001
Revises:
Create Date: 2025-11-24

Written by hand and frozen: it must not import claimtrack.store.schema, which may move on;
tests/test_store.py checks that migrating to head yields exactly schema.metadata.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _doc_fk(table: str) -> list[sa.SchemaItem]:
    """The doc_id column and its cascading foreign key, shared by every child table."""
    return [
        sa.Column("doc_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["documents.id"], name=f"fk_{table}_doc_id_documents", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    """Create the six tables and their indexes."""
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("outlet", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("published", sa.Date()),
        sa.Column("language", sa.String(16)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("input_name", sa.Text(), nullable=False),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=False),
        sa.Column("dropped", sa.JSON(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_index("ix_documents_processed_at", "documents", ["processed_at"])

    op.create_table(
        "entities",
        *_doc_fk("entities"),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("role", sa.Text()),
        sa.Column("country", sa.String(16)),
        sa.Column("sector", sa.String(16)),
        sa.Column("place_id", sa.Integer()),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "id", name="pk_entities"),
    )
    op.create_index("ix_entities_name", "entities", ["name"])

    op.create_table(
        "claims",
        *_doc_fk("claims"),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("source_entity", sa.String(64)),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_start", sa.Integer()),
        sa.Column("source_end", sa.Integer()),
        sa.Column("cue", sa.Text(), nullable=False),
        sa.Column("cue_start", sa.Integer()),
        sa.Column("cue_end", sa.Integer()),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("parent", sa.String(64)),
        sa.Column("sentence", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "id", name="pk_claims"),
    )
    op.create_index("ix_claims_stance", "claims", ["stance"])
    op.create_index("ix_claims_kind", "claims", ["kind"])
    op.create_index("ix_claims_source_name", "claims", ["source_name"])

    op.create_table(
        "events",
        *_doc_fk("events"),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(32)),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("trigger_start", sa.Integer(), nullable=False),
        sa.Column("trigger_end", sa.Integer(), nullable=False),
        sa.Column("trigger_text", sa.Text(), nullable=False),
        sa.Column("claim", sa.String(64)),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("place", sa.Integer()),
        sa.Column("date", sa.String(64)),
        sa.PrimaryKeyConstraint("doc_id", "id", name="pk_events"),
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_index("ix_events_doc_id_claim", "events", ["doc_id", "claim"])

    op.create_table(
        "places",
        *_doc_fk("places"),
        sa.Column("geonames_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("feature_class", sa.String(8), nullable=False),
        sa.Column("feature_code", sa.String(16), nullable=False),
        sa.Column("country", sa.String(16)),
        sa.Column("admin1", sa.Text()),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "geonames_id", name="pk_places"),
    )
    op.create_index("ix_places_geonames_id", "places", ["geonames_id"])
    op.create_index("ix_places_country", "places", ["country"])

    op.create_table(
        "timerefs",
        *_doc_fk("timerefs"),
        sa.Column("idx", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.String(64)),
        sa.Column("granularity", sa.String(16), nullable=False),
        sa.Column("anchor", sa.String(32)),
        sa.PrimaryKeyConstraint("doc_id", "idx", name="pk_timerefs"),
    )
    op.create_index("ix_timerefs_value", "timerefs", ["value"])


def downgrade() -> None:
    """Drop everything, children first."""
    for table in ("timerefs", "places", "events", "claims", "entities", "documents"):
        op.drop_table(table)
