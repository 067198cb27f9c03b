"""What is wrong with the settings, said for the user: the file, the setting and the fix.

`ConfigError` carries the problems; `_problems` and `_syntax_problem` turn pydantic's
validation errors and TOML syntax errors into them.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from coach.config.models import Config

_FIX_VALUE = "Fix the value or delete the line to use the default."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings: where, what, and how to fix it."""

    field: str  # dotted path, "" for the whole file
    what: str
    fix: str = _FIX_VALUE


class ConfigError(Exception):
    """The config file (or a value given to `coach config set`) is unusable.

    `str(error)` is the message for the user: one line per problem, each naming
    the file, the setting and the fix.
    """

    def __init__(self, path: Path, problems: Iterable[Problem], *, changing: bool = False):
        self.path = path
        self.problems = list(problems)
        self.changing = changing
        super().__init__(self._message())

    def _message(self) -> str:
        shown = display_path(self.path)
        lines = []
        for problem in self.problems:
            if self.changing:
                where = f"{problem.field}: " if problem.field else ""
                fix = "" if problem.fix == _FIX_VALUE else f" {problem.fix}"
                lines.append(f"{where}{problem.what}.{fix} Nothing was changed in {shown}.")
            else:
                where = f"{shown}: {problem.field}: " if problem.field else f"{shown}: "
                lines.append(f"{where}{problem.what}. {problem.fix}")
        return "\n".join(lines)


def display_path(path: Path) -> str:
    """A path as shown in messages, with the home folder as `~`."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


# --- parser errors as problems ----------------------------------------------


def _join(prefix: str, name: Any) -> str:
    """Dotted setting path; names that are not bare TOML keys are quoted."""
    name = str(name)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        name = json.dumps(name, ensure_ascii=False)
    return f"{prefix}.{name}" if prefix else name


def _syntax_problem(message: str) -> Problem:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        what = f"line {match[1]}, column {match[2]}: not valid TOML ({message[: match.start()]})"
    else:
        where = re.search(r"\s*\(at end of document\)$", message)
        detail = message[: where.start()] if where else message
        what = f"end of file: not valid TOML ({detail})"
    return Problem(
        "",
        what,
        'Fix that line (text values need quotes: model = "openai/gpt-4o-mini") '
        "or delete the file to use the defaults.",
    )


_TYPE_MESSAGES = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": 'must be a list, like ["~/my-exercises"]',
    "dict_type": "must be a table of names and values",
    "model_type": "must be a table (a [section] with settings under it)",
    "path_type": "must be a folder path in quotes",
    "finite_number": "must be a finite number",
    "string_too_short": "must not be empty",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = _join(out, part)
    return out


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        annotation = model.model_fields.get(str(part))
        if annotation is None or not isinstance(annotation.annotation, type):
            return []
        if not issubclass(annotation.annotation, BaseModel):
            return []
        model = annotation.annotation
    return list(model.model_fields)


def _show_value(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        field = _field_path(loc)
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == "extra_forbidden":
            known = _known_fields(loc)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            fix = f"Did you mean `{close[0]}`? " if close else ""
            fix += "Check the spelling"
            if known:
                fix += f" (known settings here: {', '.join(known)})"
            problems.append(Problem(field, "unknown setting", fix + "."))
            continue
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            bound = {
                "greater_than_equal": ("at least", "ge"),
                "less_than_equal": ("at most", "le"),
                "greater_than": ("more than", "gt"),
                "less_than": ("less than", "lt"),
            }[kind]
            what = f"must be {bound[0]} {_number(ctx.get(bound[1]))}"
        elif kind in _TYPE_MESSAGES:
            what = _TYPE_MESSAGES[kind]
        elif kind == "value_error":
            what = str(error["msg"]).removeprefix("Value error, ")
        else:
            msg = str(error["msg"])
            what = msg[:1].lower() + msg[1:]
        if "input" in error and not isinstance(error["input"], dict | list):
            what += f" (got {_show_value(error['input'])})"
        problems.append(Problem(field, what))
    return problems


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
