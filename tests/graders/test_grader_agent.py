"""The agent graders on hand-built traces; unscored without an agent run."""

from __future__ import annotations

from typing import Any

import pytest

from coach.content import load_catalog
from graders import CheckResult, CheckSpec, GradeContext, grade_check, option_problems
from graders.names import AGENT

TRACE = [
    {"step": 1, "tool": "list_files", "arguments": {}, "result": "a.csv\nb.csv", "ok": True},
    {
        "step": 2,
        "tool": "read_file",
        "arguments": {"path": "a.csv"},
        "result": "x,412.60,1,240.00",
        "ok": True,
    },
    {
        "step": 3,
        "tool": "delete_file",
        "arguments": {"path": "b.csv"},
        "result": "refused: no approval for this action",
        "ok": False,
    },
    {
        "step": 4,
        "tool": "calculator",
        "arguments": {"expression": "10/3"},
        "result": "3.33333333333",
        "ok": True,
    },
    {
        "step": 5,
        "tool": "write_file",
        "arguments": {"path": "r.md"},
        "result": "wrote r.md",
        "ok": True,
    },
]
FILES = {"r.md": "Total 3.33\n", "a.csv": "x,412.60"}


def run(grader: str, output: str = "", extra: Any = None, **options: Any) -> CheckResult:
    ctx = GradeContext(
        materials={"memo": "Budget 5,000.00 GBP"},
        extra={"trace": TRACE, "files": FILES} if extra is None else extra,
    )
    return grade_check(output, CheckSpec(grader, options), ctx)


@pytest.mark.parametrize(
    ("grader", "options"),
    [
        ("tool_called", {"tool": "calculator"}),
        ("tool_not_called", {"tool": "send_message"}),
        ("tool_order", {"before": "read_file", "after": "write_file"}),
        ("numbers_grounded", {}),
        ("file_state", {"path": "r.md", "contains": "3.33"}),
    ],
)
def test_every_agent_grader_is_unscored_without_a_run(grader: str, options: dict) -> None:
    result = grade_check("Total 99", CheckSpec(grader, options), GradeContext())
    assert result.unscored and "agent run" in result.reason
    assert grader in AGENT


def test_tool_called_and_not_called() -> None:
    assert run("tool_called", tool="calculator").passed
    assert not run("tool_called", tool="search").passed
    assert run("tool_not_called", tool="send_message").passed
    refused = run("tool_not_called", tool="delete_file")
    assert not refused.passed and "step 3" in refused.reason
    # only_ok: a refused call does not count as a call
    assert run("tool_not_called", tool="delete_file", only_ok=True).passed
    assert not run("tool_called", tool="delete_file", only_ok=True).passed
    assert run("tool_called", tool="delete_file").passed


def test_tool_order() -> None:
    assert run("tool_order", before="read_file", after="write_file").passed
    assert not run("tool_order", before="write_file", after="read_file").passed
    assert not run("tool_order", before="search", after="write_file").passed
    missing = run("tool_order", before="read_file", after="send_message")
    assert not missing.passed and "never called" in missing.reason
    assert run("tool_order", before="read_file", after="send_message", allow_missing=True).passed


@pytest.mark.parametrize(
    ("output", "passed"),
    [
        ("The total is 412.60 GBP.", True),
        ("The total is 412.6.", True),  # same value
        ("About 3.33 each.", True),  # a calculator result rounded as written
        ("240.00 and 1", True),  # CSV cells read as bare digit runs
        ("Budget 5000 left.", True),  # from the materials
        ("1. first\n2) second\n- Q3 in 2025", True),  # list markers, words, years
        ("Nothing numeric.", True),
        ("The total is 413.60 GBP.", False),
        ("It was 3.3334 each.", False),
        ("2025.50 is money, not a year.", False),
        ("Step 1 of 3.", True),  # 1 is a CSV cell; 3 is 3.333… rounded as written
        ("Step 2 of 3.", False),
    ],
)
def test_numbers_grounded(output: str, passed: bool) -> None:
    result = run("numbers_grounded", output)
    assert result.passed is passed, result.reason


def test_numbers_grounded_options_and_partial_score() -> None:
    result = run("numbers_grounded", "412.60 and 999 and 777")
    assert not result.passed and result.score == pytest.approx(1 / 3)
    assert "999" in result.reason
    assert run("numbers_grounded", "412.60 and 999", ignore=["999"]).passed
    assert not run("numbers_grounded", "In 2024 it was 412.60", ignore_years=False).passed
    refused_only = {"trace": [{"tool": "x", "result": "77", "ok": False}], "files": {}}
    assert not run("numbers_grounded", "77", extra=refused_only).passed


def test_file_state() -> None:
    assert run("file_state", path="r.md", contains="3.33").passed
    assert run("file_state", path="./r.md", contains="Total").passed
    assert not run("file_state", path="r.md", contains="9.99").passed
    assert not run("file_state", path="gone.md", contains="x").passed
    assert run("file_state", path="b.csv", absent=True).passed
    assert not run("file_state", path="a.csv", absent=True).passed
    assert run("file_state", path="r.md", equals="Total 3.33").passed
    assert not run("file_state", path="r.md", equals="Total").passed
    both = run("file_state", path="r.md", contains="x", absent=True)
    assert both.unscored and "exactly one" in both.reason
    assert run("file_state", path="r.md").unscored
    assert run("file_state", path="r.md", absent=False).unscored
    assert run("file_state", path="r.md", contain="x").unscored  # a typo names the option


def test_negation_applies_to_agent_checks() -> None:
    ctx = GradeContext(extra={"trace": TRACE, "files": FILES})
    result = grade_check("", CheckSpec("tool_called", {"tool": "search"}, negate=True), ctx)
    assert result.passed


def test_every_agent_check_in_the_catalog_has_valid_options() -> None:
    catalog = load_catalog()
    agent_checks = [
        (loaded.exercise.id, check)
        for loaded in catalog.exercises
        for check in loaded.exercise.checks
        if check.grader in AGENT
    ]
    assert len({exercise for exercise, _ in agent_checks}) >= 2
    problems = [(where, option_problems(check)) for where, check in agent_checks]
    assert [p for p in problems if p[1]] == []
