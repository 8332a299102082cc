"""Alembic environment: migrate the connection the Store hands over, or a URL for dev use.

At run time ``Store`` passes an open connection in ``config.attributes["connection"]`` so the
migration runs inside its transaction; no alembic.ini is needed. For development (for
example ``alembic revision``) a URL is read from ``sqlalchemy.url`` or the usual default.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from claimtrack.store.schema import metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    """Configure Alembic on one connection and apply the pending migrations."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    """Use the Store's connection when given, else open one from the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from claimtrack.settings import default_database_url

    url = context.config.get_main_option("sqlalchemy.url") or default_database_url()
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("claimtrack migrations run online only (pass a connection)")
_main()
