"""One finished attempt with all its evidence: what feedback shows and the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from coach.content.families.ids import parse_instance_id
from coach.llm.result import CallResult
from coach.runtime.present import Shown
from coach.store.records import NewAttempt
from graders.judgment import Judgment, JudgmentGrade, Truth
from graders.result import OutputGrade


class AttemptOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise_id: str
    level: int
    kind: str
    difficulty: float = 0.0
    needs_model: str = "capable"
    placement: bool = False
    private: bool = False  # the learner's own exercise, never counted for the level
    # A generated instance's family, version and seed (None for a hand-written exercise).
    family_id: str | None = None
    family_version: int | None = None
    family_seed: int | None = None
    started_at: datetime
    finished_at: datetime
    model: str | None = None
    model_tier: str | None = None
    prompt: str | None = None
    real_output: str | None = None
    shown: Shown
    output_grade: OutputGrade | None = None
    judgment: Judgment | None = None
    truth: Truth | None = None
    judgment_grade: JudgmentGrade | None = None
    call: CallResult | None = None
    details: dict[str, Any] | None = None  # multi-step kinds: per-input results, trace

    @classmethod
    def finished(
        cls, exercise: Any, started_at: datetime, *, placement: bool = False, **evidence: Any
    ) -> AttemptOutcome:
        """An outcome finished now, with the exercise's snapshot (level, difficulty, needs)."""
        ref = parse_instance_id(exercise.id)
        return cls(
            exercise_id=exercise.id,
            level=exercise.level,
            kind=str(exercise.kind),
            difficulty=exercise.difficulty,
            needs_model=str(exercise.needs_model),
            placement=placement,
            private=getattr(exercise, "private", False),
            family_id=ref.family if ref else None,
            family_version=ref.version if ref else None,
            family_seed=ref.seed if ref else None,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            **evidence,
        )

    @property
    def output_passed(self) -> bool | None:
        return None if self.output_grade is None else self.output_grade.passed

    def to_new_attempt(self, sprint_id: int | None = None) -> NewAttempt:
        grade, verdict = self.output_grade, self.judgment_grade
        call = self.call
        judgment: dict[str, Any] | None = None
        if self.judgment is not None:
            judgment = {
                **self.judgment.model_dump(mode="json"),
                "scored": verdict.scored if verdict else False,
                "pinpoint_hit": verdict.pinpoint_hit if verdict else None,
                "reason": verdict.reason if verdict else "",
                "truth_wrong": self.truth.wrong if self.truth else None,
            }
        return NewAttempt(
            exercise_id=self.exercise_id,
            exercise_level=self.level,
            kind=self.kind,
            exercise_difficulty=self.difficulty,
            needs_model=self.needs_model,
            placement=self.placement,
            # None, not False, for other exercises: older attempts' hashes stay the same.
            exercise_private=True if self.private else None,
            family_id=self.family_id,
            family_version=self.family_version,
            family_seed=self.family_seed,
            started_at=self.started_at,
            finished_at=self.finished_at,
            model=self.model,
            model_tier=self.model_tier,
            prompt=self.prompt,
            output_shown=self.shown.text,
            real_output=self.real_output,
            trap=self.shown.mutation.model_dump(mode="json") if self.shown.mutation else None,
            checks=[check.model_dump(mode="json") for check in grade.checks] if grade else [],
            details=self.details,
            output_score=grade.score if grade else None,
            judgment=judgment,
            judgment_correct=verdict.correct if verdict else None,
            brier=verdict.brier if verdict else None,
            cost_usd=call.cost_usd if call else None,
            tokens_in=call.usage.tokens_in if call and call.usage else None,
            tokens_out=call.usage.tokens_out if call and call.usage else None,
            latency_s=call.latency_s if call else None,
            sprint_id=sprint_id,
        )
