"""Typed views of an attempt's JSON payloads: its checks, judgment and trap.

The store keeps (and hashes) these payloads as the JSON they were written as,
so chains made before a field existed still verify; readers take them
through these models instead of `.get()` on raw dicts. Unknown keys are kept
(`extra="allow"`): a newer coach may add some.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class StoredCheck(_Payload):
    """One check result as stored: grader, pass, score, reason, a stable code and data."""

    grader: str = ""
    name: str | None = None
    label: str | None = None
    passed: bool = False
    score: float | None = None
    reason: str = ""
    unscored: bool = False
    negated: bool = False
    code: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class StoredJudgment(_Payload):
    """The learner's judgment as stored, with how it was scored."""

    verdict: str | None = None
    confidence: float | None = None
    line: int | None = None
    error_kind: str | None = None
    scored: bool = False
    pinpoint_hit: bool | None = None
    reason: str = ""
    truth_wrong: bool | None = None

    @property
    def said_wrong(self) -> bool | None:
        return None if self.verdict is None else self.verdict == "wrong"


class StoredTrap(_Payload):
    """A planted flaw as stored: the mutation's name and what it changed."""

    name: str | None = None
    description: str = ""
    note: str | None = None
    error_kind: str | None = None


def checks_of(checks: list[Any], details: dict[str, Any] | None) -> list[StoredCheck]:
    """Every check of an attempt, each hidden input's own included (instructions, pipelines)."""
    raw = [c for c in checks if isinstance(c, dict)]
    inputs = (details or {}).get("inputs")
    for entry in inputs if isinstance(inputs, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("checks"), list):
            raw.extend(c for c in entry["checks"] if isinstance(c, dict))
    return [StoredCheck.model_validate(c) for c in raw]
