"""One attempt, step by step: produce → present → judge → grade.

The steps are separate so the TUI can stream the output, ask for the
judgment before revealing anything, and grade in a worker thread. `coach
attempt` chains them headless.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from coach import llm
from coach.content.models import Kind
from coach.runtime.grading import grade_context, grade_judgment_of, grade_real_output
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown, TrapMode, present_output, present_review
from coach.runtime.render import render_prompt
from graders.judgment import Judgment


async def produce(
    exercise: Any,
    prompt: str,
    spec: llm.ModelSpec,
    *,
    on_text: Callable[[str], None] | None = None,
    spend: llm.SpendTracker | None = None,
    max_tokens: int | None = None,
) -> llm.CallResult:
    """Send the learner's prompt, with the materials, and stream the answer.

    Raises llm.ModelError (StreamCutOff carries the partial text); the prompt
    is the caller's, so nothing the learner typed is lost.
    """
    cleaner = llm.StreamCleaner()
    async with llm.stream(
        spec, render_prompt(prompt, exercise.materials), max_tokens=max_tokens, spend=spend
    ) as answer:
        async for chunk in answer:
            if on_text is not None and (safe := cleaner.feed(chunk)):
                on_text(safe)
        if on_text is not None and (rest := cleaner.flush()):
            on_text(rest)
    return answer.result


def present(
    exercise: Any,
    real_output: str | None,
    mode: TrapMode,
    rng: random.Random,
    trap_rate: float | None = None,
) -> Shown:
    if exercise.kind == Kind.REVIEW:
        return present_review(exercise, rng)
    return present_output(exercise, llm.clean_output(real_output or ""), mode, rng, trap_rate)


def conclude(
    exercise: Any,
    *,
    started_at: datetime,
    shown: Shown,
    judgment: Judgment | None,
    prompt: str | None = None,
    call: llm.CallResult | None = None,
    spec: llm.ModelSpec | None = None,
    trusted: bool = True,
    judge: Callable[[str], str] | None = None,
    placement: bool = False,
) -> AttemptOutcome:
    """Grade the real output and the judgment. Blocking (a rubric judge calls a model)."""
    real_output = llm.clean_output(call.text) if call is not None else None
    grade = None
    if real_output is not None and exercise.checks:
        ctx = grade_context(exercise, trusted=trusted, judge=judge)
        grade = grade_real_output(exercise, real_output, ctx)
    truth = judgment_grade = None
    if judgment is not None:
        truth, judgment_grade = grade_judgment_of(exercise, grade, shown, judgment)
    return AttemptOutcome.finished(
        exercise,
        started_at,
        placement=placement,
        model=spec.model if spec else None,
        model_tier=spec.tier if spec else None,
        prompt=prompt,
        real_output=real_output,
        shown=shown,
        output_grade=grade,
        judgment=judgment,
        truth=truth,
        judgment_grade=judgment_grade,
        call=call,
    )
