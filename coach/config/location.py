"""Where the settings file lives: `COACH_CONFIG`, else `config.toml` in the config folder."""

from __future__ import annotations

import os
from pathlib import Path

from coach import paths

CONFIG_VARIABLE = "COACH_CONFIG"


def config_path() -> Path:
    """The config file: `COACH_CONFIG` if set, else `config.toml` in the config folder."""
    named = os.environ.get(CONFIG_VARIABLE)
    return Path(named).expanduser() if named else paths.config_file()
