"""A number that ends a sentence is still a number ("refunded £8.95."), while a
dotted version or date ("1.2.3", "1.3.2026") is none."""

from __future__ import annotations

import pytest

from graders.context import GradeContext
from graders.registry import CheckSpec, grade_check
from graders.values import find_numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We have refunded £8.95. Thanks for your patience.", 8.95),
        ("The total is 12.5.", 12.5),
        ("It came to £1,200.00.", 1200.0),
        ("Churn fell to 3.2%.", 3.2),
    ],
)
def test_a_number_at_the_end_of_a_sentence_is_read(text: str, value: float) -> None:
    assert value in [found.value for found in find_numbers(text, words=False)]


@pytest.mark.parametrize("text", ["version 1.2.3 shipped", "due on 1.3.2026 at noon"])
def test_dotted_versions_and_dates_are_not_numbers(text: str) -> None:
    assert find_numbers(text, words=False) == []


def test_mentions_finds_an_amount_before_a_full_stop() -> None:
    spec = CheckSpec.from_dict({"grader": "mentions", "number": 8.95, "currency": "GBP"})
    result = grade_check("We've refunded £8.95. It'll reach you soon.", spec, GradeContext())
    assert result.passed, result.reason
