"""Judge what you were shown: acceptable or wrong, how sure, and where. No grade before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Collapsible,
    Footer,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from coach import llm
from coach.runtime.present import Shown
from coach.tui.widgets.safe import materials_text, numbered
from graders.judgment import Judgment

if TYPE_CHECKING:
    from coach.runtime.session import Session

CONFIDENCES = list(range(50, 101, 10))
DEFAULT_CONFIDENCE = 70


class JudgmentScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "verdict('ok')", "Acceptable", id="judgment.acceptable"),
        Binding("w", "verdict('wrong')", "Wrong", id="judgment.wrong"),
        Binding("plus,equals_sign", "confidence(10)", "Surer", id="judgment.surer"),
        Binding("minus", "confidence(-10)", "Less sure", id="judgment.less_sure"),
        Binding("f5", "submit", "Submit", id="judgment.submit"),
        Binding("ctrl+r", "submit", "Submit", show=False, id="judgment.submit_alt"),
    ]

    def __init__(
        self,
        session: Session,
        exercise: Any,
        shown: Shown,
        *,
        prompt: str | None = None,
        call: llm.CallResult | None = None,
        started_at: datetime,
        conclude: Callable[[Judgment], Any] | None = None,
        context: Text | None = None,
    ) -> None:
        """`conclude` grades a multi-step run (blocking); `context` is shown above the output."""
        super().__init__()
        self.session = session
        self.exercise = exercise
        self.shown = shown
        self.prompt = prompt
        self.call = call
        self.started_at = started_at
        self.conclude = conclude
        self.context = context
        self.submitted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="judge-body"):
            with Collapsible(title="Brief and materials", collapsed=True, id="judge-brief"):
                yield Static(materials_text(self.exercise), markup=False)
            title = "The output to judge"
            if self.call is not None:
                from coach.tui.screens.exercise import usage_line

                title += f"  ({usage_line(self.call)})"
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
            verdict=pressed.name,  # type: ignore[arg-type]
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
            if self.conclude is not None:
                outcome = self.conclude(judgment)
            else:
                outcome = self.session.conclude(
                    self.exercise,
                    started_at=self.started_at,
                    shown=self.shown,
                    judgment=judgment,
                    prompt=self.prompt,
                    call=self.call,
                )
            recorded = self.session.record(outcome)
        except llm.ModelError as error:
            self.app.call_from_thread(self._failed, error.describe())
            return
        self.app.call_from_thread(self._done, outcome, recorded)

    def _failed(self, message: str) -> None:
        self.submitted = False
        self.query_one("#submit", Button).disabled = False
        self.notify(message, severity="error", markup=False)

    def _done(self, outcome: Any, recorded: Any) -> None:
        from coach.tui.screens.feedback import FeedbackScreen

        self.app.switch_screen(FeedbackScreen(self.session, self.exercise, outcome, recorded))
