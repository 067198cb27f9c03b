"""Shared machinery for kinds that run many model calls: bounded concurrency,
totals, fatal errors, the pass-rate grade and which output the learner judges.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pydantic import computed_field

from coach import llm
from coach.runtime.runs import RunTotals
from graders.result import CheckResult, OutputGrade

T = TypeVar("T")
R = TypeVar("R")

# Errors that would fail every other call too: stop the whole run.
FATAL: tuple[type[llm.ModelError], ...] = (llm.AuthFailed, llm.CannotConnect, llm.SpendCapReached)


async def bounded_map(
    items: Sequence[T], worker: Callable[[int, T], Awaitable[R]], *, concurrency: int = 3
) -> list[R]:
    """`worker(index, item)` for every item, at most `concurrency` at a time; results in order.

    The first exception (in item order among those raised) cancels every
    pending call and is raised. Cancelling the caller cancels them too.
    """
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, item: T) -> R:
        async with gate:
            return await worker(index, item)

    tasks = [asyncio.create_task(one(i, item)) for i, item in enumerate(items)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return [task.result() for task in tasks]
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Tally:
    """Adds up calls into `RunTotals`."""

    def __init__(self) -> None:
        self.calls = self.tokens_in = self.tokens_out = 0
        self.cost: float | None = 0.0
        self.latency = 0.0

    def add(self, call: llm.CallResult) -> None:
        self.calls += 1
        if call.usage is not None:
            self.tokens_in += call.usage.tokens_in
            self.tokens_out += call.usage.tokens_out
        if self.cost is not None and call.cost_usd is not None:
            self.cost += call.cost_usd
        else:
            self.cost = None
        self.latency += call.latency_s

    def totals(self) -> RunTotals:
        return RunTotals(
            calls=self.calls,
            tokens_in=self.tokens_in,
            tokens_out=self.tokens_out,
            cost_usd=self.cost,
            latency_s=round(self.latency, 3),
        )


class PassRateGrade(OutputGrade):
    """One check per input; passed when the share of passed inputs reaches `required`."""

    required: float = 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        scored = self.scored
        if not scored:
            return False
        rate = sum(check.passed for check in scored) / len(scored)
        return rate >= self.required - 1e-9


def input_check(
    kind: str, input_id: str, grade: OutputGrade | None, problem: str | None = None
) -> CheckResult:
    """The per-input check: passed/failed (score 1 or 0, so the mean is the pass rate)."""
    label = f"input {input_id}"
    grader = f"{kind}_input"
    if problem is not None or grade is None:
        return CheckResult(
            grader=grader, label=label, passed=False, score=0.0, reason=problem or "no output"
        )
    if not grade.scored:
        return CheckResult.model_validate(
            {
                "grader": grader,
                "label": label,
                "passed": False,
                "score": 0.0,
                "unscored": True,
                "reason": "no check on this input could be scored",
            }
        )
    if grade.passed:
        return CheckResult(grader=grader, label=label, passed=True, score=1.0, reason="passed")
    failed = "; ".join(f"{check.name}: {check.reason}" for check in grade.failed)
    kinds = [check.error_kind for check in grade.failed if check.error_kind]
    return CheckResult(
        grader=grader,
        label=label,
        passed=False,
        score=0.0,
        reason=f"failed {failed}",
        error_kind=kinds[0] if kinds else None,
    )


def pick_judged(
    entries: Sequence[dict[str, Any]], rng: random.Random, output_key: str
) -> int | None:
    """Which input's output the learner judges: a failing one half the time, else any.

    Inputs with no output (a model error, a stopped pipeline) are never shown.
    """
    showable = [i for i, entry in enumerate(entries) if (entry.get(output_key) or "").strip()]
    if not showable:
        return None
    failing = [i for i in showable if not entries[i]["passed"]]
    if failing and rng.random() < 0.5:
        return rng.choice(failing)
    return rng.choice(showable)


def joined_outputs(entries: Sequence[dict[str, Any]], output_key: str) -> str:
    return "\n\n".join(f"--- input {e['id']} ---\n{e.get(output_key) or ''}" for e in entries)


def judged_grade(details: dict[str, Any]) -> OutputGrade | None:
    """The grade of the one output the learner judges (for the judgment's truth).

    The run's grade is over every input; the judgment is about one of them, so
    its truth must come from that input's own checks.
    """
    shown = details.get("shown") or {}
    index = shown.get("index")
    if index is None:
        return None
    entry = details["inputs"][index]
    return OutputGrade(checks=[CheckResult.model_validate(c) for c in entry.get("checks", [])])
