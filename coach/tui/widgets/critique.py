"""The coach model's suggestions on the feedback screen, clearly labelled as model-written.

Shown only when a coach model is configured; otherwise the panel takes no
room. The call runs in a worker after mount so the feedback is there at once
and the app stays responsive; a failure shows its message and fix in the
panel and leaves the rest of the feedback alone. What the model wrote is
shown as text, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from coach import llm
from coach.coaching.critique import Critique, coach_model_spec, critique, worth_critique
from coach.runtime.outcome import AttemptOutcome
from coach.tui.widgets.safe import plain

if TYPE_CHECKING:
    from coach.runtime.session import Session

ADVICE = "written by a model, not by the checks; treat as advice"


def asking_text(name: str) -> Text:
    return Text(f"Asking the coach model ({plain(name)})…", style="italic")


def critique_text(result: Critique) -> Text:
    out = Text()
    out.append(f"Suggestions from the coach model ({plain(result.model)})", style="bold")
    out.append(f" — {ADVICE}", style="italic")
    for number, suggestion in enumerate(result.suggestions, start=1):
        out.append(f"\n{number}. ")
        out.append(plain(suggestion))
    if not result.complete:
        count = len(result.suggestions)
        out.append(
            f"\n(The coach model gave {count} usable suggestion{'s' if count != 1 else ''}, "
            "not three.)",
            style="italic",
        )
    out.append(f"\n{result.cost_line()}", style="dim")
    return out


def error_text(name: str, error: llm.ModelError) -> Text:
    out = Text()
    out.append(f"The coach model ({plain(name)}) could not comment on this attempt.", style="bold")
    out.append(f"\n{plain(error.message)}")
    if error.fix:
        out.append(f"\n{plain(error.fix)}", style="italic")
    out.append("\nThe feedback above is complete without it.", style="dim")
    return out


class CritiquePanel(Static):
    DEFAULT_CSS = """
    CritiquePanel {
        height: auto;
        margin-top: 1;
        padding: 0 1;
        border: round $accent;
    }
    CritiquePanel.-error {
        border: round $error;
    }
    """

    def __init__(
        self, session: Session, exercise: Any, outcome: AttemptOutcome, *, id: str | None = None
    ) -> None:
        super().__init__("", id=id, markup=False)
        self.session = session
        self.exercise = exercise
        self.outcome = outcome
        self.result: Critique | None = None
        self.error: llm.ModelError | None = None

    def on_mount(self) -> None:
        try:
            spec = coach_model_spec(self.session.config)
        except llm.ModelError as error:  # a bad server URL in the config
            self._failed(self.session.config.coach_model or "", error)
            return
        if spec is None or not worth_critique(self.outcome):
            self.display = False  # off: no coach model, or nothing of the learner's to review
            return
        self.update(asking_text(spec.name))
        self.run_worker(self._ask(spec), exclusive=True, group="critique")

    async def _ask(self, spec: llm.ModelSpec) -> None:
        try:
            self.result = await critique(
                spec,
                self.exercise,
                self.outcome,
                prompt=self.outcome.prompt,
                spend=self.session.spend,
            )
        except llm.ModelError as error:
            self._failed(spec.name, error)
            return
        self.update(critique_text(self.result))

    def _failed(self, name: str, error: llm.ModelError) -> None:
        self.error = error
        self.add_class("-error")
        self.update(error_text(name, error))
