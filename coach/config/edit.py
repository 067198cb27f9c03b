"""Changing one setting from the command line (`coach config set/unset`).

The change is validated against the whole file before it is saved, so a bad
value leaves the file as it was.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, get_args

from coach.config.files import _read_table, _validate, save_config
from coach.config.location import config_path
from coach.config.models import MAP_FIELDS, Config
from coach.config.problems import ConfigError
from coach.config.secrets import _key_problem, looks_like_key_name


def _split(dotted: str) -> list[str]:
    dotted = dotted.strip()
    top, _, rest = dotted.partition(".")
    parts = [top, rest] if top in MAP_FIELDS and rest else dotted.split(".")
    if any(not part for part in parts):
        raise ValueError(f"{dotted!r} is not a setting name; try `model` or `learner.name`")
    return parts


def _parse_value(parts: list[str], text: str) -> Any:
    stripped = text.strip()
    try:
        parsed = tomllib.loads(f"value = {stripped}")["value"]
    except tomllib.TOMLDecodeError:
        parsed = None
    field = Config.model_fields.get(parts[0])
    annotation = field.annotation if field is not None and len(parts) == 1 else None
    if isinstance(parsed, list | dict):
        return parsed
    number = isinstance(parsed, int | float) and not isinstance(parsed, bool)
    if number and (annotation is float or float in get_args(annotation)):
        return parsed
    if annotation == list[Path]:
        return [stripped]
    return stripped


def set_value(dotted: str, text: str, path: Path | None = None) -> Config:
    """Set one setting from command-line text, validate the whole file, then save it.

    Text is taken as is for text and number settings; `[…]` and `{…}` are read as
    TOML arrays and inline tables; a single folder for `packs` becomes a one-item list.
    """
    path = path or config_path()
    parts = _split(dotted)
    field = ".".join(parts)
    if parts[0] not in MAP_FIELDS and any(looks_like_key_name(p) for p in parts):
        raise ConfigError(path, [_key_problem(field, parts[-1])], changing=True)
    value = _parse_value(parts, text)
    table = _read_table(path) or {}
    node = table
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    config = _validate(table, path, changing=True)
    save_config(config, path)
    return config


def unset_value(dotted: str, path: Path | None = None) -> bool:
    """Remove one setting so its default applies. False when it was not set."""
    path = path or config_path()
    parts = _split(dotted)
    table = _read_table(path)
    if table is None:
        return False
    trail: list[dict[str, Any]] = [table]
    for part in parts[:-1]:
        child = trail[-1].get(part)
        if not isinstance(child, dict):
            return False
        trail.append(child)
    if parts[-1] not in trail[-1]:
        return False
    del trail[-1][parts[-1]]
    for depth in range(len(trail) - 1, 0, -1):  # drop tables left empty
        if not trail[depth]:
            del trail[depth - 1][parts[depth - 1]]
    save_config(_validate(table, path, changing=True), path)
    return True
