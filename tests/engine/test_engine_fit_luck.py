"""Fit attempts under the luck model: the steps of one attempt share one reading."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine.ability import (
    AbilityState,
    fit_luck_information,
    item_information,
    output_information,
)
from coach.engine.evidence import AttemptEvidence
from coach.engine.params import DEFAULT_PARAMS, EngineParams

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STEPS = replace(DEFAULT_PARAMS, fit_model="steps")


def fit(score: float, level: int = 3, i: int = 0) -> AttemptEvidence:
    return AttemptEvidence(
        exercise_id=f"fit{i}", level=level, kind="fit", at=T0, output_score=score
    )


def after(score: float, params: EngineParams = DEFAULT_PARAMS) -> AbilityState:
    state = AbilityState(params)
    state.observe(fit(score))
    return state


def test_luck_is_the_default_fit_model() -> None:
    assert DEFAULT_PARAMS.fit_model == "luck"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=7))
def test_more_steps_right_never_lower_the_estimate(right: int) -> None:
    assert after(right / 8).theta() < after((right + 1) / 8).theta()


def test_guessing_a_third_right_is_evidence_of_low_ability() -> None:
    assert after(1 / 3).theta() < AbilityState().theta() < after(1.0).theta()


def test_one_attempt_says_less_than_independent_steps() -> None:
    # A shared luck: the same share over one attempt leaves more doubt than the
    # same share over eight independent steps would.
    independent = replace(DEFAULT_PARAMS, fit_luck_sd=0.0)
    for score in (0.5, 0.75, 1.0):
        assert after(score).combined.sd() > after(score, independent).combined.sd()


def test_information_is_positive_peaks_near_the_item_and_is_bounded() -> None:
    floor = 1 / 3
    values = {t: fit_luck_information(float(t), 0.0, floor, 8, 1.0) for t in range(-6, 7)}
    assert all(v > 0 for v in values.values())
    assert max(values, key=lambda t: values[t]) in {-1, 0, 1}
    assert values[0] > values[5] and values[0] > values[-5]
    # Near the item, less than eight independent steps would give (in the far
    # tails a shared luck flattens the curve, which carries a little more).
    for t in (-1, 0, 1, 2):
        assert values[t] < 8 * output_information(float(t), 0.0, floor)
    # The placement's ranking uses it (and the steps model its own weight).
    assert item_information(0.0, 0.0, "fit") == fit_luck_information(0.0, 0.0, floor, 8, 1.0)
    assert item_information(0.0, 0.0, "fit", params=STEPS) == (
        STEPS.fit_steps_weight * output_information(0.0, 0.0, floor)
    )


def test_a_repeat_weight_scales_a_fit_attempt() -> None:
    once = AbilityState()
    once.observe(fit(1.0))
    quarter = AbilityState()
    quarter.observe(fit(1.0), weight=0.25)
    prior = AbilityState().theta()
    assert prior < quarter.theta() < once.theta()
