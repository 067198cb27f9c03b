"""quotes_exist_in: every quoted span is verbatim in a named source."""

from __future__ import annotations

from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check
from graders.sources import quote_in, quoted_spans

SOURCES = """[Document A] Travel and Expenses Policy, version 4.2

4.1 Hotels. The maximum nightly rate, including taxes and excluding breakfast, \
is £180 in London and £130 elsewhere in the UK.
4.3 Meals. Breakfast is reimbursed up to £15 a day when not included in the
room rate. Dinner is reimbursed up to £35 a day.

[Document B] Finance memo FM-2025-07
With immediate effect, the maximum nightly rate for London hotels is raised to £240, \
including taxes. The memo’s “London only” rule applies."""

CTX = GradeContext(materials={"sources": SOURCES}, input_text="[P1] Up to 5 days carry over.")


def run(output: str, negate: bool = False, ctx: GradeContext = CTX, **options: Any) -> CheckResult:
    options.setdefault("material", "sources")
    return grade_check(output, CheckSpec("quotes_exist_in", options, negate=negate), ctx)


def test_quoted_spans_straight_and_curly() -> None:
    text = 'He said "one two" and “three four” and „five” but "" and "!" are skipped'
    assert quoted_spans(text) == ["one two", "three four", "five"]


@pytest.mark.parametrize(
    ("span", "found"),
    [
        ("Breakfast is reimbursed up to £15 a day", True),
        ("Breakfast is reimbursed up to £15 a day when not included in the room rate.", True),
        ("breakfast is reimbursed up to £15 a day", True),  # first letter may change case
        ("Breakfast is reimbursed up to £20 a day", False),
        ("BREAKFAST is reimbursed", False),
        ("the maximum nightly rate for London hotels is raised to £240.", True),  # stop inside
        ("The maximum nightly rate ... is £180 in London", True),  # ellipsis gap
        ("The maximum nightly rate […] is £180 in London", True),
        ("is £180 in London … The maximum nightly rate", False),  # out of order
        ('The memo\'s "London only" rule applies', True),  # curly vs straight
        ("reasonable ground transport is reimbursed", False),
    ],
)
def test_quote_in(span: str, found: bool) -> None:
    from graders.sources import normalise

    assert quote_in(normalise(span), normalise(SOURCES)) is found


CASES: list[tuple[str, dict[str, Any], bool, float, list[str]]] = [
    (
        'Memo: "the maximum nightly rate for London hotels is raised to £240, including taxes" '
        'and 4.3: "Breakfast is reimbursed up to £15 a day when not included in the room rate."',
        {"min_quotes": 2},
        True,
        1.0,
        ["all 2 quotes appear word for word in the sources"],
    ),
    (
        "Policy: “Breakfast is reimbursed up to £15 a day”.",
        {},
        True,
        1.0,
        ["the one quote appears"],
    ),
    (
        'Quote: "Breakfast is reimbursed\n   up to £15 a day when not included in the room rate"',
        {},
        True,
        1.0,
        [],
    ),
    (
        'Yes: "reasonable ground transport to and from airports is reimbursed" and '
        '"Dinner is reimbursed up to £35 a day."',
        {},
        False,
        0.5,
        ["1 quote of 2 not found in the sources", '"reasonable ground transport'],
    ),
    ("No quotes at all.", {}, False, 0.0, ["found 0 quotes, at least 1 quote needed"]),
    ("No quotes at all.", {"min_quotes": 0}, True, 1.0, ["no quotes to check"]),
    ('"Dinner is reimbursed up to £35 a day"', {"min_quotes": 2}, False, 0.5, ["at least 2"]),
    ("", {}, False, 0.0, []),
    ('[P1] says "Up to 5 days carry over."', {"material": "input"}, True, 1.0, ["the input"]),
    ('"Up to 7 days carry over"', {"material": "input"}, False, 0.0, ["the input"]),
]


@pytest.mark.parametrize(("output", "options", "passed", "score", "words"), CASES)
def test_quotes_exist_in(
    output: str, options: dict[str, Any], passed: bool, score: float, words: list[str]
) -> None:
    result = run(output, **options)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    assert result.score == pytest.approx(score)
    for word in words:
        assert word in result.reason


def test_long_invented_quote_is_shortened_in_the_reason() -> None:
    result = run('"' + "invented words " * 200 + '"')
    assert not result.passed and len(result.reason) < 200


def test_huge_output() -> None:
    output = '"Dinner is reimbursed up to £35 a day" ' * 26_000
    assert len(output) > 1_000_000
    assert run(output).passed
    assert not run(output + '"made up"').passed


def test_unknown_material_is_unscored_with_a_clear_reason() -> None:
    result = run('"x"', material="srcs")
    assert result.unscored
    assert 'no material named "srcs"' in result.reason and "sources" in result.reason


def test_input_without_input_text_is_unscored() -> None:
    result = run('"x"', material="input", ctx=GradeContext(materials={}))
    assert result.unscored and "input" in result.reason


def test_negated() -> None:
    assert run('"not in the documents"', negate=True).passed
