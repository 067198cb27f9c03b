"""Snapshots of the loop's screens at 80×24: fixed learner, seed and data; no clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from coach.llm.readiness import Readiness

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle

SIZE = (80, 24)
RENEWAL = "l1-renewal-dates-to-json"
REVIEW = "l1-seat-quote-review"


@pytest.fixture(autouse=True)
def ready_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "coach.tui.screens.first_run.check_ready",
        lambda spec: Readiness(spec, True, "runs on this machine, offline"),
    )


def test_first_run_snapshot(snap_compare) -> None:
    app = app_for(session_for(None, named=False))

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_home_snapshot(snap_compare) -> None:
    app = app_for(session_for(None))

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_exercise_snapshot(snap_compare) -> None:
    session = session_for(None)
    app = app_for(session)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.practise(session.exercise(RENEWAL))
        await settle(app, pilot)
        editor = app.screen.query_one("#prompt", TextArea)
        editor.cursor_blink = False
        editor.insert("List every date in the email as JSON.")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def _to_judgment(app, session, pilot) -> None:
    await settle(app, pilot)
    app.practise(session.exercise(REVIEW))
    await settle(app, pilot)
    await pilot.press("f5")
    await settle(app, pilot)


def test_judgment_snapshot(snap_compare) -> None:
    session = session_for(None)
    app = app_for(session)

    async def run_before(pilot) -> None:
        await _to_judgment(app, session, pilot)
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_feedback_snapshot(snap_compare) -> None:
    session = session_for(None)
    app = app_for(session)

    async def run_before(pilot) -> None:
        await _to_judgment(app, session, pilot)
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
