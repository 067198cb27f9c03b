"""A prompt exercise on a model too small for it: the exercise screen says so before
the run, and the feedback says, next to the grade, that the attempt does not count."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_openai import Reply
from textual.widgets import Static, TextArea

from coach.config import Config, ModelEntry
from coach.runtime.session import Session
from coach.tui.screens.exercise import ExerciseScreen
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.judgment import JudgmentScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import SIZE, app_for, settle, text_of

RENEWAL = "l1-renewal-dates-to-json"


async def test_a_small_model_is_named_before_the_run_and_in_the_feedback(fake) -> None:
    tiny = ModelEntry(name="tiny", model="openai/tiny", api_base=fake.base_url, tier="small")
    session = Session.open(Config(model="tiny", models=[tiny]), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "tiny")
    fake.queue(Reply(text="the dates are in the email"))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert "tiny is too small" in text_of(app.screen.query_one("#title", Static))
        app.screen.query_one("#prompt", TextArea).insert("List every date as JSON.")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("w")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        shown = text_of(app.screen.query_one("#feedback"))
        assert "too small for this exercise" in shown
        assert "does not count against your level" in shown
    record = session.history()[-1]
    assert record.model_tier == "small"
