"""Run a pipeline exercise: the learner's prompt steps over every hidden input.

The learner writes steps as TOML:

    [[steps]]
    name = "extract"
    template = "Return the facts in {input} as JSON."

    [[steps]]
    name = "check"
    template = "Answer VALID if {extract} is a JSON object, else INVALID: why."
    validate = true

    [[steps]]
    name = "route"
    template = "Apply the rules to {extract}."

A template may use `{input}` (the hidden input), `{previous}` (the output of
the last non-validation step before it, or the input for the first step),
`{<earlier step>}` and the exercise's material names (see `templates`). A
validation step must answer exactly VALID or `INVALID: reason`; INVALID stops
that input. The final output is the last non-validation step's output, graded
with the exercise's checks plus the input's own. Inputs run concurrently,
steps in order.
"""

from __future__ import annotations

import asyncio
import random
import tomllib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from coach import llm
from coach.content.models import PipelineStep
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
from coach.runtime.runs import KindRun, Progress
from coach.runtime.templates import check_template, render
from graders.context import GradeContext
from graders.registry import grade_output
from graders.result import CheckResult

RESERVED = ("input", "previous")
VALID = "VALID"
INVALID = "INVALID:"


class PipelineError(ValueError):
    """The learner's steps cannot run; the message says where and why, in plain words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _StepsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[PipelineStep] = []


def _field_error(error: Any) -> str:
    loc = list(error["loc"])
    where = "the file"
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        where = f"step {loc[1] + 1}"
        loc = loc[2:]
    elif loc and loc[0] == "steps":
        loc = loc[1:]
    field = ".".join(str(part) for part in loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key `{field}` (a step has name, template and validate)"
    if error["type"] == "missing":
        return f"{where}: `{field}` is missing"
    if error["type"] == "string_pattern_mismatch" and field == "name":
        return f"{where}: the name must be lower-case letters, digits and dashes, like extract"
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def parse_steps(steps_toml: str, materials: Any = ()) -> list[PipelineStep]:
    """Parse and check the learner's steps. Raises PipelineError listing every problem."""
    try:
        data = tomllib.loads(steps_toml)
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError([f"the steps are not valid TOML: {exc}"]) from None
    try:
        steps = _StepsFile.model_validate(data).steps
    except ValidationError as exc:
        raise PipelineError([_field_error(error) for error in exc.errors()]) from None
    if not steps:
        raise PipelineError(
            ["no steps: add at least one [[steps]] table with a name and a template"]
        )
    if problems := check_steps(steps, materials):
        raise PipelineError(problems)
    return steps


def check_steps(steps: Sequence[PipelineStep], materials: Iterable[str] = ()) -> list[str]:
    """Problems with a list of steps: names, and placeholders that refer to nothing earlier."""
    material_names = list(materials)
    problems: list[str] = []
    known = ["input", "previous", *material_names]
    seen: dict[str, int] = {}
    for number, step in enumerate(steps, start=1):
        where = f"step {number} ({step.name})"
        if step.name in RESERVED or step.name in material_names:
            problems.append(f"{where}: the name {step.name} is reserved; choose another")
        elif step.name in seen:
            problems.append(f"{where}: the name is already used by step {seen[step.name]}")
        problems += [f"{where}: {p}" for p in check_template(step.template, known)]
        seen.setdefault(step.name, number)
        if step.name not in known:
            known.append(step.name)
    if all(step.validate_output for step in steps):
        problems.append("every step is a validation step: at least one must produce the output")
    return problems


def _verdict(output: str) -> tuple[bool, str] | None:
    """(valid, reason) for a validation step's answer, or None if it is neither form."""
    text = output.strip()
    if text == VALID:
        return True, ""
    if text.startswith(INVALID):
        return False, text[len(INVALID) :].strip() or "no reason given"
    return None


async def run_pipeline(
    exercise: Any,
    steps_toml: str,
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
    """Raises PipelineError before any call if the steps do not parse; AuthFailed /
    CannotConnect / SpendCapReached abort the run; another ModelError stops only its
    input (the error names the step and the input). Cancellation cancels pending calls."""
    steps = parse_steps(steps_toml, exercise.materials)
    inputs = list(exercise.inputs)
    total = len(inputs) * len(steps)
    tally = Tally()
    done = 0

    def report(label: str) -> None:
        if on_progress is not None:
            on_progress(label, done, total)

    async def one(_: int, item: Any) -> tuple[dict[str, Any], CheckResult]:
        nonlocal done
        values: dict[str, str] = {**exercise.materials, "input": item.text, "previous": item.text}
        ran: list[dict[str, str]] = []
        entry: dict[str, Any] = {
            "id": item.id,
            "input": item.text,
            "steps": ran,
            "final": None,
            "passed": False,
            "score": 0.0,
            "checks": [],
            "stopped_at": None,
            "error": None,
        }
        final: str | None = None
        for number, step in enumerate(steps):
            report(f"input {item.id}: step {step.name}")
            prompt = render(step.template, values)
            try:
                call = await llm.complete(spec, prompt, max_tokens=max_tokens, spend=spend)
            except FATAL:
                raise
            except llm.ModelError as exc:
                entry["error"] = f"step {step.name} failed on input {item.id}: {exc.message}"
            else:
                tally.add(call)
                output = llm.clean_output(call.text)
                ran.append({"name": step.name, "output": output})
                values[step.name] = output
                if not step.validate_output:
                    values["previous"] = output
                    final = output
                elif (verdict := _verdict(output)) is None:
                    entry["error"] = (
                        f"step {step.name} on input {item.id} is a validation step but answered "
                        f"{output.strip()[:80]!r}, not VALID or INVALID: <reason>"
                    )
                elif not verdict[0]:
                    entry["error"] = (
                        f"step {step.name} stopped input {item.id}: INVALID: {verdict[1]}"
                    )
            if entry["error"] is not None:
                entry["stopped_at"] = step.name
                done += len(steps) - number
                report(f"input {item.id}: step {step.name}")
                return entry, input_check("pipeline", item.id, None, entry["error"])
            done += 1
            report(f"input {item.id}: step {step.name}")
        ctx = GradeContext(
            materials=dict(exercise.materials),
            input_text=item.text,
            judge=judge,
            **grade_trust(exercise, trusted),
        )
        grade = await asyncio.to_thread(
            grade_output, final or "", [*exercise.checks, *item.checks], ctx
        )
        entry.update(
            final=final,
            passed=grade.passed,
            score=grade.score,
            checks=[check.model_dump(mode="json") for check in grade.checks],
        )
        return entry, input_check("pipeline", item.id, grade)

    results = await bounded_map(inputs, one, concurrency=concurrency)
    entries = [entry for entry, _ in results]
    required = getattr(exercise, "pass_rate", 1.0)
    grade = PassRateGrade(checks=[check for _, check in results], required=required)

    index = pick_judged(entries, rng, "final")
    if index is None:
        shown = Shown(text="")
    else:
        shown = present_output(exercise, entries[index]["final"], trap_mode, rng, trap_rate)
    details = {
        "steps": [step.model_dump(by_alias=True) for step in steps],
        "inputs": entries,
        "pass_rate": sum(e["passed"] for e in entries) / len(entries) if entries else 0.0,
        "required_pass_rate": required,
        "shown": {
            "index": index,
            "input": None if index is None else entries[index]["id"],
            "planted": shown.planted,
        },
    }
    return KindRun(
        kind="pipeline",
        grade=grade,
        shown=shown,
        real_output=joined_outputs(entries, "final"),
        details=details,
        totals=tally.totals(),
        judged_grade=judged_grade(details),
    )
