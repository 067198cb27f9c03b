"""Grade a given output the way an attempt does, without a model call or a store write."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from coach import llm
from coach.config import Config
from coach.runtime.attempt import Attempt, AttemptSetup
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from coach.store import open_store
from graders.judgment import Judgment


def graded_outcome(
    exercise: Any,
    output: str,
    prompt: str,
    *,
    shown: Shown | None = None,
    judgment: Judgment | None = None,
    judge: Callable[[str], str] | None = None,
    model: str = "fake",
) -> AttemptOutcome:
    """The outcome of an attempt whose model answered `output` (shown as is, or `shown`)."""
    config = Config()
    setup = AttemptSetup(
        store=open_store(),  # the test's own COACH_HOME; grading writes nothing
        learner_id=0,
        config=config,
        rng=random.Random(0),
        spend=llm.SpendTracker(config.spend_cap_usd),
        trap_mode="never",
        judge_override=judge,
    )
    attempt = Attempt(setup, exercise)
    attempt.learner_input = prompt
    attempt.call = llm.CallResult(
        text=output, model=model, finish_reason="stop", usage=None, cost_usd=None, latency_s=0.0
    )
    attempt.shown = shown or Shown(text=output)
    outcome = attempt.grade(judgment)
    setup.store.close()
    return outcome
