"""The coach app: first run or home, then one attempt after another."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coach.tui.messages import Practise

if TYPE_CHECKING:
    from coach.runtime.session import Session

# Screens another module owns, opened by name when their module exists.
OPTIONAL_SCREENS = {
    "history": "HistoryScreen",
    "settings": "SettingsScreen",
    "placement": "PlacementScreen",
}


def optional_screen(name: str) -> type[Screen[None]] | None:
    try:
        module = importlib.import_module(f"coach.tui.screens.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"coach.tui.screens.{name}":
            raise
        return None
    return getattr(module, OPTIONAL_SCREENS[name], None)


class ProblemScreen(Screen[None]):
    """A plain message instead of a traceback (a broken config file, say)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit", id="problem.quit")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="problem-body"):
            yield Static(Text("coach cannot start", style="bold"))
            yield Static(Text(self.message), id="problem", markup=False)
            yield Static("Fix the file (or delete it to start over), then run coach again.")
        yield Footer()


class LoadingScreen(Screen[None]):
    """Drawn at once while the session (config, content, database) opens in a thread."""

    def compose(self) -> ComposeResult:
        yield Static("coach · opening your practice record…", id="loading")


class CoachApp(App[None]):
    TITLE = "coach"
    SUB_TITLE = "practise working with generative AI"
    CSS_PATH = "coach.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit"),
    ]

    def __init__(self, session: Session | None = None, *, warm_up: bool = True) -> None:
        super().__init__()
        self.session = session
        self.warm = warm_up

    def on_mount(self) -> None:
        if self.session is not None:
            self._start(self.session)
            return
        # The database (perhaps a team's PostgreSQL) and the content load off the
        # UI thread, so the first screen draws at once.
        self.push_screen(LoadingScreen())
        self.call_after_refresh(
            self.run_worker, self._open_session, thread=True, group="open", exit_on_error=False
        )

    def _open_session(self) -> None:
        from coach.config import ConfigError
        from coach.runtime.session import Session

        try:
            session = Session.open()
        except ConfigError as error:
            self.call_from_thread(self._show_problem, str(error))
            return
        except Exception as error:  # a database that cannot be opened, say
            self.call_from_thread(self._show_problem, f"{type(error).__name__}: {error}")
            return
        self.call_from_thread(self._start, session)

    def _show_problem(self, message: str) -> None:
        self.switch_screen(ProblemScreen(message))

    def _start(self, session: Session) -> None:
        self.session = session
        config = session.config
        if config.theme in self.available_themes:
            self.theme = config.theme
        if config.keymap:
            self.set_keymap(config.keymap)
        from coach.tui.screens.first_run import FirstRunScreen
        from coach.tui.screens.home import HomeScreen

        first = FirstRunScreen if session.is_first_run else HomeScreen
        if isinstance(self.screen, LoadingScreen):
            self.switch_screen(first(session))
        else:
            self.push_screen(first(session))
        if self.warm:
            self.call_after_refresh(self._start_warm_up)

    def _start_warm_up(self) -> None:
        self.run_worker(_warm_up, thread=True, group="warm-up", exit_on_error=False)

    def open_optional(self, name: str) -> None:
        screen = optional_screen(name)
        if screen is None or self.session is None:
            self.notify(f"The {name} screen is not available yet.", severity="warning")
            return
        self.push_screen(screen(self.session))  # type: ignore[call-arg]

    def action_open(self, name: str) -> None:
        self.open_optional(name)

    def on_practise(self, message: Practise) -> None:
        self.practise(message.exercise)

    def practise(self, exercise: Any) -> None:
        """Start the practice flow on `exercise` (then next, or again, until home)."""
        from coach.tui.flow import PRACTICE_GROUP, practise

        if self.session is None:
            return
        self.run_worker(
            practise(self, self.session, exercise),
            group=PRACTICE_GROUP,
            exclusive=True,
            exit_on_error=True,
        )

    def action_own_task(self) -> None:
        from coach.tui.screens.own_task import OwnTaskScreen

        if self.session is not None:
            self.push_screen(OwnTaskScreen(self.session))

    def action_home(self) -> None:
        from coach.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.session is None or self.session.is_first_run:
            return
        yield SystemCommand("Home", "Back to the home screen", self.action_home)
        yield SystemCommand(
            "Practise on my own task",
            "Turn a task from your work into a private exercise",
            self.action_own_task,
        )
        for name in OPTIONAL_SCREENS:
            yield SystemCommand(
                name.capitalize(), f"Open the {name} screen", lambda n=name: self.open_optional(n)
            )
        for action, title, help_text in (
            ("send", "Send", "Send the prompt (exercise screen)"),
            ("hint", "Hint", "Show the next hint (exercise screen)"),
            ("submit", "Submit", "Submit the judgment or the answers"),
            ("try_again", "Try again", "The same exercise again (feedback screen)"),
            ("next", "Next exercise", "Go on to the next exercise"),
        ):
            if hasattr(screen, f"action_{action}"):
                yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))


def _warm_up() -> None:
    from coach import llm

    llm.warm_up()
