"""Load levels, roles and exercises from TOML, reporting every problem.

A problem names the file, the line where one is known, and the field path.
One bad file never stops the others from loading: its problems are collected
and the loader moves on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from coach.content.files import (
    Problem,
    line_of,
    read_toml_text,
    validation_problems,
)
from coach.content.models import Exercise, Level, LevelsFile, Role, RolesFile
from coach.content.sources import BUILTIN, ContentSource
from coach.packfiles import PackFileError, pack_files
from coach.packfiles import read_text as read_pack_text

_EXERCISE = TypeAdapter(Exercise)


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


def _validate(
    model: type[BaseModel] | TypeAdapter[Any], path: Path, shown: str
) -> tuple[Any | None, list[Problem]]:
    data, text, problems = read_toml_text(path, shown)
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
        return line_of(read_pack_text(path), ["level"])
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
