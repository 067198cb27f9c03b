"""Settings: models, trap rate, theme, API keys and the keymap.

Saving validates every field first and writes nothing if one is wrong. Keys go
to the system keyring through `coach.keys` and are never shown again: the
status table holds only where each key comes from and a masked hint.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from coach import keys
from coach.config import Config, ConfigError, config_path, display_path, save_config
from coach.llm.choices import configured_models
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.model_connect import ModelConnect, use_model

SOURCES = {"environment": "environment variable", "keyring": "keyring", "missing": "not set"}
# Optional models (blank = off): config field → its select.
OPTIONAL_MODELS = {"judge_model": "#judge-model", "coach_model": "#coach-model"}


def _model_options(config: Config, current: str | None) -> list[tuple[str, str]]:
    options = [(f"{spec.name} · {spec.model}", spec.name) for spec in configured_models(config)]
    values = {value for _, value in options}
    if current and current not in values and config.model_entry(current) is None:
        options.append((current, current))
    return options


def _selected(config: Config, current: str | None) -> str | None:
    """The option value for a configured model given by name or model string."""
    if current is None:
        return None
    entry = config.model_entry(current)
    return entry.name if entry is not None else current


def _plain_error(error: ValidationError) -> str:
    first = error.errors()[0]
    return str(first.get("msg", "invalid value")).removeprefix("Value error, ")


def parse_trap_rate(text: str) -> float | None:
    """The override as a number 0–1, None when blank; raises ValueError with a plain message."""
    value = text.strip().removesuffix("%").strip()
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        raise ValueError("Trap rate must be a number from 0 to 1, like 0.25.") from None
    if text.strip().endswith("%"):
        rate /= 100
    if not math.isfinite(rate) or not 0 <= rate <= 1:
        raise ValueError("Trap rate must be from 0 to 1 (0.25 plants a flaw in 1 output of 4).")
    return rate


class SettingsScreen(Screen[None]):
    DEFAULT_CSS = """
    SettingsScreen #settings {
        padding: 0 1;
    }
    SettingsScreen .section {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    SettingsScreen .row {
        height: auto;
    }
    SettingsScreen .row > Label {
        width: 16;
        padding: 1 1 0 0;
    }
    SettingsScreen .row > Select, SettingsScreen .row > Input {
        width: 1fr;
    }
    SettingsScreen .error {
        color: $error;
        padding-left: 16;
    }
    SettingsScreen .note {
        color: $text-muted;
    }
    SettingsScreen #key-provider {
        width: 22;
    }
    SettingsScreen #key-secret {
        width: 1fr;
    }
    SettingsScreen Button {
        margin-left: 1;
    }
    SettingsScreen DataTable {
        height: auto;
        max-height: 12;
    }
    SettingsScreen #settings-buttons {
        height: auto;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
        Binding("f2", "save", "Save", id="settings.save_alt", show=False),
    ]

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session

    @property
    def config(self) -> Config:
        return self.session.config

    def compose(self) -> ComposeResult:
        config = self.config
        with VerticalScroll(id="settings"):
            yield Static("Models", classes="section")
            with Horizontal(classes="row"):
                yield Label("Practice model")
                yield Select(
                    _model_options(config, config.model),
                    value=_selected(config, config.model) or Select.NULL,
                    allow_blank=False,
                    id="practice-model",
                )
            with Horizontal(classes="row"):
                yield Label("Judge model")
                yield Select(
                    _model_options(config, config.judge_model),
                    value=_selected(config, config.judge_model) or Select.NULL,
                    prompt="(none: rubric checks are not scored)",
                    id="judge-model",
                )
            with Horizontal(classes="row"):
                yield Label("Coach model")
                yield Select(
                    _model_options(config, config.coach_model),
                    value=_selected(config, config.coach_model) or Select.NULL,
                    prompt="(none: no suggestions from a coach model)",
                    id="coach-model",
                )
            yield Static("Connect a model", classes="section")
            yield ModelConnect(id="connect")
            yield Static("Practice", classes="section")
            with Horizontal(classes="row"):
                yield Label("Trap rate")
                yield Input(
                    "" if config.trap_rate is None else f"{config.trap_rate:g}",
                    placeholder="blank: each exercise's own rate",
                    id="trap-rate",
                )
            yield Static("", id="trap-rate-error", classes="error")
            with Horizontal(classes="row"):
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                current = next(
                    (t for t in (self.app.theme, config.theme) if t in themes), themes[0]
                )
                yield Select(
                    [(name, name) for name in themes],
                    value=current,
                    allow_blank=False,
                    id="theme",
                )
            with Horizontal(id="settings-buttons"):
                yield Button("Save settings", id="save", variant="primary")
            yield Static("", id="settings-message")
            yield Static("API keys", classes="section")
            yield Static(
                Text(
                    "Keys go to the system keyring, never the config file, and are not "
                    "shown again. An environment variable wins over the keyring."
                ),
                classes="note",
            )
            with Horizontal(classes="row"):
                yield Select(
                    [(name, name) for name in keys.PROVIDERS],
                    value="openai",
                    allow_blank=False,
                    id="key-provider",
                )
                yield Input(password=True, placeholder="paste the key", id="key-secret")
                yield Button("Save key", id="save-key")
            yield Static("", id="key-message")
            yield DataTable(id="key-status", cursor_type="row")
            yield Static("Keys (read-only)", classes="section")
            yield Static(
                Text(
                    "Set `keymap` in the config file (binding id = key) to change them: "
                    f"{display_path(self._config_path())}"
                ),
                classes="note",
            )
            yield DataTable(id="keymap", cursor_type="row")
        yield Footer()

    def _config_path(self) -> Path:
        return config_path()

    def on_mount(self) -> None:
        status = self.query_one("#key-status", DataTable)
        status.add_columns("Provider", "Variable", "Found in", "Hint")
        keymap = self.query_one("#keymap", DataTable)
        keymap.add_columns("Binding id", "Key", "Action")
        self.refresh_key_status()
        self.refresh_keymap()
        if not keys.keyring_available():
            self.query_one("#save-key", Button).disabled = True
            self.query_one("#key-message", Static).update(
                Text(
                    "No system keyring is available here, so keys cannot be stored. "
                    "Set the provider's environment variable instead (the table shows "
                    "its name), for example in your shell profile."
                )
            )
        self.query_one("#practice-model", Select).focus()

    # --- keys ---------------------------------------------------------------

    def refresh_key_status(self) -> None:
        table = self.query_one("#key-status", DataTable)
        table.clear()
        for row in keys.key_status():
            table.add_row(
                Text(row.provider),
                Text(row.env_var),
                Text(SOURCES.get(row.source, row.source)),
                Text(row.hint or ""),
                key=row.provider,
            )

    def save_key(self) -> None:
        secret_input = self.query_one("#key-secret", Input)
        provider = str(self.query_one("#key-provider", Select).value)
        message = self.query_one("#key-message", Static)
        secret = secret_input.value
        secret_input.value = ""  # gone from the widget whatever happens next
        try:
            hint = keys.set_key(provider, secret)
        except keys.KeysError as exc:
            message.update(Text(str(exc)))
            self.notify(str(exc), severity="error", title="Key not saved")
            return
        finally:
            del secret
        message.update(Text(f"Saved the {provider} key to the keyring ({hint})."))
        self.notify(f"Saved the {provider} key ({hint})", title="Key saved")
        self.refresh_key_status()

    # --- keymap -------------------------------------------------------------

    def binding_rows(self) -> list[tuple[str, str, str]]:
        """(binding id, key, action) for every binding with an id the app knows of."""
        seen: dict[str, tuple[str, str, str]] = {}
        owners: list[Any] = [self.app, *self.app.screen_stack]
        classes: list[type] = []
        for owner in owners:
            for cls in type(owner).__mro__:
                if cls not in classes and cls.__module__.startswith("coach."):
                    classes.append(cls)
        for screen_cls in _own_screens():
            if screen_cls not in classes:
                classes.append(screen_cls)
        overrides = self.config.keymap
        for cls in classes:
            for binding in getattr(cls, "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.id or binding.id in seen:
                    continue
                key = overrides.get(binding.id, binding.key)
                action = binding.description or binding.action
                seen[binding.id] = (binding.id, key, action)
        return sorted(seen.values())

    def refresh_keymap(self) -> None:
        table = self.query_one("#keymap", DataTable)
        table.clear()
        for binding_id, key, action in self.binding_rows():
            table.add_row(Text(binding_id), Text(key), Text(action))

    # --- saving -------------------------------------------------------------

    def collect(self) -> Config | None:
        """A validated copy of the config with the screen's values; None (and errors shown)."""
        error = self.query_one("#trap-rate-error", Static)
        error.update("")
        try:
            rate = parse_trap_rate(self.query_one("#trap-rate", Input).value)
        except ValueError as exc:
            error.update(Text(str(exc)))
            return None
        new = self.config.model_copy(deep=True)
        practice = self.query_one("#practice-model", Select).value
        theme = self.query_one("#theme", Select).value
        try:
            if practice is not Select.NULL and practice != _selected(new, new.model):
                new.model = str(practice)
            for field, selector in OPTIONAL_MODELS.items():
                chosen = self.query_one(selector, Select).value
                value = None if chosen is Select.NULL else str(chosen)
                if value != _selected(new, getattr(new, field)):
                    setattr(new, field, value)
            if rate != new.trap_rate:
                new.trap_rate = rate
            if theme is not Select.NULL and theme != new.theme:
                new.theme = str(theme)
        except ValidationError as exc:
            self.query_one("#settings-message", Static).update(Text(_plain_error(exc)))
            return None
        return new

    def action_save(self) -> None:
        new = self.collect()
        if new is None:
            self.notify("Nothing was saved: fix the field shown.", severity="error")
            return
        try:
            path = save_config(new)
        except (ConfigError, OSError) as exc:
            self.query_one("#settings-message", Static).update(Text(str(exc)))
            self.notify("Nothing was saved.", severity="error")
            return
        self.session.config = new
        self.query_one("#settings-message", Static).update(Text(f"Saved to {display_path(path)}."))
        self.notify("Settings saved")

    def on_model_connect_connected(self, event: ModelConnect.Connected) -> None:
        """A model that answered its test call is the practice model from now on, saved
        at once (the other fields keep what is typed until they are saved)."""
        try:
            name = use_model(self.session, event.spec)
        except (ConfigError, OSError) as exc:
            self.query_one("#settings-message", Static).update(Text(str(exc)))
            self.notify("The model was not saved.", severity="error")
            return
        config = self.config
        for field, selector in {"model": "#practice-model", **OPTIONAL_MODELS}.items():
            select = self.query_one(selector, Select)
            chosen = select.value
            select.set_options(_model_options(config, getattr(config, field)))
            if field == "model":
                select.value = name
            elif chosen is not Select.NULL:
                select.value = chosen
        self.notify(f"Practising with {name} from the next exercise", title="Model saved")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "save-key":
            self.save_key()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "key-secret":
            self.save_key()
        elif event.input.id == "trap-rate":
            self.action_save()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "theme" and event.value is not Select.NULL:
            self.app.theme = str(event.value)  # live; saved with the rest

    def action_back(self) -> None:
        self.app.pop_screen()


def _own_screens() -> tuple[type, ...]:
    from coach.tui.screens.history import AttemptDetail, HistoryScreen
    from coach.tui.screens.placement import PlacementScreen

    return (HistoryScreen, AttemptDetail, PlacementScreen, SettingsScreen)
