"""Trust that means something: an untrusted pack's python check never runs, anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CheckSpy, until
from fake_openai import FakeOpenAI, Reply
from hostile import GOOD, exercise_table, write_pack
from loop_helpers import SIZE, app_for, fake_config, text_of
from textual.widgets import TextArea

from coach.cli import main
from coach.config import save_config
from coach.config.trust import TrustState, load_records, state, trust, untrust
from coach.runtime.session import Session

EXERCISE = "pytrust-dates"
PYTHON = "def check(output, context):\n    return output.strip().startswith('[')\n"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    table = exercise_table(EXERCISE, hostile=False, python=PYTHON)
    return write_pack(tmp_path / "team-pack", table)


def python_result(checks: list[dict]) -> dict:
    (found,) = [check for check in checks if check["grader"] == "python"]
    return found


# --- the record -------------------------------------------------------------------------------


def test_trust_is_recorded_with_a_hash_and_lost_when_the_pack_changes(pack: Path) -> None:
    assert state(pack) is TrustState.UNTRUSTED
    record = trust(pack)
    assert record.files == 1 and len(record.sha256) == 64
    assert state(pack) is TrustState.TRUSTED
    (pack / "extra.py").write_text("print('new code')\n")
    assert state(pack) is TrustState.CHANGED
    trust(pack)
    assert state(pack) is TrustState.TRUSTED
    (pack / f"{EXERCISE}.toml").write_text(
        (pack / f"{EXERCISE}.toml").read_text().replace("startswith('[')", "startswith('')")
    )
    assert state(pack) is TrustState.CHANGED
    assert untrust(pack) and state(pack) is TrustState.UNTRUSTED
    assert not untrust(pack)


def test_the_old_trusted_packs_list_is_migrated_once(pack: Path) -> None:
    save_config(fake_config(None, trusted_packs=[pack]))
    assert state(pack) is TrustState.TRUSTED  # migrated with its current hash
    assert str(pack.resolve()) in load_records()
    (pack / "extra.py").write_text("x = 1\n")
    assert state(pack) is TrustState.CHANGED  # the record decides now
    untrust(pack)
    assert state(pack) is TrustState.UNTRUSTED  # not migrated again


def test_packs_command_lists_trusts_and_untrusts(pack: Path) -> None:
    save_config(fake_config(None, packs=[pack]))
    runner = CliRunner()
    listed = runner.invoke(main, ["packs", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["path"]: row for row in json.loads(listed.output)["packs"]}
    assert rows[str(pack.resolve())]["trust"] == "untrusted"
    trusted = runner.invoke(main, ["packs", "trust", str(pack)])
    assert trusted.exit_code == 0 and "Trusted" in trusted.output
    listed = runner.invoke(main, ["packs", "list"])
    assert f"{pack.resolve()}: trusted" in listed.output
    assert "python checks run with:" in listed.output
    gone = runner.invoke(main, ["packs", "untrust", str(pack)])
    assert gone.exit_code == 0 and "no longer trusted" in gone.output
    missing = runner.invoke(main, ["packs", "trust", str(pack / "nope")])
    assert missing.exit_code != 0


# --- coach check --------------------------------------------------------------------------------


def test_check_never_runs_an_untrusted_pack(pack: Path, check_spy: CheckSpy) -> None:
    result = CliRunner().invoke(main, ["check", "--json", str(pack)])
    assert result.exit_code == 1
    messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert any(f"coach packs trust {pack.resolve()}" in m for m in messages), messages
    assert check_spy.sources == []

    trust(pack)
    result = CliRunner().invoke(main, ["check", "--json", str(pack)])
    assert result.exit_code == 0, result.stdout
    assert check_spy.sources  # trusted: the proof ran the check


# --- coach attempt ------------------------------------------------------------------------------


def run_attempt(fake: FakeOpenAI, pack: Path) -> dict:
    save_config(fake_config(fake.base_url, packs=[pack]))
    fake.queue(Reply(text=GOOD))
    result = CliRunner().invoke(
        main, ["attempt", EXERCISE, "--prompt", "Dates as JSON.", "--verdict", "ok", "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_attempt_never_runs_an_untrusted_pack(
    fake: FakeOpenAI, pack: Path, check_spy: CheckSpy
) -> None:
    report = run_attempt(fake, pack)
    check = python_result(report["checks"])
    assert check["unscored"] and "coach packs trust" in check["reason"]
    assert report["output_passed"] is True  # the declarative checks still grade
    assert check_spy.sources == []


def test_attempt_runs_a_trusted_pack_until_it_changes(
    fake: FakeOpenAI, pack: Path, check_spy: CheckSpy
) -> None:
    trust(pack)
    report = run_attempt(fake, pack)
    assert python_result(report["checks"])["passed"] is True
    assert check_spy.sources  # the proof when the pack is loaded, and the attempt
    ran = len(check_spy.sources)
    (pack / "notes.md").write_text("changed after trust\n")
    report = run_attempt(fake, pack)
    assert python_result(report["checks"])["unscored"]
    assert len(check_spy.sources) == ran  # changed: untrusted again, nothing ran


# --- the app and a sprint -----------------------------------------------------------------------


async def answer_in_app(app: Any, pilot: Any) -> None:
    from coach.tui.screens.exercise import ExerciseScreen
    from coach.tui.screens.feedback import FeedbackScreen
    from coach.tui.screens.judgment import JudgmentScreen

    await until(pilot, lambda: isinstance(app.screen, ExerciseScreen))
    app.screen.query_one("#prompt", TextArea).insert("Every meeting date as a JSON list.")
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, JudgmentScreen))
    await pilot.press("a")
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, FeedbackScreen))


async def test_app_never_runs_an_untrusted_pack(
    fake: FakeOpenAI, pack: Path, check_spy: CheckSpy
) -> None:
    session = Session.open(fake_config(fake.base_url, packs=[pack]), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise(EXERCISE)
    assert exercise is not None  # served: only the python check is held back
    fake.queue(Reply(text=GOOD))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.practise(exercise)
        await answer_in_app(app, pilot)
        shown = text_of(app.screen.query_one("#feedback"))
        assert "coach packs trust" in shown
    assert check_spy.sources == []
    (record,) = session.history()
    assert record.exercise_id == EXERCISE


async def test_sprint_never_runs_an_untrusted_pack(
    fake: FakeOpenAI, pack: Path, tmp_path: Path, check_spy: CheckSpy
) -> None:
    from coach.sprints.live import ensure_sprint
    from coach.sprints.spec import load_sprint
    from coach.tui.screens.sprint import SprintApp, SprintScreen

    sprint_path = tmp_path / "sprint.toml"
    sprint_path.write_text(
        f'name = "Trust"\nduration_minutes = 5\nmode = "fixed"\nexercises = ["{EXERCISE}"]\n',
        encoding="utf-8",
    )
    session = Session.open(fake_config(fake.base_url, packs=[pack]), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    sprint_file = load_sprint(sprint_path, session.catalog)
    record = ensure_sprint(session.store, sprint_file, datetime.now(UTC))
    fake.queue(Reply(text=GOOD))
    app = SprintApp(session, record, sprint_file.spec, 300, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SprintScreen))
        await pilot.press("n")
        await answer_in_app(app, pilot)
        assert app.screen.exercise.id == EXERCISE
        assert "coach packs trust" in text_of(app.screen.query_one("#feedback"))
    assert check_spy.sources == []
    (attempt,) = session.history()
    assert attempt.sprint_id == record.id


def test_a_file_check_runs_outside_coach_check_for_a_trusted_pack(
    fake: FakeOpenAI, tmp_path: Path, check_spy: CheckSpy
) -> None:
    table = exercise_table("pyfile-dates", hostile=False)
    table["checks"].append({"grader": "python", "file": "checks/starts.py", "label": "bracket"})
    pack = write_pack(tmp_path / "file-pack", table)
    (pack / "checks").mkdir()
    (pack / "checks" / "starts.py").write_text(PYTHON)
    trust(pack)
    save_config(fake_config(fake.base_url, packs=[pack]))
    fake.queue(Reply(text=GOOD))
    result = CliRunner().invoke(
        main, ["attempt", "pyfile-dates", "--prompt", "Dates as JSON.", "--verdict", "ok", "--json"]
    )
    assert result.exit_code == 0, result.output
    check = python_result(json.loads(result.stdout)["checks"])
    assert check["passed"] is True, check["reason"]
    assert check_spy.sources
    # The check file is part of the trusted content: changing it withdraws the trust.
    (pack / "checks" / "starts.py").write_text(PYTHON.replace("'['", "'{'"))
    assert state(pack) is TrustState.CHANGED


def test_check_says_how_python_checks_are_isolated(
    pack: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.cli.content_cmd import _isolation_note
    from coach.content import load_catalog
    from coach.content.sources import pack_source
    from graders import isolation

    catalog = load_catalog([pack_source(pack)])
    _isolation_note(catalog)
    assert isolation.describe().detail in capsys.readouterr().out
    isolation.describe.cache_clear()
    monkeypatch.setenv("COACH_ISOLATION", "none")
    try:
        _isolation_note(catalog)
        assert "WITHOUT OS isolation" in capsys.readouterr().err
    finally:
        monkeypatch.delenv("COACH_ISOLATION")
        isolation.describe.cache_clear()


def test_a_pack_edited_after_it_loaded_runs_no_code(pack: Path) -> None:
    from coach.content import load_catalog
    from coach.content.sources import pack_source
    from coach.content.trust import grade_trust

    trust(pack)
    exercise = load_catalog([pack_source(pack)]).exercise(EXERCISE)
    assert exercise is not None and exercise.trusted is True
    assert grade_trust(exercise, False)["trusted"] is True  # the pack decides, not the caller
    source = pack / f"{EXERCISE}.toml"
    source.write_text(source.read_text().replace("startswith('[')", "startswith('')  "))
    assert grade_trust(exercise, True)["trusted"] is False  # edited after loading
    trust(pack)
    assert grade_trust(exercise, True)["trusted"] is True  # trusted again as it is now
