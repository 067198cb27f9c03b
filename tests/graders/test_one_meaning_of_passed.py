"""One meaning of "passed": the grade, the engine's evidence, the store's bulk read and
the export agree; attempts recorded before grades carried a verdict keep the old rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coach.engine.evidence import AttemptEvidence, outcome_of, passed
from coach.store import NewAttempt, open_store
from graders import CheckSpec, GradeContext, grade_output
from graders.result import stored_verdict

T0 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)


def stored(grade_checks: list[CheckSpec], output: str, judge: Any = None) -> list[dict[str, Any]]:
    grade = grade_output(output, grade_checks, GradeContext(judge=judge))
    return [check.model_dump(mode="json") for check in grade.checks]


FOUR_OF_FIVE = [CheckSpec("contains", {"value": v}) for v in ("a", "b", "c", "d", "zzz")]


def test_a_grade_that_failed_is_a_fail_whatever_its_score() -> None:
    grade = grade_output("a b c d", FOUR_OF_FIVE)
    assert grade.score == pytest.approx(0.8) and grade.passed is False
    checks = [c.model_dump(mode="json") for c in grade.checks]
    assert stored_verdict(checks) == "fail"
    # The old rule would have called 0.8 a pass; the verdict decides.
    assert outcome_of(0.8, None, None, "capable", output_verdict="fail") is False
    assert outcome_of(0.8, None, None, "capable") is True  # a record from before verdicts


def test_partial_is_not_scored_by_the_engine() -> None:
    checks = stored(
        [CheckSpec("contains", {"value": "a"}), CheckSpec("rubric", {"rubric": "x"})], "a"
    )
    assert stored_verdict(checks) == "partial"
    assert outcome_of(1.0, None, None, "capable", output_verdict="partial") is None
    evidence = AttemptEvidence(
        exercise_id="e", level=1, at=T0, output_score=1.0, output_verdict="partial"
    )
    assert passed(evidence) is None


def test_an_optional_rubric_left_unscored_is_a_pass() -> None:
    checks = stored(
        [
            CheckSpec("contains", {"value": "a"}),
            CheckSpec("rubric", {"rubric": "x", "required": False}),
        ],
        "a",
    )
    assert stored_verdict(checks) == "pass"


def test_a_scored_rubric_decides_with_the_rest() -> None:
    judge = lambda prompt: '{"score": 0.9, "passed": true}'  # noqa: E731
    checks = stored(
        [CheckSpec("contains", {"value": "a"}), CheckSpec("rubric", {"rubric": "x"})], "a", judge
    )
    assert stored_verdict(checks) == "pass"


@pytest.mark.parametrize(
    "checks",
    [
        [],
        [{"grader": "json", "passed": True, "score": 1.0}],  # stored before codes
        [
            {"grader": "json", "passed": False, "score": 0.0, "code": "json.invalid"},
            {"grader": "x"},
        ],
    ],
)
def test_old_records_have_no_verdict(checks: list[dict[str, Any]]) -> None:
    assert stored_verdict(checks) is None


def test_the_store_bulk_read_carries_the_verdict() -> None:
    store = open_store()
    try:
        learner = store.ensure_learner("Ada", "analyst")
        grade = grade_output("a b c d", FOUR_OF_FIVE)
        start = T0
        store.add_attempt(
            learner.id,
            NewAttempt(
                exercise_id="l1-x",
                exercise_level=1,
                kind="prompt",
                started_at=start,
                finished_at=start + timedelta(seconds=60),
                checks=[c.model_dump(mode="json") for c in grade.checks],
                output_score=grade.score,
            ),
        )
        store.add_attempt(
            learner.id,
            NewAttempt(
                exercise_id="l1-y",
                exercise_level=1,
                kind="prompt",
                started_at=start + timedelta(minutes=5),
                finished_at=start + timedelta(minutes=6),
                checks=[{"grader": "json", "passed": True, "score": 1.0}],
                output_score=1.0,
            ),
        )
        new, old = store.attempt_summaries([learner.id])
        assert new.output_verdict == "fail" and old.output_verdict is None
        outcomes = [
            outcome_of(
                row.output_score,
                row.judgment_correct,
                None,
                "capable",
                output_verdict=row.output_verdict,
            )
            for row in (new, old)
        ]
        assert outcomes == [False, True]
    finally:
        store.close()


def test_a_partial_grade_leaves_the_judgment_unscored_and_says_why() -> None:
    from coach.runtime.grading import truth_of
    from coach.runtime.present import Shown
    from graders.judgment import Judgment, grade_judgment

    checks = [CheckSpec("contains", {"value": "a"}), CheckSpec("rubric", {"rubric": "Polite."})]
    grade = grade_output("a", checks)
    truth = truth_of(object(), grade, Shown(text="a"))
    judged = grade_judgment(Judgment(verdict="ok", confidence=0.9), truth)
    assert not truth.certain and not judged.scored
    assert "was not graded (the rubric check)" in judged.reason
    # The same output with the rubric optional: the checks decide, the call is scored.
    optional = [checks[0], CheckSpec("rubric", {"rubric": "Polite.", "required": False})]
    truth = truth_of(object(), grade_output("a", optional), Shown(text="a"))
    assert truth.certain and truth.wrong is False
