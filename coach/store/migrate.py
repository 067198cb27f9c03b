"""Versioned schema migrations with Alembic, driven from code.

The scripts live inside the package (`coach/store/migrations/`), so an
installed wheel migrates its own database; no alembic.ini is needed.

To write a new revision during development::

    from alembic import command
    from coach.store.migrate import alembic_config
    command.revision(alembic_config("sqlite:////tmp/dev.db"), "add x", autogenerate=True)

then edit the generated file (plain SQLAlchemy types, no imports from coach)
and set `SCHEMA_REVISION` below to its revision id (a test checks they agree).

Alembic is imported only when a database actually needs migrating: it costs
about 150 ms, and opening an up-to-date store is on the start-up path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coach.store.engine import write_transaction

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The head revision of MIGRATIONS; bump with every new migration.
SCHEMA_REVISION = "0004"

# Any fixed number: PostgreSQL advisory lock that serialises concurrent upgrades.
_PG_LOCK_KEY = 0x636F616368  # "coach"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if url:
        # Config values go through ConfigParser interpolation: escape '%'.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The head revision according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at; None for an empty (unmigrated) database."""
    # Alembic's own bookkeeping table, read directly to avoid importing alembic.
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> str:
    """Bring the database from any earlier revision (or empty) to head; return head.

    A no-op at head. Safe when several processes open a new database at once:
    the upgrade runs in one write transaction (SQLite's write lock, or an
    advisory lock on PostgreSQL) and re-checks the revision inside it.
    """
    # Fast path without the write lock or alembic: opening the store is frequent.
    with engine.connect() as conn:
        if current_revision(conn) == SCHEMA_REVISION:
            return SCHEMA_REVISION
    from alembic import command

    cfg = alembic_config()
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return SCHEMA_REVISION
