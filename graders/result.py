"""Typed grading results: one grader's verdict, one check's, and one output's.

`unscored` is a third state next to pass and fail: the grader could not
decide (a judge model gave garbage, a python check timed out, the check's
options are wrong). An unscored result has passed=False and score=0, but it
is left out of the weighted score and of every verdict.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, computed_field

from graders.names import MODEL_GRADED


class GradeResult(BaseModel):
    """What one grader says about one output."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    score: float = Field(ge=0.0, le=1.0)
    reason: str
    unscored: bool = False

    @classmethod
    def ok(cls, reason: str, score: float = 1.0) -> GradeResult:
        return cls(passed=True, score=score, reason=reason)

    @classmethod
    def fail(cls, reason: str, score: float = 0.0) -> GradeResult:
        return cls(passed=False, score=score, reason=reason)

    @classmethod
    def not_scored(cls, reason: str) -> GradeResult:
        return cls(passed=False, score=0.0, reason=reason, unscored=True)


class CheckResult(GradeResult):
    """A grader's result placed in its check: name, label, weight, negation."""

    grader: str
    label: str = ""
    weight: float = Field(default=1.0, gt=0)
    negated: bool = False
    error_kind: str | None = None

    @property
    def name(self) -> str:
        """The label if the check has one, else a plain description."""
        return self.label or f"the {self.grader} check"

    @property
    def deterministic(self) -> bool:
        return self.grader not in MODEL_GRADED


class OutputGrade(BaseModel):
    """Every check on one output, and what they add up to."""

    model_config = ConfigDict(frozen=True)

    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def scored(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.unscored]

    @property
    def unscored(self) -> list[CheckResult]:
        return [check for check in self.checks if check.unscored]

    @property
    def failed(self) -> list[CheckResult]:
        """Checks that were scored and did not pass."""
        return [check for check in self.scored if not check.passed]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> float | None:
        """Weighted mean score over the scored checks; None when none was scored."""
        scored = self.scored
        total = sum(check.weight for check in scored)
        if not scored or total <= 0:
            return None
        return sum(check.weight * check.score for check in scored) / total

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        """Every scored check passed, and at least one was scored."""
        scored = self.scored
        return bool(scored) and all(check.passed for check in scored)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def deterministic_verdict(self) -> bool | None:
        """The certain truth about the output, from non-model checks only.

        True: every scored deterministic check passed. False: at least one
        failed. None: no deterministic check was scored (rubric-only, or all
        unscored), so judgment grading must not treat the output as known.
        """
        scored = [check for check in self.scored if check.deterministic]
        if not scored:
            return None
        return all(check.passed for check in scored)

    def summary(self) -> str:
        """One plain-words line: how many checks passed, which failed."""
        total = len(self.checks)
        if total == 0:
            return "No checks to run."
        scored = self.scored
        skipped = len(self.checks) - len(scored)
        not_scored = (
            f" {skipped} check{'s' if skipped != 1 else ''} could not be scored." if skipped else ""
        )
        if not scored:
            return f"No check could be scored ({total} in all)."
        score = self.score
        score_text = f" (score {score:.2f})" if score is not None else ""
        if self.passed:
            if len(scored) == 1:
                return f"Passed the one scored check{score_text}.{not_scored}"
            return f"Passed all {len(scored)} scored checks{score_text}.{not_scored}"
        failed = self.failed
        names = "; ".join(check.name for check in failed[:3])
        more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        return (
            f"Passed {len(scored) - len(failed)} of {len(scored)} checks{score_text}. "
            f"Failed: {names}{more}.{not_scored}"
        )
