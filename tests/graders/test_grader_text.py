"""Text graders: exact, contains, contains_all, contains_any, regex, must_not_contain."""

from __future__ import annotations

from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check

HUGE = ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000]


def run(grader: str, output: str, negate: bool = False, **options: Any) -> CheckResult:
    return grade_check(output, CheckSpec(grader, options, negate=negate), GradeContext())


# (grader, output, options, passed, score, words the reason must hold)
CASES: list[tuple[str, str, dict[str, Any], bool, float, list[str]]] = [
    # exact
    ("exact", "NOT IN SOURCES", {"expected": "NOT IN SOURCES"}, True, 1.0, ["exactly"]),
    ("exact", "  NOT IN SOURCES \n", {"expected": "NOT IN SOURCES"}, True, 1.0, []),
    ("exact", "not in sources", {"expected": "NOT IN SOURCES"}, True, 1.0, []),
    (
        "exact",
        "not in sources",
        {"expected": "NOT IN SOURCES", "case_sensitive": True},
        False,
        0.0,
        ["capitalisation"],
    ),
    ("exact", "NOT IN SOURCES.", {"expected": "NOT IN SOURCES"}, False, 0.0, ['"NOT IN SOURCES."']),
    ("exact", "", {"expected": "yes"}, False, 0.0, ["empty"]),
    ("exact", "Cafe\u0301", {"expected": "Café"}, True, 1.0, []),  # NFD vs NFC
    ("exact", HUGE, {"expected": "yes"}, False, 0.0, ["…"]),
    # contains
    ("contains", "The cap is £240 a night.", {"value": "£240"}, True, 1.0, ['"£240"']),
    ("contains", "Taxi: Not in the sources.", {"value": "not in the sources"}, True, 1.0, []),
    (
        "contains",
        "Taxi: Not in the sources.",
        {"value": "not in the sources", "case_sensitive": True},
        False,
        0.0,
        ["not in the output"],
    ),
    ("contains", "not in\n   the  sources", {"value": "not in the sources"}, True, 1.0, []),
    ("contains", "Müller\u0308", {"value": "Müller\u0308"}, True, 1.0, []),
    ("contains", "Zoë", {"value": "Zoe\u0308"}, True, 1.0, []),
    ("contains", "STRASSE", {"value": "straße"}, True, 1.0, []),  # case-folded
    ("contains", "", {"value": "£240"}, False, 0.0, ["£240"]),
    ("contains", HUGE + " needle", {"value": "needle"}, True, 1.0, []),
    ("contains", HUGE, {"value": "needle"}, False, 0.0, []),
    # contains_all
    (
        "contains_all",
        "4 weeks within 8 weeks [P2]",
        {"values": ["4 weeks", "8 weeks", "[P2]"]},
        True,
        1.0,
        ["all 3"],
    ),
    (
        "contains_all",
        "4 weeks within 8 weeks",
        {"values": ["4 weeks", "8 weeks", "[P2]"]},
        False,
        2 / 3,
        ["found 2 of 3", '"[P2]"'],
    ),
    ("contains_all", "", {"values": ["a", "b"]}, False, 0.0, ["missing"]),
    ("contains_all", "A B", {"values": ["a", "b"], "case_sensitive": True}, False, 0.0, []),
    # contains_any
    ("contains_any", "we use 3-5 days", {"values": ["3-5", "3 to 5"]}, True, 1.0, ['"3-5"']),
    ("contains_any", "in a week", {"values": ["3-5", "3 to 5"]}, False, 0.0, ["none of"]),
    ("contains_any", "", {"values": ["x"]}, False, 0.0, []),
    # regex
    (
        "regex",
        "refund in 3 – 5 working days",
        {"pattern": r"3\s*(-|–|to)\s*5 working days"},
        True,
        1.0,
        ['"3 – 5 working days"'],
    ),
    ("regex", "3-5 WORKING DAYS", {"pattern": "working days", "flags": "i"}, True, 1.0, []),
    ("regex", "3-5 WORKING DAYS", {"pattern": "working days"}, False, 0.0, ["matches"]),
    ("regex", "a\nb", {"pattern": "^b$", "flags": "m"}, True, 1.0, []),
    ("regex", "a\nb", {"pattern": "a.b", "flags": "s"}, True, 1.0, []),
    ("regex", "a\nb", {"pattern": "a.b"}, False, 0.0, []),
    ("regex", "", {"pattern": "x"}, False, 0.0, []),
    ("regex", HUGE, {"pattern": r"\bdolor\b"}, True, 1.0, []),
    # must_not_contain
    ("must_not_contain", "Happy to help", {"values": ["unfortunately"]}, True, 1.0, ["none"]),
    (
        "must_not_contain",
        "Unfortunately, as per policy…",
        {"values": ["unfortunately", "as per", "any inconvenience", "Dear Customer"]},
        False,
        0.5,
        ['"unfortunately"', '"as per"'],
    ),
    ("must_not_contain", "CANARY-7f3a inside", {"values": ["canary-7F3A"]}, False, 0.0, []),
    (
        "must_not_contain",
        "CANARY-7f3a inside",
        {"values": ["canary-7F3A"], "case_sensitive": True},
        True,
        1.0,
        [],
    ),
    ("must_not_contain", "catalogue", {"values": ["cat"]}, False, 0.0, []),  # substrings count
    ("must_not_contain", "", {"values": ["x"]}, True, 1.0, []),
    ("must_not_contain", HUGE, {"values": ["secret"]}, True, 1.0, []),
]


