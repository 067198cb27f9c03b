"""Planted-error traps: each mutation really changes what it says, or declines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graders.names import MUTATIONS
from graders.traps import (
    DEFAULT_ERROR_KINDS,
    MUTATORS,
    Mutation,
    add_extra_text,
    apply_trap,
    change_number,
    choose_trap,
    diff_lines,
    drop_item,
    invent_citation,
    remove_negation,
    shift_date,
    should_plant,
    swap_label,
    swap_names,
    truncate,
)

SEEDS = range(25)
LABELS = ["enterprise", "mid-market", "smb", "partner", "needs-review"]

JSON_DATES = '["2026-03-31", "2026-03-06", "2026-03-01", "2026-04-01", "2026-04-14"]'
JSON_INDENTED = json.dumps({"customer": "Hallam Foods", "items": ["a", "b", "c", "d"]}, indent=2)
JSON_OBJECT = (
    '{"supplier": "Greenleaf Produce Ltd", "invoice_number": "GL-2026-0142", '
    '"total": 4176.00, "due_date": "2026-02-19", "lines": 3}'
)
BULLETS = (
    "Renewals:\n- Hosting renews on 31 March 2026\n- Support renews on 6 March 2026\n"
    "- CRM renews on 1 April 2026\n\nAll three auto-renew."
)
NUMBERED = "Steps:\n1. Open the invoice\n2. Check the total\n3. Approve it\n4. File it"
CSV_TABLE = "name,amount,date\nAnna,12.50,2026-01-03\nBen,7.00,2026-02-04\nCara,3.20,2026-03-05"
MD_TABLE = (
    "| item | price |\n|---|---|\n| FP-4033 | €0.89 |\n| FP-6044 | €1.49 |\n| FP-DT12 | €0.41 |"
)
PROSE = (
    "Hi Anna,\n\n"
    "Maria Lopez at Northwind Traders confirmed that the 1,240 cartons will not arrive "
    "before 12 May 2026. We can't offer a discount, and the old price of £38.50 no longer "
    "applies.\n\n"
    "Best regards,\nTom Baker, Contoso Ltd"
)
REPLY = (
    "Hotel: up to £240 a night, including taxes. Policy 4.3 says breakfast is reimbursed up "
    "to £15 a day when it is not included.\nTaxi from the airport: not in the sources. "
    "Neither document mentions taxis; check with Finance before claiming."
)
CITED = (
    "You can carry over 5 days of your 7 [P1]. You must use them by 31 March [P1]; "
    "the other 2 days are lost [P2]."
)
LABEL = "mid-market"

OUTPUTS = [JSON_DATES, JSON_INDENTED, JSON_OBJECT, BULLETS, NUMBERED, CSV_TABLE, MD_TABLE]
OUTPUTS += [PROSE, REPLY, CITED, LABEL]


def run(name: str, output: str, seed: int = 0, **options: object) -> Mutation | None:
    return apply_trap(output, name, random.Random(seed), **options)


def results(fn, output: str, **options: object) -> list[Mutation]:  # type: ignore[no-untyped-def]
    found = [fn(output, random.Random(seed), **options) for seed in SEEDS]
    assert all(m is not None for m in found), "expected the mutation to apply"
    return found  # type: ignore[return-value]


def changed_span(old: str, new: str) -> tuple[str, str]:
    """The differing middle of two texts: (old part, new part)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start : len(old) - end], new[start : len(new) - end]


