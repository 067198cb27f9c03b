"""Structured graders: json, set_equals, f1, label_in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check

DATES = ["2026-03-31", "2026-03-06", "2026-03-01", "2026-04-01", "2026-04-14", "2023-03-15"]
DATE_LIST = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}
INVOICE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["supplier", "total", "due_date"],
    "properties": {
        "supplier": {"type": "string", "minLength": 1},
        "total": {"type": ["number", "null"]},
        "due_date": {"const": "2026-02-14"},
    },
}
LABELS = ["enterprise", "mid-market", "smb", "partner", "needs-review"]


def run(grader: str, output: str, negate: bool = False, **options: Any) -> CheckResult:
    return grade_check(output, CheckSpec(grader, options, negate=negate), GradeContext())


JSON_CASES: list[tuple[str, dict[str, Any], bool, list[str]]] = [
    (json.dumps(DATES), {"schema": DATE_LIST}, True, ["a list of 6 items", "fits the schema"]),
    ("  \n" + json.dumps(DATES) + "\n\n", {"schema": DATE_LIST}, True, []),
    ('{"a": 1}', {}, True, ["an object with 1 key"]),
    ('"just text"', {}, True, []),
    ("```json\n" + json.dumps(DATES) + "\n```", {}, False, ["wrapped in a code fence"]),
    ("```\n" + json.dumps(DATES) + "\n```", {}, False, ["code fence"]),
    ("```json\n" + json.dumps(DATES) + "\n```", {"allow_fence": True}, True, []),
    (
        "```json\n" + json.dumps(DATES) + "\n```",
        {"allow_fence": True, "schema": DATE_LIST},
        True,
        [],
    ),
    (
        "Here are the dates:\n" + json.dumps(DATES),
        {},
        False,
        ['extra text before the JSON: "Here are the dates:"'],
    ),
    (
        "Sure!\n```json\n" + json.dumps(DATES) + "\n```",
        {"allow_fence": True},
        False,
        ["extra text before the JSON"],
    ),
    (json.dumps(DATES) + "\nHope this helps!", {}, False, ['extra text after the JSON: "Hope']),
    ('["a", "b",]', {}, False, ["not valid JSON", "line 1"]),
    ("['a', 'b']", {}, False, ["not valid JSON"]),
    ('{"total": NaN}', {}, False, ["NaN"]),
    ("", {}, False, ["empty"]),
    ("   \n ", {}, False, ["empty"]),
    ('["2026-3-1"]', {"schema": DATE_LIST}, False, ['[0] is "2026-3-1"', "does not match"]),
    ('{"dates": []}', {"schema": DATE_LIST}, False, ["should be a list, not an object"]),
    (
        '{"supplier": "Lácteos del Norte S.L.", "total": 12450.80, "due_date": "2026-02-14"}',
        {"schema": INVOICE},
        True,
        [],
    ),
    (
        '{"supplier": "Lácteos", "total": "12.450,80", "due_date": "2026-01-15", "note": "x"}',
        {"schema": INVOICE},
        False,
        [
            "3 problems",
            "unexpected 1 key: note",
            'due_date should be "2026-02-14", not "2026-01-15"',
            'total should be a number or null, not text "12.450,80"',
        ],
    ),
    ('{"total": 1}', {"schema": INVOICE}, False, ["missing the key 'supplier'"]),
    ('{"k": "Zoë 😀"}', {"schema": {"properties": {"k": {"const": "Zoë 😀"}}}}, True, []),
]


@pytest.mark.parametrize(("output", "options", "passed", "words"), JSON_CASES)
def test_json(output: str, options: dict[str, Any], passed: bool, words: list[str]) -> None:
    result = run("json", output, **options)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    assert result.score == (1.0 if passed else 0.0)
    for word in words:
        assert word in result.reason


def test_json_huge_output() -> None:
    big = json.dumps([f"item {i:06d}" for i in range(80_000)])
    assert len(big) > 1_000_000
    assert run("json", big, schema={"type": "array", "maxItems": 100_000}).passed
    result = run("json", big + " trailing words")
    assert not result.passed and "extra text after" in result.reason
    assert len(result.reason) < 200


def test_json_deeply_nested_never_crashes() -> None:
    result = run("json", "[" * 100_000 + "]" * 100_000)
    assert isinstance(result, CheckResult)  # returned, whatever it decided: no exception
    assert len(result.reason) < 300


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"schema": {"type": "no-such-type"}}, ["not valid JSON Schema"]),
        ({"schema": "array"}, ["'schema' must be a table"]),
        ({"allow_fences": True}, ["unknown option 'allow_fences'"]),
    ],
)
def test_json_bad_options(options: dict[str, Any], words: list[str]) -> None:
    result = run("json", "[]", **options)
    assert result.unscored and result.reason.startswith("bad options")
    for word in words:
        assert word in result.reason


SET_CASES: list[tuple[str, dict[str, Any], bool, float, list[str]]] = [
    (json.dumps(DATES), {}, True, 1.0, ["exactly the 6 expected items"]),
    (json.dumps(list(reversed(DATES))), {}, True, 1.0, []),
    ("\n".join(f"- {d}" for d in DATES), {}, True, 1.0, []),
    ("\n".join(f"{i}. {d}" for i, d in enumerate(DATES, 1)), {}, True, 1.0, []),
    ("\n".join(f"* {d}  " for d in DATES) + "\n\n", {}, True, 1.0, []),
    (
        json.dumps([*DATES[:2], "2026-01-03", *DATES[3:]]),
        {},
        False,
        5 / 7,
        ["expected 6, found 6", "missing 2026-03-01", "unexpected 2026-01-03"],
    ),
    (json.dumps(DATES[:5]), {}, False, 5 / 6, ["missing 2023-03-15"]),
    (json.dumps([*DATES, "2026-02-10"]), {}, False, 6 / 7, ["unexpected 2026-02-10"]),
    ("", {}, False, 0.0, ["no items"]),
    ("```json\n" + json.dumps(DATES) + "\n```", {}, False, 0.0, ["code fence"]),
    ("```json\n" + json.dumps(DATES) + "\n```", {"allow_fence": True}, True, 1.0, []),
]


@pytest.mark.parametrize(("output", "extra", "passed", "score", "words"), SET_CASES)
def test_set_equals(
    output: str, extra: dict[str, Any], passed: bool, score: float, words: list[str]
) -> None:
    result = run("set_equals", output, expected=DATES, **extra)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    assert result.score == pytest.approx(score)
    for word in words:
        assert word in result.reason


@pytest.mark.parametrize(
    ("output", "normalize", "passed"),
    [
        ('["Ann Lee", "bo  Chen"]', ["case", "whitespace"], True),
        ('["Ann Lee", "bo  Chen"]', ["whitespace"], False),
        ('["ann lee", "Bo Chen"]', ["case"], True),
        ('["Ann Lee", "Bo  Chen"]', ["case"], False),
        ('["Ann Lee", "Bo Chen"]', [], True),
        ('["ann lee", "Bo Chen"]', [], False),
        ('["Zoe\u0308", "Bo Chen", "Ann Lee"]', ["case", "whitespace"], False),
    ],
)
def test_set_equals_normalize(output: str, normalize: list[str], passed: bool) -> None:
    result = run("set_equals", output, expected=["Ann Lee", "Bo Chen"], normalize=normalize)
    assert result.passed is passed, result.reason


def test_set_equals_unicode_is_nfc_normalised() -> None:
    assert run("set_equals", '["Zoe\u0308"]', expected=["Zoë"]).passed


def test_set_equals_non_string_items_and_bad_normalize() -> None:
    assert run("set_equals", "[1, 2, 3]", expected=["3", "2", "1"]).passed
    result = run("set_equals", "[]", expected=["a"], normalize=["accents"])
    assert result.unscored and "normalize" in result.reason


def test_set_equals_huge_output() -> None:
    output = "\n".join(f"- row {i}" for i in range(100_000))
    assert len(output) > 1_000_000
    result = run("set_equals", output, expected=["row 1"])
    assert not result.passed and "and 99994 more" in result.reason
    assert len(result.reason) < 400


F1_CASES: list[tuple[list[str], float, bool]] = [
    (DATES, 1.0, True),
    (DATES[:5], 2 * 1 * (5 / 6) / (1 + 5 / 6), True),  # 0.909
    (DATES[:4], 0.8, True),  # exactly at the default threshold
    (DATES[:3], 2 * 1 * 0.5 / 1.5, False),
    ([*DATES, "x", "y"], 2 * 0.75 * 1 / 1.75, True),  # precision 0.75, recall 1: F1 0.857
    ([], 0.0, False),
]


@pytest.mark.parametrize(("items", "score", "passed"), F1_CASES)
def test_f1(items: list[str], score: float, passed: bool) -> None:
    result = run("f1", json.dumps(items), expected=DATES)
    assert result.score == pytest.approx(score)
    assert result.passed is (score >= 0.8)
    assert result.reason.startswith(f"F1 {score:.2f}")


def test_f1_threshold_from_the_check() -> None:
    items = json.dumps(DATES[:5])
    strict = grade_check(items, CheckSpec("f1", {"expected": DATES}, threshold=0.95))
    assert not strict.passed and "needs 0.95" in strict.reason
    loose = grade_check(json.dumps(DATES[:3]), CheckSpec("f1", {"expected": DATES}, threshold=0.6))
    assert loose.passed


def test_f1_negated_uses_one_minus_score() -> None:
    result = run("f1", json.dumps(DATES[:3]), negate=True, expected=DATES)
    assert result.passed and result.score == pytest.approx(1 - 2 / 3)


LABEL_CASES: list[tuple[str, dict[str, Any], bool, list[str]]] = [
    ("mid-market", {}, True, ['"mid-market"']),
    ("  Mid-Market.\n", {}, True, []),
    ("ENTERPRISE", {"expected": "enterprise"}, True, []),
    ("smb", {"expected": "enterprise"}, False, ['got "smb"; expected "enterprise"']),
    ("Route: mid-market", {}, False, ['"Route: mid-market"', "not one of"]),
    ("mid-market, probably", {}, False, []),
    ("", {}, False, ["empty"]),
    ("x" * 1_000_000, {}, False, ["…"]),
]


@pytest.mark.parametrize(("output", "extra", "passed", "words"), LABEL_CASES)
def test_label_in(output: str, extra: dict[str, Any], passed: bool, words: list[str]) -> None:
    result = run("label_in", output, labels=LABELS, **extra)
    assert not result.unscored, result.reason
    assert result.passed is passed, result.reason
    for word in words:
        assert word in result.reason
    assert len(result.reason) < 250


def test_label_in_expected_must_be_a_label() -> None:
    result = run("label_in", "smb", labels=LABELS, expected="large")
    assert result.unscored and "not one of the labels" in result.reason
