"""Prove an exercise: its reference passes, its known-bad output fails, its traps are caught.

`coach check` runs this on every exercise, like a content self-test: a
check that cannot tell the reference from the known-bad output, or a trap
the checks do not notice, is a problem named with its exercise and check.
No model is called: rubric checks stay unscored here and prove nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from coach.content.files import Problem
from coach.content.loader import LoadedExercise
from coach.content.models import Kind
from coach.content.sources import BUILTIN
from coach.content.trust import grade_trust
from coach.runtime.present import trap_options
from graders.context import GradeContext
from graders.names import AGENT, MODEL_GRADED
from graders.registry import grade_output
from graders.result import OutputGrade
from graders.traps import disclosure_problems, mutation_for

SEED = 20261125  # fixed, so a proof is the same on every machine
DISCLOSURE_SEEDS = 20  # mutations tried per trap and output to check what they disclose


# The fairness corpus each graded case of a built-in exercise must carry.
MIN_GOOD = 6
MIN_BAD = 4
# Levels whose built-in exercises must carry the full corpus; the others prove
# whatever corpus they have until theirs is written.
CORPUS_LEVELS: frozenset[int] = frozenset({1, 2, 3, 4, 5, 6})


@dataclass(frozen=True)
class Sample:
    """One output of the fairness corpus, with where it came from."""

    where: str  # e.g. "fairness.good.3" or "reference.good_output"
    output: str
    why: str = ""  # for a wrong one: what is wrong
    check: str | None = None  # for a wrong one: the check that must catch it


@dataclass(frozen=True)
class Case:
    """One output to grade: the exercise's, or one hidden input's."""

    where: str
    good: str
    bad: str | None
    checks: list[Any]
    ctx: GradeContext
    also_good: tuple[str, ...] = ()
    fair_good: tuple[Sample, ...] = ()
    fair_bad: tuple[Sample, ...] = ()

    @property
    def correct(self) -> list[Sample]:
        """Every correct output: the reference, `also_good` and the corpus's good ones."""
        ref = [Sample("reference.good_output", self.good)]
        also = [Sample(f"reference.also_good.{i}", text) for i, text in enumerate(self.also_good)]
        return [*ref, *also, *self.fair_good]

    @property
    def wrong(self) -> list[Sample]:
        """Every wrong output: the reference's known-bad one and the corpus's bad ones."""
        ref = [] if self.bad is None else [Sample("reference.bad_output", self.bad, "known bad")]
        return [*ref, *self.fair_bad]


def _provable(checks: list[Any]) -> list[Any]:
    # Agent checks need a trace; the agent runtime proves those.
    return [check for check in checks if check.grader not in AGENT]


def _corpus(exercise: Any, input_id: str | None) -> tuple[tuple[Sample, ...], tuple[Sample, ...]]:
    fairness = exercise.fairness
    good = tuple(
        Sample(f"fairness.good.{i} ({entry.style})", entry.output)
        for i, entry in enumerate(fairness.good)
        if entry.input == input_id
    )
    bad = tuple(
        Sample(f"fairness.bad.{i} ({entry.why})", entry.output, entry.why, entry.check)
        for i, entry in enumerate(fairness.bad)
        if entry.input == input_id
    )
    return good, bad


def cases(exercise: Any, trusted: bool) -> Iterator[Case]:
    materials = dict(exercise.materials)
    if exercise.kind in (Kind.PROMPT, Kind.AGENT):
        ctx = GradeContext(materials=materials, **grade_trust(exercise, trusted))
        reference = exercise.reference
        yield Case(
            "reference",
            reference.good_output,
            reference.bad_output,
            _provable(exercise.checks),
            ctx,
            tuple(reference.also_good),
            *_corpus(exercise, None),
        )
    elif exercise.kind in (Kind.INSTRUCTIONS, Kind.PIPELINE):
        for item in exercise.inputs:
            ctx = GradeContext(
                materials=materials, input_text=item.text, **grade_trust(exercise, trusted)
            )
            yield Case(
                f"inputs.{item.id}",
                exercise.reference.good_outputs[item.id],
                exercise.reference.bad_outputs[item.id],
                _provable([*exercise.checks, *item.checks]),
                ctx,
                (),
                *_corpus(exercise, item.id),
            )


def _failures(grade: OutputGrade) -> str:
    return "; ".join(f"{check.name}: {check.reason}" for check in grade.failed)


def _setup_problems(grade: OutputGrade) -> list[str]:
    """Unscored deterministic checks: bad options, untrusted python, … (rubric needs a model)."""
    return [
        f"{check.name} could not be scored: {check.reason}"
        for check in grade.unscored
        if check.grader not in MODEL_GRADED
    ]


