"""What the learner is shown to judge: the real output, or a disclosed planted flaw.

The draw is seeded, so an attempt can be replayed. The output grade always
uses the real output; `Shown.mutation` is what the feedback discloses.
"""

from __future__ import annotations

import random
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from coach.content.models import ReviewExercise
from graders.traps import Mutation, choose_trap, should_plant

TrapMode = Literal["auto", "never", "always"]
TRAP_MODES: tuple[TrapMode, ...] = ("auto", "never", "always")


def trap_mode(value: str) -> TrapMode:
    """`value` as a trap mode (ValueError for anything else)."""
    for mode in TRAP_MODES:
        if value == mode:
            return mode
    raise ValueError(f"trap mode must be one of {', '.join(TRAP_MODES)}, not {value!r}")


class Shown(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    mutation: Mutation | None = None
    review_item: int | None = None  # index into a review exercise's outputs

    @property
    def planted(self) -> bool:
        return self.mutation is not None


def trap_options(exercise: Any) -> dict[str, Any]:
    """Options mutations need from the exercise: the label set for swap_label."""
    for check in exercise.checks:
        if check.grader == "label_in" and "labels" in check.options:
            return {"labels": list(check.options["labels"])}
    return {}


def present_output(
    exercise: Any,
    real_output: str,
    mode: TrapMode,
    rng: random.Random,
    trap_rate: float | None = None,
) -> Shown:
    """The real output, or (with the trap rate, or always) a flawed variant of it."""
    traps = exercise.judgment.traps
    rate = exercise.judgment.trap_rate if trap_rate is None else trap_rate
    wanted = mode == "always" or (mode == "auto" and should_plant(rate, rng))
    if not wanted or not traps or not real_output.strip():
        return Shown(text=real_output)
    mutation = choose_trap(real_output, traps, rng, **trap_options(exercise))
    if mutation is None:  # no enabled trap applies to this output: never fake one
        return Shown(text=real_output)
    return Shown(text=mutation.output, mutation=mutation)


def present_review(exercise: ReviewExercise, rng: random.Random, index: int | None = None) -> Shown:
    """One of a review exercise's recorded outputs (chosen by the seeded draw)."""
    chosen = rng.randrange(len(exercise.outputs)) if index is None else index
    return Shown(text=exercise.outputs[chosen].output, review_item=chosen)
