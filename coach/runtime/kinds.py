"""Run any multi-step kind (instructions, pipeline, agent, evals) by the exercise's kind.

Each kind's runtime takes the learner's text (instructions, steps TOML, an
agent plan TOML, eval cases TOML) and returns a `KindRun`. Runtimes are
imported on first use, so a session that never runs an agent never loads it.
"""

from __future__ import annotations

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
    if exercise.kind == Kind.INSTRUCTIONS:
        from coach.runtime.instructions import run_instructions

        return await run_instructions(
            exercise,
            learner_input,
            spec,
            rng=rng,
            trap_mode=trap_mode,
            trap_rate=trap_rate,
            on_progress=on_progress,
            spend=spend,
            trusted=trusted,
            judge=judge,
        )
    if exercise.kind == Kind.PIPELINE:
        from coach.runtime.pipeline import run_pipeline

        return await run_pipeline(
            exercise,
            learner_input,
            spec,
            rng=rng,
            trap_mode=trap_mode,
            trap_rate=trap_rate,
            on_progress=on_progress,
            spend=spend,
            trusted=trusted,
            judge=judge,
        )
    if exercise.kind == Kind.AGENT:
        from coach.runtime.agent import run_agent

        return await run_agent(
            exercise,
            learner_input,
            spec,
            rng=rng,
            trap_mode=trap_mode,
            trap_rate=trap_rate,
            on_progress=on_progress,
            spend=spend,
        )
    if exercise.kind == Kind.EVALS:
        from coach.runtime.evals import run_evals

        return await run_evals(
            exercise, learner_input, spec, rng=rng, on_progress=on_progress, spend=spend
        )
    raise ValueError(f"{exercise.kind} is not a multi-step kind")
