"""Reading and writing the settings file: load, validate, and save atomically.

A missing file means "all defaults". Saving writes only the settings that were
set or changed, and runs the key check first, so no code path can put a key on disk.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from coach.config.location import config_path
from coach.config.models import Config
from coach.config.problems import ConfigError, Problem, _problems, _syntax_problem
from coach.config.secrets import _find_secrets

HEADER = (
    "# coach settings. `coach config show` prints every value, defaults included.\n"
    "# API keys do not belong here: run `coach keys set PROVIDER` instead.\n\n"
)


# --- reading ----------------------------------------------------------------


def _read_table(path: Path) -> dict[str, Any] | None:
    """The file's TOML table, or None when there is no file."""

    def unusable(what: str, fix: str) -> ConfigError:
        return ConfigError(path, [Problem("", what, fix)])

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise unusable("this is a folder, not a file", "Remove it or set COACH_CONFIG.") from None
    except OSError as exc:
        raise unusable(f"cannot be read ({exc.strerror})", "Check its permissions.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise unusable("is not UTF-8 text", "Save it as UTF-8 or delete it.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_syntax_problem(str(exc))]) from None


def _validate(table: dict[str, Any], path: Path, *, changing: bool = False) -> Config:
    secrets = _find_secrets(table)
    if secrets:
        raise ConfigError(path, secrets, changing=changing)
    try:
        return Config.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(path, _problems(exc), changing=changing) from None


def load_config(path: Path | None = None) -> Config:
    """Read the settings. A missing file gives the defaults; a bad one raises ConfigError."""
    path = path or config_path()
    table = _read_table(path)
    return Config() if table is None else _validate(table, path)


# --- writing ----------------------------------------------------------------


def _to_table(config: Config, *, everything: bool) -> dict[str, Any]:
    """Every value, or those that were set or differ from the default (never None)."""
    if everything:
        return config.model_dump(mode="json", exclude_none=True)
    was_set = config.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    changed = config.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return _union(was_set, changed)


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Keys of both dumps; nested tables merged (`c.learner.name = …` does not mark `learner`
    as set, and `c.packs.append(…)` marks nothing, so either dump alone can miss a change)."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _union(out[key], value)
        else:
            out[key] = value
    return out


def to_toml(config: Config, *, everything: bool = True) -> str:
    """The settings as TOML: every value (for `config show`) or only those set (for saving)."""
    return tomli_w.dumps(_to_table(config, everything=everything))


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the settings that were set, atomically. Refuses anything that looks like a key."""
    path = path or config_path()
    table = _to_table(config, everything=False)
    secrets = _find_secrets(table)
    if secrets:
        raise ConfigError(path, secrets, changing=True)
    _write_atomic(path, HEADER + tomli_w.dumps(table))
    return path


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
