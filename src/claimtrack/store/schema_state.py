"""What a database holds before the Store uses it: nothing yet, a claimtrack store at some
schema version, or somebody else's tables. Read with plain SELECTs in a read transaction, so
opening a store never waits for a writer and never changes a file that is not ours.

A claimtrack store is marked by Alembic's ``alembic_version`` table holding one of our
revisions, next to a ``documents`` table. A database with other tables and no such marker
belongs to another application: the Store refuses it rather than add its tables to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from claimtrack.errors import StoreError
from claimtrack.store.engine import alembic_config


@cache
def revisions() -> tuple[str, ...]:
    """Our migration revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))


def head() -> str:
    return revisions()[-1]


@dataclass(frozen=True)
class SchemaState:
    """``kind``: "empty" (no tables), "current", "behind" (an older claimtrack schema),
    "ahead" (a newer one) or "foreign" (not a claimtrack store); ``version`` the stored
    revision, ``tables`` the tables found."""

    kind: str
    version: str | None
    tables: tuple[str, ...]

    @property
    def head(self) -> str:
        return head()


def inspect_schema(engine: Engine) -> SchemaState:
    """The state of the database behind ``engine``, read without taking the write lock."""
    with engine.connect() as conn:
        tables = tuple(sorted(t for t in inspect(conn).get_table_names()
                              if not t.startswith("sqlite_")))
        version = None
        if "alembic_version" in tables:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            version = rows[0] if len(rows) == 1 else None
    if not tables:
        return SchemaState("empty", None, tables)
    ours = revisions()
    if version is None or "documents" not in tables:
        return SchemaState("foreign", version, tables)
    if version == ours[-1]:
        return SchemaState("current", version, tables)
    if version in ours:
        return SchemaState("behind", version, tables)
    if version.isdigit() and len(version) == 4 and version > ours[-1]:
        return SchemaState("ahead", version, tables)
    return SchemaState("foreign", version, tables)


class SchemaBehindError(StoreError):
    """The store has an older claimtrack schema and this command does not migrate."""


def refusal(state: SchemaState, where: str, *, migrating: bool) -> str | None:
    """Why the store at ``where`` cannot be used as it is, or None if it can (``migrating``:
    this command may bring an empty or older schema up to date)."""
    if state.kind == "foreign":
        shown = ", ".join(state.tables[:8]) + (", ..." if len(state.tables) > 8 else "")
        return (f"{where} is not a claimtrack store: it has other tables ({shown}) and no "
                "claimtrack schema; it was left unchanged. Give another --db or "
                "CLAIMTRACK_DATABASE_URL")
    if state.kind == "ahead":
        return (f"the store at {where} has schema {state.version}, newer than this claimtrack "
                f"knows ({state.head}); upgrade claimtrack to use it")
    if state.kind == "behind" and not migrating:
        return (f"the store at {where} has schema {state.version} and this claimtrack needs "
                f"{state.head}: run `claimtrack migrate` (process, serve and batch --load-db "
                "migrate it too)")
    return None
