"""Propositions: claims get ``polarity`` and ``proposition``, events their ``status`` and
``reported_by``, and merged threads an alias that resolves to the thread they joined.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Backfill of stores written before: the old stance ``deny`` also covered negated statements
("police said there were no casualties"). A stored ``deny`` whose cue is not a denial cue
becomes an assertion with negative polarity; claims become ``positive`` otherwise. Events take
the status their stored claim and flags give them (``denied``, ``negated``, ``hypothetical``,
``hedged``, else ``asserted``) and the claim's source name. Propositions stay empty until the
article is processed again (``claimtrack process`` re-saves it in place). Thread members and
claim vectors are deleted, as the link rule and the embedded text changed: a claim needs a
proposition to join a thread, so an article's claims join threads when it is processed again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: Cue words that carry a denial by themselves (lexicons/cues.tsv, stance "deny"), as stored.
DENIAL_CUE_PREFIXES = ("den", "reject", "dismiss", "refut", "rebut", "disavow", "denial")


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("polarity", sa.String(16), nullable=False,
                                   server_default="positive"))
        batch.add_column(sa.Column("proposition", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False,
                                   server_default="asserted"))
        batch.add_column(sa.Column("reported_by", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_events_status", "events", ["status"])
    op.create_table(
        "thread_aliases",
        sa.Column("old_id", sa.String(128), nullable=False),
        sa.Column("thread_id", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("old_id", name="pk_thread_aliases"),
    )
    is_denial_cue = sa.or_(*(sa.func.lower(sa.column("cue")).like(f"{p}%")
                             for p in DENIAL_CUE_PREFIXES))
    claims = sa.table("claims", sa.column("stance"), sa.column("cue"), sa.column("polarity"))
    op.execute(claims.update().where(claims.c.stance == "deny", sa.not_(is_denial_cue))
               .values(stance="assert", polarity="negative"))
    op.execute("""
        UPDATE events SET
          reported_by = COALESCE((SELECT c.source_name FROM claims c
                                  WHERE c.doc_id = events.doc_id AND c.id = events.claim), ''),
          status = CASE
            WHEN (SELECT c.stance FROM claims c WHERE c.doc_id = events.doc_id
                  AND c.id = events.claim) = 'deny' THEN 'denied'
            WHEN events.negated THEN 'negated'
            WHEN events.hypothetical THEN 'hypothetical'
            WHEN (SELECT c.stance FROM claims c WHERE c.doc_id = events.doc_id
                  AND c.id = events.claim) IN ('hedge', 'question', 'no_comment') THEN 'hedged'
            ELSE 'asserted' END
    """)
    # The link rule changed, and so did what is embedded (the proposition's words, not the
    # claim's text): members and vectors both go, or `claimtrack check` finds vectors of
    # claims in no thread. A claim joins threads again when its article is processed again.
    op.execute("DELETE FROM thread_members")
    op.execute("DELETE FROM claim_vectors")


def downgrade() -> None:
    op.drop_table("thread_aliases")
    op.drop_index("ix_events_status", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("reported_by")
        batch.drop_column("status")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("proposition")
        batch.drop_column("polarity")
