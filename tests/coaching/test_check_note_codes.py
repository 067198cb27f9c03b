"""Coaching notes choose their wording by a result's code, never by its reason's words."""

from __future__ import annotations

from typing import Any

import pytest

from coach.coaching.check_notes import Failed, Writer, note_on
from graders.result import CheckResult

WRITER = Writer(prompt="Summarise the email.", yours="your prompt")


def failed(grader: str, code: str, reason: str = "zzz", **data: Any) -> Failed:
    check = CheckResult(grader=grader, passed=False, score=0.0, reason=reason, code=code, data=data)
    return Failed(check=check, options={}, output=None)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("json.fenced", "code fence"),
        ("json.text_before", "extra text before"),
        ("json.text_after", "extra text after"),
        ("json.schema", "wrong shape"),
        ("json.empty", "was empty"),
        ("json.invalid", "not valid JSON"),
    ],
)
def test_json_notes_follow_the_code(code: str, words: str) -> None:
    # The reason is nonsense on purpose: only the code may decide the note.
    note = note_on(failed("json", code), WRITER)
    assert note is not None and words in note.text


def test_number_note_reads_the_data() -> None:
    note = note_on(failed("number", "number.mismatch", found=14400.0, expected=14880.0), WRITER)
    assert note is not None and "figure was 14400; the right one is 14880" in note.text
    missing = note_on(failed("number", "number.not_found"), WRITER)
    assert missing is not None and "no figure" in missing.text


def test_list_and_ban_notes_read_the_data() -> None:
    items = note_on(failed("set_equals", "set_equals.differ", missing=["a"], unexpected=[]), WRITER)
    assert items is not None and "line by line" in items.text
    ban = note_on(failed("must_not_contain", "must_not_contain.present", found=["pricing"]), WRITER)
    assert ban is not None and '"pricing"' in ban.text


def test_mentions_notes() -> None:
    inverted = note_on(failed("mentions", "mentions.range_inverted", kind="range"), WRITER)
    assert inverted is not None and "high to low" in inverted.text
    missing = note_on(failed("mentions", "mentions.not_found", kind="date"), WRITER)
    assert missing is not None and "right date" in missing.text


def test_label_and_length_notes() -> None:
    not_label = note_on(failed("label_in", "label_in.not_a_label"), WRITER)
    assert not_label is not None and "not one of the allowed labels" in not_label.text
    wrong = note_on(failed("label_in", "label_in.wrong"), WRITER)
    assert wrong is not None and "wrong label" in wrong.text
    over = note_on(failed("length", "length.over"), WRITER)
    assert over is not None and "too long" in over.text
    under = note_on(failed("length", "length.under"), WRITER)
    assert under is not None and "too short" in under.text