@pytest.mark.parametrize(("grader", "output", "options", "passed", "score", "words"), CASES)
def test_text_graders(
    grader: str,
    output: str,
    options: dict[str, Any],
    passed: bool,
    score: float,
    words: list[str],
) -> None:
    result = run(grader, output, **options)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    assert result.score == pytest.approx(score)
    for word in words:
        assert word in result.reason
    assert len(result.reason) < 300


@pytest.mark.parametrize(("grader", "output", "options", "passed", "score", "words"), CASES)
def test_negation_flips_every_text_case(
    grader: str,
    output: str,
    options: dict[str, Any],
    passed: bool,
    score: float,
    words: list[str],
) -> None:
    result = run(grader, output, negate=True, **options)
    assert result.negated
    assert result.passed is not passed
    assert result.score == pytest.approx(1 - score)
    assert result.reason.startswith("not: ")


def test_reasons_quote_at_most_80_characters_of_output() -> None:
    result = run("exact", "x" * 5000, expected="y")
    quoted = result.reason.split("got ", 1)[1]
    assert len(quoted) <= 82  # 80 characters and the two quote marks


@pytest.mark.parametrize(
    ("grader", "options", "words"),
    [
        ("regex", {"pattern": "(unclosed"}, ["not a valid regex"]),
        ("regex", {"pattern": "x", "flags": "q"}, ["flag 'q'"]),
        ("contains", {"valeu": "£240"}, ["unknown option 'valeu'", "the option 'value'"]),
        ("contains", {"value": 240}, ["'value' must be text"]),
        ("contains_all", {"values": "one"}, ["'values' must be a list of text"]),
        ("contains_all", {"values": []}, ["empty"]),
        ("contains", {"value": "  "}, ["empty"]),
        ("must_not_contain", {"values": ["a", ""]}, ["empty value"]),
        ("exact", {}, ["the option 'expected' is required"]),
        ("exact", {"expected": "x", "case_sensitive": "yes"}, ["true or false"]),
        ("must_not_contain", {"values": ["a"], "threshold": 3}, ["threshold"]),
    ],
)
def test_bad_options_are_unscored_and_named(
    grader: str, options: dict[str, Any], words: list[str]
) -> None:
    result = run(grader, "some output", **options)
    assert result.unscored
    assert not result.passed and result.score == 0
    assert result.reason.startswith("bad options")
    for word in words:
        assert word in result.reason


def test_bad_options_stay_unscored_when_negated() -> None:
    result = run("regex", "x", negate=True, pattern="(")
    assert result.unscored and not result.passed


def test_contains_all_partial_score_and_threshold() -> None:
    options = {"values": ["a", "b", "c", "d"]}
    strict = grade_check("a b c", CheckSpec("contains_all", options), GradeContext())
    relaxed = grade_check(
        "a b c", CheckSpec("contains_all", options, threshold=0.75), GradeContext()
    )
    assert strict.score == relaxed.score == 0.75
    assert not strict.passed
    assert relaxed.passed and "meets the threshold" in relaxed.reason


def test_error_kind_is_copied_to_the_result() -> None:
    check = CheckSpec("contains", {"value": "[P2]", "error_kind": "uncited claim"})
    result = grade_check("no citation", check, GradeContext())
    assert result.error_kind == "uncited claim"
    assert not result.passed and not result.unscored
