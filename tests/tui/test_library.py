"""The library (`l` on Home, the palette): browse, filter, preview, open; skip on Home."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Select

from coach.tui.screens.exercise import ExerciseScreen
from coach.tui.screens.home import HomeScreen, skip_key
from coach.tui.screens.library import LibraryScreen, library_entries, statuses
from graders.judgment import Judgment

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle, text_of

SIZE = (80, 24)


async def test_library_lists_everything_and_filters() -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("#library-table", DataTable)
        catalog = session.catalog
        playable = {e.id for e in session.playable()}
        families = {f.item_id for f in catalog.families}
        assert {str(key.value) for key in table.rows} == playable | (
            families & {e.key for e in screen.entries}
        )
        assert families & {e.key for e in screen.entries}  # families are listed too
        assert all(e.status == "new" for e in screen.entries)  # nothing attempted yet
        # A short preview of the highlighted row.
        first = screen.shown[0]
        assert first.title in text_of(screen.query_one("#library-preview"))
        # Filter by level and kind: only those rows remain.
        screen.query_one("#library-level", Select).value = 2
        screen.query_one("#library-kind", Select).value = "review"
        await pilot.pause()
        assert screen.shown
        assert all(e.level == 2 and e.kind == "review" for e in screen.shown)
        assert table.row_count == len(screen.shown)
        # Status "passed": none yet, and the empty state says what to do.
        screen.query_one("#library-status", Select).value = "passed"
        await pilot.pause()
        assert table.row_count == 0
        assert "press c" in text_of(screen.query_one("#library-preview"))
        await pilot.press("c")
        await pilot.pause()
        assert table.row_count == len(screen.entries)


async def test_library_opens_an_exercise_and_a_fresh_family_instance() -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_named("library")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_one("#library-kind", Select).value = "prompt"
        await pilot.pause()
        target = screen.shown[0]
        assert not target.family
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert app.screen.attempt.exercise.id == target.key
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        # Back from practice: the filter still holds.
        assert screen.query_one("#library-kind", Select).value == "prompt"
        assert all(e.kind == "prompt" for e in screen.shown)
        screen.query_one("#library-kind", Select).clear()
        await pilot.pause()
        family_row = next(i for i, e in enumerate(screen.shown) if e.family)
        screen.query_one("#library-table", DataTable).move_cursor(row=family_row)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        drawn = app.screen.attempt.exercise.id
        assert skip_key(drawn) == screen.shown[family_row].key  # an instance of that family
        assert drawn != screen.shown[family_row].key


def judge(session: Any, exercise_id: str, *, right: bool) -> None:
    """Record one review attempt, judged right or wrong."""
    attempt = session.start(session.exercise(exercise_id))
    shown = attempt.present()
    wrong = attempt.exercise.outputs[shown.review_item].wrong
    verdict = "wrong" if wrong == right else "ok"
    attempt.grade(Judgment(verdict=verdict, confidence=0.9))
    attempt.record()


def test_statuses_follow_the_history() -> None:
    session = session_for(None)
    assert {e.status for e in library_entries(session.catalog, [])} == {"new"}
    reviews = [e.id for e in session.playable() if e.kind == "review"][:2]
    judge(session, reviews[0], right=True)
    judge(session, reviews[1], right=False)
    found = statuses(session.history())
    assert found == {reviews[0]: "passed", reviews[1]: "failed"}
    by_key = {e.key: e.status for e in library_entries(session.catalog, session.history())}
    assert by_key[reviews[0]] == "passed" and by_key[reviews[1]] == "failed"
    judge(session, reviews[1], right=True)  # passed once: passed
    assert statuses(session.history())[reviews[1]] == "passed"


async def test_skip_offers_another_exercise() -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        first = home.view.next_up
        assert first is not None
        await pilot.press("k")
        await settle(app, pilot)
        second = home.view.next_up
        assert second is not None
        assert skip_key(second.exercise_id) != skip_key(first.exercise_id)
        assert second.title in text_of(home.query_one("#next"))
        await pilot.press("k")
        await settle(app, pilot)
        third = home.view.next_up
        assert third is not None
        assert skip_key(third.exercise_id) not in {
            skip_key(first.exercise_id),
            skip_key(second.exercise_id),
        }


async def test_the_palette_offers_the_library() -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Library" in commands
        commands["Library"].callback()
        await settle(app, pilot)
        assert isinstance(app.screen, LibraryScreen)


async def test_own_exercises_are_in_the_library_to_practise_again(fake) -> None:
    from test_own_task import GOOD, click, fill, open_form

    session = session_for(fake.base_url)
    app = app_for(session)
    async with app.run_test(size=(100, 36)) as pilot:
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
        await pilot.press("escape")  # the saved screen is left: Home
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("l")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        own = next(e for e in screen.entries if e.key == "my-kpi-line")
        assert own.own and own.status == "new"
        row = screen.shown.index(own)
        assert "(yours)" in screen.query_one("#library-table", DataTable).get_row_at(row)[3]
        screen.query_one("#library-table", DataTable).move_cursor(row=row)
        await pilot.pause()
        assert "practice only" in text_of(screen.query_one("#library-preview"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExerciseScreen)
        assert app.screen.exercise.id == "my-kpi-line"
