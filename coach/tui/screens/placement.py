"""Placement: the engine's short adaptive test, item by item, then the result.

The bank (`coach.runtime.placement_bank`, shared with `coach simulate`) is the
catalog's `review` and `fit` exercises, which need no model and no typing,
plus fresh instances of its review and fit families. Prompt exercises join
the bank only when the app passes a `prompt_item` factory (a screen that runs
one prompt exercise and dismisses with its `AttemptOutcome`, flagged
`placement=True`).

Each item is an `Attempt` flagged placement (the one path every attempt
takes): graded and recorded in a worker thread, then fed to the engine's
`LearnerTracker`, the same state machine the runtime replays.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from coach import llm
from coach.content.models import FitExercise, Kind
from coach.engine.evidence import ItemInfo
from coach.engine.placement import PlacementResult
from coach.engine.role_gap import role_gap
from coach.runtime.attempt import Attempt
from coach.runtime.evidence import evidence_of
from coach.runtime.placement_bank import placement_bank, placement_kinds
from coach.runtime.present import Shown
from coach.runtime.recording import RecordedAttempt, replay_of
from coach.tui.widgets.fit_steps import FIT_HELP, FitSteps, missing_text
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.safe import safe_text
from graders.judgment import Judgment

CONFIDENCE_KEYS = {"5": 0.5, "6": 0.6, "7": 0.7, "8": 0.8, "9": 0.9, "0": 1.0}
DEFAULT_CONFIDENCE = 0.7


def model_tier_of(session: Any) -> str | None:
    """The practice model's tier (None when the config names no usable model)."""
    try:
        return str(session.spec().tier)
    except llm.ModelError:
        return None


@dataclass
class Current:
    """The item on screen."""

    info: ItemInfo
    exercise: Any
    attempt: Attempt
    shown: Shown | None = None
    answers: dict[str, str] | None = None


