"""Where coach keeps its config and data.

`COACH_HOME` moves both under one root (tests and scripts use it); otherwise
platformdirs picks the usual per-user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "coach"


def coach_home() -> Path | None:
    """The `COACH_HOME` root, when set."""
    home = os.environ.get("COACH_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = coach_home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    home = coach_home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def private_pack_dir() -> Path:
    """The learner's own exercises ("Practise on my own task"), always loaded as a pack."""
    return data_dir() / "my-exercises"


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_database_url() -> str:
    """SQLite in the data folder unless `COACH_DATABASE_URL` names another database."""
    url = os.environ.get("COACH_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'coach.db'}"
