"""`coach grade`, through the CLI's entry point: outputs graded without a model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from coach.cli import main
from coach.content import load_catalog

CATALOG = load_catalog()


def _exercise(kind: str) -> Any:
    return next(
        loaded.exercise for loaded in CATALOG.exercises if str(loaded.exercise.kind) == kind
    )


PROMPT = _exercise("prompt")
INSTRUCTIONS = _exercise("instructions")
REVIEW = _exercise("review")


def grade(*args: str) -> Result:
    return CliRunner().invoke(main, ["grade", *args])


def write_cases(tmp_path: Path, rows: list[Any]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text(
        "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_a_good_output_file_passes(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(PROMPT.reference.good_output, encoding="utf-8")
    result = grade(PROMPT.id, "--output-file", str(answer))
    assert result.exit_code == 0, result.output
    assert f"row 1: {PROMPT.id}: PASS" in result.output


def test_a_bad_output_file_fails_and_names_the_check(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(PROMPT.reference.bad_output, encoding="utf-8")
    result = grade(PROMPT.id, "--output-file", str(answer), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["verdict"] == "fail" and report["passed"] is False
    assert report["failed"] and all(item["code"] for item in report["failed"])


def test_cases_file_one_verdict_a_row(tmp_path: Path) -> None:
    item = INSTRUCTIONS.inputs[0]
    rows = [
        {"exercise": PROMPT.id, "output": PROMPT.reference.good_output, "expect": "pass"},
        {"exercise": PROMPT.id, "output": PROMPT.reference.bad_output, "expect": "fail"},
        {
            "exercise": INSTRUCTIONS.id,
            "input": item.id,
            "output": INSTRUCTIONS.reference.good_outputs[item.id],
            "expect": "pass",
        },
    ]
    result = grade("--cases", str(write_cases(tmp_path, rows)), "--json")
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert [r["verdict"] for r in reports] == ["pass", "fail", "pass"]
    assert [r["row"] for r in reports] == [1, 2, 3]
    assert reports[2]["input"] == item.id
    assert all(isinstance(r["score"], float) for r in reports)


def test_an_unexpected_verdict_fails_the_run(tmp_path: Path) -> None:
    rows = [{"exercise": PROMPT.id, "output": PROMPT.reference.bad_output, "expect": "pass"}]
    result = grade("--cases", str(write_cases(tmp_path, rows)))
    assert result.exit_code == 1
    assert "FAIL" in result.output


def test_the_exercise_argument_is_the_default_for_rows(tmp_path: Path) -> None:
    rows = [{"output": PROMPT.reference.good_output}]
    result = grade(PROMPT.id, "--cases", str(write_cases(tmp_path, rows)))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ({"exercise": "no-such-exercise", "output": "x"}, "no exercise"),
        ({"output": "x"}, "names no"),
        ({"exercise": "EX", "output": 3}, 'no "output"'),
    ],
)
def test_bad_rows_are_errors_not_crashes(tmp_path: Path, row: Any, words: str) -> None:
    if isinstance(row, dict) and row.get("exercise") == "EX":
        row = {**row, "exercise": PROMPT.id}
    good = {"exercise": PROMPT.id, "output": PROMPT.reference.good_output}
    result = grade("--cases", str(write_cases(tmp_path, [row, good])))
    assert result.exit_code == 1
    first, second = result.output.splitlines()[:2]
    assert first.startswith("row 1: ERROR") and words in first
    assert "PASS" in second  # the next row is still graded


def test_instructions_need_an_input(tmp_path: Path) -> None:
    rows = [{"exercise": INSTRUCTIONS.id, "output": "x"}]
    result = grade("--cases", str(write_cases(tmp_path, rows)))
    assert result.exit_code == 1 and "one hidden input at a time" in result.output


def test_review_exercises_have_no_output_checks(tmp_path: Path) -> None:
    rows = [{"exercise": REVIEW.id, "output": "x"}]
    result = grade("--cases", str(write_cases(tmp_path, rows)))
    assert result.exit_code == 1 and "no output checks" in result.output


def test_usage_errors() -> None:
    assert grade(PROMPT.id).exit_code == 2
    assert grade("--output-file", __file__).exit_code == 2


def test_terminal_escapes_in_output_are_not_echoed(tmp_path: Path) -> None:
    rows = [{"exercise": PROMPT.id, "output": "\x1b]0;pwned\x07 \x1b[2J nothing useful"}]
    result = grade("--cases", str(write_cases(tmp_path, rows)))
    assert "\x1b" not in result.output


def test_a_required_rubric_without_a_judge_is_partial_unless_checks_only(tmp_path: Path) -> None:
    with_rubric = next(
        loaded.exercise
        for loaded in CATALOG.exercises
        if str(loaded.exercise.kind) == "prompt"
        and any(check.grader == "rubric" for check in loaded.exercise.checks)
        and all(check.options.get("required", True) for check in loaded.exercise.checks)
    )
    answer = tmp_path / "answer.txt"
    answer.write_text(with_rubric.reference.good_output, encoding="utf-8")
    partial = grade(with_rubric.id, "--output-file", str(answer), "--json")
    report = json.loads(partial.output)
    assert report["verdict"] == "partial" and partial.exit_code == 1
    assert [item["code"] for item in report["not_graded"]] == ["rubric.unscored"]
    checks_only = grade(with_rubric.id, "--output-file", str(answer), "--checks-only")
    assert checks_only.exit_code == 0 and "PASS" in checks_only.output


def test_json_reports_carry_no_terminal_escapes(tmp_path: Path) -> None:
    rows = [{"exercise": PROMPT.id, "output": "\x1b[31m\u202eevil"}]
    result = grade("--cases", str(write_cases(tmp_path, rows)), "--json")
    report = json.loads(result.output)
    assert "\x1b" not in json.dumps(report, ensure_ascii=False)
    assert "\u202e" not in json.dumps(report, ensure_ascii=False)
