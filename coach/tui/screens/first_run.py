"""First run: who you are, what your role needs, which model to practise with."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from coach.config import Config, ConfigError
from coach.engine.placement import SELF_REPORT_OPTIONS
from coach.llm import DEFAULT_LOCAL_MODEL, ModelError
from coach.llm.choices import configured_models, spec_for
from coach.runtime.learner import DEFAULT_ROLE
from coach.tui.messages import OpenScreen
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.model_connect import ModelConnect, use_model

if TYPE_CHECKING:
    from coach.runtime.session import Session


def check_ready(spec):
    from coach.llm.readiness import check_ready as probe

    return probe(spec)


class FirstRunScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "continue", "Continue", id="first_run.continue"),
        Binding("ctrl+r", "continue", "Continue", show=False, id="first_run.continue_alt"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        config = self.session.config
        roles = [
            (f"{role.name} (target: level {role.target_level})", role.id)
            for role in self.session.catalog.roles
        ]
        role_ids = [value for _, value in roles]
        wanted_role = config.learner.role or DEFAULT_ROLE
        models, wanted_model = _model_choices(config)
        yield Header()
        with VerticalScroll(id="first-run"):
            yield Static(
                "Welcome. coach gives you short exercises at your level, and you judge "
                "what the model wrote. A few things first:",
                id="welcome",
            )
            yield Label("Your name")
            yield Input(
                value=config.learner.name or "", placeholder="your name", id="name", compact=True
            )
            yield Label("Your role (sets the level to aim for)")
            yield Select(
                roles,
                value=wanted_role if wanted_role in role_ids else Select.BLANK,
                allow_blank=False,
                id="role",
                compact=True,
            )
            yield Label("How do you use AI at work today? (optional: it shortens the placement)")
            yield Select(
                [(text, index) for index, text in enumerate(SELF_REPORT_OPTIONS)],
                prompt="Not sure (skip)",
                id="self-report",
                compact=True,
            )
            yield Label("Model to practise with")
            yield Select(models, value=wanted_model, allow_blank=False, id="model", compact=True)
            yield Static("Checking the model…", id="readiness", markup=False)
            yield ModelConnect(id="connect")
            with Horizontal(id="first-run-actions"):
                yield Button("Continue", variant="primary", id="continue")
                yield Button("Take the placement now", id="placement")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.check_model()

    @on(Select.Changed, "#model")
    def _model_changed(self) -> None:
        self.check_model()

    @work(thread=True, exclusive=True, group="readiness")
    def check_model(self) -> None:
        name = self.query_one("#model", Select).value
        try:
            ready = check_ready(spec_for(self.session.config, str(name)))
        except ModelError as error:
            self.app.call_from_thread(self._show_ready, False, error.message, error.fix)
            return
        self.app.call_from_thread(self._show_ready, ready.ready, ready.detail, ready.fix)

    def _show_ready(self, ready: bool, detail: str, fix: str) -> None:
        line = Text("✓ Ready: " if ready else "✗ Not ready: ", style="bold")
        line.append(detail)
        if fix and not ready:
            line.append(f"\n{fix}")
        self.query_one("#readiness", Static).update(line)

    @on(ModelConnect.Connected)
    def _connected(self, event: ModelConnect.Connected) -> None:
        """A model that answered its test call becomes the practice model, saved now."""
        try:
            name = use_model(self.session, event.spec)
        except (ConfigError, OSError) as error:
            self.notify(str(error), severity="error", title="Model not saved")
            return
        select = self.query_one("#model", Select)
        models, _ = _model_choices(self.session.config)
        select.set_options(models)
        select.value = name  # checks its readiness again, like any choice

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self._save(placement=False)

    @on(Button.Pressed, "#placement")
    def _placement(self) -> None:
        self._save(placement=True)

    def _save(self, *, placement: bool) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.notify("Type your name first.", severity="warning")
            self.query_one("#name", Input).focus()
            return
        role = str(self.query_one("#role", Select).value)
        model = str(self.query_one("#model", Select).value)
        answer = self.query_one("#self-report", Select).value
        self_report = answer if isinstance(answer, int) else None
        self.session.save_profile(name, role, model, self_report)
        from coach.tui.screens.home import HomeScreen

        self.app.switch_screen(HomeScreen(self.session))
        if placement:
            self.app.post_message(OpenScreen("placement"))


def _model_choices(config: Config) -> tuple[list[tuple[str, str]], str]:
    """The model select's options and the one to show chosen."""
    models = [(spec.name, spec.name) for spec in configured_models(config)]
    names = [value for _, value in models]
    entry = config.model_entry(config.model)
    wanted = entry.name if entry else config.model
    if wanted not in names:
        wanted = DEFAULT_LOCAL_MODEL if DEFAULT_LOCAL_MODEL in names else names[0]
    return models, wanted
