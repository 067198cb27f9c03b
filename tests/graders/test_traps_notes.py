"""Planted flaws tell the truth (issue #16 item 9).

Over many seeds and every mutation trap of every built-in exercise, the change a
mutation reports (`Mutation.edit`) is the change made to the text, the description
shown after the call names it, the flaw reads like a model's mistake (no range turned
round, no "it does apply", no header word or place swapped as if it were an owner, no
quote of the output's own words passed off as a document), and the exercise's note
says something true of that kind of change.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.content import load_catalog
from coach.runtime.present import trap_options
from coach.runtime.prove import cases
from graders.traps import Mutation, mutation_for, swap_names

# What each kind of note must speak of, so the note cannot describe another flaw.
NOTE_WORDS = {
    "change_number": r"figure|number|amount|total|price|rate|cap|limit|value|percent|%|days?|"
    r"months?|weeks?|changed",
    "shift_date": r"date|day|deadline|moved|shifted|week",
    "drop_item": r"removed|missing|dropped|left out|omitted|deleted",
    "truncate": r"cut|truncat|stops|missing|incomplete|short",
    "add_extra_text": r"added|extra|chat|text|around",
    "invent_citation": r"cit|source|reference|section|label|passage|document|excerpt",
    "remove_negation": r"negation|\bnot\b|reversed|flipped|opposite|removed|says the reverse",
    "swap_label": r"label|changed|category|queue|segment|priority|verdict",
    "swap_names": r"swapped",
}
NUMBER = r"[£$€]?\d[\d,]*(?:\.\d+)?"
RANGE = re.compile(rf"({NUMBER})\s*(?:-|–|—|\bto\b)\s*({NUMBER})")
EMPHATIC_DO = re.compile(r"\b(?:do|does|did)\s+(?!not\b|n't\b)[a-z]+", re.I)
NEGATION = re.compile(r"\bnot\b|n['’]t\b|\bnever\b|\bno longer\b|\bcannot\b", re.I)


@dataclass(frozen=True)
class Planted:
    exercise: str
    where: str
    output: str
    trap: Any
    options: dict[str, Any]


def _planted() -> list[Planted]:
    found = []
    for loaded in load_catalog().exercises:
        exercise = loaded.exercise
        options = trap_options(exercise)
        for trap in exercise.judgment.traps:
            if trap.mutate is None:
                continue
            for case in cases(exercise, True):
                found.append(Planted(exercise.id, case.where, case.good, trap, options))
    return found


PLANTED = _planted()


def _value(token: str) -> float:
    return float(token.lstrip("£$€").replace(",", ""))


def _turned_round(text: str) -> int:
    return sum(_value(a) > _value(b) for a, b in RANGE.findall(text))


def _quoted(description: str) -> list[str]:
    return re.findall(r'"([^"]+)"', description)


def check_truth(real: str, mutation: Mutation, note: str) -> None:
    """Everything a planted flaw must get right; raises AssertionError if not."""
    edit = mutation.edit
    assert edit is not None
    # The reported edit is the change made.
    rebuilt = real[: edit.start] + edit.new + real[edit.start + len(edit.old) :]
    assert rebuilt == mutation.output
    assert edit.old != edit.new
    name = mutation.name
    assert re.search(NOTE_WORDS[name], note, re.I), f"the note does not speak of a {name}"
    if name == "change_number":
        # No range turned round, and the description names the new value.
        assert _turned_round(mutation.output) <= _turned_round(real)
        assert re.search(r"\d", edit.new)
        assert edit.new.strip("£$€%") in mutation.description.replace(",", "") or (
            edit.new in mutation.description
        )
    elif name == "remove_negation":
        assert NEGATION.search(edit.old), edit
        assert not NEGATION.search(edit.new), edit
        # "does not apply" must become "applies", never "does apply".
        assert len(EMPHATIC_DO.findall(mutation.output)) <= len(EMPHATIC_DO.findall(real))
    elif name == "swap_names":
        first, second = _quoted(mutation.description)[:2]
        assert {edit.old.startswith(first), edit.old.startswith(second)} == {True, False} or (
            edit.old.startswith(first) and edit.new.startswith(second)
        )
        assert edit.new.startswith(second) and edit.new.endswith(first)
        assert edit.old.startswith(first) and edit.old.endswith(second)
        header = real.lstrip().split("\n", 1)[0]
        if header.startswith("|"):
            assert first not in header and second not in header  # never a header word
        if re.search(r"owner|people|person", note, re.I):
            assert len(first.split()) >= 2 and len(second.split()) >= 2  # people, not places
    elif name == "invent_citation":
        relabelled = re.fullmatch(r"[A-Za-z]{0,3}\d{1,3}", edit.old) and re.fullmatch(
            r"[A-Za-z]{0,3}\d{1,3}", edit.new
        )
        inserted = edit.new.replace(edit.old, "", 1) if edit.old in edit.new else edit.new
        assert '"' not in inserted and "“" not in inserted, "a quote passed off as a document"
        assert relabelled or re.search(r"\[|\(|section|clause|Source", inserted, re.I)
    elif name == "shift_date":
        described = re.findall(r"changed (.+) to (.+?)(?: on line \d+)?$", mutation.description)
        old_date, new_date = described[0]
        assert old_date in real and new_date in mutation.output
    elif name in ("drop_item", "truncate"):
        assert len(mutation.output) < len(real)
    elif name == "add_extra_text":
        assert edit.old in edit.new and len(edit.new) > len(edit.old)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLANTED), st.integers(min_value=0, max_value=2**32 - 1))
def test_every_planted_flaw_tells_the_truth(planted: Planted, seed: int) -> None:
    mutation = mutation_for(planted.output, planted.trap, random.Random(seed), **planted.options)
    if mutation is None:
        return  # the trap does not apply to this output: nothing is shown
    check_truth(planted.output, mutation, planted.trap.note)


def test_every_trap_of_every_exercise_over_fifty_seeds() -> None:
    """The same, exhaustively: every trap on every output it applies to, 50 seeds each."""
    for planted in PLANTED:
        for seed in range(50):
            mutation = mutation_for(
                planted.output, planted.trap, random.Random(seed), **planted.options
            )
            if mutation is not None:
                try:
                    check_truth(planted.output, mutation, planted.trap.note)
                except AssertionError as error:
                    raise AssertionError(
                        f"{planted.exercise} {planted.where} {planted.trap.mutate} seed {seed}: "
                        f"{mutation.description}: {error}"
                    ) from error


def test_a_range_is_never_turned_round() -> None:
    from graders.traps import change_number

    text = "Salary £46,000-£52,000, 3 to 5 days, between 10 and 20 people."
    for seed in range(300):
        mutation = change_number(text, random.Random(seed))
        assert mutation is not None
        assert _turned_round(mutation.output) == 0, mutation.description


def test_a_falling_pair_is_not_a_range() -> None:
    from graders.traps import change_number

    text = "Fellside Gear cut their close from 8 to 4 working days."
    assert any(change_number(text, random.Random(seed)) for seed in range(20))


@pytest.mark.parametrize(
    "text",
    [
        "| Owner | Action | Due |\n|---|---|---|\n| Tom Becker | Confirm install | 2026-03-06 |\n"
        "| Priya Shah | Update forecast | 2026-03-12 |",
    ],
)
def test_owners_swap_only_in_their_column(text: str) -> None:
    for seed in range(50):
        mutation = swap_names(text, random.Random(seed))
        assert mutation is not None
        assert "Owner column" in mutation.description
        assert mutation.output.split("\n")[0] == "| Owner | Action | Due |"


@pytest.mark.parametrize(
    "text",
    [
        "The Leeds site opens before the Sheffield office moves.",
        "Starter is free; Business includes SSO.",
    ],
)
def test_places_and_plans_are_not_names_to_swap(text: str) -> None:
    assert all(swap_names(text, random.Random(seed)) is None for seed in range(30))


def test_line_leading_names_swap() -> None:
    text = "Tallyo: free plan, SSO on Business [S1]\nFinlo: free plan, no SSO [S3]\nNote: done"
    mutation = swap_names(text, random.Random(1))
    assert mutation is not None
    assert mutation.output.startswith("Finlo:") and "\nTallyo:" in mutation.output


def test_a_date_slips_by_days_or_weeks_not_months() -> None:
    import datetime as dt

    from graders.traps import shift_date

    real = dt.date(2026, 3, 20)
    for seed in range(200):
        mutation = shift_date("Closing date: 2026-03-20.", random.Random(seed))
        assert mutation is not None
        (shown,) = re.findall(r"\d{4}-\d{2}-\d{2}", mutation.output)
        moved = dt.date.fromisoformat(shown)
        swapped = (moved.month, moved.day) == (real.day, real.month)
        assert swapped or 1 <= abs((moved - real).days) <= 14, shown


@pytest.mark.parametrize(
    "text",
    [
        "The scheme limit is £2,500 for bikes [P1].\nNot in sources: whether e-scooters count.",
        "Start: the errors began at 13:58 UTC [L1].\n"
        "Orders lost: Not in the sources. None of the three sources counts orders.",
    ],
)
def test_a_gap_line_is_never_given_a_citation(text: str) -> None:
    from graders.traps import invent_citation

    for seed in range(60):
        mutation = invent_citation(text, random.Random(seed))
        assert mutation is not None
        gap_lines = [line for line in mutation.output.split("\n") if "ot in" in line]
        assert all("[" not in line for line in gap_lines), mutation.description


def test_a_cited_quote_keeps_one_label() -> None:
    from graders.traps import invent_citation

    text = 'Root cause: a guess: "I think it might be the Redis change?" [L2]\nEnd: 14:41 [L1].'
    for seed in range(60):
        mutation = invent_citation(text, random.Random(seed))
        assert mutation is not None
        assert not re.search(r"\[L\d\]\s*\[L\d\]", mutation.output), mutation.output


def test_disclosure_problems_name_a_turned_range_an_emphatic_do_and_a_wrong_note() -> None:
    from graders.traps import Mutation, disclosure_problems, text_edit

    def shown(name: str, real: str, output: str, description: str = "") -> Mutation:
        return Mutation(
            name=name,
            output=output,
            description=description,
            edit=text_edit(real, output),
        )

    real = "Salary £46,000-£52,000."
    turned = shown("change_number", real, "Salary £55,000-£52,000.")
    assert any("turned round" in p for p in disclosure_problems(real, turned, "A figure changed."))
    real = "It does not apply to drivers."
    emphatic = shown("remove_negation", real, "It does apply to drivers.")
    assert any("emphatic" in p for p in disclosure_problems(real, emphatic, "A 'not' was removed."))
    real = "| Owner |\n|---|\n| Tom Becker |\n| Leeds |"
    swapped = shown("swap_names", real, real, 'swapped "Tom Becker" and "Leeds"')
    owners = "Two owners were swapped."
    assert any("people" in p for p in disclosure_problems(real, swapped, owners))
    clean = shown("change_number", "Pay £40.", "Pay £44.")
    assert disclosure_problems("Pay £40.", clean, "A figure was changed.") == []
    assert disclosure_problems("Pay £40.", clean, "A date was moved.") != []
