"""`coach check` and `coach exercises`, driven through the entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("check", "exercises", "config", "keys"):
        assert command in out


def test_check_passes_on_shipped_content() -> None:
    code, out, err = run("check")
    assert code == 0, err
    assert "all content is valid" in out


def test_check_json_report_shape() -> None:
    code, out, _ = run("check", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True
    assert report["levels"] == 6
    assert report["roles"] >= 8
    assert report["problems"] == []
    first = report["exercises"][0]
    assert set(first) == {"id", "level", "kind", "title", "source", "private"}
    assert first["source"] == "builtin"


def test_check_fails_naming_every_broken_file(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack-good", pack)
    for broken in (FIXTURES / "broken").glob("*.toml"):
        shutil.copy(broken, pack)
    code, out, _ = run("check", "--json", str(pack))
    report = json.loads(out)
    assert code == 1
    assert report["ok"] is False
    named = {Path(p["file"]).name for p in report["problems"]}
    assert named == {p.name for p in (FIXTURES / "broken").glob("*.toml")}
    assert "pack-meeting-dates" in {e["id"] for e in report["exercises"]}


def test_check_text_report_goes_to_stderr(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(FIXTURES / "broken" / "level-seven.toml", pack)
    code, _, err = run("check", str(pack))
    assert code == 1
    assert f"{pack / 'level-seven.toml'}:" in err
    assert "level: level 7 does not exist" in err


def test_exercises_list_filters_by_level_and_kind() -> None:
    code, out, _ = run("exercises", "list", "--json")
    everything = json.loads(out)
    assert code == 0 and everything
    code, out, _ = run("exercises", "list", "--level", "1", "--json")
    level_one = json.loads(out)
    assert level_one and all(row["level"] == 1 for row in level_one)
    assert len(level_one) < len(everything)
    code, out, _ = run("exercises", "list", "--kind", "review", "--json")
    assert all(row["kind"] == "review" for row in json.loads(out))


def test_exercises_show_json_includes_reference() -> None:
    _, out, _ = run("exercises", "list", "--kind", "prompt", "--json")
    exercise_id = json.loads(out)[0]["id"]
    code, out, _ = run("exercises", "show", exercise_id, "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["id"] == exercise_id
    assert shown["reference"]["good_output"]
    assert shown["reference"]["bad_output"]


def test_exercises_show_unknown_id() -> None:
    code, _, err = run("exercises", "show", "no-such-exercise")
    assert code == 1
    assert "no exercise 'no-such-exercise'" in err


@pytest.mark.parametrize("args", [["--help"], ["check", "--json"]])
def test_console_script_runs(args: list[str]) -> None:
    script = Path(sys.executable).parent / "coach"
    result = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_lazy_command_resolves_to_its_own_name() -> None:
    import click

    from coach.cli import COMMANDS

    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
