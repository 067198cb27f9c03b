"""Typed grading results: one grader's verdict, one check's, and one output's.

`unscored` is a third state next to pass and fail: the grader could not
decide (a judge model gave garbage, a python check timed out, the check's
options are wrong). An unscored result has passed=False and score=0, but it
is left out of the weighted score and of every verdict.

Every result carries a stable `code` ("contains.missing", "rubric.unscored")
and a `data` mapping (what was expected, what was found) besides the human
`reason`: code that reacts to a result switches on the code, never on the
wording of the reason. Stored results from before codes existed load with
an empty code and data.

An output grade is *partial* when a required model-graded check (a rubric)
could not be scored: the deterministic checks alone do not make it a pass
unless that rubric check says it is not required (`required = false`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from graders.names import MODEL_GRADED

JUDGE_HINT = "set a judge model (`coach config set judge_model MODEL`) to have it graded"


# Data is for short values (what was expected, what was found), not whole outputs.
DATA_TEXT_LIMIT = 300


def json_safe(value: Any) -> Any:
    """`value` with only JSON values: non-finite numbers become None, other objects text,
    long text cut to `DATA_TEXT_LIMIT` characters."""
    if isinstance(value, str):
        return value if len(value) <= DATA_TEXT_LIMIT else value[: DATA_TEXT_LIMIT - 1] + "…"
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return str(value)


def stored_verdict(
    checks: Iterable[Mapping[str, Any]],
) -> Literal["pass", "fail", "partial"] | None:
    """'pass', 'fail' or 'partial' from an attempt's stored checks, by `OutputGrade.verdict`.

    None when there are no checks, or they were stored before results carried a
    `code`: such an attempt keeps the rule it was recorded under.
    """
    items = [check for check in checks if isinstance(check, Mapping)]
    if not items or any("code" not in check for check in items):
        return None
    scored = [check for check in items if not check.get("unscored")]
    if any(not check.get("passed") for check in scored):
        return "fail"
    ungraded = any(
        check.get("unscored")
        and check.get("required", True) is not False
        and check.get("grader") in MODEL_GRADED
        for check in items
    )
    if ungraded or not scored:
        return "partial"
    return "pass"


class GradeResult(BaseModel):
    """What one grader says about one output."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    score: float = Field(ge=0.0, le=1.0)
    reason: str
    unscored: bool = False
    # A stable name for what happened ("number.not_found"); "" in records from before codes.
    code: str = ""
    # What was expected and what was found, as JSON-ready values.
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("data", mode="before")
    @classmethod
    def _json_ready(cls, data: Any) -> Any:
        # Stored (and hashed) as JSON: no NaN or infinity, no dates or other objects.
        return json_safe(data) if isinstance(data, Mapping) else data

    @classmethod
    def ok(
        cls, reason: str, score: float = 1.0, *, code: str = "", data: dict[str, Any] | None = None
    ) -> GradeResult:
        return cls(passed=True, score=score, reason=reason, code=code, data=data or {})

    @classmethod
    def fail(
        cls, reason: str, score: float = 0.0, *, code: str = "", data: dict[str, Any] | None = None
    ) -> GradeResult:
        return cls(passed=False, score=score, reason=reason, code=code, data=data or {})

    @classmethod
    def not_scored(
        cls, reason: str, *, code: str = "", data: dict[str, Any] | None = None
    ) -> GradeResult:
        return cls(
            passed=False, score=0.0, reason=reason, unscored=True, code=code, data=data or {}
        )


class CheckResult(GradeResult):
    """A grader's result placed in its check: name, label, weight, negation."""

    grader: str
    label: str = ""
    weight: float = Field(default=1.0, gt=0)
    negated: bool = False
    error_kind: str | None = None
    # A required model-graded check left unscored makes the output grade partial.
    required: bool = True

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

    @property
    def ungraded(self) -> list[CheckResult]:
        """Required model-graded checks (rubrics) that could not be scored."""
        return [
            check
            for check in self.checks
            if check.unscored and check.required and not check.deterministic
        ]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def partial(self) -> bool:
        """A required criterion was not graded, and nothing scored failed.

        A partial grade is neither a pass nor a fail: the deterministic checks
        alone do not make it a pass.
        """
        return bool(self.ungraded) and not self.failed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> float | None:
        """Weighted mean score over the scored checks; None when none was scored."""
        scored = self.scored
        total = sum(check.weight for check in scored)
        if not scored or total <= 0:
            return None
        return sum(check.weight * check.score for check in scored) / total

    @property
    def verdict(self) -> bool | None:
        """True pass, False fail, None not decided (nothing scored, or partial).

        The one meaning of "passed" that the feedback, the engine's evidence
        and the export share.
        """
        if self.failed:
            return False
        if not self.scored or self.ungraded:
            return None
        return True

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        """Every scored check passed, at least one was scored, and no required one is ungraded."""
        return self.verdict is True

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

    @property
    def decided_verdict(self) -> bool | None:
        """What a judgment of this output may be graded against: certain, or None.

        A failed deterministic check makes the output wrong for certain. A
        pass is certain only when no model-graded check disagrees or is
        pending: a required rubric left unscored, or a rubric that failed
        an output the deterministic checks passed, leaves the truth open.
        """
        verdict = self.deterministic_verdict
        if verdict is not True:
            return verdict
        for check in self.checks:
            if check.deterministic or not check.required:
                continue
            if check.unscored or not check.passed:
                return None
        return True

    def ungraded_note(self) -> str:
        """Plain words on the criteria that were not graded, and how to get them graded."""
        ungraded = self.ungraded
        if not ungraded:
            return ""
        names = "; ".join(check.name for check in ungraded[:3])
        more = f"; and {len(ungraded) - 3} more" if len(ungraded) > 3 else ""
        lead = "This criterion was" if len(ungraded) == 1 else "These criteria were"
        return f"{lead} not graded: {names}{more}. The grade is partial, not a pass: {JUDGE_HINT}."

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
        if self.partial:
            return (
                f"Partial: passed all {len(scored)} scored checks{score_text}, but "
                f"{self.ungraded_note()[0].lower()}{self.ungraded_note()[1:]}"
            )
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