def first_changed_line(old: str, new: str) -> int:
    """The line of `new` where it starts to differ from `old`."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    return new.count("\n", 0, start) + 1


def line_with(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the registry -------------------------------------------------------------------------


def test_registry_matches_the_names() -> None:
    assert set(MUTATORS) == MUTATIONS
    assert set(DEFAULT_ERROR_KINDS) == MUTATIONS


def test_content_validates_against_the_same_names() -> None:
    from coach.content import models

    assert models.MUTATIONS is MUTATIONS


def test_unknown_mutation_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown mutation 'drop_items'"):
        run("drop_items", JSON_DATES)


def test_mutation_is_frozen() -> None:
    mutation = run("drop_item", JSON_DATES)
    assert mutation is not None
    with pytest.raises(ValidationError):
        mutation.output = "x"  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("output", OUTPUTS, ids=lambda o: o[:12])
def test_same_seed_same_mutation(name: str, output: str) -> None:
    first = run(name, output, 7, labels=LABELS)
    again = run(name, output, 7, labels=LABELS)
    assert first == again
    if first is not None:
        assert first.name == name
        assert first.output != output
        assert first.description
        assert first.error_kind == DEFAULT_ERROR_KINDS[name]
        lines = max(1, len(first.output.splitlines()))
        assert first.changed_lines and all(1 <= n <= lines for n in first.changed_lines)


TEXTS = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            [
                "a", "Bob ", "Maria Lopez ", "Acme Ltd ", " not ", "n't ", "never ", "2026-03-04",
                "3 March 2026", "March 3, 2026", "03/04/2026", "- item\n", "1. one\n", "[P1]",
                " 1,240.50", "£38", "12%", ". ", "\n", ",", "[", "]", '"', "{", "}", ": ", "|",
                "---", "mid-market", "```json\n",
            ]
        ),
        max_size=30,
    ).map("".join),
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXTS, st.integers(0, 2**32), st.sampled_from(sorted(MUTATIONS)))
def test_any_text_gives_none_or_a_different_text(text: str, seed: int, name: str) -> None:
    mutation = MUTATORS[name](text, random.Random(seed), labels=LABELS)
    if mutation is not None:
        assert mutation.output != text
        assert mutation.description
        lines = max(1, len(mutation.output.splitlines()))
        assert all(1 <= n <= lines for n in mutation.changed_lines)
        assert mutation == MUTATORS[name](text, random.Random(seed), labels=LABELS)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("output", ["", "   \n  "])
def test_nothing_to_mutate_in_blank_output(name: str, output: str) -> None:
    assert run(name, output, labels=LABELS) is None


# --- drop_item ----------------------------------------------------------------------------


def test_drop_item_from_a_json_array_keeps_json_and_style() -> None:
    original = json.loads(JSON_DATES)
    for mutation in results(drop_item, JSON_DATES):
        items = json.loads(mutation.output)
        assert len(items) == len(original) - 1
        (removed,) = [item for item in original if item not in items]
        assert [item for item in original if item != removed] == items
        assert mutation.output == json.dumps(items)  # same separators as the original
        assert removed in mutation.description
        assert mutation.changed_lines == (1,)
        assert mutation.error_kind == "missing item"


def test_drop_item_from_an_indented_json_array_points_at_its_line() -> None:
    original = json.loads(JSON_INDENTED)
    for mutation in results(drop_item, JSON_INDENTED):
        data = json.loads(mutation.output)
        assert mutation.output == json.dumps(data, indent=2)  # formatting kept
        (removed,) = [item for item in original["items"] if item not in data["items"]]
        was = line_with(JSON_INDENTED, f'"{removed}"')
        assert mutation.changed_lines == (min(was, len(mutation.output.splitlines())),)
        assert f'"{removed}"' in mutation.description


def test_drop_item_from_a_bullet_list() -> None:
    bullets = [line for line in BULLETS.splitlines() if line.startswith("- ")]
    for mutation in results(drop_item, BULLETS):
        kept = [line for line in mutation.output.splitlines() if line.startswith("- ")]
        assert len(kept) == len(bullets) - 1
        (removed,) = [line for line in bullets if line not in kept]
        assert removed[2:] in mutation.description
        assert "All three auto-renew." in mutation.output
        was = line_with(BULLETS, removed)
        assert abs(mutation.changed_lines[0] - was) <= 1


def test_drop_item_renumbers_a_numbered_list() -> None:
    for mutation in results(drop_item, NUMBERED):
        items = mutation.output.splitlines()[1:]
        assert [line.split(".")[0] for line in items] == ["1", "2", "3"]
        assert len(items) == 3


def test_drop_item_from_a_csv_table() -> None:
    rows = list(csv.reader(io.StringIO(CSV_TABLE)))
    for mutation in results(drop_item, CSV_TABLE):
        new_rows = list(csv.reader(io.StringIO(mutation.output)))
        assert new_rows[0] == rows[0]  # the header stays
        assert len(new_rows) == len(rows) - 1
        assert all(row in rows for row in new_rows)
        assert "removed the row" in mutation.description


def test_drop_item_from_a_markdown_table() -> None:
    for mutation in results(drop_item, MD_TABLE):
        lines = mutation.output.splitlines()
        assert lines[:2] == MD_TABLE.splitlines()[:2]
        assert len(lines) == len(MD_TABLE.splitlines()) - 1


@pytest.mark.parametrize(
    "output", ['["only one"]', "[]", '{"a": 1}', LABEL, "One sentence. Another one.", "- one item"]
)
def test_drop_item_needs_two_items(output: str) -> None:
    assert all(drop_item(output, random.Random(seed)) is None for seed in SEEDS)


# --- change_number ------------------------------------------------------------------------

AMOUNT = re.compile(r"£\d{1,3}(?:,\d{3})*\.\d{2}")


def test_change_number_keeps_the_format() -> None:
    text = "Invoice total: £1,240.50, due in 30 days."
    for mutation in results(change_number, text):
        old, new = changed_span(text, mutation.output)
        assert old != new
        assert re.search(r"£[\d,]+\.\d{2}, due in \d+ days\.$", mutation.output)
        amount = AMOUNT.search(mutation.output)
        assert amount, mutation.output
        assert "changed" in mutation.description and "to" in mutation.description
        assert mutation.error_kind == "wrong number"


def test_change_number_is_plausible() -> None:
    text = "Revenue rose 12% to 4,500 units."
    for mutation in results(change_number, text):
        numbers = re.findall(r"[\d,]+", mutation.output.replace(".", " "))
        values = [float(n.replace(",", "")) for n in numbers if n.strip(",")]
        assert mutation.output.count("%") == 1
        changed = [(a, b) for a, b in zip([12.0, 4500.0], values, strict=True) if a != b]
        assert len(changed) == 1
        before, after = changed[0]
        transposed = sorted(str(int(before))) == sorted(str(int(after)))
        assert transposed or 0.05 <= abs(after - before) / before <= 0.6, (before, after)
        assert f"{after:g}" in mutation.description.replace(",", "")


def test_change_number_in_json_keeps_json_and_types() -> None:
    original = json.loads(JSON_OBJECT)
    for mutation in results(change_number, JSON_OBJECT):
        data = json.loads(mutation.output)
        diff = {k for k in original if data[k] != original[k]}
        assert diff <= {"total", "lines"} and len(diff) == 1
        (key,) = diff
        assert type(data[key]) is type(original[key])
        assert data["invoice_number"] == "GL-2026-0142"  # an identifier, not a quantity
        assert data["due_date"] == "2026-02-19"  # a date is shift_date's business


@pytest.mark.parametrize(
    "output",
    [
        "Order HF-77120, ticket #48213, invoice LN/26/0087, see section 4.3 and [P2].",
        "1. Pay on 2026-03-04\n2. Ship on 12 May 2026",
        "Renewal in 2026.",
        LABEL,
        JSON_DATES,
    ],
)
def test_change_number_leaves_dates_markers_and_ids_alone(output: str) -> None:
    assert all(change_number(output, random.Random(seed)) is None for seed in SEEDS)


def test_change_number_points_at_its_line() -> None:
    for mutation in results(change_number, PROSE):
        assert first_changed_line(PROSE, mutation.output) == 3
        assert mutation.changed_lines == (3,)
        assert "line 3" in mutation.description


# --- shift_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pattern", "fmt"),
    [
        ("Due 2026-03-06.", r"Due (\d{4}-\d{2}-\d{2})\.", "%Y-%m-%d"),
        ("Due 3 March 2026.", r"Due (\d{1,2} [A-Z][a-z]+ \d{4})\.", "%d %B %Y"),
        ("Due March 3, 2026.", r"Due ([A-Z][a-z]+ \d{1,2}, \d{4})\.", "%B %d, %Y"),
        ("Due 03/03/2026.", r"Due (\d{2}/\d{2}/\d{4})\.", "%d/%m/%Y"),
        ("Due 15 Feb 2026.", r"Due (\d{1,2} [A-Z][a-z]{2} \d{4})\.", "%d %b %Y"),
    ],
)
def test_shift_date_keeps_the_format(text: str, pattern: str, fmt: str) -> None:
    before = dt.datetime.strptime(re.fullmatch(pattern, text)[1], fmt).date()  # type: ignore[index]
    for mutation in results(shift_date, text):
        match = re.fullmatch(pattern, mutation.output)
        assert match, mutation.output
        after = dt.datetime.strptime(match[1], fmt).date()
        swapped = dt.date(before.year, before.day, before.month) if before.day <= 12 else None
        assert after != before
        assert 1 <= abs((after - before).days) <= 30 or after == swapped
        assert match[1] in mutation.description and text[4:-1] in mutation.description
        assert mutation.error_kind == "wrong date"


def test_shift_date_in_a_json_list_keeps_json() -> None:
    original = json.loads(JSON_DATES)
    for mutation in results(shift_date, JSON_DATES):
        dates = json.loads(mutation.output)
        changed = [(a, b) for a, b in zip(original, dates, strict=True) if a != b]
        assert len(changed) == 1
        dt.date.fromisoformat(changed[0][1])
        assert changed[0][1] not in original  # a new date, not a duplicate of another


def test_shift_date_points_at_its_line() -> None:
    for mutation in results(shift_date, BULLETS):
        assert mutation.changed_lines == (first_changed_line(BULLETS, mutation.output),)


def test_shift_date_needs_a_date() -> None:
    assert shift_date("No dates here, only 42 numbers.", random.Random(1)) is None


# --- swap_names ---------------------------------------------------------------------------


def test_swap_names() -> None:
    text = "Maria Lopez approved the order; Tom Baker signed it for Northwind Traders."
    names = ["Maria Lopez", "Tom Baker", "Northwind Traders"]
    for mutation in results(swap_names, text):
        assert sorted(n for n in names if n in mutation.output) == sorted(names)
        order_before = sorted(names, key=text.index)
        order_after = sorted(names, key=mutation.output.index)
        assert order_before != order_after
        assert sum(a != b for a, b in zip(order_before, order_after, strict=True)) == 2
        assert all(
            n in mutation.description
            for n in names
            if order_before.index(n) != order_after.index(n)
        )


def test_swap_names_across_lines() -> None:
    for mutation in results(swap_names, PROSE):
        assert len(mutation.output) == len(PROSE)
        assert set(mutation.changed_lines) <= {1, 3, 6}


@pytest.mark.parametrize(
    "output", ["the total is fine.", "Only Maria was there.", "Report. Summary. Total.", LABEL]
)
def test_swap_names_needs_two_names(output: str) -> None:
    assert all(swap_names(output, random.Random(seed)) is None for seed in SEEDS)


# --- swap_label ---------------------------------------------------------------------------


def test_swap_label() -> None:
    for mutation in results(swap_label, "mid-market\n", labels=LABELS):
        assert mutation.output.strip() in LABELS
        assert mutation.output.strip() != "mid-market"
        assert mutation.output.endswith("\n")
        assert "mid-market" in mutation.description
        assert mutation.output.strip() in mutation.description
        assert mutation.error_kind == "wrong label"


def test_swap_label_in_a_short_answer_keeps_case() -> None:
    mutation = swap_label("Label: Enterprise", random.Random(3), labels=LABELS)
    assert mutation is not None
    new = mutation.output.removeprefix("Label: ")
    assert new.lower() in LABELS and new[0].isupper() and new != "Enterprise"


@pytest.mark.parametrize(
    ("output", "labels"),
    [
        ("mid-market", None),
        ("mid-market", []),
        ("mid-market", ["mid-market"]),
        ("wholesale", LABELS),
        ("enterprise or smb", LABELS),  # two labels: nothing clear to swap
        (PROSE, LABELS),
    ],
)
def test_swap_label_needs_one_known_label(output: str, labels: list[str] | None) -> None:
    assert swap_label(output, random.Random(0), labels=labels) is None


# --- invent_citation ----------------------------------------------------------------------


def test_invent_citation_in_prose() -> None:
    for mutation in results(invent_citation, REPLY):
        old, new = changed_span(REPLY, mutation.output)
        assert old == ""  # only added
        assert re.search(r"\[Source: [^\]]+\]|as stated in .+\"|\(Policy \d+\.\d+\)", new), new
        assert "(Policy 4.3)" not in new  # an invented section, not the real one
        assert "invented" in mutation.description
        assert mutation.changed_lines == (first_changed_line(REPLY, mutation.output),)
        assert mutation.error_kind == "invented citation"


def test_invent_citation_with_passage_labels_points_at_the_wrong_passage() -> None:
    def uncited(text: str) -> str:
        return " ".join(re.sub(r"\[P\d\]", "", text).split())

    cites = re.findall(r"\[P\d\]", CITED)
    for mutation in results(invent_citation, CITED):
        new_cites = re.findall(r"\[P\d\]", mutation.output)
        assert uncited(mutation.output) == uncited(CITED)  # only citations changed
        assert new_cites != cites
        assert len(new_cites) in (len(cites), len(cites) + 1)
        assert "citation" in mutation.description


@pytest.mark.parametrize("output", [JSON_DATES, JSON_OBJECT, LABEL, "NOT IN SOURCES", "Yes."])
def test_invent_citation_needs_a_sentence(output: str) -> None:
    assert all(invent_citation(output, random.Random(seed)) is None for seed in SEEDS)


# --- remove_negation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flipped"),
    [
        ("You do not need a receipt.", "You need a receipt."),
        ("You don't need a receipt.", "You need a receipt."),
        ("It does not apply to drivers.", "It applies to drivers."),
        ("It also doesn't change the cap.", "It also changes the cap."),
        ("Do not reply to the sender.", "Reply to the sender."),
        ("It isn’t covered.", "It is covered."),
        ("The cap no longer applies.", "The cap applies."),
        ("Meals are never travel.", "Meals are travel."),
        ("Never share the password.", "Share the password."),
        ("We cannot refund it.", "We can refund it."),
        ("We won't refund it.", "We will refund it."),
        ("Not in the sources.", "In the sources."),
    ],
)
def test_remove_negation(text: str, flipped: str) -> None:
    mutation = remove_negation(text, random.Random(0))
    assert mutation is not None
    assert mutation.output == flipped
    assert "removed" in mutation.description or "changed" in mutation.description
    assert mutation.changed_lines == (1,)
    assert mutation.error_kind == "reversed meaning"


def test_remove_negation_points_at_its_line() -> None:
    for mutation in results(remove_negation, PROSE):
        assert mutation.changed_lines == (3,)
        assert len(mutation.output) < len(PROSE)


@pytest.mark.parametrize(
    "output",
    [
        "It is covered.",
        "Check whether or not it is covered.",
        "Not only hotels.",
        "He did not go.",  # no safe past tense to put back
        "It does not always apply.",  # the verb is not the next word
    ],
)
def test_remove_negation_needs_a_negation(output: str) -> None:
    assert remove_negation(output, random.Random(0)) is None


# --- truncate -----------------------------------------------------------------------------


@pytest.mark.parametrize("output", [PROSE, REPLY, BULLETS, NUMBERED, CSV_TABLE, JSON_INDENTED])
def test_truncate_cuts_on_a_boundary(output: str) -> None:
    for mutation in results(truncate, output):
        assert output.startswith(mutation.output)
        share = len(mutation.output) / len(output.rstrip())
        assert 0.3 <= share <= 0.8
        rest = output[len(mutation.output) :]
        assert rest[:1] in ("\n", " ") or mutation.output[-1] in ".!?"
        assert mutation.changed_lines == (len(mutation.output.splitlines()),)
        assert "cut the output off" in mutation.description
        assert mutation.error_kind == "incomplete output"


def test_truncate_does_not_stop_on_a_list_marker() -> None:
    for mutation in results(truncate, NUMBERED):
        assert not re.search(r"\d\.$", mutation.output)


@pytest.mark.parametrize("output", ["One sentence only.", LABEL, JSON_DATES])
def test_truncate_needs_two_parts(output: str) -> None:
    assert all(truncate(output, random.Random(seed)) is None for seed in SEEDS)


# --- add_extra_text -----------------------------------------------------------------------


@pytest.mark.parametrize("output", [JSON_DATES, JSON_INDENTED, LABEL, PROSE, BULLETS])
def test_add_extra_text(output: str) -> None:
    found = results(add_extra_text, output)
    for mutation in found:
        assert output.strip() in mutation.output
        old, new = changed_span(output, mutation.output)
        assert old == ""
        added = re.search(r'"(.+)"', mutation.description)
        assert added and added[1] in new
        lines = mutation.output.splitlines()
        if "before" in mutation.description:
            assert mutation.changed_lines == (1,) and added[1] in lines[0]
        else:
            assert "after" in mutation.description
            assert mutation.changed_lines == (len(lines),) and added[1] in lines[-1]
        assert mutation.error_kind == "extra text"
    assert {"before" in m.description for m in found} == {True, False}


def test_add_extra_text_breaks_json() -> None:
    for mutation in results(add_extra_text, JSON_DATES):
        with pytest.raises(json.JSONDecodeError):
            json.loads(mutation.output)
        assert "JSON" in mutation.description


# --- choosing and planting ----------------------------------------------------------------


@dataclass(frozen=True)
class T:
    mutate: str | None = None
    output: str | None = None
    error_kind: str | None = None
    note: str = ""


def test_choose_trap_uses_the_traps_kind_and_note() -> None:
    traps = [T(mutate="drop_item", error_kind="missing date", note="One date was removed.")]
    mutation = choose_trap(JSON_DATES, traps, random.Random(1))
    assert mutation is not None and mutation.name == "drop_item"
    assert mutation.error_kind == "missing date"
    assert mutation.note == "One date was removed."
    assert "removed the item" in mutation.description


def test_choose_trap_keeps_the_default_kind_when_the_trap_has_none() -> None:
    mutation = choose_trap(JSON_DATES, [T(mutate="shift_date")], random.Random(1))
    assert mutation is not None and mutation.error_kind == "wrong date"


def test_choose_trap_skips_what_does_not_apply() -> None:
    traps = [T(mutate="change_number"), T(mutate="swap_label"), T(mutate="drop_item")]
    for seed in SEEDS:
        mutation = choose_trap(JSON_DATES, traps, random.Random(seed))
        assert mutation is not None and mutation.name == "drop_item"
    assert choose_trap(LABEL, traps[:2], random.Random(0)) is None
    assert choose_trap(LABEL, [], random.Random(0)) is None


def test_choose_trap_passes_options() -> None:
    traps = [T(mutate="swap_label", error_kind="wrong label")]
    assert choose_trap(LABEL, traps, random.Random(0)) is None
    mutation = choose_trap(LABEL, traps, random.Random(0), labels=LABELS)
    assert mutation is not None and mutation.output in LABELS


def test_choose_trap_tries_traps_in_a_seeded_random_order() -> None:
    traps = [T(mutate="drop_item"), T(mutate="shift_date"), T(mutate="add_extra_text")]
    names = {choose_trap(JSON_DATES, traps, random.Random(seed)).name for seed in range(40)}  # type: ignore[union-attr]
    assert names == {"drop_item", "shift_date", "add_extra_text"}
    for seed in SEEDS:
        assert choose_trap(JSON_DATES, traps, random.Random(seed)) == choose_trap(
            JSON_DATES, traps, random.Random(seed)
        )


def test_recorded_trap() -> None:
    flawed = '["2026-03-31", "2026-03-06", "2026-01-03", "2026-04-01", "2026-04-14"]'
    trap = T(output=flawed, error_kind="wrong date", note="01/03/2026 was read month-first.")
    mutation = choose_trap(JSON_DATES, [trap], random.Random(0))
    assert mutation == Mutation(
        name="recorded",
        output=flawed,
        changed_lines=(1,),
        description="01/03/2026 was read month-first.",
        error_kind="wrong date",
        note="01/03/2026 was read month-first.",
    )


def test_recorded_trap_lines_come_from_a_line_diff() -> None:
    real = "Total: 4783.80 GBP\nJuly 1841.60\nAugust 1069.70\nReport written."
    shown = "Total: 4884.75 GBP\nJuly 1841.60\nAugust 1112.45\nReport written."
    assert diff_lines(real, shown) == (1, 3)
    assert diff_lines(real, "Total: 4783.80 GBP\nAugust 1069.70\nReport written.") == (2,)
    assert diff_lines(real, real + "\nExtra line.") == (5,)
    assert diff_lines(real, real) == ()


def test_content_traps_fit() -> None:
    from coach.content.models import Trap

    traps = [
        Trap(mutate="drop_item", error_kind="missing date", note="A date was removed."),
        Trap(output='["2026-03-31"]', error_kind="missing date", note="Five dates are missing."),
    ]
    for seed in SEEDS:
        mutation = choose_trap(JSON_DATES, traps, random.Random(seed))
        assert mutation is not None and mutation.error_kind == "missing date"


def test_should_plant() -> None:
    rng = random.Random(5)
    assert not any(should_plant(0.0, rng) for _ in range(200))
    assert all(should_plant(1.0, rng) for _ in range(200))
    share = sum(should_plant(0.25, random.Random(seed)) for seed in range(2000)) / 2000
    assert 0.2 < share < 0.3
    assert [should_plant(0.5, random.Random(9)) for _ in range(3)] == [
        should_plant(0.5, random.Random(9)) for _ in range(3)
    ]
    with pytest.raises(ValueError):
        should_plant(1.5, rng)


# --- the built-in exercises ---------------------------------------------------------------

# (exercise, output) pairs where an enabled mutation has nothing to work on: the
# reference output has no number, date or sentence for it. Never faked.
KNOWN_GAPS = {
    ("l3-hr-helpdesk-instructions", "sabbatical", "change_number"),
    ("l3-hr-helpdesk-instructions", "sabbatical", "invent_citation"),
    # A hand-off line states no fact: nothing to cite wrongly.
    ("l3-warranty-desk-instructions", "extended-warranty", "invent_citation"),
    ("l4-invoice-capture-instructions", "scalegrid-usd", "shift_date"),
    ("l4-invoice-capture-instructions", "ferroni-reminder", "change_number"),
    ("l4-invoice-capture-instructions", "ferroni-reminder", "shift_date"),
}


def test_builtin_traps_apply_to_the_reference_outputs() -> None:
    from coach.content import load_catalog

    catalog = load_catalog()
    gaps = set()
    for loaded in catalog.exercises:
        exercise = loaded.exercise
        traps = [trap for trap in exercise.judgment.traps if trap.mutate]
        if not traps:
            continue
        labels = next(
            (c.options["labels"] for c in exercise.checks if c.grader == "label_in"), None
        )
        outputs = dict(exercise.reference.good_outputs)
        if exercise.reference.good_output:
            outputs["good_output"] = exercise.reference.good_output
        for key, output in outputs.items():
            for trap in traps:
                for seed in range(5):
                    mutation = apply_trap(output, trap.mutate, random.Random(seed), labels=labels)
                    if mutation is None:
                        gaps.add((exercise.id, key, trap.mutate))
                        break
                    assert mutation.output != output
    assert gaps == KNOWN_GAPS


def test_same_seed_same_mutation_across_processes() -> None:
    """No set or hash order leaks into a mutation: a restarted process rebuilds it exactly."""
    code = (
        "import random, sys\n"
        "from graders.traps import MUTATORS\n"
        "texts = sys.argv[1:]\n"
        "for name in sorted(MUTATORS):\n"
        "    for text in texts:\n"
        "        for seed in range(5):\n"
        "            m = MUTATORS[name](text, random.Random(seed), labels=['smb', 'partner'])\n"
        "            print(m and (m.output, m.changed_lines, m.description))\n"
    )
    texts = [PROSE, REPLY, CITED, BULLETS, JSON_OBJECT, "smb"]
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, *texts],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(runs) == 1
