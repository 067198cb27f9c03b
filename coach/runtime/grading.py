"""Grade an attempt twice: the real output against its checks, and the judgment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coach.content.models import ReviewExercise
from coach.content.trust import grade_trust
from coach.runtime.present import Shown
from graders.context import GradeContext
from graders.judgment import Judgment, JudgmentGrade, Truth, grade_judgment
from graders.registry import grade_output
from graders.result import OutputGrade


def grade_context(
    exercise: Any,
    *,
    trusted: bool,
    judge: Callable[[str], str] | None = None,
    input_text: str | None = None,
) -> GradeContext:
    return GradeContext(
        materials=dict(exercise.materials),
        input_text=input_text,
        judge=judge,
        **grade_trust(exercise, trusted),
    )


def grade_real_output(exercise: Any, output: str, ctx: GradeContext) -> OutputGrade:
    return grade_output(output, exercise.checks, ctx)


def truth_of(exercise: Any, grade: OutputGrade | None, shown: Shown) -> Truth:
    """What is certain about the output the learner saw.

    A planted flaw is wrong for certain. A recorded review output carries its
    truth. Otherwise the deterministic checks decide; rubric-only is uncertain.
    """
    if shown.mutation is not None:
        return Truth.from_trap(
            shown.mutation.changed_lines, shown.mutation.error_kind, shown.mutation.description
        )
    if isinstance(exercise, ReviewExercise) and shown.review_item is not None:
        item = exercise.outputs[shown.review_item]
        return Truth.from_recorded(item.wrong, item.line, item.error_kind, item.why)
    if grade is None:
        return Truth.from_checks(None, rubric_only=False)
    failed = grade.failed
    # Certain only when the checks decide it: a rubric left ungraded, or one that fails
    # what the deterministic checks passed, leaves the truth open (judgment not scored).
    verdict = grade.decided_verdict
    return Truth.from_checks(
        verdict,
        [check.error_kind for check in failed if check.error_kind],
        rubric_only=bool(grade.scored) and verdict is None,
        failed_checks=[check.name for check in failed if check.deterministic],
        undecided=_undecided(grade) if verdict is None else "",
    )


def _undecided(grade: OutputGrade) -> str:
    """Why the checks leave the output's truth open, when a rubric is the reason."""
    if grade.ungraded:
        names = ", ".join(check.name for check in grade.ungraded)
        return f"A criterion of this output was not graded ({names})"
    if grade.deterministic_verdict is True:
        return "The checks passed this output but the judge model failed it"
    return ""


def grade_judgment_of(
    exercise: Any, grade: OutputGrade | None, shown: Shown, judgment: Judgment
) -> tuple[Truth, JudgmentGrade]:
    truth = truth_of(exercise, grade, shown)
    return truth, grade_judgment(judgment, truth)
