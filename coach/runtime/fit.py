"""Grade a fit exercise: where AI fits in a workflow, step by step, against the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from graders.result import CheckResult, OutputGrade

CHOICES = ("delegate", "verify", "human")


@dataclass(frozen=True)
class FitStepResult:
    step_id: str
    text: str
    answer: str | None
    key: str
    why: str

    @property
    def correct(self) -> bool:
        return self.answer == self.key


@dataclass(frozen=True)
class FitGrade:
    steps: list[FitStepResult]
    pass_share: float

    @property
    def score(self) -> float:
        return sum(step.correct for step in self.steps) / len(self.steps) if self.steps else 0.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_share - 1e-9

    def as_output_grade(self) -> OutputGrade:
        right = sum(step.correct for step in self.steps)
        reason = f"{right} of {len(self.steps)} steps placed as the key has them"
        misses = [
            f"{step.text.rstrip('.')}: you chose {step.answer or 'nothing'}, "
            f"the key says {step.key} ({step.why.rstrip('.')})"
            for step in self.steps
            if not step.correct
        ]
        if misses:
            reason += ". " + "; ".join(misses) + "."
        check = CheckResult(
            grader="fit_key",
            label=f"at least {self.pass_share:.0%} of steps placed right",
            passed=self.passed,
            score=self.score,
            reason=reason,
        )
        return OutputGrade(checks=[check])

    def summary_text(self) -> str:
        """The learner's answers, one line per step (what the store keeps as 'shown')."""
        return "\n".join(f"{s.step_id}: {s.answer or '-'}" for s in self.steps)


def grade_fit(exercise: Any, answers: Mapping[str, str | None]) -> FitGrade:
    """Score = share of steps answered as the key; passed if ≥ exercise.pass_share."""
    steps = [
        FitStepResult(step.id, step.text, answers.get(step.id), step.answer, step.why)
        for step in exercise.steps
    ]
    return FitGrade(steps, exercise.pass_share)


def fit_outcome(
    exercise: Any, grade: FitGrade, started_at: datetime, *, placement: bool = False
) -> AttemptOutcome:
    """A graded fit attempt; what was 'shown' is the learner's own step-by-step answer."""
    return AttemptOutcome.finished(
        exercise,
        started_at,
        placement=placement,
        shown=Shown(text=grade.summary_text()),
        output_grade=grade.as_output_grade(),
    )
