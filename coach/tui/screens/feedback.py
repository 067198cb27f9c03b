"""Feedback: what the checks found, how your judgment went, any planted flaw, any level move."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from coach.coaching.feedback import coaching_notes
from coach.coaching.model_fit import too_small_note
from coach.content.models import ReviewExercise
from coach.runtime.fit import FitGrade
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.recording import RecordedAttempt
from coach.tui.widgets.critique import CritiquePanel
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.output import usage_line
from coach.tui.widgets.run_details import RunDetails
from coach.tui.widgets.safe import plain

if TYPE_CHECKING:
    from coach.runtime.attempt import Attempt
    from coach.runtime.session import Session

# What the feedback screen dismisses with: the learner's next step.
AGAIN, NEXT, HOME = "again", "next", "home"


def feedback_text(
    exercise: Any, outcome: AttemptOutcome, recorded: RecordedAttempt, fit: FitGrade | None = None
) -> Text:
    out = Text()

    def heading(title: str) -> None:
        if out:
            out.append("\n\n")
        out.append(title, style="bold")

    grade = outcome.output_grade
    if fit is not None:
        verdict = "passed" if fit.passed else "not passed"
        heading(f"Steps: {verdict} ({fit.score:.0%}, {fit.pass_share:.0%} needed)")
        for step in fit.steps:
            mark = "✓" if step.correct else "✗"
            out.append(f"\n{mark} {plain(step.text)}")
            out.append(f"\n  you: {step.answer or '-'} · key: {step.key}. {plain(step.why)}")
    elif grade is not None:
        # The grade's own verdict: a required criterion left ungraded makes it partial.
        verdict = "partial" if grade.partial else "passed" if grade.passed else "not passed"
        score = "" if grade.score is None else f" ({grade.score:.0%})"
        heading(f"Output: {verdict}{score}")
        if (small := too_small_note(outcome)) is not None:
            out.append(f"\n{plain(small)}", style="italic")
        for check in grade.checks:
            mark = "?" if check.unscored else ("✓" if check.passed else "✗")
            out.append(f"\n{mark} {plain(check.name)}: {plain(check.reason)}")

    verdict_grade = outcome.judgment_grade
    if verdict_grade is not None:
        if not verdict_grade.scored:
            result = "recorded, not scored"
        else:
            result = "right" if verdict_grade.correct else "not right"
        heading(f"Your judgment: {result}")
        out.append(f"\n{plain(verdict_grade.reason)}")

    mutation = outcome.shown.mutation
    if mutation is not None:
        heading("Planted flaw (disclosed)")
        said = plain(verdict_grade.reason) if verdict_grade is not None else ""
        disclosure = " ".join(
            part for part in (mutation.description, mutation.note) if part and part not in said
        )
        if disclosure:  # once: the judgment's reason may already have said it
            out.append(f"\n{plain(disclosure)}")
        if outcome.real_output is not None:
            heading("The model's real output (what the checks graded)")
            out.append(f"\n{plain(outcome.real_output)}")
    elif outcome.shown.review_item is not None and isinstance(exercise, ReviewExercise):
        item = exercise.outputs[outcome.shown.review_item]
        if verdict_grade is None or item.why.rstrip(".") not in verdict_grade.reason:
            heading("About this output")
            out.append(f"\n{'Wrong' if item.wrong else 'Sound'}: {plain(item.why)}")
    elif outcome.judgment is not None:
        heading("No flaw was planted")
        out.append("\nYou judged the model's real output.")

    notes = coaching_notes(exercise, outcome)
    if notes:
        heading("What to change")
        for note in notes:
            out.append("\n• ")
            out.append(f"{note.topic[:1].upper()}{note.topic[1:]}: ", style="bold")
            out.append(plain(note.text))

    if recorded.record.exercise_private:
        heading("Your own exercise")
        out.append(
            "\nIt counts for practice, never towards your level: checks you write yourself "
            "are easier to game. Your capability record says so."
        )

    for event in recorded.events:
        before = "placement" if event.from_level is None else f"level {event.from_level}"
        heading(f"Level: {before} → level {event.to_level}")
        out.append(f"\n{plain(event.reason)}")

    if outcome.call is not None:
        heading("The model call")
        out.append(f"\n{plain(outcome.call.model)}: {usage_line(outcome.call)}")

    heading("Why it matters")
    out.append(f"\n{plain(exercise.reference.explain)}")
    if exercise.reference.hints:
        heading("Hints")
        for hint in exercise.reference.hints:
            out.append(f"\n• {plain(hint)}")
    return out


class FeedbackScreen(Screen[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "try_again", "Try again", id="feedback.try_again"),
        Binding("n", "next", "Next", id="feedback.next"),
        Binding("escape,h", "home", "Home", id="feedback.home"),
    ]

    def __init__(self, session: Session, attempt: Attempt) -> None:
        super().__init__()
        if attempt.outcome is None or attempt.recorded is None:
            raise ValueError("feedback needs a graded and recorded attempt")
        self.session = session
        self.attempt = attempt
        self.exercise = attempt.exercise
        self.outcome: AttemptOutcome = attempt.outcome
        self.recorded: RecordedAttempt = attempt.recorded
        self.fit: FitGrade | None = attempt.fit

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="feedback-body"):
            yield Static(
                Text(plain(self.exercise.title), style="bold underline"), id="feedback-title"
            )
            yield Static(
                feedback_text(self.exercise, self.outcome, self.recorded, self.fit),
                id="feedback",
                markup=False,
            )
            if self.outcome.details:
                yield RunDetails(self.exercise.kind, self.outcome.details, id="run-details")
            yield CritiquePanel(self.session, self.exercise, self.outcome, id="critique")
        with Horizontal(id="actions"):
            yield Button("Next (n)", variant="primary", id="next")
            yield Button("Try again (t)", id="try-again")
            yield Button("Home (h)", id="home")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feedback-body").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"next": self.action_next, "try-again": self.action_try_again}
        actions.get(event.button.id or "", self.action_home)()

    def action_try_again(self) -> None:
        self.dismiss(AGAIN)

    def action_next(self) -> None:
        self.dismiss(NEXT)

    def action_home(self) -> None:
        self.dismiss(HOME)
