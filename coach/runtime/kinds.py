"""Run any multi-step kind (instructions, pipeline, agent, evals) by the exercise's kind.

Each kind's runtime takes the learner's text (instructions, steps TOML, an
agent plan TOML, eval cases TOML) and returns a `KindRun`. Runtimes are
imported on first use, so a session that never runs an agent never loads it.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from typing import Any

from coach import llm
from coach.content.models import Kind
from coach.runtime.present import TrapMode
from coach.runtime.runs import KindRun, Progress

MULTI_STEP = frozenset({Kind.INSTRUCTIONS, Kind.PIPELINE, Kind.AGENT, Kind.EVALS})

# What the learner writes for each kind, in plain words (for help and errors).
LEARNER_INPUT = {
    Kind.INSTRUCTIONS: "your instructions (the system prompt run on every hidden input)",
    Kind.PIPELINE: "your steps, as TOML: [[steps]] name = … template = …",
    Kind.AGENT: 'your agent plan, as TOML: instructions = """…""" and [permissions]',
    Kind.EVALS: "your eval cases, as TOML: [[cases]] id, input, checks",
}


# kind → (module in coach.runtime, function). Imported on first use.
_RUNNERS = {
    Kind.INSTRUCTIONS: ("instructions", "run_instructions"),
    Kind.PIPELINE: ("pipeline", "run_pipeline"),
    Kind.AGENT: ("agent", "run_agent"),
    Kind.EVALS: ("evals", "run_evals"),
}
# An evals run is judged as a summary of caught bugs: no planted flaw, no rubric judge.
_SUMMARY_ONLY = frozenset({Kind.EVALS})


async def run_kind(
    exercise: Any,
    learner_input: str,
    spec: llm.ModelSpec,
    *,
    rng: random.Random,
    trap_mode: TrapMode = "never",
    trap_rate: float | None = None,
    on_progress: Progress | None = None,
    spend: llm.SpendTracker | None = None,
    trusted: bool = True,
    judge: Callable[[str], str] | None = None,
) -> KindRun:
    if exercise.kind not in _RUNNERS:
        raise ValueError(f"{exercise.kind} is not a multi-step kind")
    module, function = _RUNNERS[exercise.kind]
    runner = getattr(importlib.import_module(f"coach.runtime.{module}"), function)
    options: dict[str, Any] = {"rng": rng, "on_progress": on_progress, "spend": spend}
    if exercise.kind not in _SUMMARY_ONLY:
        options |= {
            "trap_mode": trap_mode,
            "trap_rate": trap_rate,
            "trusted": trusted,
            "judge": judge,
        }
    return await runner(exercise, learner_input, spec, **options)
