"""The sprint file (TOML): what a sprint allows, for how long, and when.

    name = "Grounding week"
    duration_minutes = 25
    opens = 2026-03-02T09:00:00+01:00   # optional start window
    closes = 2026-03-06T18:00:00+01:00
    skills = ["citations"]              # filters; empty allows everything
    levels = [2, 3]
    kinds = ["prompt", "review"]
    mode = "matched"                    # or "fixed", with exercises = [ids]

A datetime without an offset is read as the machine's local time.
Problems name the file, the field and (where known) the line, like the
content loader's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coach.content.files import Problem, read_toml, validation_problems
from coach.content.loader import Catalog
from coach.content.models import Kind
from coach.engine.select import SprintFilter


class SprintFileError(ValueError):
    """A sprint file that cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.astimezone()  # local time
    return value.astimezone(UTC)


class SprintSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    duration_minutes: int = Field(ge=1, le=240)
    opens: datetime | None = None
    closes: datetime | None = None
    skills: list[str] = Field(default_factory=list)
    levels: list[int] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list)
    mode: Literal["matched", "fixed"] = "matched"
    exercises: list[str] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _levels(cls, levels: list[int]) -> list[int]:
        for level in levels:
            if not 1 <= level <= 6:
                raise ValueError(f"levels must be between 1 and 6 (got {level})")
        return levels

    @field_validator("opens", "closes")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @model_validator(mode="after")
    def _consistent(self) -> SprintSpec:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        if self.mode == "fixed" and not self.exercises:
            raise ValueError('mode "fixed" needs a list of exercises = ["id", …]')
        if self.mode == "matched" and self.exercises:
            raise ValueError('exercises is only for mode "fixed" (matched picks per person)')
        if len(set(self.exercises)) != len(self.exercises):
            raise ValueError("exercises lists an id twice")
        return self

    def filter(self) -> SprintFilter:
        return SprintFilter(
            skills=tuple(self.skills),
            levels=tuple(self.levels),
            kinds=tuple(str(kind) for kind in self.kinds),
        )

    def window_problem(self, now: datetime) -> str | None:
        """Why the sprint cannot start at `now`, or None inside its start window."""
        if self.opens and now < self.opens:
            return f"The sprint {self.name!r} opens at {_shown(self.opens)}; it is not open yet."
        if self.closes and now >= self.closes:
            return f"The sprint {self.name!r} closed at {_shown(self.closes)}."
        return None

    def seconds_at(self, now: datetime) -> float:
        """The time a participant starting at `now` gets: the duration, cut at `closes`."""
        seconds = self.duration_minutes * 60.0
        if self.closes is not None:
            seconds = min(seconds, (self.closes - now).total_seconds())
        return max(0.0, seconds)


def _shown(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


@dataclass(frozen=True)
class SprintFile:
    spec: SprintSpec
    path: Path
    file_hash: str  # sha256 of the file's bytes: the same file reuses the same sprint row

    def record_spec(self) -> dict[str, Any]:
        """What the store keeps as the sprint's spec (JSON)."""
        return {**self.spec.model_dump(mode="json"), "file": self.path.name, "hash": self.file_hash}


def load_sprint(path: Path, catalog: Catalog | None = None, shown: str | None = None) -> SprintFile:
    """Read and validate a sprint file; raise SprintFileError listing every problem.

    With a catalog, the ids of a fixed sprint must name exercises in it.
    """
    shown = shown or str(path)
    data, problems = read_toml(path, shown)
    if data is None:
        raise SprintFileError(problems)
    text = path.read_text(encoding="utf-8")
    try:
        spec = SprintSpec.model_validate(data)
    except ValidationError as error:
        raise SprintFileError(validation_problems(error, shown, text)) from None
    if catalog is not None:
        for index, exercise_id in enumerate(spec.exercises):
            if catalog.exercise(exercise_id) is None:
                problems.append(
                    Problem(
                        shown,
                        f"exercises.{index}",
                        f"unknown exercise id {exercise_id!r} (see `coach exercises`)",
                        _line(text, "exercises"),
                    )
                )
    if problems:
        raise SprintFileError(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SprintFile(spec=spec, path=path, file_hash=digest)


def _line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key):
            return number
    return None
