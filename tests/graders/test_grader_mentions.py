"""Meaning-level matchers: a value found in any written form, and near misses that are not it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check
from graders.dates import find_dates
from graders.values import find_numbers, find_ranges, words_value


def run(output: str, grader: str = "mentions", **options: Any) -> CheckResult:
    return grade_check(output, CheckSpec(grader, options), GradeContext())


# --- numbers ------------------------------------------------------------------------

NUMBER_FORMS = [
    "The total is 1,200.",
    "The total is 1 200.",
    "The total is 1\u00a0200.",  # no-break space between thousands
    "The total is 1\u202f200.",  # narrow no-break space
    "The total is 1200.00",
    "The total is 1.2k",
    "The total is $1,200.00",
    "The total is £1,200",
    "The total is 1,200 GBP",
    "The total is GBP 1,200",
    "The total is one thousand two hundred",
    "The total is twelve hundred",
    "Total: (1,200)",
]


@pytest.mark.parametrize("output", NUMBER_FORMS)
def test_number_found_in_any_form(output: str) -> None:
    result = run(output, number=1200)
    assert result.passed, result.reason
    assert result.code == "mentions.found"
    assert "1200" in result.reason


@pytest.mark.parametrize(
    "output",
    [
        "The total is 12,000.",  # the digits of 1,200, another number
        "The total is 11,200.",  # 1,200 inside another number
        "The total is 1,200.5",  # a number that starts with 1,200
        "Reference A1200",  # part of an id
        "version 1.2.0 of the app",  # not 1.2 nor 1200
        "The total is 120.",
        "On 2026-12-01 we paid 99.",  # the 12 and 01 of a date
        "",
    ],
)
def test_number_near_misses(output: str) -> None:
    result = run(output, number=1200)
    assert not result.passed and not result.unscored, result.reason


@pytest.mark.parametrize(
    ("output", "value"),
    [
        ("a rise of 12 %", 12),
        ("a rise of 12%", 12),
        ("a rise of 12 per cent", 12),
        ("a rise of 12 percent", 12),
        ("a rise of twelve per cent", 12),
        ("2½ days", 2.5),
        ("−5 degrees", -5),  # Unicode minus
        ("-5 degrees", -5),
        ("–5 degrees", -5),  # en dash written as a minus
        ("a loss of -£5", -5),
        ("£1.2m raised", 1_200_000),
        ("£1.2 million raised", 1_200_000),
        ("2bn users", 2_000_000_000),
        ("twenty-four weeks", 24),
        ("one hundred and five", 105),
        (".5 of it", 0.5),
    ],
)
def test_number_forms(output: str, value: float) -> None:
    result = run(output, number=value)
    assert result.passed, result.reason


def test_number_reason_says_the_written_form() -> None:
    result = run("We refund $1,200.00 today.", number=1200)
    assert 'written "$1,200.00"' in result.reason
    assert result.data["found"] == "$1,200.00"


def test_currency_is_kept_apart_and_checkable() -> None:
    assert run("£1,200", number=1200, currency="GBP").passed
    assert run("£1,200", number=1200, currency="£").passed
    assert run("1,200 pounds", number=1200, currency="GBP").passed
    wrong = run("$1,200", number=1200, currency="GBP")
    assert not wrong.passed and wrong.code == "mentions.wrong_currency"
    bare = run("1,200", number=1200, currency="GBP")
    assert not bare.passed and bare.code == "mentions.no_currency"
    # Another amount in the right currency does not rescue the wrong one.
    assert run("$1,200 or £5", number=1200, currency="GBP").code == "mentions.wrong_currency"


def test_percent_and_unit_are_checkable() -> None:
    assert run("12% of staff", number=12, percent=True).passed
    assert run("12 staff", number=12, percent=True).code == "mentions.no_percent"
    assert run("3 days", number=3, unit="days").passed
    assert run("3 day", number=3, unit="days").passed
    assert run("3 weeks", number=3, unit="days").code == "mentions.wrong_unit"


def test_five_metres_is_not_five_million() -> None:
    assert run("a 5m cable", number=5).passed
    assert not run("a 5m cable", number=5_000_000).passed
    assert run("£5m budget", number=5_000_000).passed


def test_tolerance() -> None:
    assert run("about 1,199.99", number=1200, tolerance=0.01).passed
    assert not run("about 1,199", number=1200, tolerance=0.01).passed
    assert run("about 1,188", number=1200, relative=0.01).passed


def test_words_can_be_switched_off() -> None:
    assert not run("twelve", number=12, words=False).passed


# --- ranges -------------------------------------------------------------------------

RANGE_FORMS = [
    "3-5 working days",
    "3–5 working days",  # en dash
    "3—5 working days",  # em dash
    "3 - 5 working days",
    "3 to 5 working days",
    "between 3 and 5 working days",
    "from 3 to 5 working days",
    "three to five working days",
    "between three and five working days",
]


@pytest.mark.parametrize("output", RANGE_FORMS)
def test_range_in_any_form(output: str) -> None:
    result = run(output, range=[3, 5])
    assert result.passed, result.reason
    assert "written" in result.reason


@pytest.mark.parametrize(
    ("output", "code"),
    [
        ("5-3 working days", "mentions.range_inverted"),
        ("5 to 3 working days", "mentions.range_inverted"),
        ("3-6 working days", "mentions.not_found"),
        ("3 and 5 are odd", "mentions.not_found"),  # "and" without "between"
        ("13-5", "mentions.not_found"),  # 3 inside 13
        ("35 days", "mentions.not_found"),
    ],
)
def test_range_near_misses(output: str, code: str) -> None:
    result = run(output, range=[3, 5])
    assert not result.passed and result.code == code, result.reason


def test_money_ranges() -> None:
    assert run("£43,000-£46,000", range=[43000, 46000], currency="GBP").passed
    assert run("£43k–£46k", range=[43000, 46000]).passed
    assert run("£43-46k", range=[43000, 46000]).passed
    inverted = run("£46,000-£43,000", range=[43000, 46000])
    assert inverted.code == "mentions.range_inverted"


def test_bad_range_option() -> None:
    result = run("3-5", range=[5, 3])
    assert result.unscored and result.code == "options.invalid"


# --- dates --------------------------------------------------------------------------

DATE_FORMS = [
    "Due 2026-03-01.",
    "Due 2026/03/01.",
    "Due 1 March 2026.",
    "Due 01 March 2026.",
    "Due 1st March 2026.",
    "Due 1st of March, 2026.",
    "Due March 1, 2026.",
    "Due March 1st, 2026.",
    "Due Mar 1 2026.",
    "Due 1 Mar 2026.",
    "Due 01-Mar-2026.",
    "Due Sunday, 1 March 2026.",
    "Due 2026-03-01T09:00.",
]


@pytest.mark.parametrize("output", DATE_FORMS)
def test_date_in_any_form(output: str) -> None:
    result = run(output, date="2026-03-01")
    assert result.passed, result.reason
    assert "2026-03-01" in result.reason


def test_a_toml_date_value_works() -> None:
    assert run("1 March 2026", date=date(2026, 3, 1)).passed


@pytest.mark.parametrize(
    "output",
    [
        "Due 1 March 2025.",  # another year
        "Due 1 April 2026.",
        "Due 2026-01-03.",  # ISO is never day-first
        "Due 11 March 2026.",  # 1 inside 11
        "Due 21/3/2026.",
    ],
)
def test_date_near_misses(output: str) -> None:
    result = run(output, date="2026-03-01", day_first=True)
    assert not result.passed and not result.unscored, result.reason


def test_numeric_dates_follow_the_declared_order() -> None:
    assert run("Due 1/3/2026", date="2026-03-01", day_first=True).passed
    assert not run("Due 1/3/2026", date="2026-03-01", day_first=False).passed
    assert run("Due 3/1/2026", date="2026-03-01", day_first=False).passed
    assert run("Due 01.03.2026", date="2026-03-01", day_first=True).passed
    # Unambiguous whatever the order: 13 cannot be a month.
    assert run("Due 13/3/2026", date="2026-03-13").passed


def test_an_ambiguous_numeric_date_is_never_guessed() -> None:
    result = run("Due 1/3/2026", date="2026-03-01")
    assert result.unscored and result.code == "mentions.date_ambiguous"
    assert "day_first" in result.reason


def test_dates_without_a_year_only_when_allowed() -> None:
    assert not run("Due 1 March.", date="2026-03-01").passed
    assert run("Due 1 March.", date="2026-03-01", allow_no_year=True).passed
    assert not run("you may 1 day", date="2026-05-01", allow_no_year=True).passed


# --- durations and ordinals --------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    ["a 24 months term", "a 24-month term", "a twenty-four month term", "24 mos", "24 Months"],
)
def test_duration_forms(output: str) -> None:
    assert run(output, duration="24 months").passed


def test_duration_conversion_only_when_allowed() -> None:
    assert not run("a two year term", duration="24 months").passed
    assert run("a two year term", duration="24 months", convert_units=True).passed
    assert run("2 weeks", duration="14 days", convert_units=True).passed
    assert not run("a 12-month term", duration="24 months", convert_units=True).passed
    # Months and weeks are not an exact conversion.
    assert not run("4 weeks", duration="1 month", convert_units=True).passed


def test_duration_near_misses() -> None:
    assert not run("24 weeks", duration="24 months").passed
    assert not run("124 months", duration="24 months").passed


def test_bad_duration_option() -> None:
    assert run("24 months", duration="soon").code == "options.invalid"


@pytest.mark.parametrize("output", ["the 3rd attempt", "the third attempt", "THIRD"])
def test_ordinal_forms(output: str) -> None:
    assert run(output, ordinal=3).passed


def test_ordinal_near_misses() -> None:
    assert not run("the 13th attempt", ordinal=3).passed
    assert not run("3 attempts", ordinal=3).passed
    assert run("the twenty-first", ordinal=21).passed


def test_exactly_one_value_kind() -> None:
    assert run("1", number=1, ordinal=1).code == "options.invalid"
    assert run("1").code == "options.invalid"


# --- the number grader (the output's figure) ------------------------------------------


@pytest.mark.parametrize(
    "output", ["Refund: $1,200.00", "Refund: 1.2k", "Refund: £1,200", "Refund: 1 200"]
)
def test_number_grader_reads_written_forms(output: str) -> None:
    assert run(output, grader="number", expected=1200).passed


def test_number_grader_currency_and_words() -> None:
    assert run("£54.85", grader="number", expected=54.85, currency="GBP").passed
    result = run("$54.85", grader="number", expected=54.85, currency="GBP")
    assert not result.passed and result.code == "number.wrong_currency"
    assert not run("twelve", grader="number", expected=12).passed  # words off by default
    assert run("twelve", grader="number", expected=12, words=True).passed


def test_number_grader_codes() -> None:
    assert run("none", grader="number", expected=1).code == "number.not_found"
    assert run("2", grader="number", expected=1).code == "number.mismatch"
    assert run("1", grader="number", expected=1).code == "number.match"


# --- value-normalised lists ----------------------------------------------------------


def test_set_equals_compares_amounts_by_value() -> None:
    options = {"expected": ["£1,200", "£45.50"], "compare": "number"}
    assert run("- £1200.00\n- £45.5", grader="set_equals", **options).passed
    assert not run("- £1200.00\n- £45.51", grader="set_equals", **options).passed
    assert not run("- $1200.00\n- £45.50", grader="set_equals", **options).passed


def test_set_equals_compares_dates_by_value() -> None:
    options = {"expected": ["2026-03-01", "2026-04-15"], "compare": "date"}
    assert run("1 March 2026\nApril 15th, 2026", grader="set_equals", **options).passed
    assert not run("1 March 2025\nApril 15th, 2026", grader="set_equals", **options).passed
    assert run("1/3/2026\n15/4/2026", grader="set_equals", day_first=True, **options).passed


def test_f1_compares_by_value() -> None:
    options = {"expected": ["1,200", "300", "45"], "compare": "number"}
    assert run("1200\n300\n45.0", grader="f1", **options).passed


def test_bad_compare_option() -> None:
    result = run("x", grader="set_equals", expected=["x"], compare="colour")
    assert result.unscored


# --- the parsers directly ------------------------------------------------------------


def test_words_value() -> None:
    assert words_value("twenty-four") == 24
    assert words_value("one hundred and five") == 105
    assert words_value("two thousand three hundred") == 2300
    assert words_value("one two") is None
    assert words_value("banana") is None


def test_one_two_is_two_numbers() -> None:
    assert [n.value for n in find_numbers("one two three")] == [1, 2, 3]


def test_find_ranges_keeps_written_order() -> None:
    assert [(r.low.value, r.high.value) for r in find_ranges("5-3 and 3-5")] == [(5, 3), (3, 5)]


def test_find_dates_ambiguity() -> None:
    [found] = find_dates("1/3/2026")
    assert found.value is None and set(found.candidates) == {date(2026, 3, 1), date(2026, 1, 3)}


def test_number_grader_does_not_take_a_date_for_the_figure() -> None:
    assert run("Refunded on 2026-03-01: £54.85", grader="number", expected=54.85).passed
    assert run("On 1 March 2026 we refunded 54.85", grader="number", expected=54.85).passed
    assert not run("On 1 March 2026 we refunded 45.85", grader="number", expected=54.85).passed
    # A date alone is no figure.
    assert run("2026-03-01", grader="number", expected=1).code == "number.not_found"
