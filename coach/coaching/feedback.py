"""Coaching notes: what went wrong, in the learner's terms, and what to change.

Deterministic: built from the failed checks (their options, reasons and the
output they graded), the learner's own prompt and the judgment grade, with no
model. Each note names one mistake: what the output (or the judgment) did,
what in the prompt likely caused it or what to do next time. Unscored checks
get no note: nothing is known about them, so nothing is blamed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coach.coaching.check_notes import (
    YOURS,
    Failed,
    Writer,
    check_notes,
    distinct,
    note_on,
    variants_note,
)
from coach.coaching.judgment_notes import judgment_notes
from coach.coaching.note import CoachNote
from coach.runtime.evals import NOT_CAUGHT_CODE, VARIANT_GRADER
from graders._text import listing, q
from graders.result import CheckResult

if TYPE_CHECKING:
    from coach.runtime.outcome import AttemptOutcome

__all__ = ["CoachNote", "coaching_notes", "judgment_notes", "output_notes"]


def _failed_of(
    checks: Sequence[CheckResult], specs: Sequence[Any], output: str | None
) -> list[Failed]:
    """The failed, scored checks, each with its options from the exercise where they align."""
    aligned = len(checks) == len(specs) and all(
        c.grader == s.grader for c, s in zip(checks, specs, strict=False)
    )
    return [
        Failed(check, dict(specs[i].options) if aligned else {}, output)
        for i, check in enumerate(checks)
        if not check.unscored and not check.passed
    ]


def _per_input_notes(exercise: Any, details: Mapping[str, Any], w: Writer) -> list[CoachNote]:
    """Instructions and pipelines: each failed check once, with how many inputs it failed."""
    entries = list(details.get("inputs") or [])
    own = {item.id: list(item.checks) for item in getattr(exercise, "inputs", [])}
    groups: dict[tuple[str, str], list[tuple[str, Failed]]] = {}
    notes: list[CoachNote] = []
    for entry in entries:
        input_id = str(entry.get("id", "?"))
        if entry.get("stopped_at"):
            notes.append(
                CoachNote(
                    topic="pipeline",
                    text=f"Input {input_id} never reached the end: {entry.get('error')}. If "
                    "that input was usable, your validation step is too strict.",
                )
            )
            continue
        output = entry.get("output", entry.get("final"))
        checks = [CheckResult.model_validate(c) for c in entry.get("checks") or []]
        specs = [*exercise.checks, *own.get(input_id, [])]
        for item in distinct(_failed_of(checks, specs, output)):
            groups.setdefault((item.check.grader, item.check.name), []).append((input_id, item))
    total = len(entries)
    for (_grader, name), found in groups.items():
        first_id, first = found[0]
        ids = listing((i for i, _ in found), limit=4)
        lead = (
            f"{len(found)} of {total} hidden inputs failed {q(name, 60)} ({ids}). "
            f"On input {first_id}: "
        )
        if (note := note_on(first, w)) is not None:
            notes.append(note.model_copy(update={"text": lead + note.text}))
    return notes


def output_notes(exercise: Any, outcome: AttemptOutcome, writer: Writer) -> list[CoachNote]:
    """Notes on the output: what the failed checks found, and what in the prompt caused it."""
    grade = outcome.output_grade
    if grade is None:
        return []
    details = outcome.details or {}
    # A criterion no judge graded leaves the grade partial: say which, and how to grade it.
    ungraded = [CoachNote(topic="not graded", text=note)] if (note := grade.ungraded_note()) else []
    if details.get("inputs") is not None:
        return [*ungraded, *_per_input_notes(exercise, details, writer)]
    failed = _failed_of(grade.checks, list(exercise.checks), outcome.real_output)
    missed = [
        f.check
        for f in failed
        if f.check.grader == VARIANT_GRADER and f.check.code == NOT_CAUGHT_CODE
    ]
    notes = check_notes([f for f in failed if f.check.grader != VARIANT_GRADER], writer)
    if missed:
        notes.append(variants_note(missed))
    return [*ungraded, *notes]


def coaching_notes(
    exercise: Any, outcome: AttemptOutcome, *, prompt: str | None = None
) -> list[CoachNote]:
    """What to change: one note per mistake in the output, then in the judgment.

    `prompt` is the learner's text (defaults to the outcome's). An attempt that
    passed and was judged right gets no notes.
    """
    text = prompt if prompt is not None else (outcome.prompt or "")
    writer = Writer(prompt=text, yours=YOURS.get(str(outcome.kind), "your prompt"))
    notes = [*output_notes(exercise, outcome, writer), *judgment_notes(outcome)]
    unique: dict[str, CoachNote] = {}  # the same advice (several checks, one cause) once
    for note in notes:
        unique.setdefault(note.text, note)
    return list(unique.values())
