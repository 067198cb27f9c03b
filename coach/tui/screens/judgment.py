"""Judge what you were shown: acceptable or wrong, how sure, and where. No grade before."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Collapsible,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from coach import llm
from coach.runtime.recording import RecordedAttempt
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.safe import materials_text, numbered
from graders.judgment import Judgment

if TYPE_CHECKING:
    from coach.runtime.attempt import Attempt

CONFIDENCES = list(range(50, 101, 10))
DEFAULT_CONFIDENCE = 70


class JudgmentScreen(Screen[RecordedAttempt]):
    """Judge the output the attempt shows; grades and records off the UI thread,
    then dismisses with the recorded attempt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "verdict('ok')", "Acceptable", id="judgment.acceptable"),
        Binding("w", "verdict('wrong')", "Wrong", id="judgment.wrong"),
        Binding("plus,equals_sign", "confidence(10)", "Surer", id="judgment.surer"),
        Binding("minus", "confidence(-10)", "Less sure", id="judgment.less_sure"),
        Binding("f5", "submit", "Submit", id="judgment.submit"),
        Binding("ctrl+r", "submit", "Submit", show=False, id="judgment.submit_alt"),
    ]

    def __init__(self, attempt: Attempt, *, context: Text | None = None) -> None:
        """`context` is shown above the output (which hidden input it answers)."""
        super().__init__()
        self.attempt = attempt
        self.exercise = attempt.exercise
        self.shown = attempt.present()
        self.context = context
        self.submitted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="judge-body"):
            with Collapsible(title="Brief and materials", collapsed=True, id="judge-brief"):
                yield Static(materials_text(self.exercise), markup=False)
            # Only facts about what is displayed: the real output's size or cost
            # would give a planted flaw away.
            title = "The output to judge"
            if self.context is not None:
                yield Static(self.context, id="judge-context", markup=False)
            yield Static(Text(title, style="bold"), id="output-title")
            yield Static(numbered(self.shown.text), id="shown", markup=False)
        with Horizontal(id="verdict-row"):
            with RadioSet(id="verdict"):
                yield RadioButton("Acceptable (a)", name="ok", id="verdict-ok")
                yield RadioButton("Wrong (w)", name="wrong", id="verdict-wrong")
            with VerticalScroll(id="judge-fields"):
                with Horizontal(classes="field"):
                    yield Label("Sure +/-")
                    yield Select(
                        [(f"{c}%", c) for c in CONFIDENCES],
                        value=DEFAULT_CONFIDENCE,
                        allow_blank=False,
                        id="confidence",
                    )
                with Horizontal(classes="field"):
                    yield Label("If wrong")
                    yield Input(placeholder="line", type="integer", id="line")
                    kinds = [(kind, kind) for kind in self.exercise.judgment.error_kinds]
                    yield Select(kinds, prompt="kind of error", id="error-kind")
        with Horizontal(id="actions"):
            yield Button("Submit (F5)", variant="primary", id="submit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#verdict", RadioSet).focus()

    def action_verdict(self, verdict: str) -> None:
        self.query_one(f"#verdict-{verdict}", RadioButton).value = True

    def action_confidence(self, step: int) -> None:
        select = self.query_one("#confidence", Select)
        current = select.value if isinstance(select.value, int) else DEFAULT_CONFIDENCE
        select.value = min(100, max(50, current + step))

    def judgment(self) -> Judgment | None:
        pressed = self.query_one("#verdict", RadioSet).pressed_button
        if pressed is None:
            return None
        confidence = self.query_one("#confidence", Select).value
        line = kind = None
        if pressed.name == "wrong":
            text = self.query_one("#line", Input).value.strip()
            line = int(text) if text.isdigit() and int(text) >= 1 else None
            chosen = self.query_one("#error-kind", Select).value
            kind = chosen if isinstance(chosen, str) else None
        return Judgment(
            verdict="wrong" if pressed.name == "wrong" else "ok",
            confidence=(confidence if isinstance(confidence, int) else DEFAULT_CONFIDENCE) / 100,
            line=line,
            error_kind=kind,
        )

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if self.submitted:
            return
        judgment = self.judgment()
        if judgment is None:
            self.notify("Say first: acceptable (a) or wrong (w).", severity="warning")
            return
        self.submitted = True
        self.query_one("#submit", Button).disabled = True
        self._grade(judgment)

    @work(thread=True, exclusive=True, group="grade")
    def _grade(self, judgment: Judgment) -> None:
        try:
            recorded = self.attempt.finish(judgment)
        except llm.ModelError as error:  # the rubric judge's model failed
            self.app.call_from_thread(self._failed, error.describe())
            return
        self.app.call_from_thread(self.dismiss, recorded)

    def _failed(self, message: str) -> None:
        self.submitted = False
        self.query_one("#submit", Button).disabled = False
        self.notify(message, severity="error", markup=False)
