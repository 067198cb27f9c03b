"""The coach model's suggestions on the feedback screen, driven through the pilot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, Reply, Slow
from textual.widgets import Select, Static, TextArea

from coach.coaching.critique import coach_model_spec
from coach.config import ModelEntry, load_config
from coach.runtime.session import Session
from coach.tui.app import CoachApp
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.settings import SettingsScreen
from coach.tui.widgets.critique import CritiquePanel

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import HOSTILE, SIZE, app_for, fake_config, settle, text_of, wait_for_workers

RENEWAL = "l1-renewal-dates-to-json"
REVIEW = "l1-seat-quote-review"
PROMPT = "List every date in the email as a JSON list."
# Only the coach model's request carries this heading (see coach.coaching.critique).
COACH_NEEDLE = "THE LEARNER'S PROMPT"
COACH_REPLY = f"""\
1. Say that 01/03/2026 is day/month, because the sender writes UK dates.
2. Keep asking for a bare JSON list: that check passed. [bold]x[/]
3. {HOSTILE}"""
LABEL = (
    "Suggestions from the coach model (critic) — written by a model, not by the checks; "
    "treat as advice"
)


def session_with_coach(base_url: str, coach: ModelEntry | None) -> Session:
    config = fake_config(base_url)
    if coach is not None:
        config.models.append(coach)
        config.coach_model = coach.name
    session = Session.open(config, seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    return session


def critic(api_base: str, model: str = "openai/gpt-4o-mini") -> ModelEntry:
    return ModelEntry(name="critic", model=model, api_base=api_base)


async def judge_renewal(app: CoachApp, pilot: Any, session: Session) -> None:
    """Write a prompt, send it, call the output acceptable and submit: up to the feedback."""
    await settle(app, pilot)
    app.practise(session.exercise(RENEWAL))
    await settle(app, pilot)
    app.screen.query_one("#prompt", TextArea).insert(PROMPT)
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, JudgmentScreen)
    await pilot.press("a")
    await pilot.press("f5")


def coach_requests(fake: FakeOpenAI) -> list[Any]:
    return [r for r in fake.chat_requests if r.body and not r.body.get("stream")]


async def test_feedback_shows_the_coach_models_three_suggestions_and_cost(
    fake: FakeOpenAI,
) -> None:
    session = session_with_coach(fake.base_url, critic(fake.base_url))
    exercise = session.exercise(RENEWAL)
    fake.queue(Reply(text=exercise.reference.good_output))
    fake.reply_when(
        COACH_NEEDLE,
        behaviour=Reply(text=COACH_REPLY, prompt_tokens=2000, completion_tokens=1000),
    )
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await judge_renewal(app, pilot, session)
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert "Output: passed (100%)" in text_of(app.screen.query_one("#feedback"))
        panel = app.screen.query_one("#critique", CritiquePanel)
        shown = text_of(panel)
        assert panel.display
        assert LABEL in shown
        assert "1. Say that 01/03/2026 is day/month, because the sender writes UK dates." in shown
        assert "2. Keep asking for a bare JSON list: that check passed. [bold]x[/]" in shown
        assert "3. [bold]x[/bold] [link=http://e]x[/link] red" in shown
        assert "\x1b" not in shown and "\u202e" not in shown
        # The server is on this machine (loopback): its calls cost nothing.
        assert panel.result is not None and panel.result.cost_usd == 0.0
        assert "cost $0 · 3000 tokens" in shown
    (request,) = coach_requests(fake)
    assert request.model == "gpt-4o-mini"
    sent = request.body["messages"][1]["content"]
    assert PROMPT in sent
    assert "PASS exactly the six dates in the body" in sent
    assert "called the output acceptable" in sent


async def test_no_coach_model_no_request_and_no_panel(fake: FakeOpenAI) -> None:
    session = session_with_coach(fake.base_url, None)
    fake.queue(Reply(text=session.exercise(RENEWAL).reference.good_output))
    fake.reply_when(COACH_NEEDLE, behaviour=Reply(text=COACH_REPLY))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await judge_renewal(app, pilot, session)
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        panel = app.screen.query_one("#critique", CritiquePanel)
        assert not panel.display
        everything = "\n".join(text_of(widget) for widget in app.screen.query(Static))
        assert "coach model" not in everything
        assert "Output: passed" in everything
    assert len(fake.chat_requests) == 1  # the practice call only
    assert coach_requests(fake) == []


@pytest.mark.parametrize("failure", ["refused", "bad-key"])
async def test_a_failing_coach_model_shows_its_error_and_leaves_the_feedback(
    fake: FakeOpenAI, closed_port: int, failure: str
) -> None:
    if failure == "refused":
        coach = critic(f"http://127.0.0.1:{closed_port}/v1")
    else:
        coach = critic(fake.base_url, model="openai/fake-401")
    session = session_with_coach(fake.base_url, coach)
    fake.queue(Reply(text=session.exercise(RENEWAL).reference.good_output))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await judge_renewal(app, pilot, session)
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        panel = app.screen.query_one("#critique", CritiquePanel)
        shown = text_of(panel)
        assert panel.error is not None and panel.result is None
        assert "The coach model (critic) could not comment on this attempt." in shown
        assert panel.error.message in shown and panel.error.fix in shown
        assert "Suggestions from the coach model" not in shown
        feedback = text_of(app.screen.query_one("#feedback"))
        assert "Output: passed (100%)" in feedback and "Your judgment: right" in feedback
    assert len(session.history()) == 1


async def test_the_app_stays_responsive_while_the_coach_model_thinks(fake: FakeOpenAI) -> None:
    session = session_with_coach(fake.base_url, critic(fake.base_url))
    fake.queue(Reply(text=session.exercise(RENEWAL).reference.good_output))
    fake.reply_when(COACH_NEEDLE, behaviour=Slow(2.0, then=Reply(text=COACH_REPLY)))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await judge_renewal(app, pilot, session)
        for _ in range(200):
            await pilot.pause(0.02)
            if isinstance(app.screen, FeedbackScreen) and coach_requests(fake):
                break
        assert isinstance(app.screen, FeedbackScreen)
        panel = app.screen.query_one("#critique", CritiquePanel)
        assert text_of(panel) == "Asking the coach model (critic)…"
        assert "Output: passed" in text_of(app.screen.query_one("#feedback"))
        await pilot.press("h")  # leaving does not wait for the coach model
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await wait_for_workers(app)
        assert panel.result is None and panel.error is None  # the call was dropped, not shown


async def test_a_review_exercise_gets_advice_on_the_judgment(fake: FakeOpenAI) -> None:
    session = session_with_coach(fake.base_url, critic(fake.base_url))
    fake.reply_when("only judged an output", behaviour=Reply(text="1. Check line 3 first."))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(REVIEW))
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)
        shown = text_of(app.screen.query_one("#critique", CritiquePanel))
        assert "1. Check line 3 first." in shown
        assert "gave 1 usable suggestion, not three" in shown
    (request,) = coach_requests(fake)
    sent = request.body["messages"][1]["content"]
    assert "THE LEARNER'S PROMPT\n(none: here the learner only judged an output)" in sent
    assert "The learner called the output acceptable" in sent
    assert "(known from the answer key)" in sent


async def test_settings_turns_the_coach_model_on_and_off(fake: FakeOpenAI) -> None:
    session = session_with_coach(fake.base_url, None)
    session.config.models.append(critic(fake.base_url))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(SettingsScreen(session))
        await pilot.pause()
        select = app.screen.query_one("#coach-model", Select)
        assert select.value is Select.NULL
        select.value = "critic"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_config().coach_model == "critic"
        assert coach_model_spec(session.config) is not None
        select.value = Select.NULL
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_config().coach_model is None
        assert coach_model_spec(session.config) is None
