"""Placement: adaptive, bounded, provisional on a split, randomised."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine.ability import Scale, sigmoid
from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.params import DEFAULT_PARAMS
from coach.engine.placement import (
    SELF_REPORT_OPTIONS,
    Placement,
    prior_for,
    start_level,
)
from coach.engine.reasons import placement_reason

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KINDS = ("prompt", "review", "instructions", "fit")


def bank(per_level: int = 12) -> list[ItemInfo]:
    rng = random.Random(1)
    return [
        ItemInfo(
            exercise_id=f"l{level}-{i}",
            level=level,
            difficulty=round(rng.uniform(-1, 1), 2),
            kind=KINDS[i % len(KINDS)],
        )
        for level in range(1, 7)
        for i in range(per_level)
    ]


def answer(item: ItemInfo, i: int, score: float | None, judged: bool | None) -> AttemptEvidence:
    return AttemptEvidence.for_item(
        item,
        at=T0 + timedelta(minutes=4 * i),
        output_score=score if item.kind != "review" else None,
        judgment_correct=judged if item.kind != "fit" else None,
        placement=True,
    )


def run(placement: Placement, respond, seed: int = 0) -> list[ItemInfo]:
    rng = random.Random(seed)
    items = bank()
    shown = []
    while not placement.done:
        item = placement.next_item(items, rng)
        assert item is not None
        shown.append(item)
        placement.record(answer(item, len(shown), *respond(item, rng)))
    return shown


@settings(max_examples=40, deadline=None)
@given(
    theta=st.floats(-6, 6),
    seed=st.integers(0, 10_000),
    self_report=st.sampled_from([None, 0, 1, 2, 3, 4]),
)
def test_placement_stops_within_4_to_15_items(theta: float, seed: int, self_report) -> None:
    scale = Scale()

    def respond(item: ItemInfo, rng: random.Random) -> tuple[float, bool]:
        p = sigmoid(theta - scale.difficulty(item.level, item.difficulty))
        return float(rng.random() < p), rng.random() < 0.5 + 0.5 * p

    placement = Placement(self_report=self_report, model_tier="standard")
    shown = run(placement, respond, seed)
    assert 4 <= placement.items <= 15
    assert len({item.exercise_id for item in shown}) == len(shown)  # never the same item twice
    result = placement.result()
    assert 1 <= result.level <= 6
    assert result.provisional == (max(result.probabilities) < DEFAULT_PARAMS.placement_stop_mass)


def test_never_stops_before_four_items_even_when_sure() -> None:
    placement = Placement(self_report=0)
    shown = run(placement, lambda item, rng: (0.0, False))
    assert placement.items == 4
    assert placement.result().level == 1 and not placement.result().provisional
    assert next(i.level for i in shown) <= 2


def test_a_learner_on_a_cut_is_placed_provisionally_at_the_lower_level() -> None:
    scale = Scale()
    cut = scale.cut_above(3)

    def expected(item: ItemInfo, rng: random.Random) -> tuple[float, None]:
        # The expected score of a learner exactly on the level 3/4 cut, no judgments
        # (fit items with their chance floor of a third).
        p = sigmoid(cut - scale.difficulty(item.level, item.difficulty))
        return (1 + 2 * p) / 3 if item.kind == "fit" else p, None

    # Expected scores are fractions: read every output as a fractional observation.
    placement = Placement(replace(DEFAULT_PARAMS, output_model="fraction"), model_tier="standard")
    run(placement, expected)
    result = placement.result()
    assert placement.items == 15
    assert result.provisional and result.level == 3
    assert result.probabilities[2] >= 0.4 and result.probabilities[3] >= 0.4
    assert "between level 3" in result.reason and "provisionally" in result.reason
    assert result.evidence["placement"] is True and result.evidence["items"] == 15


def test_a_clear_result_reads_plainly() -> None:
    placement = Placement(self_report=4)
    run(placement, lambda item, rng: (1.0, True))
    result = placement.result()
    assert result.level == 6 and not result.provisional
    assert result.reason.startswith(f"You passed {placement.items} of {placement.items}")
    assert result.reason.endswith("sure you are at level 6.")


def test_first_items_are_randomised_among_the_most_informative() -> None:
    items = bank()
    firsts = {Placement().next_item(items, random.Random(seed)).exercise_id for seed in range(40)}
    assert 2 <= len(firsts) <= 4
    # … and they sit next to the prior's centre (the level 3/4 cut).
    assert {first.split("-")[0] for first in firsts} <= {"l3", "l4"}


def test_self_report_moves_the_prior() -> None:
    assert len(SELF_REPORT_OPTIONS) == 5
    means = [prior_for(i)[0] for i in range(5)]
    assert means == sorted(means) and means[0] < 0 < means[-1]
    assert [start_level(i) for i in range(5)] == [1, 2, 3, 4, 5]
    assert start_level(None) == 1


def test_an_empty_bank_gives_no_item() -> None:
    assert Placement().next_item([], random.Random(0)) is None


def test_reasons_name_a_split_or_the_likeliest_level() -> None:
    probs = [0.0, 0.02, 0.28, 0.70, 0.0, 0.0]
    split = placement_reason(3, True, [0.0, 0.0, 0.45, 0.5, 0.05, 0.0], 15, 9, 15, 2, 3, None, 4)
    assert split == (
        "You passed 9 of 15 placement exercises and caught 2 of 3 flawed outputs; "
        "you sit between level 3 (45 %) and level 4 (50 %), so you start at level 3, "
        "provisionally: a few more exercises will settle it."
    )
    likeliest = placement_reason(4, True, probs, 15, 9, 15, 0, 0)
    assert likeliest == (
        "You passed 9 of 15 placement exercises; level 4 is the likeliest (70 %) but not yet "
        "sure, so you start there, provisionally: a few more exercises will settle it."
    )


def test_the_progress_line_states_the_stopping_rule() -> None:
    placement = Placement(model_tier="standard")
    assert placement.progress() == "Placement · exercise 1 of at most 15"
    run(placement, lambda item, rng: (1.0, True))
    line = placement.progress()
    assert line.startswith(f"Placement · exercise {placement.items + 1} of at most 15 · level 6")
    stop = round(DEFAULT_PARAMS.placement_stop_mass * 100)
    assert f"it ends at {stop} %" in line and "about" not in line
