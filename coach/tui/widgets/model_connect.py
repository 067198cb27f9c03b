"""Connect a model in one step: servers found on this machine, or a model typed in.

Used by the first run and Settings. Finding servers (loopback only, short
timeouts) runs in a thread worker as soon as the widget is shown; picking a
listed model, or "Test and use" on a typed one, makes a one-token test call in
a worker. Only a model that answered is kept: the key (if one was typed) goes
to the system keyring, never the config, and the owning screen gets
`ModelConnect.Connected` to save the choice (`use_model`). A failed call saves
nothing and leaves what was typed in place. Everything a server sends is shown
as text, never markup.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static

from coach import keys
from coach.config import save_config
from coach.llm import ModelError, ModelSpec
from coach.llm.choices import with_practice_model
from coach.llm.discovery import FoundServer, discover, ports_to_look_at
from coach.llm.discovery import try_model as one_token_call
from coach.llm.readiness import Readiness
from coach.tui.widgets.safe import plain, safe_text

LOOKING = "Looking for model servers on this machine…"
DETAIL_WIDTH = 60  # an error under a listed model stays on one line at 80 columns
FIX_NONE = (
    "Start Ollama, LM Studio, llama.cpp's server or vLLM, then Look again; or type a model below."
)


def use_model(session: Any, spec: ModelSpec) -> str:
    """Save `spec` as the practice model and use it from the next attempt on.

    Returns the name it goes by in the config. Raises ConfigError or OSError
    when the config cannot be written (then nothing changed).
    """
    config, name = with_practice_model(session.config, spec)
    save_config(config)
    session.config = config  # the next attempt reads its model from here: no restart
    return name


class ModelConnect(Vertical):
    DEFAULT_CSS = """
    ModelConnect {
        height: auto;
    }
    ModelConnect #servers-status, ModelConnect #connect-result {
        color: $text-muted;
        margin-top: 1;
    }
    ModelConnect #servers-row {
        height: auto;
    }
    ModelConnect #servers-status {
        width: 1fr;
    }
    ModelConnect #look-again, ModelConnect #check-all {
        margin: 1 0 0 1;
    }
    ModelConnect #check-all {
        display: none;
    }
    ModelConnect #found-models {
        height: auto;
        max-height: 8;
        display: none;
    }
    ModelConnect #custom-label {
        margin-top: 1;
    }
    ModelConnect .custom-row {
        height: auto;
    }
    ModelConnect .custom-row Input {
        width: 1fr;
    }
    ModelConnect #custom-try {
        margin-left: 1;
    }
    """

    class Connected(Message):
        """A model answered its test call and should now be the practice model."""

        def __init__(self, spec: ModelSpec) -> None:
            super().__init__()
            self.spec = spec

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.servers: list[FoundServer] = []
        self.listed: list[ModelSpec] = []  # one per option, in order
        self.marks: dict[int, Readiness] = {}  # the listed models already tried
        self.checking: int | None = None  # the listed model being checked now

    def compose(self) -> ComposeResult:
        with Horizontal(id="servers-row"):
            yield Static(LOOKING, id="servers-status", markup=False)
            yield Button("Check all", id="check-all", compact=True, disabled=True)
            yield Button("Look again", id="look-again", compact=True, disabled=True)
        yield OptionList(id="found-models", compact=True)
        yield Static("Or type a model (hosted, or a server elsewhere):", id="custom-label")
        with Horizontal(classes="custom-row"):
            yield Input(
                placeholder="model, like openai/gpt-4o-mini",
                id="custom-model",
                compact=True,
            )
            yield Input(
                placeholder="API base (blank: the provider's)", id="custom-base", compact=True
            )
        with Horizontal(classes="custom-row"):
            yield Input(
                password=True,
                placeholder="API key (optional; kept in the system keyring)",
                id="custom-key",
                compact=True,
            )
            yield Button("Test and use", id="custom-try", compact=True)
        yield Static("", id="connect-result")

    def on_mount(self) -> None:
        self.find_servers()

    # --- finding servers ----------------------------------------------------

    @on(Button.Pressed, "#look-again")
    def _look_again(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#servers-status", Static).update(LOOKING)
        self.query_one("#look-again", Button).disabled = True
        self.find_servers()

    @work(thread=True, exclusive=True, group="discovery")
    def find_servers(self) -> None:
        servers = discover()
        self.app.call_from_thread(self.show_servers, servers)

    def show_servers(self, servers: list[FoundServer]) -> None:
        if not self.is_attached:  # the learner moved on before the answer came
            return
        self.servers = servers
        self.listed = [spec for server in servers for spec in server.specs()]
        self.marks = {}
        found = self.query_one("#found-models", OptionList)
        status = self.query_one("#servers-status", Static)
        self.query_one("#look-again", Button).disabled = False
        check_all = self.query_one("#check-all", Button)
        check_all.disabled = not self.listed
        check_all.display = bool(self.listed)  # nothing to check: not offered
        if not self.listed:
            found.display = False
            what = "No model server found" if not servers else "The servers found list no models"
            ports = ", ".join(str(port) for port, _ in ports_to_look_at())
            looked = f" (looked on ports {ports})" if ports else ""
            status.update(Text(f"{what} on this machine{looked}. {FIX_NONE}"))
            return
        where = ", ".join(f"{s.kind} (port {s.port})" for s in servers if s.models)
        count = len(self.listed)
        status.update(
            safe_text(
                f"Found {count} model{'s' if count != 1 else ''} on {where}. "
                "Pick one to test it and practise with it:"
            )
        )
        found.set_options([self._prompt(i) for i in range(count)])
        found.highlighted = 0  # enter on the list tries the first at once
        found.display = True

    def _prompt(self, index: int) -> Text:
        spec = self.listed[index]
        server = next(s for s in self.servers if s.api_base == spec.api_base)
        tried = self.marks.get(index)
        line = Text()
        if index == self.checking:
            line.append("… ", style="bold")
        elif tried is None:
            line.append("  ")
        elif tried.ready:
            line.append("✓ ", style="bold green")
        else:
            line.append("✗ ", style="bold red")
        line.append(plain(spec.model.removeprefix("openai/")))
        line.append(f" — {plain(server.kind)} (port {server.port})", style="dim")
        if tried is not None and not tried.ready:
            # One short line under it; the whole message and its fix are below the form.
            detail = plain(tried.detail)
            short = detail if len(detail) <= DETAIL_WIDTH else detail[: DETAIL_WIDTH - 1] + "…"
            line.append(f"\n  {short}", style="red")
        return line

    # --- readiness of every listed model ------------------------------------

    @on(Button.Pressed, "#check-all")
    def _check_all_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check_all()

    @work(exclusive=True, group="model-check")
    async def check_all(self) -> None:
        """A readiness mark for every listed model: one test call each, in turn; nothing
        is saved. On request only: on Ollama each call loads its model."""
        listed = self.listed
        found = self.query_one("#found-models", OptionList)
        button = self.query_one("#check-all", Button)
        button.disabled = True
        try:
            for index, spec in enumerate(listed):
                if self.listed is not listed or not self.is_attached:
                    return  # looked again, or left: these marks no longer apply
                self.checking = index
                found.replace_option_prompt_at_index(index, self._prompt(index))
                self.marks[index] = await one_token_call(spec)
                self.checking = None
                found.replace_option_prompt_at_index(index, self._prompt(index))
        finally:
            self.checking = None
            button.disabled = not self.listed
        ready = sum(1 for index in range(len(listed)) if self.marks[index].ready)
        self._say(
            Text(
                f"Checked {len(listed)} model{'s' if len(listed) != 1 else ''}: {ready} "
                f"answered. Pick one marked ✓ to practise with it."
            )
        )

    # --- trying a model -----------------------------------------------------

    @on(OptionList.OptionSelected, "#found-models")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.listed):
            self.try_model(self.listed[event.option_index], None, event.option_index)

    @on(Button.Pressed, "#custom-try")
    def _custom_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.try_typed()

    @on(Input.Submitted, "#custom-model, #custom-base, #custom-key")
    def _custom_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.try_typed()

    def try_typed(self) -> None:
        model = self.query_one("#custom-model", Input).value.strip()
        base = self.query_one("#custom-base", Input).value.strip() or None
        key = self.query_one("#custom-key", Input).value.strip() or None
        if not model:
            self._say(Text("Type a model string first, like openai/gpt-4o-mini."))
            self.query_one("#custom-model", Input).focus()
            return
        try:
            spec = ModelSpec.of(model, api_base=base)
        except ModelError as error:  # a bad address: say so before any call
            self._say(self._failure(model, error.message, error.fix))
            return
        except ValidationError as error:
            detail = str(error.errors()[0].get("msg", "not a model string"))
            self._say(self._failure(model, detail.removeprefix("Value error, "), ""))
            return
        self.try_model(spec, key, None)

    @work(exclusive=True, group="model-test")
    async def try_model(self, spec: ModelSpec, key: str | None, index: int | None) -> None:
        self._say(safe_text(f"Testing {spec.model} with a one-token call…"))
        result = await one_token_call(spec, api_key=key)
        if index is not None:
            self.marks[index] = result
            self.query_one("#found-models", OptionList).replace_option_prompt_at_index(
                index, self._prompt(index)
            )
        if not result.ready:
            fix = result.fix
            if "API key" in result.detail and key:
                fix = "Check the key typed (copy it again) and the API base, then Test and use."
            elif "API key" in result.detail:
                if index is not None:
                    # The server wants a key: set the form up so only the key is left to type.
                    self.query_one("#custom-model", Input).value = spec.model
                    self.query_one("#custom-base", Input).value = spec.api_base or ""
                fix = "Type its key in the API key field, then choose Test and use."
            self._say(self._failure(spec.model, result.detail, fix))
            return
        if key:
            try:
                hint = await asyncio.to_thread(_keep_key, spec, key)
            except keys.KeysError as error:
                self._say(self._failure(spec.model, str(error), ""))
                return
            self.query_one("#custom-key", Input).value = ""
            kept = f" The key ({hint}) is in the system keyring."
        else:
            kept = ""
        self._say(safe_text(f"✓ {spec.model} answered. It is your practice model now.{kept}"))
        self.post_message(self.Connected(spec))

    # --- messages -------------------------------------------------------------

    def _failure(self, model: str, detail: str, fix: str) -> Text:
        line = Text("✗ ", style="bold red")
        line.append(plain(f"{model} (nothing saved): {detail}"))
        if fix:
            line.append(f"\n{plain(fix)}")
        return line

    def _say(self, text: Text) -> None:
        result = self.query_one("#connect-result", Static)
        result.update(text)
        # The answer is never left below the fold (once laid out at its new height).
        self.call_after_refresh(result.scroll_visible, animate=False)


def _keep_key(spec: ModelSpec, key: str) -> str:
    """The key into the keyring: this server's own, or the provider's for a hosted model."""
    if spec.api_base:
        return keys.set_server_key(spec.api_base, key)
    if spec.provider is None:
        raise keys.InvalidKey(
            f"coach cannot tell which provider {spec.model} belongs to, so it cannot keep "
            "its key: set the provider's environment variable instead."
        )
    return keys.set_key(spec.provider, key)
