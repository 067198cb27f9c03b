"""The placement screen: the engine's adaptive test run through the pilot."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from coach.config import Config, Learner, ModelEntry
from coach.content import load_catalog
from coach.content.models import Kind
from coach.runtime.fit import grade_fit
from coach.runtime.placement_bank import placement_bank, placement_kinds
from coach.runtime.recording import replay_of
from coach.runtime.session import Session
from coach.tui.screens.placement import PlacementScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import saved_session


def make_session() -> Session:
    return saved_session(Config(learner=Learner(name="Ana", role="analyst")))


class PlacementApp(App[None]):
    def __init__(self, session: Session, **options: Any) -> None:
        super().__init__()
        self.session = session
        self.options = options
        self.level: int | None = None

    def on_mount(self) -> None:
        self.push_screen(PlacementScreen(self.session, **self.options), self._placed)

    def _placed(self, level: int | None) -> None:
        self.level = level


def text_of(app: App[Any], selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def answer_correctly(pilot: Any, screen: PlacementScreen) -> None:
    current = screen.current
    assert current is not None
    if current.exercise.kind == Kind.REVIEW:
        item = current.exercise.outputs[current.shown.review_item]
        await pilot.press("9", "w" if item.wrong else "a")
    else:
        for step in current.exercise.steps:
            await pilot.press(step.answer[0])
        await pilot.press("s")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the attempt is recorded off the UI thread
    await pilot.pause()


def test_bank_and_fit_grader() -> None:
    catalog = load_catalog()
    bank = placement_bank(catalog)
    assert bank and {item.kind for item in bank} == {"review", "fit"}
    fit = next(e.exercise for e in catalog.exercises if e.exercise.kind == Kind.FIT)
    right = {step.id: step.answer for step in fit.steps}
    assert grade_fit(fit, right).score == 1.0
    wrong = {**right, fit.steps[0].id: "human" if fit.steps[0].answer != "human" else "delegate"}
    grade = grade_fit(fit, wrong)
    assert grade.score is not None and grade.score < 1.0
    (check,) = grade.as_output_grade().checks
    assert fit.steps[0].why.rstrip(".") in check.reason


def test_the_screen_places_on_the_shared_bank() -> None:
    """The screen's bank is `placement_bank` (the one `coach simulate` places on)."""
    session = make_session()
    screen = PlacementScreen(session, rng=random.Random(5))
    assert screen.bank == placement_bank(session.catalog, placement_kinds(), random.Random(5))
    assert any(item.exercise_id.startswith("fam.") for item in screen.bank)


async def test_correct_review_answers_place_within_fifteen() -> None:
    session = make_session()
    app = PlacementApp(session, rng=random.Random(7), kinds=[Kind.REVIEW])
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlacementScreen)
        assert text_of(app, "#placement-progress") == "Placement · exercise 1 of at most 15"
        answered = 0
        while screen.result is None:
            assert answered < 15
            await answer_correctly(pilot, screen)
            answered += 1
        result = screen.result
        assert 4 <= answered <= 15
        assert result.level >= 4  # every call right: a high level
        assert result.reason and result.reason in text_of(app, "#result-reason")
        assert f"Level {result.level}" in text_of(app, "#result-level")
        level = session.catalog.level(result.level)
        assert level is not None and level.summary in text_of(app, "#result-summary")
        assert "analyst" in text_of(app, "#result-role").lower()

        stored = session.store.attempts(session.learner.id)
        assert len(stored) == answered
        assert all(a.placement for a in stored)
        assert all(a.kind == "review" and a.judgment_correct for a in stored)
        events = session.store.level_events(session.learner.id)
        assert events and events[-1].to_level == result.level
        assert not replay_of(session.learner, session.history()).placing

        await pilot.press("c")
        await pilot.pause()
    assert app.level == result.level


async def test_fit_item_then_finish_now_is_provisional() -> None:
    session = make_session()
    app = PlacementApp(session, rng=random.Random(3), kinds=[Kind.FIT])
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.current.exercise.kind == Kind.FIT
        await pilot.press("s")  # nothing decided yet: refused
        await pilot.pause()
        assert session.store.attempts(session.learner.id) == []
        await answer_correctly(pilot, screen)
        assert "exercise 2" in text_of(app, "#placement-progress")
        await pilot.press("f")
        await pilot.pause()
        assert screen.result is not None and screen.result.provisional
        assert "provisional" in text_of(app, "#result-level")
        stored = session.store.attempts(session.learner.id)
        assert len(stored) == 1 and stored[0].placement and stored[0].output_score == 1.0
        await pilot.press("c")
        await pilot.pause()
    assert app.level == screen.result.level


def test_placement_review_snapshot(snap_compare) -> None:
    app = PlacementApp(make_session(), rng=random.Random(1), kinds=[Kind.REVIEW])
    assert snap_compare(app, terminal_size=(80, 24))


def test_placement_fit_snapshot(snap_compare) -> None:
    app = PlacementApp(make_session(), rng=random.Random(1), kinds=[Kind.FIT])
    assert snap_compare(app, press=["d", "v"], terminal_size=(80, 24))


def test_placement_result_snapshot(snap_compare) -> None:
    app = PlacementApp(make_session(), rng=random.Random(1), kinds=[Kind.REVIEW])

    async def answer_five(pilot: Any) -> None:
        await pilot.pause()
        for _ in range(5):
            if app.screen.result is None:
                await answer_correctly(pilot, app.screen)
        if app.screen.result is None:
            await pilot.press("f")
        await pilot.pause()

    assert snap_compare(app, run_before=answer_five, terminal_size=(80, 24))


async def test_escape_finishes_early() -> None:
    app = PlacementApp(make_session(), rng=random.Random(1), kinds=[Kind.REVIEW])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlacementScreen) and screen.result is not None
        assert screen.result.provisional


class SkipPrompt(Screen[Any]):
    """Stands in for the app's exercise screen: the learner skips the prompt item."""

    def __init__(self, exercise: Any, seen: list[str]) -> None:
        super().__init__()
        seen.append(exercise.id)

    def on_mount(self) -> None:
        self.dismiss(None)


async def test_prompt_items_go_through_the_factory() -> None:
    """On a capable practice model, prompt exercises are placement items."""
    seen: list[str] = []
    capable = ModelEntry(name="hosted", model="openai/gpt-4o-mini", tier="standard")
    config = Config(learner=Learner(name="Ana", role="analyst"), model="hosted", models=[capable])
    app = PlacementApp(
        saved_session(config),
        rng=random.Random(1),
        kinds=[],
        prompt_item=lambda attempt: SkipPrompt(attempt.exercise, seen),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, PlacementScreen) and app.screen.result is not None:
                break
        assert seen and all(app.session.catalog.exercise(i).kind == Kind.PROMPT for i in seen)
        assert len(seen) == len(set(seen))  # a skipped item is not offered again
        assert app.screen.result is not None
