"""One attempt through the TUI, driven by Textual's pilot against the loopback fake."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fake_openai import Reply
from textual.widgets import Button, Input, Select, TextArea

from coach.config import config_path
from coach.runtime.session import Session
from coach.tui.app import CoachApp, ProblemScreen
from coach.tui.screens.exercise import ExerciseScreen, FitScreen
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.first_run import FirstRunScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.widgets.output import OutputView
from coach.tui.widgets.safe import numbered, safe_text

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import (
    HOSTILE,
    SIZE,
    app_for,
    fake_config,
    session_for,
    settle,
    text_of,
)

RENEWAL = "l1-renewal-dates-to-json"


async def test_full_loop_first_run_to_feedback(fake) -> None:
    session = session_for(fake.base_url, named=False)
    exercise = session.exercise(RENEWAL)
    fake.queue(Reply(text=exercise.reference.good_output))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert app.screen.query_one("#model", Select).value == "fake"
        await pilot.press(*"Ada")
        await pilot.click("#continue")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert session.config.learner.name == "Ada"

        app.practise(exercise)
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        editor = app.screen.query_one("#prompt", TextArea)
        await pilot.press(*"List")
        editor.insert(" every date in the email as a JSON list.")
        await pilot.press("f5")
        await settle(app, pilot)

        assert isinstance(app.screen, JudgmentScreen)
        assert "2026-03-31" in text_of(app.screen.query_one("#shown"))
        # Only facts about what is shown: the real output's size would give a planted flaw away.
        assert "tokens" not in text_of(app.screen.query_one("#output-title"))
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)

        assert isinstance(app.screen, FeedbackScreen)
        shown = text_of(app.screen.query_one("#feedback"))
        assert "Output: passed (100%)" in shown
        assert "✓ a bare JSON list of ISO dates" in shown
        assert "Your judgment: right" in shown
        assert "No flaw was planted" in shown
        assert "tokens in" in shown  # the call's usage, once the judgment is in
    assert len(session.history()) == 1
    assert session.load_draft(RENEWAL) is None
    assert "List every date" in fake.chat_requests[0].body["messages"][-1]["content"]


async def test_review_exercise_needs_no_model(fake) -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise("l1-seat-quote-review"))
        await settle(app, pilot)
        assert not app.screen.query(TextArea)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("f5")  # no verdict yet: nothing is graded
        await pilot.pause()
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("w")
        app.screen.query_one("#line", Input).value = "3"
        await pilot.press("minus")
        assert app.screen.query_one("#confidence", Select).value == 60
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert "Your judgment:" in text_of(app.screen.query_one("#feedback"))
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert fake.chat_requests == []
    record = session.history()[0]
    assert record.judgment["confidence"] == 0.6
    assert record.judgment["verdict"] == "wrong"


async def test_fit_exercise_graded_against_the_key() -> None:
    session = session_for(None)
    exercise = session.exercise("l1-offsite-planning-fit")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        assert isinstance(app.screen, FitScreen)
        await pilot.press("f5")  # unanswered steps: a warning, nothing recorded
        await pilot.pause()
        assert isinstance(app.screen, FitScreen)
        for step in exercise.steps:  # the same keys as the placement: d, v, h
            await pilot.press(step.answer[0])
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert "Steps: passed (100%" in text_of(app.screen.query_one("#feedback"))
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, FitScreen)
    assert session.history()[0].output_score == 1.0


async def send_and_wait_for_text(app: CoachApp, pilot: Any, session: Session) -> OutputView:
    """Open the renewal exercise, send "my prompt", and wait for the first streamed text."""
    await settle(app, pilot)
    app.practise(session.exercise(RENEWAL))
    await settle(app, pilot)
    app.screen.query_one("#prompt", TextArea).insert("my prompt")
    await pilot.press("f5")
    output = app.screen.query_one("#output", OutputView)
    for _ in range(200):
        await pilot.pause(0.05)
        if output.text:
            break
    return output


async def test_cancel_during_a_slow_stream_keeps_the_partial_and_the_prompt(fake) -> None:
    session = session_for(fake.base_url)
    fake.queue(Reply(text="one two three four five six seven eight nine ten", chunk_delay=0.2))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        output = await send_and_wait_for_text(app, pilot, session)
        assert output.text.startswith("one")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert "[cancelled" in text_of(output)
        assert not app.screen.query_one("#send", Button).disabled
        assert app.screen.query_one("#prompt", TextArea).text == "my prompt"
    assert session.load_draft(RENEWAL) == "my prompt"
    assert session.history() == []


async def test_provider_error_notifies_and_keeps_the_draft(closed_port: int) -> None:
    session = session_for(f"http://127.0.0.1:{closed_port}/v1")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("kept prompt")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors
        assert not app.screen.query_one("#send", Button).disabled
        assert app.screen.query_one("#prompt", TextArea).text == "kept prompt"
    assert session.load_draft(RENEWAL) == "kept prompt"


async def test_draft_is_restored_after_a_restart() -> None:
    session = session_for(None)
    exercise = session.exercise(RENEWAL)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("half a prompt")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    session.close()

    again = Session.open(seed=2)
    app = app_for(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        app.practise(again.exercise(RENEWAL))
        await settle(app, pilot)
        assert app.screen.query_one("#prompt", TextArea).text == "half a prompt"
        assert any("Draft restored" in n.message for n in app._notifications)


async def test_hostile_output_is_shown_literally(fake) -> None:
    session = session_for(fake.base_url)
    fake.queue(Reply(text=HOSTILE))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("p")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        shown = text_of(app.screen.query_one("#shown"))
        assert "[bold]x[/bold]" in shown
        assert "[link=http://e]x[/link]" in shown
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "red" in shown and "http://e" not in shown.replace("[link=http://e]", "")
        screenshot = app.export_screenshot()
        assert "[bold]x[/bold]" in screenshot.replace("&#160;", " ")


@pytest.mark.parametrize("render", [safe_text, numbered])
def test_safe_text_strips_controls_and_keeps_markup_literal(render) -> None:
    text = render(HOSTILE)
    assert "[bold]x[/bold]" in text.plain
    assert "\x1b" not in text.plain and "\u202e" not in text.plain
    assert not text.spans or render is numbered  # no styles taken from the text


async def test_corrupt_config_shows_the_message_not_a_traceback() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("model = [\n")
    app = CoachApp(warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ProblemScreen)
        assert "config.toml" in text_of(app.screen.query_one("#problem"))
        await pilot.press("q")


async def test_warm_up_runs_after_the_first_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr("coach.llm.warm_up", lambda: calls.append(True))
    app = CoachApp(session=session_for(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert calls == [True]


async def test_content_problems_are_shown_as_text(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "bad.toml").write_text('id = "[red]x"\nkind = "prompt"\n')
    session = Session.open(fake_config(None, packs=[pack]), seed=1)
    session.save_profile("Ada", "analyst", "local/smollm2")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = text_of(app.screen.query_one("#problems"))
        assert "bad.toml" in text
        assert "[red]" in text


async def test_a_stream_that_may_be_swapped_for_a_planted_flaw_is_not_shown(fake) -> None:
    """Watching the real output stream must not give a planted flaw away."""
    session = Session.open(fake_config(fake.base_url), seed=1, trap_mode="auto")
    session.save_profile("Ada", "analyst", "fake")
    assert session.start(session.exercise(RENEWAL)).may_plant()
    fake.queue(Reply(text="alpha beta gamma delta epsilon zeta", chunk_delay=0.2))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        output = await send_and_wait_for_text(app, pilot, session)
        assert output.text.startswith("alpha")
        assert "alpha" not in text_of(output)
        assert "The model is answering" in text_of(output)
        await pilot.press("escape")  # a cancelled answer is judged by nobody: reveal it
        await settle(app, pilot)
        assert "alpha" in text_of(output)
