"""Reading content files: TOML parsed safely, and problems that name the file and line.

Shared by the exercise loader and the data families (and sprint specs), so
each reads and reports a file the same way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.packfiles import PackFileError
from coach.packfiles import read_text as read_pack_text

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
# Arrays and inline tables nested deeper than this are refused before parsing:
# the parser and the validators recurse, and a pack must not crash coach.
MAX_NESTING = 32


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one TOML file; a syntax error becomes a problem with its line."""
    data, _, problems = read_toml_text(path, shown)
    return data, problems


def read_toml_text(path: Path, shown: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """The parsed file and its text; only a regular file under the size cap is read."""
    try:
        text = read_pack_text(path)
    except PackFileError as error:
        return None, "", [Problem(shown, "", f"cannot read file: {error}")]
    depth, line = nesting(text)
    if depth > MAX_NESTING:
        message = f"arrays or tables nested {depth} deep; at most {MAX_NESTING} are allowed"
        return None, text, [Problem(shown, "", message, line)]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as error:
        match = _TOML_POSITION.search(str(error))
        line = int(match.group(1)) if match else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        return None, text, [Problem(shown, "", f"invalid TOML: {message}", line)]
    except RecursionError:  # the scan above should prevent it; never crash on a pack
        return None, text, [Problem(shown, "", "invalid TOML: nested too deep")]


def nesting(text: str) -> tuple[int, int | None]:
    """The deepest nesting of `[` and `{` outside strings and comments, and its line.

    A linear scan, cheap enough to run before every parse. Table headers
    (`[a]`, `[[a]]`) count as one or two levels, which is harmless.
    """
    depth = deepest = 0
    deepest_line: int | None = None
    line = 1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            quote = text[i : i + 3] if text.startswith(ch * 3, i) else ch
            end = _string_end(text, i + len(quote), quote)
            line += text.count("\n", i, end)
            i = end
            continue
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest, deepest_line


def _string_end(text: str, start: int, quote: str) -> int:
    """Index just past the string that opened before `start` (or the end of the text)."""
    i = start
    while True:
        end = text.find(quote, i)
        if end < 0:
            return len(text)
        if quote[0] == '"':
            backslashes = 0
            j = end - 1
            while j >= start and text[j] == "\\":
                backslashes += 1
                j -= 1
            if backslashes % 2:
                i = end + 1
                continue
        if len(quote) == 1 and "\n" in text[start:end]:
            return text.index("\n", start)  # a one-line string never spans lines
        return end + len(quote)


def validation_problems(error: ValidationError, shown: str, text: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = [str(part) for part in detail["loc"]]
        # A discriminated union puts the kind tag first; it is not a field.
        if loc and detail["type"] != "union_tag_invalid" and loc[0] in _KIND_TAGS:
            loc = loc[1:]
        if detail["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            loc = ["kind"]
        path = ".".join(loc) or "(file)"
        problems.append(Problem(shown, path, _plain(detail), line_of(text, loc)))
    return problems


_KIND_TAGS = {"prompt", "instructions", "review", "fit", "pipeline", "agent", "evals"}


def _plain(detail: Any) -> str:
    """A short message in plain words for one pydantic error."""
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    got = detail.get("input")
    shown_input = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"must be at most {bound:g} (got {shown_input})"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"must be at least {bound:g} (got {shown_input})"
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "`kind` is required (prompt, instructions, review, fit, pipeline, agent, evals)"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    return f"{detail['msg'].rstrip('.').lower()} (got {shown_input})"


def line_of(text: str, loc: Sequence[str]) -> int | None:
    """Best effort: the line of the deepest named key of the field path."""
    for key in reversed(loc):
        if key.isdigit():
            continue
        pattern = re.compile(rf"^\s*(\[+\s*)?([\w.-]*\.)?{re.escape(key)}\s*(=|\]|\.)", re.M)
        match = pattern.search(text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return None
