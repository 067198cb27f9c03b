"""A failed send or run says why, with the fix, where the output would be (issue 19)."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_openai import Reply, Status
from textual.widgets import Static, TextArea

from coach.runtime.session import Session
from coach.tui.screens.exercise import ExerciseScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.run import RunScreen
from coach.tui.widgets.output import OutputView

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import SIZE, app_for, fake_config, session_for, settle, text_of

RENEWAL = "l1-renewal-dates-to-json"
AGENT = "l5-supplier-payables-agent"


async def test_a_failed_send_stays_in_place_until_the_next_send(closed_port: int) -> None:
    # Blind mode (traps possible): the old status line said "answering… 0 words" forever.
    session = Session.open(fake_config(f"http://127.0.0.1:{closed_port}/v1"), seed=1)
    session.save_profile("Ada", "analyst", "fake")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        screen.query_one("#prompt", TextArea).insert("kept prompt")
        await pilot.press("f5")
        await settle(app, pilot)
        output = screen.query_one("#output", OutputView)
        shown = text_of(output)
        assert shown.startswith("No answer: ")
        assert "answering" not in shown and "words so far" not in shown
        assert output.error is not None and "\n" in output.error  # the message, then the fix
        assert "Nothing was recorded" in text_of(screen.query_one("#usage", Static))
        # Still there after the toasts would have gone: only the next send clears it.
        for notification in list(app._notifications):
            app._unnotify(notification)
        await pilot.pause()
        assert text_of(output).startswith("No answer: ")
        assert screen.query_one("#prompt", TextArea).text == "kept prompt"
    assert session.history() == []


async def test_a_server_error_is_shown_with_its_reason(fake) -> None:
    session = session_for(fake.base_url)
    fake.queue(Status(500, "the server fell over"))
    fake.queue(Status(500, "the server fell over"))
    fake.queue(Status(500, "the server fell over"))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#prompt", TextArea).insert("a prompt")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        output = screen.query_one("#output", OutputView)
        assert text_of(output).startswith("No answer: ")
        # The next send clears it and goes on to the judgment.
        exercise = session.exercise(RENEWAL)
        fake.queue(Reply(text=exercise.reference.good_output))
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        assert output.error is None


async def test_a_failed_agent_run_says_why(closed_port: int) -> None:
    session = session_for(f"http://127.0.0.1:{closed_port}/v1")
    exercise = session.exercise(AGENT)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RunScreen)
        editor = screen.query_one("#prompt", TextArea)
        editor.clear()
        editor.insert(exercise.reference.solution)
        await pilot.press("f5")
        await settle(app, pilot)
        label = text_of(screen.query_one("#run-label", Static))
        assert label.startswith("Not run: The run failed: ")
        assert len(label.split("\n")) >= 3  # the reason, its fix, and what was kept
        assert screen.query_one("#output-box").display
        assert "Your input is kept" in label
    assert session.history() == []
