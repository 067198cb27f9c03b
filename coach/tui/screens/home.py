"""Home: your level, role target, judgment, what you are working on, what is next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from coach.runtime.session import MIN_FOR_D_PRIME
from coach.tui.widgets.progress_chart import ProgressChart
from coach.tui.widgets.safe import plain
from coach.tui.messages import Practise

if TYPE_CHECKING:
    from coach.runtime.session import Session

RECENT = 5
WEAKNESSES = 3  # at most this many under "Working on", worst first


def judgment_line(session: Session) -> str:
    m = session.judgment_summary()
    if m.n == 0:
        return "Judgment: no judged outputs yet."
    parts = [
        f"caught {m.hits} of {m.signal} flawed outputs",
        f"{m.false_alarms} false alarm{'s' if m.false_alarms != 1 else ''} in {m.noise} sound ones",
    ]
    if m.signal >= MIN_FOR_D_PRIME and m.noise >= MIN_FOR_D_PRIME:
        parts.append(f"d′ {m.d_prime:.1f}")
    return "Judgment: " + " · ".join(parts)


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start", "Next exercise", id="home.next"),
        Binding("enter", "start", "Start", show=False, id="home.start"),
        Binding("h", "open('history')", "History", id="home.history"),
        Binding("s", "open('settings')", "Settings", id="home.settings"),
        Binding("p", "open('placement')", "Placement", id="home.placement"),
        Binding("o", "app.own_task", "My own task", show=False, id="home.own_task"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.next: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(id="level", markup=False)
            yield Static(id="target", markup=False)
            yield Static(id="judgment", markup=False)
            yield Static(id="streak", markup=False)
            yield Static(id="next", markup=False)
            with Horizontal(id="home-actions"):
                yield Button("Start (n)", variant="primary", id="start")
                yield Button("Practise on my own task (o)", id="own-task")
            problems = self.session.catalog.problems
            if problems:
                shown = Text(f"{len(problems)} content problem(s) (run `coach check`):")
                for problem in problems[:3]:
                    shown.append(f"\n{problem}")
                yield Static(shown, id="problems", markup=False)
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
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        session = self.session
        info = session.level_info()
        level = Text(f"Level {session.level}", style="bold")
        if info is not None:
            level.append(f" · {info.name}", style="bold")
            level.append(f"\n{info.summary}")
        if session.placing:
            level.append("\nNot placed yet: press p for the placement, or just start.")
        self.query_one("#level", Static).update(level)
        gap = session.role_gap()
        self.query_one("#target", Static).update(gap.sentence if gap else "No role set.")
        self.query_one("#judgment", Static).update(judgment_line(session))
        days = session.streak()
        self.query_one("#streak", Static).update(
            f"Streak: {days} day{'s' if days != 1 else ''} in a row"
        )
        self.next = session.next_exercise()
        if self.next is None:
            shown = "Next: no exercise available at your level."
        else:
            shown = f"Next: {plain(self.next.title)} ({self.next.kind}, level {self.next.level})"
        self.query_one("#next", Static).update(Text(shown))  # text, never markup
        self.show_weaknesses()
        self.query_one("#progress", ProgressChart).set_points(session.progress())
        table = self.query_one("#recent", DataTable)
        table.clear()
        for record in reversed(session.history(limit=RECENT)):
            score = "–" if record.output_score is None else f"{record.output_score:.0%}"
            judged = {True: "✓", False: "✗", None: "–"}[record.judgment_correct]
            table.add_row(record.exercise_id, record.kind, score, judged)
        if not table.row_count:
            table.add_row("(none yet)", "", "", "")

    def show_weaknesses(self) -> None:
        """The learner's recurring weaknesses, or nothing (title included) when there are none."""
        weaknesses = self.session.weaknesses()[:WEAKNESSES]
        text = Text()
        for weakness in weaknesses:
            if text:
                text.append("\n")
            text.append(f"• {weakness.label}", style="bold")
            text.append(f": {weakness.detail}")
        self.query_one("#weaknesses", Static).update(text)
        for name in ("#weaknesses-title", "#weaknesses"):
            self.query_one(name, Static).display = bool(weaknesses)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "own-task":
            self.app.action_own_task()  # type: ignore[attr-defined]

    def action_start(self) -> None:
        if self.next is None:
            self.notify("No exercise to start.", severity="warning")
            return
        self.app.post_message(Practise(self.next))

    def action_open(self, name: str) -> None:
        self.app.open_optional(name)  # type: ignore[attr-defined]
