"""What the multi-step kinds (instructions, pipeline, agent, evals) hand back.

Each kind's runtime runs the learner's work and returns a `KindRun`: the grade
over everything it ran, the text the learner then judges, and JSON-able
details (per-input results, a trace) for feedback and the store. `conclude_run`
turns it into an `AttemptOutcome` like any other attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.runtime.grading import grade_judgment_of
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from graders.judgment import Judgment
from graders.result import OutputGrade

# Progress callback: (what is running, e.g. "input 2 of 4" or "step 3", done, total)
Progress = Callable[[str, int, int], None]


class RunTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = 0.0  # None once any call had no known price
    latency_s: float = 0.0


class KindRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    grade: OutputGrade
    shown: Shown  # what the learner judges (possibly a planted flaw)
    real_output: str  # the real final output(s), as text
    # The grade of the one output the learner judges, when `grade` covers several
    # (instructions and pipelines judge one input's output): the judgment's truth.
    judged_grade: OutputGrade | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    totals: RunTotals = Field(default_factory=RunTotals)
    complete: bool = True  # False when cancelled or a budget ran out


def conclude_run(
    exercise: Any,
    run: KindRun,
    *,
    started_at: datetime,
    learner_input: str,
    judgment: Judgment | None,
    model: str | None,
    model_tier: str | None,
    placement: bool = False,
) -> AttemptOutcome:
    truth = verdict = None
    if judgment is not None:
        judged = run.judged_grade or run.grade
        truth, verdict = grade_judgment_of(exercise, judged, run.shown, judgment)
    return AttemptOutcome.finished(
        exercise,
        started_at,
        placement=placement,
        model=model,
        model_tier=model_tier,
        prompt=learner_input,
        real_output=run.real_output,
        shown=run.shown,
        output_grade=run.grade,
        judgment=judgment,
        truth=truth,
        judgment_grade=verdict,
        details={**run.details, "totals": run.totals.model_dump(), "complete": run.complete},
    )
