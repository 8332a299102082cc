"""A small table of store-wide counters: the highest thread_members.seq ever assigned.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Writers link a document's claims into threads before they take the write lock, against a
snapshot of the stored members, and check under the lock that nothing changed meanwhile
(store/thread_store.py). That check needs ``seq`` never to be given twice, also after a
delete removed the highest one: ``thread_seq`` keeps the highest ever assigned.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table(
        "store_state",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_state")),
    )
    top = op.get_bind().execute(sa.text("SELECT max(seq) FROM thread_members")).scalar()
    op.bulk_insert(state, [{"name": "thread_seq", "value": -1 if top is None else int(top)}])


def downgrade() -> None:
    op.drop_table("store_state")
