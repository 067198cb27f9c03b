"""Snapshots at 80×24: the library, and the feedback that discloses a planted flaw."""

from __future__ import annotations

import sys
from pathlib import Path

from fake_openai import Reply
from textual.widgets import TextArea

from coach.runtime.session import Session

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, fake_config, session_for, settle

SIZE = (80, 24)
RENEWAL = "l1-renewal-dates-to-json"


def test_library_snapshot(snap_compare) -> None:
    app = app_for(session_for(None))

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_feedback_with_a_disclosed_flaw_snapshot(snap_compare, fake) -> None:
    config = fake_config(fake.base_url)
    # A capable model, so the feedback is about the learner (no weak-model note above it).
    config.models[0] = config.models[0].model_copy(update={"tier": "frontier"})
    session = Session.open(config, seed=1, trap_mode="always")
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise(RENEWAL)
    fake.queue(Reply(text=exercise.reference.good_output))
    app = app_for(session)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.practise(exercise)
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("List every date as a JSON list.")
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("a")  # "acceptable": the planted flaw goes unnoticed
        await pilot.press("f5")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
