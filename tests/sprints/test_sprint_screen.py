"""SprintScreen in the app (pilot): the countdown, exercises within the sprint, the summary."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import TextArea

from coach.cli.sprint_cmd import sprint as sprint_group
from coach.sprints.live import ensure_sprint, list_sprints
from coach.sprints.spec import load_sprint
from coach.tui.screens.exercise import ExerciseScreen
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.sprint import SprintApp, SprintScreen, clock_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))
from loop_helpers import SIZE, session_for, settle, text_of

REVIEW = "l1-seat-quote-review"
PROMPT = "l1-renewal-dates-to-json"
FIXED = (
    'name = "Calibration"\nduration_minutes = 1\nmode = "fixed"\n'
    f'exercises = ["{REVIEW}", "{PROMPT}"]\n'
)


def test_clock_text() -> None:
    assert clock_text(61) == "01:01"
    assert clock_text(0.2) == "00:01"
    assert clock_text(-3) == "00:00"


async def test_sprint_runs_out_and_shows_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "calibration.toml"
    path.write_text(FIXED, encoding="utf-8")
    session = session_for(None)
    sprint_file = load_sprint(path, session.catalog)
    now = datetime.now(UTC)
    record = ensure_sprint(session.store, sprint_file, now)
    assert ensure_sprint(session.store, sprint_file, now).id == record.id  # same file: reused
    app = SprintApp(session, record, sprint_file.spec, 60, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SprintScreen)
        assert "Time left 0" in text_of(screen.query_one("#countdown"))
        assert screen.next.id == REVIEW
        assert session.sprint_id == record.id

        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert app.screen.exercise.id == REVIEW
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)

        await pilot.press("n")  # the next of the fixed list, not the engine's pick
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert app.screen.exercise.id == PROMPT
        app.screen.query_one("#prompt", TextArea).insert("List the dates")
        await pilot.pause()

        screen.tick(advance=30)
        assert not screen.finished
        screen.tick(advance=31)
        await settle(app, pilot)
        assert screen.finished
        assert app.screen is screen
        assert "Time is up." in text_of(screen.query_one("#countdown"))
        summary = text_of(screen.query_one("#summary"))
        assert "Attempts: 1" in summary
        assert "Judgments right:" in summary
        assert "Level moves: none" in summary
        assert session.sprint_id is None and session.sprint_draw is None  # itself again
    assert session.load_draft(PROMPT) == "List the dates"
    (attempt,) = session.history()
    assert attempt.exercise_id == REVIEW
    assert attempt.sprint_id == record.id


async def test_matched_sprint_draws_within_the_filters(tmp_path: Path) -> None:
    path = tmp_path / "reviews.toml"
    path.write_text('name = "Reviews"\nduration_minutes = 5\nkinds = ["review"]\n', "utf-8")
    session = session_for(None)
    sprint_file = load_sprint(path, session.catalog)
    record = ensure_sprint(session.store, sprint_file, datetime.now(UTC))
    app = SprintApp(session, record, sprint_file.spec, 300, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for _ in range(5):
            assert str(session.next_exercise().kind) == "review"
        await pilot.press("escape")  # ends the sprint early
        await settle(app, pilot)
        assert isinstance(app.screen, SprintScreen)
        assert "ended early" in text_of(app.screen.query_one("#countdown"))


def test_run_command_refuses_bad_files_and_closed_windows(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nduration_minutes = 0\n', encoding="utf-8")
    result = runner.invoke(sprint_group, ["run", str(bad)])
    assert result.exit_code == 2
    assert "duration_minutes: must be at least 1" in result.output

    closed = tmp_path / "closed.toml"
    closed.write_text(
        'name = "Old"\nduration_minutes = 5\ncloses = 2020-01-01T00:00:00Z\n', encoding="utf-8"
    )
    result = runner.invoke(sprint_group, ["run", str(closed)])
    assert result.exit_code == 1
    assert "The sprint 'Old' closed at" in result.output

    ok = tmp_path / "ok.toml"
    ok.write_text('name = "Now"\nduration_minutes = 5\n', encoding="utf-8")
    result = runner.invoke(sprint_group, ["run", str(ok), "--check"])
    assert result.exit_code == 0, result.output
    assert "is valid and open" in result.output


def test_sprint_rows_listed(tmp_path: Path) -> None:
    session = session_for(None)
    path = tmp_path / "s.toml"
    path.write_text('name = "A"\nduration_minutes = 5\n', encoding="utf-8")
    first = ensure_sprint(session.store, load_sprint(path), datetime.now(UTC))
    path.write_text('name = "A"\nduration_minutes = 6\n', encoding="utf-8")
    second = ensure_sprint(session.store, load_sprint(path), datetime.now(UTC))
    assert first.id != second.id  # the file changed: a new sprint
    assert [s.id for s in list_sprints(session.store)] == [first.id, second.id]
