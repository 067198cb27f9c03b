"""The first run asks how the learner uses AI today; the answer is the placement prior."""

from __future__ import annotations

import pytest
from loop_helpers import SIZE, app_for, session_for, settle, text_of
from textual.widgets import Select

from coach.engine.ability import Scale
from coach.engine.placement import SELF_REPORT_LEVELS
from coach.runtime.recording import replay_of
from coach.tui.screens.first_run import FirstRunScreen
from coach.tui.screens.home import HomeScreen

BUILDS_ASSISTANTS = 3  # "I build reusable assistants and automations"


async def test_the_self_report_sets_the_prior_and_the_starting_level(fake) -> None:
    session = session_for(fake.base_url, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press(*"Ada")
        answer = app.screen.query_one("#self-report", Select)
        answer.focus()
        await pilot.press("enter")  # open the list: "Not sure (skip)" first, then the options
        for _ in range(BUILDS_ASSISTANTS + 1):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert answer.value == BUILDS_ASSISTANTS
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Level 4" in text_of(app.screen.query_one("#level"))

    assert session.learner.self_report == BUILDS_ASSISTANTS
    assert session.level == 4
    prior = replay_of(session.learner, session.history()).ability
    # Centred on the answer (the grid's edge at +7 pulls the mean in a little).
    centre = Scale().centre(SELF_REPORT_LEVELS[BUILDS_ASSISTANTS])
    assert prior.theta() == pytest.approx(centre, abs=0.05)


async def test_skipping_the_self_report_keeps_the_wide_prior(fake) -> None:
    session = session_for(fake.base_url, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"Bo")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert session.learner.self_report is None
    assert session.level == 1
    assert replay_of(session.learner, session.history()).ability.theta() == pytest.approx(
        0, abs=0.05
    )
