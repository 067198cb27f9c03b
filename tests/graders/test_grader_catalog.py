"""Every built-in exercise's checks are accepted by the graders, and its references grade right.

The reference good output must pass every scored check; the bad output must
fail at least one (for several hidden inputs: every good output passes, and at
least one bad output fails). Rubric checks are unscored here (no judge), agent
checks are left to the runtime, and an options problem is never acceptable.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import pytest

from coach.content import load_catalog
from coach.content.models import Kind
from coach.runtime.prove import prove
from graders import BAD_OPTIONS, CheckLike, CheckSpec, GradeContext, grade_output, option_problems
from graders.names import AGENT

CATALOG = load_catalog()


@dataclass
class Run:
    name: str
    checks: list[CheckLike]
    good: str
    bad: str
    ctx: GradeContext


def _runs(loaded: Any) -> list[Run]:
    exercise = loaded.exercise
    ref = exercise.reference
    top = [check for check in exercise.checks if check.grader not in AGENT]
    runs = []
    if ref.good_output is not None and ref.bad_output is not None and top:
        ctx = GradeContext(materials=exercise.materials, trusted=True, pack_dir=loaded.path.parent)
        runs.append(Run(exercise.id, top, ref.good_output, ref.bad_output, ctx))
    for item in getattr(exercise, "inputs", []):
        ctx = GradeContext(
            materials=exercise.materials,
            input_text=item.text,
            trusted=True,
            pack_dir=loaded.path.parent,
        )
        checks = top + [check for check in item.checks if check.grader not in AGENT]
        good, bad = ref.good_outputs[item.id], ref.bad_outputs[item.id]
        runs.append(Run(f"{exercise.id}/{item.id}", checks, good, bad, ctx))
    return runs


def _all_checks(loaded: Any) -> list[tuple[str, CheckLike]]:
    exercise = loaded.exercise
    found: list[tuple[str, CheckLike]] = [("checks", check) for check in exercise.checks]
    for item in getattr(exercise, "inputs", []):
        found += [(f"inputs.{item.id}.checks", check) for check in item.checks]
    if exercise.kind == Kind.EVALS and exercise.reference.solution:
        # The reference eval cases use grader checks too: they must be valid as well.
        solution = tomllib.loads(exercise.reference.solution)
        for case in solution.get("cases", []):
            for table in case.get("checks", []):
                found.append((f"solution.cases.{case['id']}", CheckSpec.from_dict(table)))
    return [(where, check) for where, check in found if check.grader not in AGENT]


EXERCISES = [pytest.param(loaded, id=loaded.exercise.id) for loaded in CATALOG.exercises]


def test_the_catalog_loads_and_has_checks() -> None:
    assert CATALOG.ok, CATALOG.problems
    assert sum(len(_all_checks(loaded)) for loaded in CATALOG.exercises) > 20


@pytest.mark.parametrize("loaded", EXERCISES)
def test_every_check_has_valid_options(loaded: Any) -> None:
    problems = [
        f"{where} [{check.grader}]: {problem}"
        for where, check in _all_checks(loaded)
        for problem in option_problems(check)
    ]
    assert problems == []
    # Some problems show only when grading (a regex that does not compile, a
    # material that does not exist): grade an empty output with every check.
    ctx = GradeContext(materials=loaded.exercise.materials, input_text="", judge=None)
    for where, check in _all_checks(loaded):
        result = grade_output("", [check], ctx).checks[0]
        assert not result.reason.startswith(BAD_OPTIONS), f"{where}: {result.reason}"


@pytest.mark.parametrize("loaded", EXERCISES)
def test_every_exercise_is_proved(loaded: Any) -> None:
    """Its reference passes, its known-bad output fails, every trap is caught (coach check)."""
    assert [str(problem) for problem in prove(loaded, trusted=True)] == []
