"""Run an instructions exercise: the learner's system prompt on every hidden input.

Each hidden input is sent as the user message under the learner's
instructions (materials fill `{name}` placeholders in them), with bounded
concurrency. Every output is graded with the exercise's checks plus that
input's own; the run's grade has one check per input, so its score is the
pass rate. The learner then judges one of the outputs (maybe with a planted
flaw), chosen by the seeded draw.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

from coach import llm
from coach.content.trust import grade_trust
from coach.runtime.batch import (
    FATAL,
    PassRateGrade,
    Tally,
    bounded_map,
    input_check,
    joined_outputs,
    judged_grade,
    pick_judged,
)
from coach.runtime.present import Shown, TrapMode, present_output
from coach.runtime.render import fill
from coach.runtime.runs import KindRun, Progress
from graders.context import GradeContext
from graders.registry import grade_output
from graders.result import CheckResult


def instruction_messages(exercise: Any, instructions: str, input_text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": fill(instructions, exercise.materials)},
        {"role": "user", "content": input_text},
    ]


async def run_instructions(
    exercise: Any,
    instructions: str,
    spec: llm.ModelSpec,
    *,
    rng: random.Random,
    trap_mode: TrapMode = "never",
    trap_rate: float | None = None,
    on_progress: Progress | None = None,
    spend: llm.SpendTracker | None = None,
    concurrency: int = 3,
    trusted: bool = True,
    judge: Callable[[str], str] | None = None,
    max_tokens: int | None = None,
) -> KindRun:
    """Raises AuthFailed / CannotConnect / SpendCapReached (the run cannot go on);
    any other ModelError fails only its input. Cancellation cancels pending calls."""
    inputs = list(exercise.inputs)
    total = len(inputs)
    tally = Tally()
    done = 0

    def report(label: str) -> None:
        if on_progress is not None:
            on_progress(label, done, total)

    async def one(index: int, item: Any) -> tuple[dict[str, Any], CheckResult]:
        nonlocal done
        label = f"input {index + 1} of {total}"
        report(label)
        entry: dict[str, Any] = {"id": item.id, "input": item.text, "output": None}
        try:
            call = await llm.complete(
                spec,
                instruction_messages(exercise, instructions, item.text),
                max_tokens=max_tokens,
                spend=spend,
            )
        except FATAL:
            raise
        except llm.ModelError as exc:
            done += 1
            report(label)
            problem = f"the model call failed: {exc.message}"
            entry.update(passed=False, score=0.0, checks=[], error=exc.message)
            return entry, input_check("instructions", item.id, None, problem)
        tally.add(call)
        output = llm.clean_output(call.text)
        ctx = GradeContext(
            materials=dict(exercise.materials),
            input_text=item.text,
            judge=judge,
            **grade_trust(exercise, trusted),
        )
        grade = await asyncio.to_thread(grade_output, output, [*exercise.checks, *item.checks], ctx)
        done += 1
        report(label)
        entry.update(
            output=output,
            passed=grade.passed,
            score=grade.score,
            checks=[check.model_dump(mode="json") for check in grade.checks],
            error=None,
        )
        return entry, input_check("instructions", item.id, grade)

    results = await bounded_map(inputs, one, concurrency=concurrency)
    entries = [entry for entry, _ in results]
    grade = PassRateGrade(checks=[check for _, check in results], required=exercise.pass_rate)

    index = pick_judged(entries, rng, "output")
    if index is None:
        shown = Shown(text="")
    else:
        shown = present_output(exercise, entries[index]["output"], trap_mode, rng, trap_rate)
    passed_count = sum(entry["passed"] for entry in entries)
    details = {
        "inputs": entries,
        "pass_rate": passed_count / total if total else 0.0,
        "required_pass_rate": exercise.pass_rate,
        "shown": {
            "index": index,
            "input": None if index is None else entries[index]["id"],
            "planted": shown.planted,
        },
    }
    return KindRun(
        kind="instructions",
        grade=grade,
        shown=shown,
        real_output=joined_outputs(entries, "output"),
        details=details,
        totals=tally.totals(),
        judged_grade=judged_grade(details),
    )
