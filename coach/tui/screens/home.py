"""Home: your level, role target, judgment, what you are working on, what is next.

Drawn from a `HomeView`: at start-up the one the last session saved (so a
returning learner sees Home before the store and the catalog are loaded),
then the session's own, built in a worker thread whenever Home shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from coach.runtime.home_view import HomeView, NextUp, RecentRow
from coach.tui.messages import OpenScreen, Practise
from coach.tui.widgets.action_label import ActionLabel
from coach.tui.widgets.footer import Footer
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


def level_text(view: HomeView) -> Text:
    level = Text(f"Level {view.level}", style="bold")
    if view.level_name:
        level.append(f" · {plain(view.level_name)}", style="bold")
    if view.level_summary:
        level.append(f"\n{plain(view.level_summary)}")
    if view.placing:
        level.append("\nNot placed yet: press p for the placement, or just start.")
    return level


def judgment_text(view: HomeView) -> Text:
    judgment = safe_text(view.judgment)
    if view.judgment_detail:
        judgment.append(f"\n  {view.judgment_detail}", style="dim")
    return judgment


def streak_text(view: HomeView) -> Text:
    days = view.streak
    return Text(f"Streak: {days} day{'s' if days != 1 else ''} in a row")


def next_text(view: HomeView) -> Text:
    up = view.next_up
    if up is None:
        return Text("Next: no exercise available at your level.")
    return Text(f"Next: {plain(up.title)} ({up.kind}, level {up.level})")  # text, never markup


def problems_text(view: HomeView) -> Text:
    text = Text(f"{len(view.problems)} content problem(s) (run `coach check`):")
    for problem in view.problems[:3]:
        text.append(f"\n{plain(problem)}")
    return text


def weaknesses_text(view: HomeView) -> Text:
    """The learner's recurring weaknesses, worst first."""
    text = Text()
    for label, detail in view.weaknesses[:WEAKNESSES]:
        if text:
            text.append("\n")
        text.append(f"• {plain(label)}", style="bold")
        text.append(f": {plain(detail)}")
    return text


RECENT_COLUMNS = ("Exercise", "Kind", "Output", "Judgment")


def recent_table(rows: Sequence[RecentRow]) -> Text:
    """The recent attempts as aligned columns of plain text (cheaper to lay out than a table)."""
    cells = [[plain(r.exercise_id), r.kind, r.output, r.judged] for r in rows]
    cells = cells or [["(none yet)", "", "", ""]]
    widths = [max(len(line[i]) for line in [list(RECENT_COLUMNS), *cells]) for i in range(4)]

    def aligned(line: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))

    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(aligned(RECENT_COLUMNS).rstrip(), "bold")
    for line in cells:
        text.append("\n" + aligned(line).rstrip())
    return text


# What each part of Home shows, by widget id.
PARTS: dict[str, Callable[[HomeView], RenderableType]] = {
    "level": level_text,
    "target": lambda view: safe_text(view.target),
    "judgment": judgment_text,
    "streak": streak_text,
    "next": next_text,
    "problems": problems_text,
    "weaknesses": weaknesses_text,
    "recent": lambda view: recent_table(view.recent),
}
SHOWN_IF_ANY = ("problems", "weaknesses")  # hidden (title too) when the view has none


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
        view = self.view
        yield Header()
        with VerticalScroll(id="home"):
            # Drawn from the view at once when there is one (the saved view at start-up):
            # filling the widgets after mounting would lay the page out twice.
            for name in ("level", "target", "judgment", "streak", "next", "problems"):
                yield self._part(name)
            with Horizontal(id="home-actions"):
                yield ActionLabel("Start (n)", "start", id="start", primary=True)
                yield ActionLabel("Practise on my own task (o)", "app.own_task", id="own-task")
            title = Static("Working on", classes="section", id="weaknesses-title")
            title.display = view is not None and bool(view.weaknesses)
            yield title
            yield self._part("weaknesses")
            yield Static("Progress", classes="section")
            chart = ProgressChart(id="progress")
            if view is not None:
                chart.set_points(view.points)
            yield chart
            yield Static("Recent attempts", classes="section")
            # Read-only rows: a rich table in a Static draws far faster than a DataTable.
            yield self._part("recent")
        yield Footer()

    def _part(self, name: str) -> Static:
        view = self.view
        if view is None:
            shown: RenderableType = "Reading your practice record…" if name == "level" else ""
        else:
            shown = PARTS[name](view)
        part = Static(shown, id=name, markup=False)
        if name in SHOWN_IF_ANY:
            part.display = view is not None and bool(getattr(view, name))
        return part

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
            view = view._replace(next_up=self._another())
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
        for name, build in PARTS.items():
            part = self.query_one(f"#{name}", Static)
            part.update(build(view))
            if name in SHOWN_IF_ANY:
                part.display = bool(getattr(view, name))
        self.query_one("#weaknesses-title", Static).display = bool(view.weaknesses)
        self.query_one("#progress", ProgressChart).set_points(view.points)

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
