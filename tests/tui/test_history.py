"""The history screen: real stored attempts, filters, the detail view, hostile text."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Input, Static

from coach.config import Config, Learner
from coach.runtime.session import Session
from coach.store import NewAttempt
from coach.tui.screens.history import AttemptDetail, HistoryScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import saved_session

HOSTILE = "[bold]x[/bold] \x1b[31mred\x1b[0m"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def make_session() -> Session:
    return saved_session(Config(learner=Learner(name="Ana", role="analyst")))


def add(session: Session, minutes: int, **fields: Any) -> None:
    at = T0 + timedelta(minutes=minutes)
    base: dict[str, Any] = {
        "exercise_id": "l1-offsite-planning-fit",
        "exercise_level": 1,
        "kind": "fit",
        "started_at": at - timedelta(minutes=2),
        "finished_at": at,
    }
    session.store.add_attempt(session.learner.id, NewAttempt(**{**base, **fields}))


def seed(session: Session) -> None:
    add(
        session,
        0,
        output_score=0.86,
        checks=[
            {
                "grader": "fit",
                "passed": True,
                "score": 1.0,
                "reason": "right call",
                "label": "a step",
            }
        ],
    )
    add(
        session,
        10,
        exercise_id="l1-expense-totals-review",
        kind="review",
        output_shown="Total: 1,240",
        judgment={"verdict": "wrong", "confidence": 0.8, "reason": "You caught it."},
        judgment_correct=True,
    )
    add(
        session,
        20,
        exercise_id="hostile-one",
        exercise_level=2,
        kind="prompt",
        prompt=f"my prompt {HOSTILE}",
        output_shown=f"shown {HOSTILE}",
        real_output="the real one",
        trap={"name": "drop_item", "description": "dropped line 2", "note": ""},
        checks=[
            {
                "grader": "contains",
                "passed": False,
                "score": 0.0,
                "reason": f"missing {HOSTILE}",
                "label": "",
            }
        ],
        output_score=0.0,
        judgment={"verdict": "ok", "confidence": 0.6, "reason": "It was a trap."},
        judgment_correct=False,
    )


class HistoryApp(App[None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.session))


def rendered(app: App[Any]) -> str:
    parts = []
    for widget in app.screen.query(Static):
        content = widget.render()
        parts.append(content.plain if isinstance(content, Text) else str(content))
    return "\n".join(parts)


async def test_lists_newest_first_and_filters() -> None:
    session = make_session()
    seed(session)
    app = HistoryApp(session)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#history-table", DataTable)
        assert table.row_count == 3
        first = table.get_row_at(0)
        assert first[1].plain == "hostile-one"  # newest first; unknown id shown as the id
        assert first[2].plain == "2"
        assert first[5].plain == "✗"
        assert first[6].plain == "yes"
        assert table.get_row_at(1)[1].plain.startswith("Team expenses")
        assert table.get_row_at(1)[3].plain == "review"
        assert table.get_row_at(2)[4].plain == "86%"

        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"review")
        await pilot.pause()
        assert table.row_count == 1
        assert table.get_row_at(0)[3].plain == "review"

        app.screen.query_one("#history-filter", Input).value = ""
        await pilot.pause()
        assert table.row_count == 3
        app.screen.query_one("#history-level").value = 2
        await pilot.pause()
        assert table.row_count == 1
        app.screen.query_one("#history-level").value = 1
        app.screen.query_one("#history-kind").value = "fit"
        await pilot.pause()
        assert table.row_count == 1
        assert table.get_row_at(0)[3].plain == "fit"


async def test_detail_shows_hostile_text_literally() -> None:
    session = make_session()
    seed(session)
    app = HistoryApp(session)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#history-table", DataTable)
        table.focus()
        await pilot.press("enter")  # the newest: the hostile one
        await pilot.pause()
        assert isinstance(app.screen, AttemptDetail)
        text = rendered(app)
        assert "my prompt [bold]x[/bold] red" in text
        assert "shown [bold]x[/bold] red" in text
        assert "\x1b" not in text
        assert "Trap disclosed" in text and "dropped line 2" in text
        assert "Real output" in text and "the real one" in text
        assert "missing [bold]x[/bold]" in text
        assert "You said acceptable, 60 % sure." in text and "It was a trap." in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_empty_history_says_so() -> None:
    app = HistoryApp(make_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No attempts yet" in rendered(app)


def test_history_snapshot(snap_compare) -> None:
    session = make_session()
    seed(session)
    assert snap_compare(HistoryApp(session), terminal_size=(80, 24))


def test_detail_snapshot(snap_compare) -> None:
    session = make_session()
    seed(session)
    assert snap_compare(HistoryApp(session), press=["enter"], terminal_size=(80, 24))
