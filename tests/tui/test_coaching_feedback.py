"""Coaching in the TUI: a failed check's note on the feedback screen, hints before sending."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_openai import FakeOpenAI, Reply
from textual.widgets import Static, TextArea

from coach.tui.screens.exercise import ExerciseScreen, FitScreen
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.run import RunScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import SIZE, app_for, fake_config, saved_session, session_for, settle, text_of

RENEWAL = "l1-renewal-dates-to-json"


async def test_a_failed_check_is_coached_on_the_feedback_screen(fake: FakeOpenAI) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(RENEWAL)
    fake.queue(Reply(text="Here are the dates:\n" + exercise.reference.good_output))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("List every date as a JSON list.")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("a")  # accept it
        await pilot.press("f5")
        await settle(app, pilot)

        assert isinstance(app.screen, FeedbackScreen)
        shown = text_of(app.screen.query_one("#feedback"))
    assert "✗ a bare JSON list of ISO dates: extra text before the JSON" in shown
    what, why = shown.index("What to change"), shown.index("Why it matters")
    assert shown.index("Your judgment:") < what < why
    coaching = shown[what:why]
    assert (
        '• Format: The output had extra text before the JSON ("Here are the dates:"). '
        "Your prompt did not say 'only the JSON, nothing else'"
    ) in coaching
    assert '• Judgment: You accepted an output that failed "a bare JSON list' in coaching
    assert exercise.reference.explain.split()[0] in shown[why:]


async def test_hints_one_at_a_time_before_sending(fake: FakeOpenAI) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(RENEWAL)
    hints = exercise.reference.hints
    assert len(hints) == 3
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        box = app.screen.query_one("#hints", Static)
        assert not box.display  # nothing shown until asked for

        await pilot.press("f2")
        await pilot.pause()
        assert box.display
        assert text_of(box) == f"Hint 1 of 3: {hints[0]}"

        await pilot.press("f2")
        await pilot.pause()
        assert text_of(box) == f"Hint 1 of 3: {hints[0]}\nHint 2 of 3: {hints[1]}"
        await pilot.pause()
        brief = app.screen.query_one("#brief")
        assert brief.scroll_y > 0  # scrolled past the long email to the hints
        assert brief.region.contains_region(box.region)  # both hints in view

        await pilot.press("f2")
        await pilot.pause()
        assert text_of(box).endswith(f"Hint 3 of 3: {hints[2]}\nNo more hints.")
        await pilot.press("f2")  # nothing more to show: said so, the hints stay
        await pilot.pause()
        assert text_of(box).count("Hint ") == 3
        assert [n.message for n in app._notifications] == ["No more hints."]
        assert app.screen.query_one("#prompt", TextArea).text == ""  # F2 typed nothing
    assert fake.chat_requests == []  # hints never send anything


async def test_an_exercise_without_hints_says_so() -> None:
    session = session_for(None)
    exercise = session.exercise("l1-offsite-planning-fit")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(
            exercise.model_copy(
                update={"reference": exercise.reference.model_copy(update={"hints": []})}
            )
        )
        await settle(app, pilot)
        assert isinstance(app.screen, FitScreen)
        await pilot.press("f2")
        await pilot.pause()
        box = app.screen.query_one("#hints", Static)
        assert box.display and text_of(box) == "This exercise has no hints."


async def test_hints_on_a_run_screen_through_a_rebound_key(fake: FakeOpenAI) -> None:
    session = saved_session(fake_config(fake.base_url, keymap={"exercise.hint": "ctrl+t"}))
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise("l4-invoice-capture-instructions")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        assert isinstance(app.screen, RunScreen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        box = app.screen.query_one("#hints", Static)
        assert (
            text_of(box)
            == f"Hint 1 of {len(exercise.reference.hints)}: " + (exercise.reference.hints[0])
        )
        await pilot.press("f2")  # the old key no longer asks for a hint
        await pilot.pause()
        assert text_of(box).count("Hint ") == 1


async def test_the_command_palette_shows_a_hint() -> None:
    session = session_for(None)
    exercise = session.exercise("l1-seat-quote-review")
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Hint")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        box = app.screen.query_one("#hints", Static)
        assert text_of(box).startswith(f"Hint 1 of {len(exercise.reference.hints)}: ")
