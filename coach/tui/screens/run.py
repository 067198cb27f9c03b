"""A multi-step exercise: write instructions, steps, an agent plan or eval cases, then run them.

The editor and its draft autosave are the prompt screen's; what differs is the
run: every hidden input (or agent step, or eval case) with a progress bar, and
then one output to judge (evals skip the judgment: there is no trap to find).
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Header,
    LoadingIndicator,
    ProgressBar,
    Static,
    TextArea,
)

from coach import llm
from coach.content.models import Kind
from coach.runtime.kinds import LEARNER_INPUT
from coach.tui.screens.exercise import DONE, JUDGE, ExerciseScreen
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.safe import materials_text, plain

if TYPE_CHECKING:
    from coach.runtime.attempt import Attempt
    from coach.runtime.session import Session


def extra_text(exercise: Any) -> Text:
    """What else the learner needs: the system under test, the agent's tools, what to write."""
    out = Text()
    if exercise.kind == Kind.EVALS:
        out.append("System under test\n", style="bold")
        out.append(plain(exercise.target.system))
        out.append("\n\n")
    elif exercise.kind == Kind.AGENT:
        out.append("Tools\n", style="bold")
        out.append(plain(", ".join(exercise.agent.tools)))
        out.append("\n\n")
    out.append("You write: ", style="bold")
    out.append(plain(LEARNER_INPUT[exercise.kind]))
    return out


def input_problems(error: ValueError) -> str:
    """An input error's problems, one per line (or its message)."""
    problems = getattr(error, "problems", None)
    if problems:
        return "\n".join(f"• {problem}" for problem in problems)
    return str(error)


class RunScreen(ExerciseScreen):
    """Instructions, pipeline, agent and evals exercises: edit, run on everything, judge one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "send", "Run", id="run.run"),
        Binding("ctrl+r", "send", "Run", show=False, id="run.run_alt"),
        Binding("escape", "cancel_or_leave", "Cancel/Back", id="run.back"),
    ]

    def __init__(self, session: Session, attempt: Attempt, *, text: str | None = None) -> None:
        super().__init__(session, attempt, text=text)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="brief"):
            yield Static(self.header_text(), id="title")
            yield Static(materials_text(self.exercise), id="materials", markup=False)
            yield Static(extra_text(self.exercise), id="run-extra", markup=False)
            yield self.hint_box()
        yield TextArea(id="prompt", soft_wrap=True, tab_behavior="focus")
        with Horizontal(id="output-box"):  # hidden until a run starts, as on the prompt screen
            yield ProgressBar(id="run-progress", show_eta=False)
            yield Static("", id="run-label", markup=False)
        with Horizontal(id="actions"):
            yield Button("Run (F5)", variant="primary", id="send")
            yield Button("Back (Esc)", id="back")
            yield LoadingIndicator(id="spinner")
        yield Footer()

    def on_mount(self) -> None:
        self.ui_thread = threading.get_ident()  # progress may arrive from a grading thread
        # Runs before ExerciseScreen.on_mount, which restores a draft over this and
        # starts the autosave: the starter alone is no draft.
        starter = self.session.starter_text(self.exercise)
        self.query_one("#prompt", TextArea).text = starter
        self._saved = self._text = starter

    def _busy(self, busy: bool) -> None:
        super()._busy(busy)
        if busy:
            self.query_one("#output-box").remove_class("failed")
            self.query_one("#run-progress", ProgressBar).update(total=None, progress=0)
            self.query_one("#run-label", Static).update("starting…")
            self.query_one("#output-box").display = True

    def failed(self, reason: str) -> None:
        """The run failed: why, and the fix, stay beside the progress bar until the next run."""
        self._busy(False)
        box = self.query_one("#output-box")
        box.display = True
        box.add_class("failed")
        label = Text("Not run: ", style="bold red")
        label.append(plain(reason))
        label.append("\nYour input is kept; nothing was recorded.", style="dim")
        self.query_one("#run-label", Static).update(label)
        self.notify(reason, severity="error", markup=False, timeout=15)

    def report_progress(self, label: str, done: int, total: int) -> None:
        """Fed by the runtime: may be called off the app's thread."""
        if threading.get_ident() != self.ui_thread:
            self.app.call_from_thread(self.report_progress, label, done, total)
            return
        if not self.is_mounted:
            return
        self.query_one("#run-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#run-label", Static).update(plain(label))

    def action_send(self) -> None:
        if self.sending is not None and self.sending.is_running:
            return
        text = self.prompt_text()
        if not text.strip():
            self.notify("Write your input first.", severity="warning")
            return
        self.save_draft()
        self.sending = self.run_worker(self._send(text), exclusive=True, group="send")

    async def _send(self, prompt: str) -> None:
        label = self.query_one("#run-label", Static)
        self._busy(True)
        try:
            await self.attempt.produce(prompt, on_progress=self.report_progress)
        except asyncio.CancelledError:
            label.update("cancelled: your input is kept")
            self._busy(False)
            raise
        except llm.ModelError as error:
            self.failed(f"The run failed: {error.describe()}")
            return
        except ValueError as error:
            self.failed(f"Fix your input; nothing was sent.\n{input_problems(error)}")
            return
        except Exception as error:  # any other failure still says why, and keeps the input
            self.failed(f"The run failed: {type(error).__name__}: {error}")
            return
        self._busy(False)
        run = self.attempt.run
        if run is None or self.exercise.kind == Kind.EVALS or not run.shown.text:
            self._record()  # nothing to judge: the summary goes to feedback
        else:
            self.dismiss(JUDGE)

    @work(thread=True, exclusive=True, group="record")
    def _record(self) -> None:
        self.attempt.finish(None)
        self.app.call_from_thread(self.dismiss, DONE)
