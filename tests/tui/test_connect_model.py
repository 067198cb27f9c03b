"""Connecting a model in one step: servers on this machine listed, a pick validated,
saved and used from the next attempt; a typed model with its key (into the keyring)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, Reply
from textual.widgets import Input, OptionList, Select, TextArea

from coach import llm
from coach.config import config_path, load_config
from coach.llm.discovery import PORTS_ENV, FoundServer
from coach.llm.readiness import Readiness
from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.first_run import FirstRunScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.settings import SettingsScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import SIZE, app_for, session_for, settle, text_of

RENEWAL = "l1-renewal-dates-to-json"
GOOD = "qwen2.5-7b-instruct"
KEY = "sk-local-0123456789abcdef"


@pytest.fixture
def server(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """The fake, listing one working model and one that refuses every key, found by discovery."""
    fake.models = [GOOD, "fake-401"]
    monkeypatch.setenv(PORTS_ENV, f"{fake.port}=LM Studio")
    return fake


def listed(app: Any) -> list[str]:
    found = app.screen.query_one("#found-models", OptionList)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


async def pick(app: Any, pilot: Any, index: int) -> None:
    found = app.screen.query_one("#found-models", OptionList)
    found.focus()
    found.highlighted = index
    await pilot.press("enter")
    await settle(app, pilot)
    await settle(app, pilot)  # the Connected message, then the readiness of the new choice


async def submit_typed(app: Any, pilot: Any) -> None:
    """Enter in the key field: Test and use from the keyboard (the answer above may have
    scrolled the form since the last click)."""
    app.screen.query_one("#custom-key", Input).focus()
    await pilot.press("enter")


def result_line(app: Any) -> str:
    return text_of(app.screen.query_one("#connect-result"))


async def test_first_run_lists_the_servers_models_and_practises_on_the_one_picked(
    server: FakeOpenAI,
) -> None:
    session = session_for(None, named=False)
    exercise = session.exercise(RENEWAL)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert f"Found 2 models on LM Studio (port {server.port})" in text_of(
            app.screen.query_one("#servers-status")
        )
        assert listed(app) == [
            f"  {GOOD} — LM Studio (port {server.port})",
            f"  fake-401 — LM Studio (port {server.port})",
        ]
        await pilot.press(*"Ada")
        await pick(app, pilot, 0)

        assert listed(app)[0].startswith(f"✓ {GOOD}")
        assert "answered" in result_line(app)
        test_call = server.chat_requests[-1].body
        assert test_call["model"] == GOOD and test_call["max_tokens"] == 1
        assert app.screen.query_one("#model", Select).value == GOOD
        assert "Ready: server answers" in text_of(app.screen.query_one("#readiness"))
        saved = load_config()  # saved at once: nothing to edit by hand
        assert saved.model == GOOD
        assert [(e.model, e.api_base) for e in saved.models] == [
            (f"openai/{GOOD}", server.base_url)
        ]

        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        server.queue(Reply(text=exercise.reference.good_output))
        app.practise(exercise)
        await settle(app, pilot)
        editor = app.screen.query_one("#prompt", TextArea)
        editor.insert("List every date in the email as a JSON list.")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, JudgmentScreen)
        await pilot.press("a")
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedbackScreen)

    practice = server.chat_requests[-1].body
    assert practice["model"] == GOOD  # the attempt ran on the model picked, on that server
    assert "List every date" in practice["messages"][-1]["content"]
    assert session.history()[0].model in (GOOD, f"openai/{GOOD}")


async def test_check_all_marks_every_listed_model_and_saves_nothing(server: FakeOpenAI) -> None:
    session = session_for(None, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#check-all")
        await settle(app, pilot)
        marks = listed(app)
        assert marks[0].startswith(f"✓ {GOOD}")
        assert marks[1].startswith("✗ fake-401")
        assert "Checked 2 models: 1 answered" in result_line(app)
        calls = [r.body for r in server.chat_requests]
        assert [c["model"] for c in calls] == [GOOD, "fake-401"]
        assert all(c["max_tokens"] == 1 for c in calls)
        assert session.config.models == [] and not config_path().exists()


async def test_a_listed_model_that_fails_its_test_call_is_marked_and_not_saved(
    server: FakeOpenAI,
) -> None:
    session = session_for(None, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, 1)
        marks = listed(app)
        assert marks[0].startswith("  ")  # not tried
        assert marks[1].startswith("✗ fake-401") and "asks for an API key" in marks[1]
        said = result_line(app)
        assert "asks for an API key" in said and "(nothing saved)" in said
        assert "Type its key in the API key field" in said  # the form is set up for it
        assert app.screen.query_one("#custom-model", Input).value == "openai/fake-401"
        assert app.screen.query_one("#custom-base", Input).value == server.base_url
        assert app.screen.query_one("#model", Select).value == "local/smollm2"
    assert session.config.model == "local/smollm2" and session.config.models == []
    assert not config_path().exists()


async def test_no_server_found_says_so_and_looks_again_when_asked(
    monkeypatch: pytest.MonkeyPatch, closed_port: int, fake: FakeOpenAI
) -> None:
    monkeypatch.setenv(PORTS_ENV, str(closed_port))
    app = app_for(session_for(None, named=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        status = text_of(app.screen.query_one("#servers-status"))
        assert f"No model server found on this machine (looked on ports {closed_port})" in status
        assert "Ollama, LM Studio, llama.cpp's server or vLLM, then Look again" in status
        assert not app.screen.query_one("#found-models", OptionList).display

        fake.models = [GOOD]  # the learner starts a server, then asks again
        monkeypatch.setenv(PORTS_ENV, f"{fake.port}=vLLM")
        await pilot.click("#look-again")
        await settle(app, pilot)
        assert listed(app) == [f"  {GOOD} — vLLM (port {fake.port})"]


async def test_a_server_is_text_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = FoundServer(
        port=1234,
        kind="LM Studio",
        api_base="http://127.0.0.1:1234/v1",
        models=["[bold]x[/bold]\x1b[31m"],
    )
    monkeypatch.setattr("coach.tui.widgets.model_connect.discover", lambda: [hostile])
    app = app_for(session_for(None, named=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert listed(app)[0].startswith("  [bold]x[/bold]")
        assert "\x1b" not in listed(app)[0]


async def test_a_typed_model_with_a_key_is_checked_and_the_key_goes_to_the_keyring(
    fake: FakeOpenAI, memory_keyring: Any, closed_port: int
) -> None:
    session = session_for(None, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        model = app.screen.query_one("#custom-model", Input)
        base = app.screen.query_one("#custom-base", Input)
        key = app.screen.query_one("#custom-key", Input)

        # A hosted model without a key: asked for, before any call.
        model.value = "anthropic/claude-sonnet-4-5"
        await pilot.click("#custom-try")
        await settle(app, pilot)
        assert "No API key is set for anthropic" in result_line(app)
        assert "Type its key in the API key field" in result_line(app)

        # An address nobody answers at: said plainly, nothing kept, what was typed stays.
        model.value, base.value, key.value = "openai/big", f"http://127.0.0.1:{closed_port}/v1", KEY
        await submit_typed(app, pilot)
        await settle(app, pilot)
        assert "Cannot reach" in result_line(app) and "(nothing saved)" in result_line(app)
        assert (model.value, key.value) == ("openai/big", KEY)

        # A key the server refuses: the same.
        model.value, base.value = "openai/fake-401", fake.base_url
        await submit_typed(app, pilot)
        await settle(app, pilot)
        assert "refused the API key" in result_line(app)
        assert "Check the key typed" in result_line(app)
        assert key.value == KEY
        assert memory_keyring.secrets == {}
        assert session.config.models == [] and not config_path().exists()

        # A working one: checked with the key typed, kept, used from now on.
        model.value = "openai/big"
        key.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "answered" in result_line(app) and "keyring" in result_line(app)
        assert key.value == ""  # gone from the screen once kept
        assert fake.chat_requests[-1].authorization == f"Bearer {KEY}"
        assert app.screen.query_one("#model", Select).value == "big"

    assert memory_keyring.secrets == {("coach", f"server:{fake.base_url}"): KEY}
    assert KEY not in config_path().read_text()
    spec = llm.ModelSpec.of("openai/big", api_base=fake.base_url)
    assert llm.resolve_key(spec) == KEY  # later calls to that server send it
    assert session.config.model == "big"


async def test_settings_lists_the_servers_found_and_a_pick_takes_effect_at_once(
    server: FakeOpenAI,
) -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_named("settings")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert listed(app)[0] == f"  {GOOD} — LM Studio (port {server.port})"
        await pick(app, pilot, 0)
        assert listed(app)[0].startswith("✓")
        assert app.screen.query_one("#practice-model", Select).value == GOOD
        assert session.spec().model == f"openai/{GOOD}"
        assert session.spec().api_base == server.base_url
    assert load_config().model == GOOD
    assert load_config().learner.name == "Ada"  # the rest of the config is as it was


@pytest.fixture
def ready_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "coach.tui.screens.first_run.check_ready",
        lambda spec: Readiness(spec, True, "runs on this machine, offline"),
    )


def test_first_run_with_a_server_found_snapshot(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch, ready_model: None
) -> None:
    found = FoundServer(
        port=11434,
        kind="Ollama",
        api_base="http://127.0.0.1:11434/v1",
        models=["llama3.2:3b", "qwen2.5:7b-instruct"],
    )
    monkeypatch.setattr("coach.tui.widgets.model_connect.discover", lambda: [found])
    app = app_for(session_for(None, named=False))

    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_without_a_keyring_a_typed_key_is_not_kept_and_nothing_is_saved(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("coach.keys.keyring_available", lambda: False)
    session = session_for(None, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#custom-model", Input).value = "openai/big"
        app.screen.query_one("#custom-base", Input).value = fake.base_url
        app.screen.query_one("#custom-key", Input).value = KEY
        await pilot.click("#custom-try")
        await settle(app, pilot)
        said = result_line(app)
        assert "Cannot keep the key" in said and "OPENAI_API_KEY" in said
        assert KEY not in said
        assert app.screen.query_one("#custom-key", Input).value == KEY
    assert session.config.models == [] and not config_path().exists()


async def test_leaving_before_the_servers_answer_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    answered = threading.Event()

    def slow_discover() -> list[FoundServer]:
        answered.wait(5)
        return []

    monkeypatch.setattr("coach.tui.widgets.model_connect.discover", slow_discover)
    session = session_for(None, named=False)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"Ada")
        await pilot.press("f5")
        await pilot.pause()
        answered.set()
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
