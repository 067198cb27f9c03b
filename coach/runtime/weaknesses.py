"""Recurring weaknesses of stored attempts, and the exercises that train them.

The counting is the engine's (`coach.engine.weaknesses`, pure); this module
feeds it stored attempts and reads which exercises' checks or planted flaws
train a weakness.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from coach.engine.weaknesses import WINDOW, Weakness, training_items
from coach.engine.weaknesses import detect_weaknesses as _detect
from coach.runtime.evidence import weakness_evidence_of
from coach.store.records import AttemptRecord

__all__ = ["WINDOW", "Weakness", "detect_weaknesses", "training_exercises"]


def detect_weaknesses(records: Sequence[AttemptRecord], *, window: int = WINDOW) -> list[Weakness]:
    """The recurring weaknesses in the last `window` of `records` (oldest first), worst first."""
    recent = list(records)[-window:] if window > 0 else []
    return _detect([weakness_evidence_of(r) for r in recent], window=window)


def training_exercises(weaknesses: Iterable[Weakness], exercises: Iterable[Any]) -> frozenset[str]:
    """Ids of the exercises whose checks or planted flaws train one of `weaknesses`."""

    def item(exercise: Any) -> tuple[str, list[str], list[str]]:
        inputs = getattr(exercise, "inputs", ())
        checks = [*exercise.checks, *(c for i in inputs for c in i.checks)]
        return (
            exercise.id,
            [c.grader for c in checks],
            [t.mutate for t in exercise.judgment.traps if t.mutate],
        )

    return training_items(weaknesses, (item(e) for e in exercises))
