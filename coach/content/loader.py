"""Load levels, roles and exercises from TOML, reporting every problem.

A problem names the file, the line where one is known, and the field path.
One bad file never stops the others from loading: its problems are collected
and the loader moves on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from coach.content.models import Exercise, Level, LevelsFile, Role, RolesFile
from coach.content.sources import BUILTIN, ContentSource
from coach.packfiles import PackFileError, pack_files
from coach.packfiles import read_text as read_pack_text

_EXERCISE = TypeAdapter(Exercise)
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


@dataclass(frozen=True)
class LoadedExercise:
    exercise: Exercise
    path: Path
    source: str  # "builtin" or the pack directory it came from
    private: bool = False  # from the learner's own folder: practice, never counted for the level
    trusted: bool = False  # built-in, or a pack the user trusts: python checks may run


@dataclass
class Catalog:
    levels: list[Level] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    exercises: list[LoadedExercise] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Generated exercise families (coach.content.families): built-in and data-only.
    families: list[Any] = field(default_factory=list)
    # Valid but unproven pack exercises, kept out of `exercises` (see runtime.serving).
    withheld: list[LoadedExercise] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def exercise(self, exercise_id: str) -> Exercise | None:
        for loaded in self.exercises:
            if loaded.exercise.id == exercise_id:
                return loaded.exercise
        if exercise_id.startswith("fam."):  # a generated instance: regenerate it
            from coach.content.families import resolve

            instance = resolve(self.families, exercise_id)
            return None if instance is None else instance.exercise
        return None

    def is_private(self, exercise_id: str) -> bool:
        return any(e.private and e.exercise.id == exercise_id for e in self.exercises)

    def level(self, number: int) -> Level | None:
        return next((level for level in self.levels if level.number == number), None)

    def role(self, role_id: str) -> Role | None:
        return next((role for role in self.roles if role.id == role_id), None)


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one TOML file; a syntax error becomes a problem with its line."""
    data, _, problems = _read_toml(path, shown)
    return data, problems


def _read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
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
        problems.append(Problem(shown, path, _plain(detail), _line_of(text, loc)))
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


def _line_of(text: str, loc: Sequence[str]) -> int | None:
    """Best effort: the line of the deepest named key of the field path."""
    for key in reversed(loc):
        if key.isdigit():
            continue
        pattern = re.compile(rf"^\s*(\[+\s*)?([\w.-]*\.)?{re.escape(key)}\s*(=|\]|\.)", re.M)
        match = pattern.search(text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return None


def _validate(
    model: type[BaseModel] | TypeAdapter[Any], path: Path, shown: str
) -> tuple[Any | None, list[Problem]]:
    data, text, problems = _read_toml(path, shown)
    if data is None:
        return None, problems
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data), []
        return model.model_validate(data), []
    except ValidationError as error:
        return None, validation_problems(error, shown, text)
    except RecursionError:
        return None, [Problem(shown, "", "nested too deep to validate")]


def load_levels(path: Path, shown: str) -> tuple[list[Level], list[Problem]]:
    parsed, problems = _validate(LevelsFile, path, shown)
    if parsed is None:
        return [], problems
    numbers = [level.number for level in parsed.levels]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(shown, "levels", f"levels must be numbered 1, 2, 3 … in order (got {numbers})")
        )
    return list(parsed.levels), problems


def load_roles(path: Path, shown: str, levels: Iterable[Level]) -> tuple[list[Role], list[Problem]]:
    parsed, problems = _validate(RolesFile, path, shown)
    if parsed is None:
        return [], problems
    known = {level.number for level in levels}
    seen: set[str] = set()
    for index, role in enumerate(parsed.roles):
        if role.id in seen:
            problems.append(Problem(shown, f"roles.{index}.id", f"duplicate role id {role.id!r}"))
        seen.add(role.id)
        if known and role.target_level not in known:
            problems.append(
                Problem(
                    shown,
                    f"roles.{index}.target_level",
                    f"level {role.target_level} does not exist",
                )
            )
    return list(parsed.roles), problems


def _level_line(path: Path) -> int | None:
    try:
        return _line_of(read_pack_text(path), ["level"])
    except PackFileError:
        return None


def load_exercise(path: Path, shown: str) -> tuple[Exercise | None, list[Problem]]:
    return _validate(_EXERCISE, path, shown)


def load_catalog(sources: Sequence[ContentSource] | None = None) -> Catalog:
    """Load the built-in content plus any packs; collect every problem."""
    from coach.content.sources import builtin_source

    sources = list(sources) if sources is not None else [builtin_source()]
    catalog = Catalog()
    for source in sources:
        if source.levels_file is not None:
            levels, problems = load_levels(source.levels_file, source.show(source.levels_file))
            catalog.levels.extend(levels)
            catalog.problems.extend(problems)
    for source in sources:
        if source.roles_file is not None:
            roles, problems = load_roles(
                source.roles_file, source.show(source.roles_file), catalog.levels
            )
            catalog.roles.extend(roles)
            catalog.problems.extend(problems)
    for source in sources:
        _load_exercises(source, catalog)
    _load_families(sources, catalog)
    return catalog


def _load_families(sources: Sequence[ContentSource], catalog: Catalog) -> None:
    """Built-in families with the built-in source; data-only ones from each pack."""
    from coach.content.families import builtin_families
    from coach.content.families.data import load_data_families

    for source in sources:
        if source.name == BUILTIN:
            catalog.families.extend(builtin_families())
        else:
            families, problems = load_data_families(source, catalog.families)
            catalog.families.extend(families)
            catalog.problems.extend(problems)


def _load_exercises(source: ContentSource, catalog: Catalog) -> None:
    if not source.exercises_dir.is_dir():
        if source.private:  # the learner has not written an exercise yet
            return
        catalog.problems.append(
            Problem(str(source.exercises_dir), "", "exercise folder does not exist")
        )
        return
    known_levels = {level.number for level in catalog.levels}
    seen = {loaded.exercise.id: loaded for loaded in catalog.exercises}
    try:
        paths = sorted(pack_files(source.exercises_dir, ".toml"))
    except PackFileError as error:
        catalog.problems.append(Problem(str(source.exercises_dir), "", str(error)))
        return
    for path in paths:
        if path.name.endswith(".family.toml"):  # a data-only family (_load_families)
            continue
        shown = source.show(path)
        exercise, problems = load_exercise(path, shown)
        catalog.problems.extend(problems)
        if exercise is None:
            continue
        if known_levels and exercise.level not in known_levels:
            catalog.problems.append(
                Problem(
                    shown,
                    "level",
                    f"level {exercise.level} does not exist (levels are "
                    f"{min(known_levels)}–{max(known_levels)})",
                    _level_line(path),
                )
            )
            continue
        if exercise.id in seen:
            other = seen[exercise.id]
            catalog.problems.append(
                Problem(shown, "id", f"duplicate id {exercise.id!r}, also in {other.path}")
            )
            continue
        if source.private:
            exercise.mark_private()
        exercise.mark_source(
            trusted=source.trusted,
            pack_dir=source.root,
            recheck=source.trusted and source.name != BUILTIN,
        )
        loaded = LoadedExercise(
            exercise,
            path,
            "builtin" if source.name == BUILTIN else source.name,
            source.private,
            source.trusted,
        )
        seen[exercise.id] = loaded
        catalog.exercises.append(loaded)
