"""Home: your level, role target, judgment, what you are working on, what is next.

Drawn from a `HomeView`: at start-up the one the last session saved (so a
returning learner sees Home before the store and the catalog are loaded),
then the session's own, built in a worker thread whenever Home shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from coach.runtime.home_view import HomeView, NextUp
from coach.tui.messages import OpenScreen, Practise
from coach.tui.widgets.progress_chart import ProgressChart
from coach.tui.widgets.safe import plain, safe_text

if TYPE_CHECKING:
    from coach.runtime.session import Session

WEAKNESSES = 3  # at most this many under "Working on", worst first
SKIP_DRAWS = 5  # draws from the engine before a skip falls back to any exercise


def skip_key(exercise_id: str) -> str:
    """What a skip skips: the exercise, or the whole family of an instance."""
    # Imported here: Home draws before the catalog loads (tests/tui/test_startup_imports.py).
    from coach.content.families.ids import family_item_id, parse_instance_id

    ref = parse_instance_id(exercise_id)
    return family_item_id(ref.family) if ref is not None else exercise_id


def next_up_of(exercise: Any) -> NextUp:
    return NextUp(
        exercise_id=exercise.id, title=exercise.title, kind=str(exercise.kind), level=exercise.level
    )


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start", "Next", id="home.next"),
        Binding("enter", "start", "Start", show=False, id="home.start"),
        Binding("k", "skip", "Skip", id="home.skip"),
        Binding("l", "open('library')", "Library", id="home.library"),
        Binding("h", "open('history')", "History", id="home.history"),
        Binding("s", "open('settings')", "Settings", id="home.settings"),
        Binding("p", "open('placement')", "Placement", id="home.placement"),
        Binding("o", "app.own_task", "My own task", show=False, id="home.own_task"),
        Binding("q", "app.quit", "Quit", show=False, id="home.quit"),  # 80 columns: see README
    ]

    def __init__(self, session: Session | None = None, *, view: HomeView | None = None) -> None:
        """A session, or (at start-up) a cached view until `attach` brings the session."""
        super().__init__()
        self.session = session
        self.view = view
        self.pending_start = False  # `n` pressed before the session was open
        self.skipped: set[str] = set()  # skipped with `k` (exercise or family ids)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Static("Reading your practice record…", id="level", markup=False)
            yield Static(id="target", markup=False)
            yield Static(id="judgment", markup=False)
            yield Static(id="streak", markup=False)
            yield Static(id="next", markup=False)
            with Horizontal(id="home-actions"):
                yield Button("Start (n)", variant="primary", id="start")
                yield Button("Practise on my own task (o)", id="own-task")
            yield Static(id="problems", markup=False)
            yield Static("Working on", classes="section", id="weaknesses-title")
            yield Static(id="weaknesses", markup=False)
            yield Static("Progress", classes="section")
            yield ProgressChart(id="progress")
            yield Static("Recent attempts", classes="section")
            table: DataTable[str] = DataTable(cursor_type="none", id="recent")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#recent", DataTable)
        table.add_columns("Exercise", "Kind", "Output", "Judgment")
        if self.view is not None:
            self.show(self.view)
        # The view itself is built on ScreenResume, which follows the first mount too:
        # building it twice would draw the next exercise twice from the seeded rng.

    def on_screen_resume(self) -> None:
        if self.session is not None:
            self.refresh_view()

    def attach(self, session: Session) -> None:
        """The session is open: take the real view (and a start pressed meanwhile)."""
        self.session = session
        self.refresh_view()

    def refresh_view(self) -> None:
        """Rebuild the view from the session off the UI thread, then show it."""
        self.run_worker(self._build_view, thread=True, exclusive=True, group="home-view")

    def _build_view(self) -> None:
        assert self.session is not None
        view = self.session.home_view()
        if view.next_up is not None and skip_key(view.next_up.exercise_id) in self.skipped:
            view = view.model_copy(update={"next_up": self._another()})
        self.app.call_from_thread(self._built, view)

    def _another(self) -> NextUp | None:
        """The engine's next pick that was not skipped (a few draws), else any unskipped one."""
        assert self.session is not None
        for _ in range(SKIP_DRAWS):
            exercise = self.session.next_exercise()
            if exercise is None:
                break
            if skip_key(exercise.id) not in self.skipped:
                return next_up_of(exercise)
        level = self.session.level
        others = [e for e in self.session.playable() if skip_key(e.id) not in self.skipped]
        others.sort(key=lambda e: (abs(e.level - level), e.level))
        return next_up_of(others[0]) if others else None

    def action_skip(self) -> None:
        """Skip the exercise offered: Home offers another."""
        if self.session is None or self.view is None or self.view.next_up is None:
            return
        self.skipped.add(skip_key(self.view.next_up.exercise_id))
        self.notify(f"Skipped {plain(self.view.next_up.title)}.", markup=False)
        self.refresh_view()

    def _built(self, view: HomeView) -> None:
        self.show(view)
        if self.pending_start:
            self.pending_start = False
            self.action_start()

    def show(self, view: HomeView) -> None:
        self.view = view
        level = Text(f"Level {view.level}", style="bold")
        if view.level_name:
            level.append(f" · {plain(view.level_name)}", style="bold")
        if view.level_summary:
            level.append(f"\n{plain(view.level_summary)}")
        if view.placing:
            level.append("\nNot placed yet: press p for the placement, or just start.")
        self.query_one("#level", Static).update(level)
        self.query_one("#target", Static).update(safe_text(view.target))
        judgment = safe_text(view.judgment)
        if view.judgment_detail:
            judgment.append(f"\n  {view.judgment_detail}", style="dim")
        self.query_one("#judgment", Static).update(judgment)
        days = view.streak
        self.query_one("#streak", Static).update(
            f"Streak: {days} day{'s' if days != 1 else ''} in a row"
        )
        up = view.next_up
        if up is None:
            shown = "Next: no exercise available at your level."
        else:
            shown = f"Next: {plain(up.title)} ({up.kind}, level {up.level})"
        self.query_one("#next", Static).update(Text(shown))  # text, never markup
        problems = self.query_one("#problems", Static)
        if view.problems:
            text = Text(f"{len(view.problems)} content problem(s) (run `coach check`):")
            for problem in view.problems[:3]:
                text.append(f"\n{plain(problem)}")
            problems.update(text)
        problems.display = bool(view.problems)
        self.show_weaknesses(view)
        self.query_one("#progress", ProgressChart).set_points(view.points)
        table = self.query_one("#recent", DataTable)
        table.clear()
        for row in view.recent:
            table.add_row(plain(row.exercise_id), row.kind, row.output, row.judged)
        if not table.row_count:
            table.add_row("(none yet)", "", "", "")

    def show_weaknesses(self, view: HomeView) -> None:
        """The learner's recurring weaknesses, or nothing (title included) when there are none."""
        weaknesses = view.weaknesses[:WEAKNESSES]
        text = Text()
        for label, detail in weaknesses:
            if text:
                text.append("\n")
            text.append(f"• {plain(label)}", style="bold")
            text.append(f": {plain(detail)}")
        self.query_one("#weaknesses", Static).update(text)
        for name in ("#weaknesses-title", "#weaknesses"):
            self.query_one(name, Static).display = bool(weaknesses)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "own-task":
            self.app.post_message(OpenScreen("own_task"))

    def action_start(self) -> None:
        if self.session is None or self.view is None:
            self.pending_start = True  # starts as soon as the record is open
            self.notify("Opening your practice record…")
            return
        up = self.view.next_up
        exercise = None if up is None else self.session.exercise(up.exercise_id)
        if exercise is None:
            self.notify("No exercise to start.", severity="warning")
            return
        self.app.post_message(Practise(exercise))

    def action_open(self, name: str) -> None:
        self.app.post_message(OpenScreen(name))
