"""The practice flow: exercise → judgment → feedback → next, one attempt after another.

One worker drives the screens in order (`push_screen_wait`); each screen
returns its result with `dismiss` and knows nothing of the others, so there
is no circle of screens opening screens. Every database write happens in a
screen's thread worker (grading and recording), never on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from coach.content.models import Kind
from coach.runtime.kinds import MULTI_STEP
from coach.tui.screens.exercise import DONE, JUDGE, ExerciseScreen, FitScreen
from coach.tui.screens.feedback import AGAIN, NEXT, FeedbackScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.run import RunScreen
from coach.tui.widgets.run_details import judged_context

if TYPE_CHECKING:
    from textual.app import App

    from coach.runtime.attempt import Attempt
    from coach.runtime.session import Session

PRACTICE_GROUP = "practice"


def exercise_screen(session: Session, attempt: Attempt, text: str | None = None) -> Screen[Any]:
    """The screen on which the learner works on this attempt's exercise."""
    kind = attempt.kind
    if kind == Kind.FIT:
        return FitScreen(session, attempt)
    if kind in MULTI_STEP:
        return RunScreen(session, attempt, text=text)
    return ExerciseScreen(session, attempt, text=text)


async def practise(app: App[Any], session: Session, exercise: Any) -> None:
    """Attempts until the learner goes home (run it in a worker: it waits on screens)."""
    text: str | None = None
    while exercise is not None:
        attempt = session.start(exercise)
        step = await app.push_screen_wait(exercise_screen(session, attempt, text))
        if step is None:  # back
            return
        if step == JUDGE:
            context = judged_context(attempt.run.details) if attempt.run is not None else None
            await app.push_screen_wait(JudgmentScreen(attempt, context=context))
        elif step != DONE:
            raise ValueError(f"unknown exercise screen result {step!r}")
        choice = await app.push_screen_wait(FeedbackScreen(session, attempt))
        if choice == AGAIN:
            text = attempt.learner_input  # try again starts from the last prompt
        elif choice == NEXT:
            exercise, text = session.next_exercise(), None
        else:
            return
