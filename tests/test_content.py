"""Content loading: the shipped library is valid; each broken file is named, others still load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coach.content import Kind, load_catalog
from coach.content.sources import all_sources, builtin_source, pack_source

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted((FIXTURES / "broken").glob("*.toml"))


def expectation(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ").split("  (")[0]


def test_builtin_content_is_valid() -> None:
    catalog = load_catalog([builtin_source()])
    assert catalog.problems == []
    assert [level.number for level in catalog.levels] == [1, 2, 3, 4, 5, 6]
    assert len(catalog.roles) >= 8
    levels_with_exercises = {loaded.exercise.level for loaded in catalog.exercises}
    assert levels_with_exercises == {1, 2, 3, 4, 5, 6}
    assert {loaded.source for loaded in catalog.exercises} == {"builtin"}


def test_every_role_targets_a_level() -> None:
    catalog = load_catalog([builtin_source()])
    for role in catalog.roles:
        assert catalog.level(role.target_level) is not None, role.id


def test_builtin_content_covers_every_kind() -> None:
    catalog = load_catalog([builtin_source()])
    assert {loaded.exercise.kind for loaded in catalog.exercises} == set(Kind)


def test_there_are_at_least_ten_broken_fixtures() -> None:
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("broken", BROKEN, ids=lambda p: p.stem)
def test_broken_file_is_named_and_others_still_load(broken: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack-good", pack)
    shutil.copy(broken, pack / broken.name)

    catalog = load_catalog([builtin_source(), pack_source(pack)])

    assert catalog.exercise("pack-meeting-dates") is not None, "the good file must still load"
    assert len(catalog.exercises) == len(load_catalog([builtin_source()]).exercises) + 1
    assert catalog.problems, "the broken file must be reported"
    assert {Path(p.file).name for p in catalog.problems} == {broken.name}
    expected = expectation(broken)
    if expected.startswith("(syntax)"):
        problem = catalog.problems[0]
        assert "invalid TOML" in problem.message
        assert problem.line == int(expected.split("line ")[1])
    else:
        fields = [p.field for p in catalog.problems]
        assert any(f == expected or f.startswith(expected + ".") for f in fields), fields


def test_problem_message_names_file_field_and_bound(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(FIXTURES / "broken" / "trap-rate.toml", pack)
    catalog = load_catalog([builtin_source(), pack_source(pack)])
    (problem,) = catalog.problems
    text = str(problem)
    assert text.startswith(str(pack / "trap-rate.toml"))
    assert "judgment.trap_rate: must be at most 1 (got 2)" in text
    lines = (pack / "trap-rate.toml").read_text().splitlines()
    assert lines[problem.line - 1].startswith("trap_rate = 2")


def test_unknown_grader_lists_known_ones(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(FIXTURES / "broken" / "unknown-grader.toml", pack)
    (problem,) = load_catalog([builtin_source(), pack_source(pack)]).problems
    assert "unknown grader 'set_equal'" in problem.message
    assert "set_equals" in problem.message


def test_packs_come_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    shutil.copytree(FIXTURES / "pack-good", first)
    second.mkdir()
    (second / "other.toml").write_text(
        (FIXTURES / "pack-good" / "meeting-dates.toml")
        .read_text()
        .replace("pack-meeting-dates", "pack-other")
    )
    monkeypatch.setenv("COACH_EXERCISE_PATH", f"{first}:{second}")
    catalog = load_catalog(all_sources())
    assert catalog.problems == []
    sources = {loaded.exercise.id: loaded.source for loaded in catalog.exercises}
    assert sources["pack-meeting-dates"] == str(first.resolve())
    assert sources["pack-other"] == str(second.resolve())


def test_missing_pack_folder_is_a_problem(tmp_path: Path) -> None:
    catalog = load_catalog([builtin_source(), pack_source(tmp_path / "nowhere")])
    assert [p.message for p in catalog.problems] == ["exercise folder does not exist"]
    assert catalog.exercises  # the built-in library still loaded
