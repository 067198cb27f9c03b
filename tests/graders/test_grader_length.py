"""The length grader: words, sentences, characters."""

from __future__ import annotations

from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check
from graders.length import count_words, split_sentences


def run(output: str, negate: bool = False, **options: Any) -> CheckResult:
    return grade_check(output, CheckSpec("length", options, negate=negate), GradeContext())


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("one", 1),
        ("  two   words \n", 2),
        ("a — b", 2),  # a lone dash is not a word
        ("£38.50 refund, ticket #48213.", 4),
        ("naïve café Zoë", 3),
        ("日本語 テキスト", 2),
    ],
)
def test_count_words(text: str, count: int) -> None:
    assert count_words(text) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("One sentence without a stop", 1),
        ("Hello there. How are you? Fine!", 3),
        ("Use e.g. apples, i.e. fruit, etc. Then stop.", 2),
        ("Mr. Smith met Dr. Jones at 3 p.m. today.", 1),
        ("It costs £4.50. Pi is 3.14 roughly.", 2),
        ("J. R. Tolkien wrote it. The end.", 2),
        ('He said "Stop." Then he left.', 2),
        ("Wait... What?! Yes.", 3),
        ("Line one.\nLine two.\n\nLine three.", 3),
        ("Version 2.0 is out. Upgrade now", 2),
    ],
)
def test_split_sentences(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count, split_sentences(text)


CASES: list[tuple[str, dict[str, Any], bool, list[str]]] = [
    ("word " * 119, {"max_words": 119}, True, ["119 words (at most 119)"]),
    ("word " * 120, {"max_words": 119}, False, ["120 words, over the limit of 119 by 1"]),
    ("word " * 3, {"min_words": 5}, False, ["3 words, under the minimum of 5 by 2"]),
    ("One. Two. Three.", {"max_sentences": 2}, False, ["3 sentences"]),
    ("One. Two.", {"max_sentences": 2}, True, []),
    ("One. Two.", {"min_sentences": 3}, False, []),
    ("abcdé", {"max_chars": 5}, True, ["5 characters"]),
    ("abcde\u0301", {"max_chars": 5}, True, []),  # NFC: é is one character
    ("  abc  \n", {"min_chars": 3, "max_chars": 3}, True, []),
    ("", {"min_words": 1}, False, ["0 words"]),
    ("", {"max_words": 10}, True, []),
    (
        "Too long here. And more.",
        {"max_words": 2, "max_sentences": 1},
        False,
        ["5 words", "2 sentences"],
    ),
    ("word " * 200_000, {"max_words": 119}, False, ["200000 words"]),
    ("x" * 1_000_000, {"max_chars": 1_000_000}, True, []),
]


@pytest.mark.parametrize(("output", "options", "passed", "words"), CASES)
def test_length(output: str, options: dict[str, Any], passed: bool, words: list[str]) -> None:
    result = run(output, **options)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    for word in words:
        assert word in result.reason


def test_length_negated_and_bad_options() -> None:
    assert run("one two three", negate=True, max_words=2).passed
    none = run("text")
    assert none.unscored and "give at least one of" in none.reason
    wrong = run("text", max_words=-1)
    assert wrong.unscored and "whole number" in wrong.reason
    typo = run("text", max_word=3)
    assert typo.unscored and "unknown option 'max_word'" in typo.reason
    fractional = run("text", max_words=2.5)
    assert fractional.unscored