class PlacementScreen(Screen[int | None]):
    """Runs the adaptive placement; dismisses with the level after "Continue"."""

    DEFAULT_CSS = """
    PlacementScreen #placement-progress {
        padding: 0 1;
        text-style: bold;
        background: $boost;
    }
    PlacementScreen #item {
        height: 1fr;
        padding: 0 1;
    }
    PlacementScreen .heading {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    PlacementScreen #item-output {
        border: round $primary;
        padding: 0 1;
    }
    PlacementScreen #fit-steps {
        height: auto;
    }
    PlacementScreen #answer {
        height: auto;
        padding: 0 1;
        border-top: solid $primary;
    }
    PlacementScreen #answer-buttons {
        height: auto;
    }
    PlacementScreen #answer-buttons Button {
        margin-right: 1;
    }
    PlacementScreen #result {
        padding: 0 1;
    }
    PlacementScreen #result-level {
        text-style: bold;
        margin-top: 1;
    }
    PlacementScreen #result Static {
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "verdict('ok')", "Acceptable", id="placement.acceptable"),
        Binding("w", "verdict('wrong')", "Wrong", id="placement.wrong"),
        *(
            Binding(
                key,
                f"confidence({value})",
                f"{round(value * 100)} %",
                show=False,
                id=f"placement.confidence_{round(value * 100)}",
            )
            for key, value in CONFIDENCE_KEYS.items()
        ),
        # d, v and h belong to the fit table (FitSteps), as on the practice screen.
        Binding("s", "submit_fit", "Submit", id="placement.submit"),
        Binding("f5", "submit_fit", "Submit", show=False, id="placement.submit_f5"),
        Binding("f", "finish", "Finish now", id="placement.finish"),
        # ctrl+q is Textual's app-wide quit (a priority binding): escape stops early too.
        Binding("escape", "finish", "Finish now", show=False, id="placement.finish_escape"),
        Binding("c", "continue", "Continue", id="placement.continue"),
    ]

    def __init__(
        self,
        session: Any,
        *,
        rng: random.Random | None = None,
        kinds: Iterable[str] | None = None,
        prompt_item: Callable[[Attempt], Screen[Attempt | None]] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.rng = rng or random.Random()
        self.prompt_item = prompt_item
        # The bank `coach simulate` places on too (one function, not a copy).
        wanted = placement_kinds() if kinds is None else [str(kind) for kind in kinds]
        if prompt_item is not None:
            wanted.append(str(Kind.PROMPT))
        self.bank = placement_bank(session.catalog, wanted, self.rng)
        # The engine as the store has it: a placement under way resumes; after
        # one has finished, a re-take starts (the engine's rule, which the stored
        # attempts replay to, so the level shown is the level stored).
        self.tracker = replay_of(session.learner, session.history())
        self.tracker.start_placement()
        # Prompt items count only on a model capable enough for them.
        self.tracker.placement.model_tier = model_tier_of(session)
        self.current: Current | None = None
        self.confidence = DEFAULT_CONFIDENCE
        self.result: PlacementResult | None = None
        self.recorded = 0

    @property
    def placement(self) -> Any:
        return self.tracker.placement

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="placement-progress")
        with VerticalScroll(id="item"):
            yield Static("", id="item-title")
            yield Static("", id="item-brief")
            yield Static("", id="item-materials")
            yield Static("", id="item-output-heading", classes="heading")
            yield Static("", id="item-output")
            yield FitSteps(id="fit-steps")
        with Vertical(id="answer"):
            yield Static("", id="answer-help")
            with Horizontal(id="answer-buttons"):
                yield Button("Acceptable (a)", id="answer-ok")
                yield Button("Wrong (w)", id="answer-wrong")
                yield Button("Submit (s)", id="answer-submit")
                yield Button("Finish now (f)", id="answer-finish")
        with VerticalScroll(id="result"):
            yield Static("Placement done", classes="heading")
            yield Static("", id="result-level")
            yield Static("", id="result-summary")
            yield Static("", id="result-role")
            yield Static("", id="result-reason")
            yield Button("Continue (c)", id="continue", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#result").display = False
        self.next_item()

    # --- the loop -----------------------------------------------------------

    def next_item(self) -> None:
        if self.placement.done:
            self.show_result()
            return
        info = self.placement.next_item(self.bank, self.rng)
        exercise = None if info is None else self.session.catalog.exercise(info.exercise_id)
        if info is None or exercise is None:
            self.show_result()
            return
        attempt = self.session.start(exercise, placement=True)
        current = Current(info, exercise, attempt)
        self.current = current
        self.confidence = DEFAULT_CONFIDENCE
        self.query_one("#placement-progress", Static).update(
            Text(self.placement.progress())  # true to the engine's stopping rule
        )
        if exercise.kind == Kind.PROMPT and self.prompt_item is not None:
            self.app.push_screen(self.prompt_item(attempt), self._prompt_done)
            return
        self._show_common(exercise)
        if exercise.kind == Kind.REVIEW:
            current.shown = attempt.present()
            self._show_review(current.shown)
        else:
            current.answers = {}
            self._show_fit(exercise)
        self.refresh_bindings()

    def _show_common(self, exercise: Any) -> None:
        self.query_one("#item-title", Static).update(safe_text(exercise.title, "bold"))
        self.query_one("#item-brief", Static).update(safe_text(exercise.brief))
        materials = Text()
        for name, value in exercise.materials.items():
            materials.append_text(safe_text(name, "bold underline"))
            materials.append("\n")
            materials.append_text(safe_text(value.rstrip()))
            materials.append("\n\n")
        materials.rstrip()
        self.query_one("#item-materials", Static).update(materials)
        self.query_one("#item", VerticalScroll).scroll_home(animate=False)

    def _show_review(self, shown: Shown) -> None:
        self.query_one("#item-output-heading", Static).update(Text("The output to judge"))
        output = self.query_one("#item-output", Static)
        output.update(safe_text(shown.text))
        output.display = True
        self.query_one("#fit-steps").display = False
        self._set_buttons(review=True)
        self._update_help()
        self.query_one("#item", VerticalScroll).focus()

    def _show_fit(self, exercise: FitExercise) -> None:
        self.query_one("#item-output-heading", Static).update(
            Text("For each step: delegate, verify, or keep human")
        )
        self.query_one("#item-output").display = False
        table = self.query_one("#fit-steps", FitSteps)
        table.display = True
        table.load(exercise.steps)
        table.focus(scroll_visible=False)
        self._set_buttons(review=False)
        self._update_help()
        item = self.query_one("#item", VerticalScroll)
        self.call_after_refresh(item.scroll_home, animate=False)

    def _set_buttons(self, *, review: bool) -> None:
        self.query_one("#answer-ok").display = review
        self.query_one("#answer-wrong").display = review
        self.query_one("#answer-submit").display = not review

    def _update_help(self) -> None:
        current = self.current
        help_text = self.query_one("#answer-help", Static)
        if current is None:
            help_text.update("")
        elif current.exercise.kind == Kind.REVIEW:
            help_text.update(
                Text(
                    f"How sure? {round(self.confidence * 100)} % "
                    "(keys 5–9 for 50–90 %, 0 for 100 %). Is the output acceptable "
                    "[a] or wrong [w]? No need to point at the line here: the placement "
                    "asks only for the verdict. (↑↓ PgUp PgDn scroll)"
                )
            )
        else:
            steps = self.query_one("#fit-steps", FitSteps)
            total = len(current.exercise.steps)
            done = total - len(steps.missing())
            help_text.update(
                Text(f"{done} of {total} steps decided. {FIT_HELP} s submits when all are.")
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kind = None if self.current is None else self.current.exercise.kind
        finished = self.result is not None
        if action in ("verdict", "confidence"):
            return not finished and kind == Kind.REVIEW
        if action == "submit_fit":
            return not finished and kind == Kind.FIT
        if action == "finish":
            return not finished
        if action == "continue":
            return finished
        return True

    # --- answers ------------------------------------------------------------

    def action_confidence(self, value: float) -> None:
        self.confidence = float(value)
        self._update_help()

    def action_verdict(self, verdict: str) -> None:
        current = self.current
        if current is None or current.shown is None or self.result is not None:
            return
        said = "wrong" if verdict == "wrong" else "ok"
        self._finish(current.attempt, Judgment(verdict=said, confidence=self.confidence))

    def on_fit_steps_answered(self, event: FitSteps.Answered) -> None:
        if self.current is not None and self.current.answers is not None:
            self.current.answers = dict(event.steps.answers)
        self._update_help()

    def action_submit_fit(self) -> None:
        current = self.current
        if current is None or current.answers is None or self.result is not None:
            return
        missing = self.query_one("#fit-steps", FitSteps).missing()
        if missing:
            self.notify(missing_text(missing), severity="warning", markup=False)
            return
        current.attempt.answer_fit(current.answers)
        self._finish(current.attempt, None)

    def _prompt_done(self, attempt: Attempt | None) -> None:
        current = self.current
        if attempt is None or attempt.outcome is None:
            if current is not None:  # skipped: do not offer it again
                self.placement.seen.add(current.info.exercise_id)
            self.next_item()
            return
        self._finish(attempt, None)

    @work(thread=True, exclusive=True, group="placement-record")
    def _finish(self, attempt: Attempt, judgment: Judgment | None) -> None:
        """Grade (unless graded) and record off the UI thread, then move on."""
        if attempt.outcome is None:
            attempt.grade(judgment)
        recorded = attempt.record()
        self.app.call_from_thread(self._recorded, recorded)

    def _recorded(self, recorded: RecordedAttempt) -> None:
        """Feed the engine the stored attempt, and show the next item."""
        self.recorded += 1
        self.tracker.observe(evidence_of(recorded.record))
        self.current = None
        self.next_item()

    def action_finish(self) -> None:
        if self.result is None:
            self.show_result()

    # --- the result ---------------------------------------------------------

    def show_result(self) -> None:
        tracker = self.tracker
        result = tracker.placement_result or self.placement.result()
        self.result = result
        self.current = None
        catalog = self.session.catalog
        level = catalog.level(result.level)
        name = f" · {level.name}" if level is not None else ""
        heading = Text(f"Level {result.level}{name}", style="bold")
        if result.provisional:
            heading.append("  (provisional: a few more exercises will settle it)", style="italic")
        self.query_one("#result-level", Static).update(heading)
        self.query_one("#result-summary", Static).update(
            safe_text(level.summary if level is not None else "")
        )
        role_id = getattr(self.session.learner, "role", None)
        role = catalog.role(role_id) if role_id else None
        role_text = Text()
        if role is not None:
            gap = role_gap(role.target_level, result.level, role.name)
            role_text = safe_text(gap.sentence)
        self.query_one("#result-role", Static).update(role_text)
        self.query_one("#result-reason", Static).update(safe_text(result.reason))
        self.query_one("#placement-progress", Static).update(
            Text(f"Placement · done after {self.placement.items} exercises")
        )
        self.query_one("#item").display = False
        self.query_one("#answer").display = False
        self.query_one("#result").display = True
        self.query_one("#continue", Button).focus()
        self.refresh_bindings()

    def action_continue(self) -> None:
        if self.result is not None:
            self.dismiss(self.result.level)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions: dict[str | None, Callable[[], None]] = {
            "answer-ok": lambda: self.action_verdict("ok"),
            "answer-wrong": lambda: self.action_verdict("wrong"),
            "answer-submit": self.action_submit_fit,
            "answer-finish": self.action_finish,
            "continue": self.action_continue,
        }
        action = actions.get(event.button.id)
        if action is not None:
            action()
