"""Home's "Working on": the learner's recurring weaknesses from their history."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Static

from coach.runtime.session import Session
from coach.store import NewAttempt

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle, text_of

SIZE = (80, 24)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NUMBERS = "l1-job-ad-post"  # its traps change a number


def missed_number(i: int) -> NewAttempt:
    """An attempt where a planted changed number was accepted as fine."""
    start = T0 + timedelta(hours=i)
    return NewAttempt(
        exercise_id=NUMBERS,
        exercise_level=1,
        kind="prompt",
        needs_model="any",
        started_at=start,
        finished_at=start + timedelta(minutes=4),
        model_tier="small",
        trap={"name": "change_number", "output": "x", "description": "changed 12 to 21"},
        checks=[{"grader": "length", "passed": True, "score": 1.0}],
        output_score=1.0,
        judgment={"verdict": "ok", "confidence": 0.9, "scored": True, "truth_wrong": True},
        judgment_correct=False,
    )


def with_missed_numbers(count: int) -> Session:
    session = session_for(None)
    for i in range(count):
        session.store.add_attempt(session.learner.id, missed_number(i))
    return session


async def test_a_recurring_weakness_is_shown_under_working_on() -> None:
    app = app_for(with_missed_numbers(4))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = text_of(app.screen.query_one("#weaknesses", Static))
        assert "misses wrong numbers or dates" in shown
        assert "accepted 4 of 4 outputs with a changed number or date" in shown
        assert "too sure when wrong" in shown  # all four called fine at 90 %
        assert app.screen.query_one("#weaknesses-title", Static).display


async def test_nothing_is_shown_without_a_weakness_and_it_appears_on_return() -> None:
    session = with_missed_numbers(2)  # below the count that names a weakness
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for name in ("#weaknesses", "#weaknesses-title"):
            assert not app.screen.query_one(name, Static).display
        session.store.add_attempt(session.learner.id, missed_number(2))
        await pilot.press("h")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.query_one("#weaknesses", Static).display
        assert "accepted 3 of 3" in text_of(app.screen.query_one("#weaknesses", Static))


def test_home_with_weaknesses_snapshot(snap_compare) -> None:
    app = app_for(with_missed_numbers(4))

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