def _fair_problems(case: Case, required: bool) -> list[str]:
    """Every correct output passes, every wrong one fails (by the check it names)."""
    problems: list[str] = []
    for sample in case.correct:
        grade = grade_output(sample.output, case.checks, case.ctx)
        if grade.deterministic_verdict is not True:
            what = (
                "the reference output fails"
                if sample.where == "reference.good_output"
                else f"{sample.where}, a correct answer worded differently, fails"
            )
            problems.append(f"{case.where}: {what}: {_failures(grade)}")
    for sample in case.fair_bad:
        grade = grade_output(sample.output, case.checks, case.ctx)
        if grade.deterministic_verdict is not False:
            named = f" ({sample.check!r} should fail it)" if sample.check else ""
            problems.append(
                f"{case.where}: {sample.where}, a wrong answer, passes every check{named}"
            )
        elif sample.check is not None and not any(
            sample.check in (check.label, check.grader) for check in grade.failed
        ):
            problems.append(
                f"{case.where}: {sample.where} is not caught by the check {sample.check!r} "
                f"(failed instead: {_failures(grade)})"
            )
    if required:
        # A repeated output adds nothing: count each distinct text once.
        good = len({sample.output for sample in case.correct})
        bad = len({sample.output for sample in case.wrong})
        if good < MIN_GOOD or bad < MIN_BAD:
            problems.append(
                f"{case.where}: the fairness corpus has {good} correct and {bad} wrong outputs; "
                f"it needs at least {MIN_GOOD} correct ([[fairness.good]]) and {MIN_BAD} wrong "
                "([[fairness.bad]])"
            )
    return problems


def corpus_required(loaded: LoadedExercise) -> bool:
    """Built-in graded exercises of the levels whose corpus is written must carry one."""
    return loaded.source == BUILTIN and loaded.exercise.level in CORPUS_LEVELS


def prove(loaded: LoadedExercise, *, trusted: bool) -> list[Problem]:
    exercise = loaded.exercise
    shown = str(loaded.path)
    problems: list[str] = []
    every = list(cases(exercise, trusted))
    required = corpus_required(loaded)
    bad_caught = False
    for case in every:
        good = grade_output(case.good, case.checks, case.ctx)
        problems += [f"{case.where}: {p}" for p in _setup_problems(good)]
        problems += _fair_problems(case, required)
        if case.bad is not None:
            bad = grade_output(case.bad, case.checks, case.ctx)
            bad_caught = bad_caught or bad.deterministic_verdict is False
    if every and not bad_caught:
        problems.append("the known-bad output passes every check: the checks cannot tell it apart")
    problems += _trap_problems(exercise, every)
    problems += _reference_input_problems(exercise)
    return [Problem(shown, f"{exercise.id}", message) for message in problems]


def _reference_input_problems(exercise: Any) -> list[str]:
    """The reference steps, agent plan or eval cases must be valid learner input."""
    if exercise.kind == Kind.PIPELINE:
        from coach.runtime.pipeline import check_steps

        if not exercise.reference_steps:
            return ["reference_steps: a pipeline exercise needs its reference steps"]
        return [
            f"reference_steps: {p}"
            for p in check_steps(exercise.reference_steps, exercise.materials)
        ]
    if exercise.kind == Kind.AGENT:
        from coach.runtime.agent import PlanError, parse_plan

        try:
            parse_plan(exercise.reference.solution or "", exercise.agent.tools)
        except PlanError as error:
            return [f"reference.solution (the agent plan): {error}"]
    if exercise.kind == Kind.EVALS:
        from coach.runtime.evals import EvalsInputError, cases_of

        try:
            cases_of(exercise)
        except EvalsInputError as error:
            return [f"reference.solution (the eval cases): {p}" for p in error.problems]
    return []


def _untrue_disclosures(real: str, trap: Any, options: dict[str, Any]) -> list[str]:
    """A mutation's note and description must be true of the change, whatever the seed."""
    found: dict[str, None] = {}
    for seed in range(DISCLOSURE_SEEDS):
        mutation = mutation_for(real, trap, random.Random(SEED + seed), **options)
        if mutation is not None:
            found.update(dict.fromkeys(disclosure_problems(real, mutation, trap.note)))
    return list(found)


def _trap_problems(exercise: Any, every: list[Case]) -> list[str]:
    problems = []
    options = trap_options(exercise)
    for index, trap in enumerate(exercise.judgment.traps):
        name = trap.mutate or "recorded output"
        applied = False
        for case in every:
            mutation = mutation_for(case.good, trap, random.Random(SEED), **options)
            if mutation is None:
                continue
            applied = True
            problems += [
                f"judgment.traps.{index} ({name}) on {case.where}: {problem}"
                for problem in _untrue_disclosures(case.good, trap, options)
            ]
            grade = grade_output(mutation.output, case.checks, case.ctx)
            if grade.deterministic_verdict is not False:
                problems.append(
                    f"judgment.traps.{index} ({name}) on {case.where}: the flawed output "
                    f"({mutation.description}) passes every check"
                )
        if every and not applied:
            problems.append(f"judgment.traps.{index} ({name}) applies to no reference output")
    return problems
