"""Creating the SQLAlchemy engine, and the transactions the store runs in.

SQLite needs care to be safe with several processes (the TUI, a `coach`
command in another terminal, a sprint board):

- WAL journal: readers never block the writer and the writer never blocks
  readers.
- A busy timeout: a second writer waits for the lock instead of failing
  with "database is locked".
- SQLAlchemy, not the sqlite3 module, emits BEGIN, so write transactions can
  say BEGIN IMMEDIATE: they take the write lock up front, before reading
  what they are about to extend. A deferred transaction that reads and then
  writes can fail to upgrade its lock, and busy timeouts cannot save it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL, make_url

BUSY_TIMEOUT_MS = 30_000
LOCK_WAIT_S = 600.0  # then "database is locked" reaches the caller

# Execution option naming the BEGIN variant for the next transaction (SQLite only).
_BEGIN_OPTION = "coach_sqlite_begin"
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE"}


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str | URL) -> Engine:
    """An engine for `url`; for SQLite, with the folder created and pragmas set."""
    parsed = make_url(url)
    if not is_sqlite(parsed):
        # pool_pre_ping: a team database may drop idle connections.
        return sa.create_engine(parsed, pool_pre_ping=True)
    path = sqlite_file(parsed)
    if path is not None:
        path.expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed)
    sa.event.listen(engine, "connect", _on_sqlite_connect)
    sa.event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop the sqlite3 module from issuing its own BEGIN; `_on_sqlite_begin` does it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # Busy timeout first: switching to WAL needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that will write: holds SQLite's write lock from its start.

    On PostgreSQL this is an ordinary transaction; callers lock the rows they
    extend (SELECT … FOR UPDATE) themselves.

    SQLite's busy handler is not a queue: under many writers one can wait past
    the busy timeout and get "database is locked" at BEGIN, before anything
    was read or written. That BEGIN is retried (after a short random pause)
    for up to `LOCK_WAIT_S`, so a busy team database slows writers down
    instead of failing them.
    """
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        with engine.connect() as conn:
            conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
            try:
                transaction = conn.begin()
            except sa.exc.OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.05))
                continue
            with transaction:
                yield conn
            return


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction: a consistent snapshot, taking no write lock."""
    with engine.connect() as conn, conn.begin():
        yield conn


def dialect_insert(conn: Connection, table: sa.Table) -> Any:
    """An INSERT that supports ON CONFLICT (upserts) on the supported dialects."""
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    raise NotImplementedError(f"coach supports SQLite and PostgreSQL, not {name}")
