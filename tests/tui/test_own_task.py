"""Practise on my own task: home → the form → save (proved) → practise it against the fake."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_openai import Reply
from textual.widgets import Button, Input, TextArea

from coach.paths import private_pack_dir
from coach.tui.screens.exercise import ExerciseScreen
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.own_task import OwnTaskScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import HOSTILE, SIZE, app_for, session_for, settle, text_of

GOOD = "Revenue rose 4% to 120k and churn held at 3%."


async def click(app, pilot, selector: str) -> None:
    """Scroll the widget into view (the form is long), then click it."""
    app.screen.query_one(selector).scroll_visible(animate=False)
    await pilot.pause()
    await pilot.click(selector)


async def fill(app, pilot, **fields: str) -> None:
    """Type into the form as a learner would: click a field, then type."""
    for widget_id, text in fields.items():
        widget = app.screen.query_one(f"#{widget_id}")
        await click(app, pilot, f"#{widget_id}")
        if isinstance(widget, TextArea):
            widget.insert(text)
        else:
            await pilot.press(*text)
    await pilot.pause()


async def open_form(app, pilot) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("o")
    await settle(app, pilot)
    assert isinstance(app.screen, OwnTaskScreen)


async def test_own_task_saved_then_practised_with_feedback(fake) -> None:
    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await fill(
            app,
            pilot,
            title="KPI line",
            task="One sentence on revenue and churn for the board.",
            materials="Revenue 120k (+4%), churn 3%",
            **{"must-contain": "revenue, churn", "max-words": "30"},
            good=GOOD,
        )
        await click(app, pilot, "#save")
        await settle(app, pilot)
        status = text_of(app.screen.query_one("#own-task-status"))
        assert "Saved as my-kpi-line" in status
        assert "Proved" in status
        assert (private_pack_dir() / "my-kpi-line.toml").is_file()
        assert session.catalog.is_private("my-kpi-line")

        fake.queue(Reply(text=GOOD))
        await click(app, pilot, "#practise")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert app.screen.exercise.id == "my-kpi-line"
        app.screen.query_one("#prompt", TextArea).insert("Write one sentence: {materials}")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        shown = text_of(app.screen.query_one("#feedback"))
        assert "Output: passed" in shown
        assert '✓ contains "revenue", "churn"' in shown
        assert "Your own exercise" in shown and "never towards your level" in shown
    record = session.history()[-1]
    assert record.exercise_id == "my-kpi-line" and record.exercise_private is True
    assert "Revenue 120k" in fake.chat_requests[-1].body["messages"][-1]["content"]


async def test_a_rejected_output_keeps_everything_typed(fake) -> None:
    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        typed = {
            "title": "KPI line",
            "task": "One sentence on revenue, churn and margin.",
            "must-contain": "revenue, churn, margin",
            "good": GOOD,
        }
        await fill(app, pilot, **typed)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, OwnTaskScreen)
        status = text_of(screen.query_one("#own-task-status"))
        assert "Not saved: your acceptable output fails your own checks" in status
        assert '"margin"' in status
        assert screen.query_one("#title", Input).value == "KPI line"
        assert screen.query_one("#must-contain", Input).value == typed["must-contain"]
        assert screen.query_one("#task", TextArea).text == typed["task"]
        assert screen.query_one("#good", TextArea).text == GOOD
        assert not screen.query_one("#practise", Button).display
    assert not private_pack_dir().exists() or not list(private_pack_dir().glob("*.toml"))


async def test_run_my_prompt_fills_the_output_to_confirm_by_saving(fake) -> None:
    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await fill(
            app,
            pilot,
            title="KPI line",
            task="One sentence on revenue and churn.",
            materials="Revenue 120k (+4%), churn 3%",
            **{"must-contain": "revenue, churn"},
            prompt="Summarise in one sentence: {materials}",
        )
        fake.queue(Reply(text=GOOD))
        await click(app, pilot, "#run")
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#good", TextArea).text == GOOD
        assert "passes your checks" in text_of(screen.query_one("#own-task-status"))
        assert "Revenue 120k" in fake.chat_requests[-1].body["messages"][-1]["content"]
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Saved as my-kpi-line" in text_of(screen.query_one("#own-task-status"))
    exercise = session.exercise("my-kpi-line")
    assert exercise.reference.good_output == GOOD
    assert exercise.reference.solution == "Summarise in one sentence: {materials}"


async def test_the_palette_offers_the_own_task_screen(fake) -> None:
    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Practise on my own task" in titles
        await pilot.click("#own-task")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnTaskScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_hostile_model_output_is_shown_as_text(fake) -> None:
    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await fill(
            app,
            pilot,
            title="KPI line",
            task="Churn as JSON.",
            **{"json-keys": "churn"},
            prompt="Say something.",
        )
        fake.queue(Reply(text=HOSTILE))
        await click(app, pilot, "#run")
        await settle(app, pilot)
        status = text_of(app.screen.query_one("#own-task-status"))
        # The JSON check quotes the output where it broke: literally, never as markup.
        assert "fails your checks" in status and "[bold]x" in status
        good = app.screen.query_one("#good", TextArea).text
        assert good.startswith("[bold]x[/bold]") and "\x1b" not in good
