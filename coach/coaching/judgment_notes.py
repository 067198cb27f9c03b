"""Notes on the judgment: a missed flaw, a false alarm, a wrong pinpoint, overconfidence.

A missed flaw gets the habit that would have caught it: from the planted
mutation, else from the exercise's error kind, else from the failed check.
An uncertain truth (rubric only) blames nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from coach.coaching.note import CoachNote
from graders._text import listing, q
from graders.result import CheckResult

if TYPE_CHECKING:
    from coach.runtime.outcome import AttemptOutcome


# mutation → (the flaw, in the learner's words; the habit that catches it)
HABITS: Mapping[str, tuple[str, str]] = {
    "drop_item": (
        "an item left out",
        "count the items in the materials and in the output; the counts should match",
    ),
    "change_number": ("a changed number", "check each figure against the materials"),
    "shift_date": ("a shifted date", "check each date against the materials, day and month"),
    "swap_names": (
        "two names swapped",
        "match each name to its own facts in the materials: who did what",
    ),
    "swap_label": ("the wrong label", "check the label against the rule that decides it"),
    "invent_citation": (
        "an invented citation",
        "look for sources you cannot find in the materials",
    ),
    "remove_negation": (
        "a reversed meaning (a 'not' removed)",
        "read each claim against the source for not, never and no: one word flips it",
    ),
    "truncate": ("an output cut short", "read to the end and check that it finishes"),
    # Not mutations: review items and checks name them.
    "fact": ("a wrong fact", "find each stated fact in the materials before you accept it"),
    "arithmetic": (
        "a calculation error",
        "redo each calculation yourself from the figures in the materials",
    ),
    "add_extra_text": (
        "extra text around the answer",
        "check the first and last lines: anything besides the answer breaks an import",
    ),
}
# Words in an exercise's own error kinds that point to one of the habits above.
_KIND_WORDS: Sequence[tuple[str, str]] = (
    ("missing|omitted|dropped|left out|incomplete list", "drop_item"),
    ("citation|source|quote|reference", "invent_citation"),
    ("arithmetic|calculat|percent|vat|math", "arithmetic"),
    ("date|deadline", "shift_date"),
    ("number|amount|total|figure|price|sum|unit", "change_number"),
    ("name|person|swapped", "swap_names"),
    ("label|category|priority|class", "swap_label"),
    ("negation|reversed|meaning|contradict", "remove_negation"),
    ("truncat|cut off|cut short|unfinished", "truncate"),
    ("extra text|chatty|preamble|format|json", "add_extra_text"),
    ("fact|claim|policy|rule", "fact"),
)
# The habit for an output that failed a check of this grader.
_GRADER_HABITS = {
    "number": "change_number",
    "numbers_grounded": "change_number",
    "contains": "drop_item",
    "contains_all": "drop_item",
    "contains_any": "drop_item",
    "set_equals": "drop_item",
    "f1": "drop_item",
    "quotes_exist_in": "invent_citation",
    "label_in": "swap_label",
    "json": "add_extra_text",
    "exact": "add_extra_text",
}
GENERIC_HABIT = "check it against each requirement in the brief and each fact in the materials"
OVERCONFIDENT = 0.8


def _habit_for_kinds(kinds: Iterable[str]) -> str | None:
    for kind in kinds:
        for words, mutation in _KIND_WORDS:
            if re.search(rf"\b(?:{words})", kind, re.IGNORECASE):
                return mutation
    return None


def _judged_failures(outcome: AttemptOutcome) -> list[CheckResult]:
    """The failed deterministic checks of the one output the learner judged."""
    details = outcome.details or {}
    index = (details.get("shown") or {}).get("index")
    inputs = details.get("inputs") or []
    if index is not None and 0 <= index < len(inputs):
        checks = [CheckResult.model_validate(c) for c in inputs[index].get("checks") or []]
    else:
        checks = outcome.output_grade.checks if outcome.output_grade else []
    return [c for c in checks if c.deterministic and not c.unscored and not c.passed]


def _missed_note(outcome: AttemptOutcome) -> CoachNote:
    truth, mutation = outcome.truth, outcome.shown.mutation
    kinds = sorted(truth.error_kinds) if truth else []
    if mutation is None and truth is not None and truth.source == "checks":
        failed = _judged_failures(outcome)
        label = q(failed[0].name, 60) if failed else "its checks"
        key = _GRADER_HABITS.get(failed[0].grader) if failed else _habit_for_kinds(kinds)
        habit = HABITS[key][1] if key else GENERIC_HABIT
        return CoachNote(
            topic="judgment",
            text=f"You accepted an output that failed {label}. To catch that before you "
            f"accept, {habit}.",
        )
    name = mutation.name if mutation is not None and mutation.name in HABITS else None
    name = name or _habit_for_kinds(kinds)
    if name is None:
        what = f"a {q(kinds[0], 40)} error" if kinds else "an error"
        return CoachNote(
            topic="judgment",
            text=f"You accepted an output with {what} in it: next time, {GENERIC_HABIT}.",
        )
    flaw, habit = HABITS[name]
    if mutation is None or mutation.name not in HABITS:  # a recorded flaw: use its own kind
        flaw = f"a {q(kinds[0], 40)} error" if kinds else flaw
    return CoachNote(topic="judgment", text=f"You accepted an output with {flaw}: {habit}.")


def _where(lines: Iterable[int], kinds: Iterable[str]) -> str:
    ordered = [str(line) for line in sorted(lines)]
    if ordered:
        return f"on line{'s' if len(ordered) > 1 else ''} {listing(ordered)}"
    named = sorted(kinds)
    return f"a {q(named[0], 40)} error" if named else "elsewhere"


def judgment_notes(outcome: AttemptOutcome) -> list[CoachNote]:
    """Notes on the judgment: a missed flaw, a false alarm, a wrong pinpoint, overconfidence."""
    judgment, verdict, truth = outcome.judgment, outcome.judgment_grade, outcome.truth
    if judgment is None or verdict is None or truth is None or not verdict.scored:
        return []  # an uncertain truth blames nobody
    notes: list[CoachNote] = []
    if truth.wrong and judgment.verdict == "ok":
        notes.append(_missed_note(outcome))
    elif not truth.wrong and judgment.verdict == "wrong":
        said = f" (you pointed at line {judgment.line})" if judgment.line else ""
        notes.append(
            CoachNote(
                topic="judgment",
                text=f"False alarm: the output was sound, and you called it wrong{said}. Before "
                "calling an output wrong, name the exact line and what in the materials it "
                "contradicts; if you cannot, it is probably fine.",
            )
        )
    elif verdict.pinpoint_hit is False:
        pointed = [f"line {judgment.line}"] if judgment.line else []
        pointed += [q(judgment.error_kind, 40)] if judgment.error_kind else []
        detail = truth.detail.strip().rstrip(".")
        what = f" ({detail})" if detail and truth.source != "checks" else ""
        notes.append(
            CoachNote(
                topic="judgment",
                text=f"You were right that it was wrong, but the flaw was "
                f"{_where(truth.lines, truth.error_kinds)}{what}, not {' and '.join(pointed)}. "
                "Say where only when you can see what that line contradicts.",
            )
        )
    if verdict.correct is False and judgment.confidence >= OVERCONFIDENT:
        sure = round(judgment.confidence * 100)
        notes.append(
            CoachNote(
                topic="confidence",
                text=f"You were {sure} % sure and wrong. Keep {sure} % for outputs you have "
                "checked line by line against the materials; after a quick read, 60–70 % "
                "is honest.",
            )
        )
    return notes
