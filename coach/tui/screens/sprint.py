"""A timed sprint: countdown, the next exercise within the sprint, a summary when time is up."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Header, Static

from coach.sprints.board import tally
from coach.sprints.live import attach, detach
from coach.sprints.spec import SprintSpec
from coach.store.records import SprintRecord
from coach.tui import app as app_module
from coach.tui.app import CoachApp
from coach.tui.messages import Practise
from coach.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from coach.runtime.session import Session


def clock_text(seconds: float) -> str:
    """mm:ss, rounded up so 0:00 shows only when the time is really up."""
    whole = max(0, math.ceil(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class SprintScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start", "Next exercise", id="sprint.next"),
        Binding("enter", "start", "Start", show=False, id="sprint.start"),
        Binding("escape", "leave", "End sprint / Back", id="sprint.leave"),
        Binding("q", "app.quit", "Quit", id="sprint.quit"),
    ]

    def __init__(
        self,
        session: Session,
        sprint: SprintRecord,
        spec: SprintSpec,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.sprint = sprint
        self.spec = spec
        self.seconds = seconds
        self.clock = clock
        self.deadline = clock() + seconds
        self.remaining = seconds
        self.finished = False
        self.next: Any = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="sprint"):
            title = Text(f"Sprint: {self.spec.name}", style="bold")
            mode = "everyone the same set" if self.spec.mode == "fixed" else "at your own level"
            title.append(f"\n{self.spec.duration_minutes} min · {mode}")
            yield Static(title, id="sprint-title")
            yield Static(id="countdown", markup=False)
            yield Static(id="sprint-next", markup=False)
            yield Static(id="summary", markup=False)
            with Horizontal(id="sprint-actions"):
                yield Button("Start (n)", variant="primary", id="start")
                yield Button("End sprint (Esc)", id="leave")
        yield Footer()

    def on_mount(self) -> None:
        attach(self.session, self.sprint, self.spec)
        self.query_one("#summary").display = False
        # On the app, so the clock runs while an exercise screen is on top.
        self._timer = self.app.set_interval(1.0, self.tick)
        self.refresh_next()
        self.tick()

    def on_unmount(self) -> None:
        self._stop()
        detach(self.session)

    def on_screen_resume(self) -> None:
        if not self.finished:
            self.refresh_next()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def tick(self, advance: float = 0.0) -> None:
        """Update the countdown; `advance` moves the clock on (for tests and catch-up)."""
        if self.finished:
            return
        self.deadline -= advance
        self.remaining = max(0.0, self.deadline - self.clock())
        shown = clock_text(self.remaining)
        self.query_one("#countdown", Static).update(Text(f"Time left {shown}", style="bold"))
        self.app.sub_title = f"sprint {self.spec.name} · {shown} left"
        if self.remaining <= 0:
            self.finish("Time is up.")

    def refresh_next(self) -> None:
        self.next = self.session.next_exercise()
        if self.next is None:
            shown = "Nothing left to do in this sprint: press Esc to see your summary."
        else:
            shown = f"Next: {self.next.title} ({self.next.kind}, level {self.next.level})"
        self.query_one("#sprint-next", Static).update(shown)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "leave":
            self.action_leave()

    def action_start(self) -> None:
        if self.finished:
            return
        if self.next is None:
            self.notify("No exercise left in this sprint.", severity="warning")
            return
        self.app.post_message(Practise(self.next))

    def action_leave(self) -> None:
        if self.finished:
            self.app.pop_screen()
        else:
            self.finish("Sprint ended early.")

    def finish(self, headline: str) -> None:
        """Save the attempt in progress, come back here and show the summary."""
        self.finished = True
        self._stop()
        from coach.tui.flow import PRACTICE_GROUP

        self.app.workers.cancel_group(self.app, PRACTICE_GROUP)
        stack = self.app.screen_stack
        if self in stack:
            for screen in stack[stack.index(self) + 1 :]:
                save = getattr(screen, "save_draft", None)
                if callable(save):
                    save()
            while self.app.screen is not self:
                self.app.pop_screen()
        detach(self.session)
        self.app.sub_title = f"sprint {self.spec.name} · over"
        self.query_one("#countdown", Static).update(Text(headline, style="bold"))
        self.query_one("#sprint-next").display = False
        self.query_one("#start").display = False
        self.query_one("#leave", Button).label = "Back (Esc)"
        summary = self.query_one("#summary", Static)
        summary.update(self.summary_text())
        summary.display = True

    def summary_text(self) -> Text:
        counted = tally(self.session.history(), self.sprint.id)
        text = Text("Your sprint\n", style="bold")
        text.append(f"Attempts: {counted.attempts}\n")
        text.append(f"Passes: {counted.passes}\n")
        text.append(f"Judgments right: {counted.judged_right} of {counted.judged}\n")
        text.append(f"Level moves: {counted.moves_text}\n")
        for move in counted.moves:
            text.append(f"  {move.from_level}→{move.to_level}: {move.reason}\n")
        gap = self.session.role_gap()
        if gap is not None:
            text.append(gap.sentence)
        text.append("\nUnfinished work is kept as a draft.")
        return text


class SprintApp(CoachApp):
    """The coach app with a sprint on top of its first screen."""

    CSS_PATH = str(Path(app_module.__file__).with_name("coach.tcss"))  # relative to the app

    def __init__(
        self,
        session: Session,
        sprint: SprintRecord,
        spec: SprintSpec,
        seconds: float,
        *,
        warm_up: bool = True,
    ) -> None:
        super().__init__(session=session, warm_up=warm_up)
        self.sprint_screen = SprintScreen(session, sprint, spec, seconds)

    def _start(self, session: Session) -> None:
        super()._start(session)
        self.push_screen(self.sprint_screen)
