"""The library's coverage, so it cannot silently shrink (the exercise-library issue)."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from coach.cli import main
from coach.content import load_catalog

# The kinds each level must offer (at least one exercise of each).
KINDS_BY_LEVEL = {
    1: {"prompt", "review", "fit"},
    2: {"prompt", "review"},
    3: {"prompt", "instructions", "review"},
    4: {"instructions", "pipeline", "review", "fit"},
    5: {"agent", "review", "fit"},
    6: {"evals", "agent", "review"},
}
FUNCTIONS = {
    "marketing",
    "sales",
    "finance",
    "hr",
    "legal",
    "support",
    "operations",
    "engineering",
    "management",
}


def exercises():
    catalog = load_catalog()
    assert catalog.problems == []
    return [loaded.exercise for loaded in catalog.exercises]


def test_at_least_ten_exercises_per_level() -> None:
    per_level = Counter(exercise.level for exercise in exercises())
    assert all(per_level[level] >= 10 for level in range(1, 7)), per_level


def test_every_level_offers_its_kinds() -> None:
    for level, kinds in KINDS_BY_LEVEL.items():
        found = {str(e.kind) for e in exercises() if e.level == level}
        assert kinds <= found, (level, kinds - found)


def test_at_least_two_of_each_multi_step_kind() -> None:
    per_kind = Counter(str(e.kind) for e in exercises())
    for kind in ("instructions", "pipeline", "agent", "evals"):
        assert per_kind[kind] >= 2, kind


def test_fifteen_reviews_and_not_always_wrong() -> None:
    reviews = [e for e in exercises() if e.kind == "review"]
    assert len(reviews) >= 15
    items = [item for review in reviews for item in review.outputs]
    right = sum(not item.wrong for item in items)
    assert right >= len(items) // 5, "some recorded outputs must be correct"


def test_work_functions_are_all_covered() -> None:
    covered = {function for e in exercises() for function in e.functions}
    assert covered >= FUNCTIONS, FUNCTIONS - covered


def test_check_reports_counts_per_level_and_kind() -> None:
    result = CliRunner().invoke(main, ["check", "--json"])
    counts = json.loads(result.stdout)["counts"]
    assert sum(counts["by_kind"].values()) == len(exercises())
    assert set(counts["by_level"]) == {"1", "2", "3", "4", "5", "6"}
