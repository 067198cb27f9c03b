"""Judgment grading: verdict against truth, pinpoint, Brier term and plain reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from graders.judgment import Judgment, JudgmentGrade, Truth, grade_judgment

WRONG = Truth.from_checks(False, ["missing date"], False, failed_checks=["every date present"])
OK = Truth.from_checks(True, [], False)
RUBRIC_ONLY = Truth.from_checks(None, [], True)
UNCHECKED = Truth.from_checks(None, [], False)


def judge(verdict: str, confidence: float = 0.8, **where: object) -> Judgment:
    return Judgment(verdict=verdict, confidence=confidence, **where)


# --- the models ------------------------------------------------------------------


def test_judgment_bounds() -> None:
    judge("ok", 0.5)
    judge("wrong", 1.0, line=1, error_kind="wrong date")
    for bad in (
        {"verdict": "maybe", "confidence": 0.7},
        {"verdict": "ok", "confidence": 0.49},
        {"verdict": "ok", "confidence": 1.01},
        {"verdict": "wrong", "confidence": 0.7, "line": 0},
    ):
        with pytest.raises(ValidationError):
            Judgment(**bad)


def test_blank_error_kind_is_none() -> None:
    assert judge("wrong", error_kind="  ").error_kind is None


def test_truth_from_checks() -> None:
    assert (WRONG.wrong, WRONG.certain, WRONG.source) == (True, True, "checks")
    assert WRONG.error_kinds == {"missing date"}
    assert "every date present" in WRONG.detail
    assert (OK.wrong, OK.certain, OK.source) == (False, True, "checks")
    assert (RUBRIC_ONLY.wrong, RUBRIC_ONLY.certain, RUBRIC_ONLY.source) == (None, False, "rubric")
    assert (UNCHECKED.wrong, UNCHECKED.certain, UNCHECKED.source) == (None, False, "none")


def test_truth_from_trap_and_recorded() -> None:
    trap = Truth.from_trap((3,), "missing item", 'removed the item "2026-04-15"')
    assert (trap.wrong, trap.certain, trap.source) == (True, True, "trap")
    assert trap.lines == {3} and trap.error_kinds == {"missing item"}
    assert Truth.from_trap([], None, "x").error_kinds == frozenset()
    recorded = Truth.from_recorded(True, 2, "wrong number", "€1.49, not €1.59.")
    assert (recorded.source, recorded.lines, recorded.error_kinds) == (
        "recorded",
        {2},
        {"wrong number"},
    )
    right = Truth.from_recorded(False, None, None, "Every figure matches.")
    assert (right.wrong, right.certain, right.lines) == (False, True, frozenset())


def test_certain_truth_must_say_wrong_or_not() -> None:
    with pytest.raises(ValidationError):
        Truth(wrong=None, certain=True, source="checks")


# --- truth × verdict ---------------------------------------------------------------

CASES = [
    # truth, verdict, scored, correct
    (WRONG, "wrong", True, True),
    (WRONG, "ok", True, False),
    (OK, "wrong", True, False),
    (OK, "ok", True, True),
    (RUBRIC_ONLY, "wrong", False, None),
    (RUBRIC_ONLY, "ok", False, None),
    (UNCHECKED, "wrong", False, None),
    (UNCHECKED, "ok", False, None),
]


@pytest.mark.parametrize(("truth", "verdict", "scored", "correct"), CASES)
def test_every_truth_and_verdict(
    truth: Truth, verdict: str, scored: bool, correct: bool | None
) -> None:
    grade = grade_judgment(judge(verdict, 0.7), truth)
    assert isinstance(grade, JudgmentGrade)
    assert grade.scored is scored
    assert grade.correct is correct
    assert grade.reason
    if scored:
        assert grade.brier is not None
    else:
        assert grade.brier is None and grade.pinpoint_hit is None


def test_uncertain_truth_is_recorded_not_scored() -> None:
    grade = grade_judgment(judge("wrong", 0.9, line=2), RUBRIC_ONLY)
    assert "judged only by a rubric" in grade.reason
    assert "recorded but not scored" in grade.reason
    assert "recorded but not scored" in grade_judgment(judge("ok"), UNCHECKED).reason


# --- reasons ---------------------------------------------------------------------------


def test_reason_for_a_hit() -> None:
    truth = Truth.from_trap((3,), "missing item", "dropped an item")
    reason = grade_judgment(judge("wrong"), truth).reason
    assert reason == "You called it wrong and it was: we dropped an item (line 3)."


def test_reason_for_a_miss_names_the_failed_check_and_what_to_look_for() -> None:
    reason = grade_judgment(judge("ok", 0.6), WRONG).reason
    assert reason.startswith("You accepted an output that failed 'every date present': look for")
    assert "missing date" in reason


def test_reason_for_a_missed_trap_discloses_the_change() -> None:
    truth = Truth.from_trap((3,), "wrong number", "changed 1,240 to 1,420 on line 3")
    reason = grade_judgment(judge("ok", 0.95), truth).reason
    assert "planted" in reason and "changed 1,240 to 1,420 on line 3" in reason
    assert "(line 3)" not in reason  # the description already says where
    assert "95 % sure" in reason


def test_reason_for_a_false_alarm() -> None:
    assert grade_judgment(judge("wrong"), OK).reason.startswith(
        "False alarm: the output was right."
    )
    recorded = Truth.from_recorded(False, None, None, "Reordered, but every fact matches")
    reason = grade_judgment(judge("wrong"), recorded).reason
    assert reason.startswith("False alarm") and "every fact matches." in reason


def test_reason_for_a_right_acceptance() -> None:
    assert grade_judgment(judge("ok"), OK).reason.startswith("Right")


# --- pinpoint -----------------------------------------------------------------------------

TRAP = Truth.from_trap((3,), "missing item", "removed an item")


@pytest.mark.parametrize(
    ("where", "hit"),
    [
        ({"line": 3}, True),
        ({"line": 2}, True),  # within one line
        ({"line": 4}, True),
        ({"line": 5}, False),
        ({"line": 1}, False),
        ({"error_kind": "missing item"}, True),
        ({"error_kind": "  Missing  Item "}, True),  # case and spacing do not matter
        ({"error_kind": "wrong date"}, False),
        ({"line": 9, "error_kind": "missing item"}, True),  # either is enough
        ({"line": 3, "error_kind": "wrong date"}, True),
        ({"line": 9, "error_kind": "wrong date"}, False),
        ({}, None),  # said nothing about where
    ],
)
def test_pinpoint_by_line_and_by_kind(where: dict[str, object], hit: bool | None) -> None:
    grade = grade_judgment(judge("wrong", **where), TRAP)
    assert grade.correct is True
    assert grade.pinpoint_hit is hit
    if hit is False:
        assert "But not where" in grade.reason
    if hit is True:
        assert "You found where" in grade.reason


def test_pinpoint_needs_something_to_compare() -> None:
    kinds_only = Truth.from_checks(False, ["extra text"])
    assert grade_judgment(judge("wrong", line=4), kinds_only).pinpoint_hit is None
    assert grade_judgment(judge("wrong", error_kind="extra text"), kinds_only).pinpoint_hit
    lines_only = Truth.from_recorded(True, 2, None, "Line 2 is wrong.")
    assert grade_judgment(judge("wrong", error_kind="x"), lines_only).pinpoint_hit is None
    assert grade_judgment(judge("wrong", line=2), lines_only).pinpoint_hit is True


def test_pinpoint_only_for_a_rightly_rejected_wrong_output() -> None:
    assert grade_judgment(judge("ok", line=3), TRAP).pinpoint_hit is None
    assert grade_judgment(judge("wrong", line=3), OK).pinpoint_hit is None


def test_pinpoint_on_a_recorded_item() -> None:
    truth = Truth.from_recorded(True, 4, "invented fact", "The discount is not in the email.")
    assert grade_judgment(judge("wrong", line=4), truth).pinpoint_hit is True
    assert grade_judgment(judge("wrong", line=1), truth).pinpoint_hit is False
    assert grade_judgment(judge("wrong", error_kind="invented fact"), truth).pinpoint_hit


# --- Brier ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "verdict", "confidence", "brier"),
    [
        (WRONG, "wrong", 0.9, 0.01),  # p_wrong 0.9, truth 1: (0.9 - 1)^2
        (WRONG, "wrong", 0.5, 0.25),
        (WRONG, "wrong", 1.0, 0.0),
        (WRONG, "ok", 0.8, 0.64),  # p_wrong 0.2: (0.2 - 1)^2
        (WRONG, "ok", 1.0, 1.0),
        (OK, "ok", 0.7, 0.09),  # p_wrong 0.3, truth 0: 0.3^2
        (OK, "wrong", 0.6, 0.36),
        (OK, "wrong", 1.0, 1.0),
        (OK, "ok", 0.5, 0.25),
    ],
)
def test_brier_term(truth: Truth, verdict: str, confidence: float, brier: float) -> None:
    assert grade_judgment(judge(verdict, confidence), truth).brier == pytest.approx(brier)


@given(
    st.sampled_from(["ok", "wrong"]),
    st.floats(min_value=0.5, max_value=1.0),
    st.booleans(),
)
def test_brier_is_lower_when_right_and_bounded(
    verdict: str, confidence: float, wrong: bool
) -> None:
    truth = Truth(wrong=wrong, certain=True, source="checks")
    grade = grade_judgment(judge(verdict, confidence), truth)
    assert grade.brier is not None
    assert 0.0 <= grade.brier <= 1.0
    if grade.correct:
        assert grade.brier <= 0.25
    else:
        assert grade.brier >= 0.25


def test_an_undecided_truth_says_why_the_call_is_not_scored() -> None:
    truth = Truth.from_checks(None, rubric_only=True, undecided="A criterion was not graded (tone)")
    graded = grade_judgment(Judgment(verdict="ok", confidence=0.9), truth)
    assert not graded.scored
    assert graded.reason == (
        "A criterion was not graded (tone). Your call is recorded but not scored."
    )
