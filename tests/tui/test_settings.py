"""The settings screen: saving models and trap rate, refusing bad values, storing keys."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from coach.config import Config, Learner, ModelEntry, config_path, load_config
from coach.runtime.session import Session
from coach.tui.screens import settings as settings_module
from coach.tui.screens.settings import SettingsScreen, parse_trap_rate

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import saved_session

SECRET = "sk-test-0123456789abcdefXYZ9"


def make_session() -> Session:
    return saved_session(
        Config(
            learner=Learner(name="Ana", role="analyst"),
            models=[
                ModelEntry(name="mini", model="openai/gpt-4o-mini", tier="standard"),
                ModelEntry(name="big", model="openai/gpt-4o", tier="frontier"),
            ],
        )
    )


class SettingsApp(App[None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(SettingsScreen(self.session))


def all_text(app: App[Any]) -> str:
    """What every Static, Input and DataTable on screen would show."""
    parts = []
    for widget in app.screen.query(Static):
        content = widget.render()
        parts.append(content.plain if isinstance(content, Text) else str(content))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.extend(str(cell) for cell in table.get_row_at(row))
    for field in app.screen.query(Input):
        parts.append(field.value)
    return "\n".join(parts)


def test_parse_trap_rate() -> None:
    assert parse_trap_rate("") is None
    assert parse_trap_rate(" 0.3 ") == 0.3
    assert parse_trap_rate("25%") == 0.25
    for bad in ("2", "-0.1", "abc", "nan"):
        with pytest.raises(ValueError):
            parse_trap_rate(bad)


async def test_saves_model_and_trap_rate() -> None:
    session = make_session()
    app = SettingsApp(session)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#practice-model", Select).value = "big"
        screen.query_one("#judge-model", Select).value = "mini"
        screen.query_one("#trap-rate", Input).value = "0.4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = load_config()
        assert saved.model == "big"
        assert saved.judge_model == "mini"
        assert saved.trap_rate == 0.4
        assert saved.learner.name == "Ana"
        assert len(saved.models) == 2
        assert session.config.model == "big"
        assert "Saved to" in all_text(app)


async def test_refuses_trap_rate_two_and_writes_nothing() -> None:
    session = make_session()
    before = config_path().read_bytes()
    app = SettingsApp(session)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one("#practice-model", Select).value = "big"
        app.screen.query_one("#trap-rate", Input).value = "2"
        app.screen.query_one("#save").press()
        await pilot.pause()
        error = app.screen.query_one("#trap-rate-error", Static).render()
        assert "from 0 to 1" in str(error)
    assert config_path().read_bytes() == before
    assert load_config().trap_rate is None


async def test_theme_applies_live() -> None:
    app = SettingsApp(make_session())
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one("#theme", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"


async def test_stores_key_and_never_shows_it(memory_keyring) -> None:
    app = SettingsApp(make_session())
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one("#key-provider", Select).value = "anthropic"
        secret_input = app.screen.query_one("#key-secret", Input)
        assert secret_input.password
        secret_input.focus()
        secret_input.value = SECRET
        await pilot.press("enter")
        await pilot.pause()
        assert memory_keyring.secrets[("coach", "anthropic")] == SECRET
        assert secret_input.value == ""
        text = all_text(app)
        assert SECRET not in text
        assert SECRET[3:-4] not in text
        status = app.screen.query_one("#key-status", DataTable)
        row = [str(c) for c in status.get_row("anthropic")]
        assert row[2] == "keyring" and row[3] == "sk-…XYZ9"
        assert "Saved the anthropic key" in text


async def test_no_keyring_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module.keys, "keyring_available", lambda: False)
    app = SettingsApp(make_session())
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        assert "No system keyring" in all_text(app)
        assert app.screen.query_one("#save-key").disabled


async def test_keymap_table_lists_binding_ids() -> None:
    session = make_session()
    session.config.keymap = {"settings.back": "f10"}
    app = SettingsApp(session)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#keymap", DataTable)
        rows = {
            str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)
        }
        assert rows["settings.back"] == "f10"
        assert rows["history.back"] == "escape"
        assert "placement.acceptable" in rows
        assert "keymap" in all_text(app)


def test_settings_snapshot(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "config_path", lambda: Path("~/.config/coach/config.toml"))
    assert snap_compare(SettingsApp(make_session()), terminal_size=(80, 24))
