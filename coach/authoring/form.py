"""What the learner fills in to turn a task from their work into an exercise.

Each field of the check menu maps to one real grader, so a private exercise
is graded exactly like a built-in one. Lists accept commas or new lines.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

OWN_SKILL = "own-task"
MATERIAL_NAME = "materials"  # usable as {materials} in the learner's prompt


def split_items(text: str) -> list[str]:
    """Phrases typed one per line or separated by commas, blanks dropped."""
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_items(value)
    return [str(item).strip() for item in value or [] if str(item).strip()]


class TaskForm(BaseModel):
    """A real task, its materials, and what a good output must satisfy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=120)
    level: int = Field(default=1, ge=1, le=6)
    task: str = Field(min_length=1, description="The brief: who needs what, in what form.")
    materials: str = ""
    must_contain: list[str] = Field(default_factory=list)
    contains_any: list[str] = Field(default_factory=list)
    json_keys: list[str] = Field(default_factory=list)
    must_not_mention: list[str] = Field(default_factory=list)
    min_words: int | None = Field(default=None, ge=1)
    max_words: int | None = Field(default=None, ge=1)
    regex: str = ""
    rubric: str = Field(default="", description="Model-graded; unscored without a judge model.")
    good_output: str = Field(default="", description="One acceptable output.")
    prompt: str = Field(default="", description="The learner's own prompt, kept as the solution.")

    @field_validator("title", "task", mode="before")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("must_contain", "contains_any", "json_keys", "must_not_mention", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> list[str]:
        return _items(value)

    @field_validator("regex", "rubric", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if value:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"the pattern is not a valid regex: {error}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TaskForm:
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise ValueError(f"min words ({self.min_words}) is above max words ({self.max_words})")
        if clash := {p.casefold() for p in self.must_contain} & {
            p.casefold() for p in self.must_not_mention
        }:
            raise ValueError(f"a phrase is both required and banned: {', '.join(sorted(clash))}")
        return self

    def checks(self) -> list[dict[str, Any]]:
        """The checks, as TOML tables for real graders (phrase checks first)."""
        checks: list[dict[str, Any]] = []
        for grader, lead, error_kind, phrases in (
            ("contains_all", "contains", "missing content", self.must_contain),
            ("contains_any", "contains one of", "missing content", self.contains_any),
            (
                "must_not_contain",
                "never mentions",
                "mentions something banned",
                self.must_not_mention,
            ),
        ):
            if phrases:
                quoted = ", ".join(f'"{p}"' for p in phrases)
                checks.append(_check(grader, f"{lead} {quoted}", error_kind, values=phrases))
        if self.json_keys:
            keys = ", ".join(self.json_keys)
            schema = {"type": "object", "required": self.json_keys}
            checks.append(
                _check(
                    "json",
                    f"a bare JSON object with the keys {keys}",
                    "wrong format",
                    schema=schema,
                )
            )
        if self.min_words or self.max_words:
            limits = {
                name: value
                for name, value in (("min_words", self.min_words), ("max_words", self.max_words))
                if value
            }
            label = _length_label(self.min_words, self.max_words)
            checks.append(_check("length", label, "wrong length", **limits))
        if self.regex:
            label = f"matches the pattern {self.regex}"
            checks.append(_check("regex", label, "wrong format", pattern=self.regex))
        if self.rubric:
            checks.append(
                {
                    "grader": "rubric",
                    "label": "meets the rubric (model-graded)",
                    "weight": 0.5,
                    "rubric": self.rubric,
                }
            )
        return checks


def _check(grader: str, label: str, error_kind: str, **options: Any) -> dict[str, Any]:
    return {"grader": grader, "label": label, "error_kind": error_kind, **options}


def _length_label(low: int | None, high: int | None) -> str:
    if low and high:
        return f"{low} to {high} words"
    return f"at least {low} words" if low else f"at most {high} words"
