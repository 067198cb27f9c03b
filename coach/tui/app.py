"""The coach app: first run or home, then one attempt after another."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from coach.tui.messages import OpenScreen, Practise
from coach.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from coach.runtime.session import Session

# Screens opened by name (keys on Home, the command palette), imported on first use.
NAMED_SCREENS = ("library", "history", "settings", "placement")


def named_screen(name: str, session: Session) -> Screen[Any]:
    """The screen `name` for this session (ValueError for an unknown name)."""
    if name == "history":
        from coach.tui.screens.history import HistoryScreen

        return HistoryScreen(session)
    if name == "settings":
        from coach.tui.screens.settings import SettingsScreen

        return SettingsScreen(session)
    if name == "placement":
        from coach.tui.screens.placement import PlacementScreen

        return PlacementScreen(session)
    if name == "library":
        from coach.tui.screens.library import LibraryScreen

        return LibraryScreen(session)
    if name == "own_task":
        from coach.tui.screens.own_task import OwnTaskScreen

        return OwnTaskScreen(session)
    raise ValueError(f"no screen named {name!r}")


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

    def get_default_screen(self) -> Screen[Any]:
        """A returning learner's Home, from the view the last session saved.

        Drawn at once, as the bottom of the stack (one screen to lay out before
        the first paint), while the session opens in a thread. Without a usable
        saved view it is Textual's blank screen, under a loading screen.
        """
        if self.session is None:
            from coach.runtime.home_view import cached_view

            cached = cached_view()
            if cached is not None:
                from coach.tui.screens.home import HomeScreen

                return HomeScreen(view=cached[0])
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.session is not None:
            self._start(self.session)
            return
        from coach.tui.screens.home import HomeScreen

        if not isinstance(self.screen, HomeScreen):
            self.push_screen(LoadingScreen())
        # The database (perhaps a team's PostgreSQL) and the content load off the
        # UI thread once the first screen is painted: the opening thread's imports
        # would otherwise compete with that paint for the interpreter.
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
        self._replace_top(ProblemScreen(message))

    def _replace_top(self, screen: Screen[Any]) -> None:
        """Switch the top screen, but never the bottom one: Textual's stack must not empty."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

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
        if isinstance(self.screen, HomeScreen) and self.screen.session is None:
            if session.is_first_run:  # the saved view was someone else's: start over
                self._replace_top(FirstRunScreen(session))
            else:
                self.screen.attach(session)
        elif isinstance(self.screen, LoadingScreen):
            self.switch_screen(first(session))
        else:
            self.push_screen(first(session))
        if self.warm:
            self.call_after_refresh(self._start_warm_up)

    def _start_warm_up(self) -> None:
        self.run_worker(_warm_up, thread=True, group="warm-up", exit_on_error=False)

    def open_named(self, name: str) -> None:
        if self.session is None:
            self.notify("Opening your practice record…")
            return
        self.push_screen(named_screen(name, self.session))

    def action_open(self, name: str) -> None:
        self.open_named(name)

    def on_open_screen(self, message: OpenScreen) -> None:
        self.open_named(message.name)

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
        self.open_named("own_task")

    def action_home(self) -> None:
        from coach.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.session is None or self.session.is_first_run:
            return
        yield SystemCommand("Home", "Back to the home screen", self.action_home)
        yield SystemCommand(
            "Practise on my own task",
            "Turn a task from your work into a private exercise",
            self.action_own_task,
        )
        for name in NAMED_SCREENS:
            yield SystemCommand(
                name.capitalize(), f"Open the {name} screen", lambda n=name: self.open_named(n)
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
