"""An exercise: brief and materials, then your prompt (or steps), sent and streamed.

Each screen drives one `Attempt` up to the point where it is ready to judge
and dismisses with what comes next (`JUDGE`, `DONE` when it was graded and
recorded here, None for back); the practice flow (`coach.tui.flow`) decides
which screen follows. No screen opens another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Header,
    LoadingIndicator,
    Static,
    TextArea,
)
from textual.worker import Worker

from coach import llm
from coach.engine.evidence import model_below_need
from coach.runtime.evidence import known_need, known_tier
from coach.tui.widgets.fit_steps import FIT_HELP, FitSteps, missing_text
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.output import OutputView
from coach.tui.widgets.safe import materials_text, plain

if TYPE_CHECKING:
    from coach.runtime.attempt import Attempt
    from coach.runtime.session import Session

# What an exercise screen dismisses with.
JUDGE = "judge"  # the attempt has an output for the learner to judge
DONE = "done"  # the attempt was graded and recorded here (fit, evals): feedback next

AUTOSAVE_SECONDS = 3.0
# One id on every exercise screen, so a keymap entry rebinds it everywhere.
HINT_BINDING = Binding("f2", "hint", "Hint", id="exercise.hint")


def hints_text(hints: Sequence[str], shown: int) -> Text:
    """The hints revealed so far, numbered 'Hint 1 of 3: …'."""
    if not hints:
        return Text("This exercise has no hints.", style="dim")
    out = Text()
    for number, hint in enumerate(hints[:shown], start=1):
        out.append("\n" if number > 1 else "")
        out.append(f"Hint {number} of {len(hints)}: ", style="bold")
        out.append(plain(hint))
    if shown >= len(hints):
        out.append("\nNo more hints.", style="dim")
    return out


class _Base(Screen[str | None]):
    DEFAULT_CSS = """
    #hints {
        margin-top: 1;
    }
    """

    def __init__(self, session: Session, attempt: Attempt, *, text: str | None = None) -> None:
        """`text`: what the editor starts with (the last try's prompt, on "try again")."""
        super().__init__()
        self.session = session
        self.attempt = attempt
        self.exercise = attempt.exercise
        self.start_text = text
        self.hints_shown = 0

    def hint_box(self) -> Static:
        """Where hints appear, hidden until the first is asked for."""
        box = Static("", id="hints", markup=False)
        box.display = False
        return box

    def action_hint(self) -> None:
        """Reveal the next hint (before sending: the explanation waits for feedback)."""
        hints = list(self.exercise.reference.hints)
        if hints and self.hints_shown >= len(hints):
            self.notify("No more hints.")
            return
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        box = self.query_one("#hints", Static)
        box.update(hints_text(hints, self.hints_shown))
        box.display = True
        self.call_after_refresh(box.scroll_visible)  # once the new hint is laid out

    def header_text(self) -> Text:
        ex = self.exercise
        head = f"{plain(ex.title)}  ·  level {ex.level} {ex.kind} · ~{ex.minutes} min"
        text = Text(head, style="bold")
        if (warning := self.model_warning()) is not None:
            text.append(f"\n{warning}", style="italic")
        return text

    def model_warning(self) -> str | None:
        """Said before the run: the practice model is too small for this exercise."""
        if not self.attempt.needs_model:
            return None
        try:
            spec = self.attempt.setup.spec()
        except llm.ModelError:
            return None
        tier = known_tier(spec.tier)
        # Only a tier known to be too small is said before the run (an unknown one may be fine).
        if tier in (None, "unknown") or not model_below_need(
            tier, known_need(str(self.exercise.needs_model))
        ):
            return None
        return (
            f"Needs a capable model: {spec.name} is too small, so this attempt will not count "
            "towards your level (try it anyway, or go back and pick another)."
        )


class ExerciseScreen(_Base):
    """Prompt exercises (editor, send, stream) and review exercises (judge a recorded output)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "send", "Send", id="exercise.send"),
        Binding("ctrl+r", "send", "Send", show=False, id="exercise.send_alt"),
        Binding("escape", "cancel_or_leave", "Cancel/Back", id="exercise.back"),
        HINT_BINDING,
    ]

    def __init__(self, session: Session, attempt: Attempt, *, text: str | None = None) -> None:
        super().__init__(session, attempt, text=text)
        self.review = not attempt.needs_model
        self.sending: Worker[None] | None = None
        self._saved = ""
        self._text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="brief"):
            yield Static(self.header_text(), id="title")
            yield Static(materials_text(self.exercise), id="materials", markup=False)
            yield self.hint_box()
        if not self.review:
            yield TextArea(id="prompt", soft_wrap=True, tab_behavior="focus")
        with Horizontal(id="actions"):
            label = "Judge the output (F5)" if self.review else "Send (F5)"
            yield Button(label, variant="primary", id="send")
            yield Button("Back (Esc)", id="back")
            yield LoadingIndicator(id="spinner")
            yield Static("", id="usage", markup=False)
        with VerticalScroll(id="output-box"):
            yield OutputView(id="output")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#spinner").display = False
        self.query_one("#output-box").display = False
        if self.review:
            self.query_one("#send", Button).focus()
            return
        editor = self.query_one("#prompt", TextArea)
        if self.start_text is not None:  # try again: from the last prompt
            editor.text = self._text = self.start_text
        elif draft := self.session.load_draft(self.exercise.id):
            editor.text = draft
            self._saved = self._text = draft
            self.notify("Draft restored.")
        editor.focus()
        self.set_interval(AUTOSAVE_SECONDS, self.save_draft)

    def on_unmount(self) -> None:
        self.save_draft()

    @on(TextArea.Changed, "#prompt")
    def _edited(self, event: TextArea.Changed) -> None:
        self._text = event.text_area.text

    def prompt_text(self) -> str:
        return self._text

    def save_draft(self) -> None:
        if self.review:
            return
        text = self.prompt_text()
        if text != self._saved:
            self.session.save_draft(self.exercise.id, text)
            self._saved = text

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.sending is not None and self.sending.is_running:
            return
        if self.review:
            self.dismiss(JUDGE)
            return
        prompt = self.prompt_text()
        if not prompt.strip():
            self.notify("Write your prompt first.", severity="warning")
            return
        self.save_draft()
        self.sending = self.run_worker(self._send(prompt), exclusive=True, group="send")

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_cancel_or_leave()

    def action_cancel_or_leave(self) -> None:
        if self.sending is not None and self.sending.is_running:
            self.sending.cancel()
            return
        self.save_draft()
        self.dismiss(None)

    def _busy(self, busy: bool) -> None:
        self.query_one("#send", Button).disabled = busy
        self.query_one("#spinner").display = busy

    def failed(self, reason: str) -> None:
        """The send failed: the reason and its fix stay where the output would be."""
        self._busy(False)
        self.query_one("#output-box").display = True
        self.query_one("#output", OutputView).fail(reason)
        self.query_one("#usage", Static).update("Nothing was recorded; your prompt is kept.")
        self.notify(reason, severity="error", markup=False)

    async def _send(self, prompt: str) -> None:
        output = self.query_one("#output", OutputView)
        usage = self.query_one("#usage", Static)
        output.reset(blind=self.attempt.may_plant())
        usage.update("")
        self.query_one("#output-box").display = True
        self._busy(True)
        try:
            await self.attempt.produce(prompt, on_text=output.append)
        except asyncio.CancelledError:
            output.mark("[cancelled: the output above is partial; your prompt is kept]")
            self._busy(False)
            raise
        except llm.ModelError as error:  # a cut-off stream too: nothing goes to judgment
            self.failed(error.describe())
            return
        self._busy(False)
        self.dismiss(JUDGE)


class FitScreen(_Base):
    """Where AI fits: delegate, verify or keep human, step by step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "submit", "Submit", id="fit.submit"),
        Binding("s", "submit", "Submit", show=False, id="fit.submit_s"),  # as in the placement
        Binding("ctrl+r", "submit", "Submit", show=False, id="fit.submit_alt"),
        Binding("escape", "back", "Back", id="fit.back"),
        HINT_BINDING,
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="brief"):
            yield Static(self.header_text(), id="title")
            yield Static(materials_text(self.exercise), id="materials", markup=False)
            yield self.hint_box()
            yield Static(FIT_HELP, id="fit-help", classes="fit-step")
            yield FitSteps(id="fit-steps")
        with Horizontal(id="actions"):
            yield Button("Submit (F5)", variant="primary", id="submit")
            yield Static("", id="fit-missing", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        steps = self.query_one("#fit-steps", FitSteps)
        steps.load(self.exercise.steps)
        steps.focus(scroll_visible=False)

    def answers(self) -> dict[str, str | None]:
        given = self.query_one("#fit-steps", FitSteps).answers
        return {step.id: given.get(step.id) for step in self.exercise.steps}

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        steps = self.query_one("#fit-steps", FitSteps)
        missing = steps.missing()
        if missing:
            message = missing_text(missing)
            self.query_one("#fit-missing", Static).update(message)
            self.notify(message, severity="warning", markup=False)
            return
        self._record(self.answers())

    def on_fit_steps_answered(self, event: FitSteps.Answered) -> None:
        self.query_one("#fit-missing", Static).update("")

    def action_back(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="record")
    def _record(self, answers: dict[str, str | None]) -> None:
        self.attempt.answer_fit(answers)
        self.attempt.record()
        self.app.call_from_thread(self.dismiss, DONE)
