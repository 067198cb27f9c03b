"""Alembic environment for coach's store, run programmatically.

`coach.store.migrate.upgrade(engine)` hands over an open connection that is
already inside a transaction (holding SQLite's write lock); Alembic then runs
inside it and the caller commits. Without a connection (a developer running
`alembic` by hand through `coach.store.migrate.alembic_config(url)`), one is
made from the `sqlalchemy.url` option.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from coach.store.engine import make_engine
from coach.store.schema import metadata

config = context.config


def _configure(**kw: Any) -> None:
    context.configure(target_metadata=metadata, compare_type=True, **kw)


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    _configure(
        url=url,
        literal_binds=True,
        render_as_batch=bool(url and url.startswith("sqlite")),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    # SQLite cannot ALTER most things; batch mode recreates the table instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url set")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run_on(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
