"""The user's settings: one TOML file, read into a pydantic model.

Where the file lives: `COACH_CONFIG` names it outright; otherwise it is
`config.toml` in the config folder (`coach.paths.config_file()`, which honours
`COACH_HOME`). A missing file means "all defaults". Every model forbids
unknown fields, so a typo is reported with the file, the setting and the fix
instead of being silently ignored.

API keys never live here. A setting that looks like a key (`api_key`,
`*_key`, `*_token`, `*_secret`, `password`), or a value that looks like one
(`sk-…`), is refused with a pointer to `coach keys set PROVIDER`; `save_config`
runs the same check before it writes, so no code path can put a key on disk.

Saving writes only the settings that were set or changed (a file loaded from
disk is written back as it was, minus comments), so a default that changes in
a later release reaches users who never touched it.

The parts: `location` (which file), `models` (the settings and their checks),
`problems` (what is wrong, said for the user), `secrets` (keeping keys out),
`files` (load and save) and `edit` (`coach config set/unset`).
"""

from coach.config.edit import set_value, unset_value
from coach.config.files import HEADER, load_config, save_config, to_toml
from coach.config.location import CONFIG_VARIABLE, config_path
from coach.config.models import (
    DATABASE_VARIABLE,
    DEFAULT_MODEL,
    DEFAULT_THEME,
    MAP_FIELDS,
    Config,
    Learner,
    ModelEntry,
    Tier,
)
from coach.config.problems import ConfigError, Problem, display_path
from coach.config.secrets import looks_like_key_name, looks_like_secret, mask_url

__all__ = [
    "CONFIG_VARIABLE",
    "DATABASE_VARIABLE",
    "DEFAULT_MODEL",
    "DEFAULT_THEME",
    "HEADER",
    "MAP_FIELDS",
    "Config",
    "ConfigError",
    "Learner",
    "ModelEntry",
    "Problem",
    "Tier",
    "config_path",
    "display_path",
    "load_config",
    "looks_like_key_name",
    "looks_like_secret",
    "mask_url",
    "save_config",
    "set_value",
    "to_toml",
    "unset_value",
]
