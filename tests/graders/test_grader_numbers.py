"""The number grader: first number (or a pattern's group) within tolerance."""

from __future__ import annotations

from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check
from graders.numbers import parse_number

TOTAL = r"Q3 travel total:\s*(\d+(?:\.\d+)?)"


def run(output: str, negate: bool = False, **options: Any) -> CheckResult:
    return grade_check(output, CheckSpec("number", options, negate=negate), GradeContext())


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4783.80", 4783.8),
        ("Total: £1,234.50 due", 1234.5),
        ("1,234,567", 1234567.0),
        ("$ 12", 12.0),
        ("€0.89 per unit", 0.89),
        ("-£5.25 refund", -5.25),
        ("£-5", -5.0),
        ("−3.5 °C", -3.5),  # unicode minus
        ("+7 points", 7.0),
        (".5 of it", 0.5),
        ("Q3 had 12 trips", 12.0),  # the 3 in Q3 is part of a word
        ("2026-04-15", 2026.0),
        ("pages 3-5", 3.0),
        ("- 5 apples", 5.0),  # a bullet, not a sign
        ("no digits here", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


CASES: list[tuple[str, dict[str, Any], bool, list[str]]] = [
    ("The total is 4783.80 GBP", {"expected": 4783.8}, True, ["found 4783.8"]),
    ("The total is 4,783.80 GBP", {"expected": 4783.8}, True, []),
    ("The total is £4,783.80", {"expected": 4783.8}, True, []),
    ("The total is 4783.81", {"expected": 4783.8}, False, ["found 4783.81", "off by 0.01"]),
    ("The total is 4783.81", {"expected": 4783.8, "tolerance": 0.01}, True, ["within ±0.01"]),
    ("The total is 4783.79", {"expected": 4783.8, "tolerance": 0.005}, False, ["±0.005"]),
    ("The total is 4783.80", {"expected": 4783.8, "tolerance": 0.005}, True, []),
    ("about 105", {"expected": 100, "relative": 0.05}, True, []),
    ("about 106", {"expected": 100, "relative": 0.05}, False, []),
    ("0.30000000000000004", {"expected": 0.3}, True, []),  # float noise is not a miss
    ("-12", {"expected": -12}, True, []),
    ("12", {"expected": -12}, False, []),
    ("nothing to see", {"expected": 1}, False, ["no number found"]),
    ("", {"expected": 1}, False, ["no number found"]),
    (
        "July 1841.60, Q3 travel total: 4783.80 GBP",
        {"expected": 4783.8, "pattern": TOTAL},
        True,
        [],
    ),
    (
        "Q3 travel total: 8041.50 GBP\nJuly 4783.80",
        {"expected": 4783.8, "pattern": TOTAL},
        False,
        ["found 8041.5"],
    ),
    (
        "The Q3 total is 4783.80",
        {"expected": 4783.8, "pattern": TOTAL},
        False,
        ["no number found", "pattern"],
    ),
    ("TOTAL: 9", {"expected": 9, "pattern": r"total: (\d+)", "flags": "i"}, True, []),
    ("Total 9 of 12", {"expected": 12, "pattern": r"of \d+"}, True, []),  # no group: whole match
    ("x" * 1_000_000 + " 42", {"expected": 42}, True, []),
    ("1" * 1_000_000, {"expected": 1}, False, []),
]


@pytest.mark.parametrize(("output", "options", "passed", "words"), CASES)
def test_number(output: str, options: dict[str, Any], passed: bool, words: list[str]) -> None:
    result = run(output, **options)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    for word in words:
        assert word in result.reason
    assert len(result.reason) < 200


def test_number_negated() -> None:
    assert run("4783.80", negate=True, expected=5000).passed
    assert not run("4783.80", negate=True, expected=4783.8).passed


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"expected": "4783.80"}, ["'expected' must be a number"]),
        ({"expected": True}, ["'expected' must be a number"]),
        ({"expected": 1, "tolerance": -1}, ["must not be negative"]),
        ({"expected": 1, "pattern": "(("}, ["not a valid regex"]),
        ({"expected": 1, "tolerence": 0.1}, ["unknown option 'tolerence'"]),
        ({}, ["'expected' is required"]),
    ],
)
def test_number_bad_options(options: dict[str, Any], words: list[str]) -> None:
    result = run("12", **options)
    assert result.unscored and result.reason.startswith("bad options")
    for word in words:
        assert word in result.reason
