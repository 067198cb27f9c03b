"""An exercise: brief and materials, then your prompt (or steps), sent and streamed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    LoadingIndicator,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)
from textual.worker import Worker

from coach import llm
from coach.content.models import Kind
from coach.runtime.fit import CHOICES, grade_fit
from coach.runtime.kinds import MULTI_STEP
from coach.tui.widgets.output import OutputView
from coach.tui.widgets.safe import materials_text, plain, safe_text

if TYPE_CHECKING:
    from coach.runtime.session import Session

AUTOSAVE_SECONDS = 3.0
# One id on every exercise screen, so a keymap entry rebinds it everywhere.
HINT_BINDING = Binding("f2", "hint", "Hint", id="exercise.hint")


def usage_line(call: llm.CallResult) -> str:
    parts = []
    if call.usage is not None:
        parts.append(f"{call.usage.tokens_in} tokens in, {call.usage.tokens_out} out")
    parts.append("cost unknown" if call.cost_usd is None else f"${call.cost_usd:.4f}")
    return " · ".join(parts)


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


def screen_for(session: Session, exercise: Any) -> Screen[None]:
    if exercise.kind == Kind.FIT:
        return FitScreen(session, exercise)
    if exercise.kind in MULTI_STEP:
        from coach.tui.screens.run import RunScreen

        return RunScreen(session, exercise)
    return ExerciseScreen(session, exercise)


class _Base(Screen[None]):
    DEFAULT_CSS = """
    #hints {
        margin-top: 1;
    }
    """

    def __init__(self, session: Session, exercise: Any) -> None:
        super().__init__()
        self.session = session
        self.exercise = exercise
        self.started_at = datetime.now(UTC)
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
        return Text(f"{ex.title}  ·  level {ex.level} {ex.kind} · ~{ex.minutes} min", style="bold")


class ExerciseScreen(_Base):
    """Prompt exercises (editor, send, stream) and review exercises (judge a recorded output)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "send", "Send", id="exercise.send"),
        Binding("ctrl+r", "send", "Send", show=False, id="exercise.send_alt"),
        Binding("escape", "cancel_or_leave", "Cancel/Back", id="exercise.back"),
        HINT_BINDING,
    ]

    def __init__(self, session: Session, exercise: Any) -> None:
        super().__init__(session, exercise)
        self.review = exercise.kind == Kind.REVIEW
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
        draft = self.session.load_draft(self.exercise.id)
        if draft:
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
            self._judge(None)
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
        self.app.pop_screen()

    def _busy(self, busy: bool) -> None:
        self.query_one("#send", Button).disabled = busy
        self.query_one("#spinner").display = busy

    async def _send(self, prompt: str) -> None:
        output = self.query_one("#output", OutputView)
        usage = self.query_one("#usage", Static)
        output.reset(blind=self.session.may_plant(self.exercise))
        usage.update("")
        self.query_one("#output-box").display = True
        self._busy(True)
        try:
            call = await self.session.produce(self.exercise, prompt, output.append)
        except asyncio.CancelledError:
            output.mark("[cancelled: the output above is partial; your prompt is kept]")
            self._busy(False)
            raise
        except llm.StreamCutOff as error:
            output.mark("[incomplete: the answer was cut off]")
            self.notify(error.describe(), severity="error", markup=False)
            self._busy(False)
            return
        except llm.ModelError as error:
            self.notify(error.describe(), severity="error", markup=False)
            self._busy(False)
            return
        self._busy(False)
        usage.update(usage_line(call))
        self._judge(call)

    def _judge(self, call: llm.CallResult | None) -> None:
        from coach.tui.screens.judgment import JudgmentScreen

        shown = self.session.present(self.exercise, call.text if call else None)
        prompt = None if self.review else self.prompt_text()
        self.app.switch_screen(
            JudgmentScreen(
                self.session,
                self.exercise,
                shown,
                prompt=prompt,
                call=call,
                started_at=self.started_at,
            )
        )


class FitScreen(_Base):
    """Where AI fits: delegate, verify or keep human, step by step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "submit", "Submit", id="fit.submit"),
        Binding("ctrl+r", "submit", "Submit", show=False, id="fit.submit_alt"),
        Binding("escape", "app.pop_screen", "Back", id="fit.back"),
        HINT_BINDING,
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="brief"):
            yield Static(self.header_text(), id="title")
            yield Static(materials_text(self.exercise), id="materials", markup=False)
            yield self.hint_box()
            for number, step in enumerate(self.exercise.steps, start=1):
                yield Static(safe_text(f"{number}. {step.text}"), classes="fit-step")
                with RadioSet(id=f"step-{step.id}", classes="fit-choice"):
                    for choice in CHOICES:
                        yield RadioButton(choice, name=choice)
            with Horizontal(id="actions"):
                yield Button("Submit (F5)", variant="primary", id="submit")
        yield Footer()

    def answers(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for step in self.exercise.steps:
            pressed = self.query_one(f"#step-{step.id}", RadioSet).pressed_button
            out[step.id] = pressed.name if pressed is not None else None
        return out

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        answers = self.answers()
        missing = sum(answer is None for answer in answers.values())
        if missing:
            self.notify(f"{missing} step(s) still need an answer.", severity="warning")
            return
        self._record(answers)

    @work(thread=True, exclusive=True, group="record")
    def _record(self, answers: dict[str, str | None]) -> None:
        grade = grade_fit(self.exercise, answers)
        outcome = self.session.conclude_fit(self.exercise, grade, self.started_at)
        recorded = self.session.record(outcome)
        self.app.call_from_thread(self._done, outcome, recorded, grade)

    def _done(self, outcome: Any, recorded: Any, grade: Any) -> None:
        from coach.tui.screens.feedback import FeedbackScreen

        self.app.switch_screen(
            FeedbackScreen(self.session, self.exercise, outcome, recorded, fit=grade)
        )
