"""One fit widget and one set of keys in practice and placement (issue 19)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from textual.widgets import Static

from coach.content.models import Kind
from coach.tui.screens.exercise import FitScreen
from coach.tui.widgets.fit_steps import FitSteps, missing_text

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle, text_of
from test_placement import PlacementApp, make_session

LONG_FIT = "l6-release-gates-fit"  # eight steps: more than fit below the brief at 80×24


def cursor_row_visible(steps: FitSteps) -> bool:
    """Whether the cursor row is on screen: inside the table's own scroll window and
    inside the scrolling container's (the table is as tall as the container at most)."""
    container = steps.parent
    row = steps._get_row_region(steps.cursor_row)
    in_table = row.y - steps.scroll_offset.y  # from the table's top
    if in_table < steps.header_height or in_table + row.height > steps.size.height:
        return False
    top = steps.virtual_region.y + in_table  # in the container's content
    window_top = container.scroll_offset.y
    window_bottom = window_top + container.scrollable_content_region.height
    return window_top <= top and top + row.height <= window_bottom


async def test_practice_fit_keeps_the_cursor_in_view_and_names_missing_steps() -> None:
    session = session_for(None)
    exercise = session.exercise(LONG_FIT)
    app = app_for(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FitScreen)
        steps = screen.query_one("#fit-steps", FitSteps)
        assert steps.has_focus
        for _ in range(5):  # d, v, h answer the cursor's step and move on
            await pilot.press("d")
            await pilot.pause()
            assert cursor_row_visible(steps), steps.cursor_row
        assert steps.cursor_row == 5
        await pilot.press("pageup")
        await pilot.pause()
        assert steps.cursor_row < 5 and cursor_row_visible(steps)
        await pilot.press("pagedown")
        await pilot.pause()
        assert 0 < steps.cursor_row < len(exercise.steps) and cursor_row_visible(steps)
        await pilot.press("f5")
        await pilot.pause()
        # Not "3 step(s) still need an answer": which ones, by number and words.
        shown = text_of(screen.query_one("#fit-missing", Static))
        assert shown.startswith("Steps 6 (")
        assert "still need an answer" in shown
        assert exercise.steps[5].text[:15] in shown
        assert isinstance(app.screen, FitScreen)
    assert session.history() == []


def test_missing_text_names_one_or_several_steps() -> None:
    assert missing_text([(3, "Check the invoice totals")]) == (
        "Step 3 (Check the invoice totals) still needs an answer."
    )
    assert missing_text([(1, "A"), (2, "B"), (4, "C")]) == (
        "Steps 1 (A), 2 (B) and 4 (C) still need an answer."
    )


async def test_placement_fit_uses_the_same_widget_and_keys() -> None:
    session = make_session()
    app = PlacementApp(session, rng=random.Random(3), kinds=[Kind.FIT])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen: Any = app.screen
        assert screen.current.exercise.kind == Kind.FIT
        steps = screen.query_one("#fit-steps", FitSteps)
        for step in screen.current.exercise.steps[:-1]:
            await pilot.press(step.answer[0])
            await pilot.pause()
            assert cursor_row_visible(steps)
        await pilot.press("s")
        await pilot.pause()
        assert session.store.attempts(session.learner.id) == []  # one step left: refused
        await pilot.press(screen.current.exercise.steps[-1].answer[0])
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        stored = session.store.attempts(session.learner.id)
        assert len(stored) == 1 and stored[0].output_score == 1.0
