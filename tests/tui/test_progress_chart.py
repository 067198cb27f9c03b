"""The progress chart on Home: empty at first, then level and ability after attempts."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach.runtime.home_view import Point
from coach.runtime.session import Session
from coach.tui.screens.home import HomeScreen
from coach.tui.widgets.progress_chart import EMPTY, ProgressChart, render_chart, sample
from graders.judgment import Judgment

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle, text_of

SIZE = (80, 24)


def _judge_review(session: Session, verdict: str) -> None:
    attempt = session.start(session.exercise("l1-seat-quote-review"))
    attempt.present()
    attempt.finish(Judgment(verdict="wrong" if verdict == "wrong" else "ok", confidence=0.8))


def _point(index: int, level: int | None, ability: float) -> Point:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    return Point(number=index, at=at, level=level, ability=ability, theta=(ability - 3.5) * 2)


def test_render_chart_draws_one_row_per_level_and_fits_the_width() -> None:
    assert render_chart([], 76).plain == EMPTY
    points = [_point(i, 2 if i > 1 else None, 1.5 + i / 10) for i in range(1, 200)]
    text = render_chart(points, 76).plain
    lines = text.splitlines()
    assert lines[0].startswith("Now: level 2 · ability ")
    assert [line[:2] for line in lines[1:7]] == ["L6", "L5", "L4", "L3", "L2", "L1"]
    assert all(len(line) <= 76 for line in lines)
    assert "━" in lines[5] or "█" in lines[5]
    assert len(sample(points, 71)) == 71
    assert sample(points, 71)[-1] == points[-1]


async def test_home_shows_no_attempts_yet() -> None:
    app = app_for(session_for(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert text_of(app.screen.query_one(ProgressChart)) == EMPTY


async def test_home_chart_after_a_few_attempts_shows_the_current_level() -> None:
    session = session_for(None)
    for verdict in ("wrong", "ok", "wrong"):
        _judge_review(session, verdict)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chart = app.screen.query_one(ProgressChart)
        shown = text_of(chart)
        assert shown.strip() and shown != EMPTY
        assert f"level {session.level}" in shown
        assert "3 attempts" in shown
        assert chart.region.width <= SIZE[0]
        assert chart.size.height == 7
