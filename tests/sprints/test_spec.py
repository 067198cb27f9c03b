"""The sprint file: validation with problems that name the file and the field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.content import load_catalog
from coach.sprints.spec import SprintFileError, load_sprint

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sprint.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, catalog=None) -> list[str]:
    with pytest.raises(SprintFileError) as caught:
        load_sprint(path, catalog)
    return [str(problem) for problem in caught.value.problems]


def test_example_file_is_valid() -> None:
    loaded = load_sprint(REPO / "sprints" / "example.toml", load_catalog())
    assert loaded.spec.mode == "matched"
    assert loaded.spec.duration_minutes == 25
    assert loaded.spec.filter().kinds == ("prompt", "review", "instructions")
    assert len(loaded.file_hash) == 64
    assert loaded.record_spec()["hash"] == loaded.file_hash


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nduration_minutes = = 3\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2: invalid TOML")


def test_duration_zero(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nduration_minutes = 0\n')
    (problem,) = problems_of(path)
    assert problem == f"{path}:2: duration_minutes: must be at least 1 (got 0)"


def test_duration_over_limit_and_missing_name(tmp_path: Path) -> None:
    path = write(tmp_path, "duration_minutes = 241\n")
    problems = problems_of(path)
    assert f"{path}: name: is required but missing" in problems
    assert f"{path}:1: duration_minutes: must be at most 240 (got 241)" in problems


def test_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nduration_minutes = 5\nkinds = ["prompt", "essay"]\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: kinds.1: ")
    assert "'essay'" in problem


def test_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nduration_minutes = 5\nskils = ["a"]\n')
    (problem,) = problems_of(path)
    assert problem == f"{path}:3: skils: is not a known field (check the spelling)"


def test_fixed_mode_with_unknown_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "x"\nduration_minutes = 5\nmode = "fixed"\n'
        'exercises = ["l1-renewal-dates-to-json", "no-such-exercise"]\n',
    )
    (problem,) = problems_of(path, load_catalog())
    assert problem == (
        f"{path}:4: exercises.1: unknown exercise id 'no-such-exercise' (see `coach exercises`)"
    )
    # Without a catalog only the shape is checked.
    assert load_sprint(path).spec.exercises[1] == "no-such-exercise"


def test_fixed_mode_needs_exercises(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nduration_minutes = 5\nmode = "fixed"\n')
    (problem,) = problems_of(path)
    assert 'mode "fixed" needs a list of exercises' in problem


def test_window_closed_and_not_open(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "Week 1"\nduration_minutes = 30\n'
        "opens = 2026-03-02T09:00:00Z\ncloses = 2026-03-02T10:00:00Z\n",
    )
    spec = load_sprint(path).spec
    before = datetime(2026, 3, 2, 8, 59, tzinfo=UTC)
    inside = datetime(2026, 3, 2, 9, 45, tzinfo=UTC)
    after = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert "is not open yet" in (spec.window_problem(before) or "")
    assert spec.window_problem(inside) is None
    assert "'Week 1' closed at" in (spec.window_problem(after) or "")
    # Starting 15 minutes before it closes leaves 15 minutes, not 30.
    assert spec.seconds_at(inside) == 15 * 60
    assert spec.seconds_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == 30 * 60


def test_window_must_close_after_it_opens(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "x"\nduration_minutes = 5\n'
        "opens = 2026-03-02T09:00:00Z\ncloses = 2026-03-02T08:00:00Z\n",
    )
    (problem,) = problems_of(path)
    assert "closes must be after opens" in problem
