"""Opening the store: engine, migrations to head, `Store`."""

from __future__ import annotations

from coach.paths import default_database_url
from coach.store.engine import make_engine
from coach.store.migrate import upgrade
from coach.store.store import Store


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating as needed) the database at `url`.

    Without a URL: `COACH_DATABASE_URL`, else `coach.db` in the data folder.
    """
    engine = make_engine(url or default_database_url())
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
