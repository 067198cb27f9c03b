"""`coach exercises new`: the same authoring from the command line, by prompts or flags."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from coach.cli import main
from coach.content import all_sources, load_catalog
from coach.paths import data_dir, private_pack_dir


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["exercises", "new", *args], input=input)


def test_prompts_build_a_proven_private_exercise() -> None:
    answers = [
        "Board update",  # title
        "Summarise the week for the board in one short paragraph.",  # task
        "Revenue 120k, churn 3%",  # materials
        "revenue, churn",  # must contain
        "",  # JSON keys
        "confidential",  # must not mention
        "50",  # max words
        "",  # rubric
        "Revenue reached 120k and churn held at 3%.",  # acceptable output
    ]
    result = run(input="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    assert "Saved as my-board-update" in result.output
    assert 'derived bad output (leaves out "revenue") fails' in result.output
    exercise = load_catalog(all_sources()).exercise("my-board-update")
    assert exercise is not None and exercise.private
    assert exercise.brief.startswith("Summarise the week")
    assert exercise.level == 1  # the learner's level: nobody placed yet
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0, check.output
    listed = CliRunner().invoke(main, ["exercises", "list", "--level", "1"])
    assert "my-board-update" in listed.output and "yours, practice only" in listed.output


def test_flags_need_no_prompts(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"owner": "Priya", "due": "2026-03-06"}', encoding="utf-8")
    materials = tmp_path / "email.txt"
    materials.write_text("Priya: the signed order form is due 6 March.", encoding="utf-8")
    result = run(
        "--title", "Deadline owner as JSON",
        "--level", "2",
        "--task", "Return who owns the deadline and when, as JSON.",
        "--materials-file", str(materials),
        "--json-keys", "owner, due",
        "--must-contain", "Priya",
        "--good-file", str(good),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Saved as my-deadline-owner-as-json" in result.output
    exercise = load_catalog(all_sources()).exercise("my-deadline-owner-as-json")
    assert exercise is not None and exercise.level == 2
    assert exercise.materials["materials"].startswith("Priya:")
    assert {c.grader for c in exercise.checks} == {"json", "contains_all"}


def test_a_failure_exits_1_keeps_the_answers_and_resumes_from_the_draft(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Churn held at 3%.", encoding="utf-8")
    args = ["--title", "Churn line", "--task", "One line on churn.", "--good-file", str(good)]
    result = run(*args, "--must-contain", "churn", "--must-contain", "revenue")

    assert result.exit_code == 1
    assert "not saved: your acceptable output fails your own checks" in result.output
    assert '"revenue"' in result.output
    draft = data_dir() / "own-task-draft.json"
    assert f"--from-draft {draft}" in result.output
    kept = json.loads(draft.read_text(encoding="utf-8"))
    assert kept["title"] == "Churn line" and kept["must_contain"] == ["churn", "revenue"]
    assert not private_pack_dir().exists() or not list(private_pack_dir().glob("*.toml"))

    good.write_text("Churn held at 3% while revenue rose.", encoding="utf-8")
    again = run("--from-draft", str(draft), "--good-file", str(good))
    assert again.exit_code == 0, again.output
    assert "Saved as my-churn-line" in again.output


def test_checks_that_pass_anything_exit_1_with_the_reason(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Anything at all.", encoding="utf-8")
    result = run(
        "--title", "Loose", "--task", "Anything.", "--regex", ".*", "--good-file", str(good)
    )  # fmt: skip
    assert result.exit_code == 1
    assert "these checks would pass anything; add a check" in result.output


def test_coach_check_names_a_broken_private_file() -> None:
    folder = private_pack_dir()
    folder.mkdir(parents=True)
    broken = folder / "my-broken.toml"
    broken.write_text('id = "my-broken"\nlevel = 1\nkind = "prompt"\ntitle = "x"\n', "utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert str(broken) in result.output and "brief: is required but missing" in result.output
