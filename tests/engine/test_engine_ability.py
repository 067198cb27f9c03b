"""The ability model: scale, posterior updates, information, monotonicity."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine.ability import (
    AbilityState,
    Scale,
    judgment_information,
    output_information,
)
from coach.engine.evidence import AttemptEvidence, output_weights, passed
from coach.engine.params import DEFAULT_PARAMS

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(
    i: int,
    *,
    level: int = 3,
    difficulty: float = 0.0,
    kind: str = "prompt",
    score: float | None = 1.0,
    judged: bool | None = None,
    tier: str | None = "standard",
    needs: str = "capable",
    gap_hours: float = 0.1,
) -> AttemptEvidence:
    return AttemptEvidence(
        exercise_id=f"x{i}",
        level=level,
        difficulty=difficulty,
        kind=kind,
        at=T0 + timedelta(hours=gap_hours * i),
        output_score=score,
        judgment_correct=judged,
        model_tier=tier,
        needs_model=needs,
    )


def theta_after(history: list[AttemptEvidence]) -> float:
    state = AbilityState()
    for item in history:
        state.observe(item)
    return state.theta()


def test_scale_centres_and_cuts() -> None:
    scale = Scale()
    assert scale.centres == pytest.approx([-5.0, -3.0, -1.0, 1.0, 3.0, 5.0])
    assert scale.cuts == pytest.approx([-4.0, -2.0, 0.0, 2.0, 4.0])
    assert scale.level_of(-10) == 1
    assert scale.level_of(-0.01) == 3
    assert scale.level_of(0.0) == 4
    assert scale.level_of(10) == 6
    assert scale.difficulty(3, 1.0) == pytest.approx(-0.5)
    assert scale.cut_above(6) is None and scale.cut_below(1) is None


def test_information_values() -> None:
    assert output_information(0.0, 0.0) == pytest.approx(0.25)
    # P = 0.5 + 0.5σ: at θ = b, P' = 1/8 and P(1-P) = 3/16, so I = (1/64)/(3/16) = 1/12.
    assert judgment_information(1.0, 1.0) == pytest.approx(1 / 12)


def call(i: int, *, truth_wrong: bool, said_wrong: bool) -> AttemptEvidence:
    return attempt(i, score=None, kind="review").model_copy(
        update={
            "truth_wrong": truth_wrong,
            "said_wrong": said_wrong,
            "judgment_correct": truth_wrong == said_wrong,
        }
    )


def test_judgment_has_a_chance_floor() -> None:
    # A right call can be a lucky guess, so it says less than a passed output.
    passed_output = AbilityState()
    passed_output.observe(attempt(0, score=1.0))
    right_call = AbilityState()
    right_call.observe(call(0, truth_wrong=True, said_wrong=True))
    assert 0.0 < right_call.theta() < passed_output.theta()


def test_calling_everything_wrong_is_not_judgment() -> None:
    # Mostly wrong outputs shown: an always-"wrong" reader scores 80 % raw accuracy …
    always_wrong = AbilityState()
    for i in range(20):
        always_wrong.observe(call(i, truth_wrong=i % 5 != 0, said_wrong=True))
    # … but the false alarms on sound outputs and the bias estimate give them away.
    assert always_wrong.theta() < AbilityState().theta()
    assert always_wrong.bias() > 0.8
    # A discriminating reader with the same number of calls is placed well above.
    reader = AbilityState()
    for i in range(20):
        truth = i % 5 != 0
        reader.observe(call(i, truth_wrong=truth, said_wrong=truth))
    assert reader.theta() > always_wrong.theta() + 2.0


def test_a_fit_step_guess_says_little() -> None:
    # A third of the steps right is what guessing gives: evidence of low ability.
    guess = AbilityState()
    guess.observe(attempt(0, kind="fit", score=1 / 3, tier=None))
    assert guess.theta() < AbilityState().theta()
    # Three checks of five on an output is evidence of a bad output, not three
    # fifths of a success: the estimate goes down (less than for a zero score).
    prior = AbilityState().theta()
    partial = AbilityState()
    partial.observe(attempt(0, score=0.6))
    failed = AbilityState()
    failed.observe(attempt(0, score=0.0))
    full = AbilityState()
    full.observe(attempt(0, score=1.0))
    assert failed.theta() < partial.theta() < prior < full.theta()


def test_weak_model_output_failure_adds_nothing() -> None:
    before = AbilityState()
    after = AbilityState()
    after.observe(attempt(0, score=0.0, tier="small", needs="frontier"))
    assert after.combined.probs() == pytest.approx(before.combined.probs())
    assert output_weights(attempt(0, score=0.2, tier="small")) == (0.0, 0.0)
    assert output_weights(attempt(0, score=0.9, tier="small")) == (0.25, 0.0)
    assert output_weights(attempt(0, score=0.2, tier="frontier")) == (1.0, 1.0)
    assert passed(attempt(0, score=0.2, tier="small")) is None


def test_weak_model_success_counts_less() -> None:
    strong = theta_after([attempt(0, score=1.0, tier="standard")])
    weak = theta_after([attempt(0, score=1.0, tier="small")])
    assert 0.0 < weak < strong


def test_separate_abilities() -> None:
    state = AbilityState()
    for i in range(12):
        state.observe(attempt(i, score=1.0, judged=False, level=4))
    summary = state.summary()
    assert summary["producing"]["theta"] > summary["judging"]["theta"]
    assert summary["producing"]["n"] == 12 and summary["judging"]["n"] == 12
    assert state.abilities_differ()


def test_widening_keeps_the_mean_and_adds_spread() -> None:
    state = AbilityState(prior_sd=0.5)
    sd = state.combined.sd()
    state.combined.widen(0.5)
    assert state.combined.mean() == pytest.approx(0.0, abs=1e-6)
    assert state.combined.sd() == pytest.approx(math.sqrt(sd**2 + 0.5), rel=0.02)


def test_new_session_widens() -> None:
    gap = DEFAULT_PARAMS.session_gap_hours
    same = AbilityState()
    split = AbilityState()
    for i in range(6):
        same.observe(attempt(i, score=1.0, gap_hours=0.1))
        split.observe(attempt(i, score=1.0, gap_hours=gap + 1))
    assert split.sessions == 5 and same.sessions == 0
    assert split.combined.sd() > same.combined.sd()


def test_level_probabilities_sum_to_one() -> None:
    state = AbilityState()
    state.observe(attempt(0))
    assert sum(state.level_probabilities()) == pytest.approx(1.0)
    assert state.p_above(3) + state.p_below(4) == pytest.approx(1.0)


evidence_strategy = st.builds(
    dict,
    level=st.integers(1, 6),
    difficulty=st.floats(-1.5, 1.5),
    kind=st.sampled_from(["prompt", "review", "fit", "agent"]),
    score=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
    judged=st.sampled_from([None, True, False]),
    tier=st.sampled_from([None, "small", "standard", "frontier"]),
    needs=st.sampled_from(["any", "capable", "frontier"]),
    gap_hours=st.sampled_from([0.1, 2.0, 30.0]),
)


def build(rows: list[dict]) -> list[AttemptEvidence]:
    history = []
    for i, row in enumerate(rows):
        has_output = row["kind"] != "review"
        history.append(
            AttemptEvidence(
                exercise_id=f"x{i}",
                level=row["level"],
                difficulty=row["difficulty"],
                kind=row["kind"],
                at=T0 + timedelta(hours=sum(r["gap_hours"] for r in rows[: i + 1])),
                output_score=row["score"] if has_output else None,
                judgment_correct=row["judged"] if row["kind"] != "fit" else None,
                model_tier=row["tier"],
                needs_model=row["needs"],
            )
        )
    return history


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(evidence_strategy, min_size=1, max_size=25), data=st.data())
def test_more_passes_never_lower_the_estimate(rows: list[dict], data: st.DataObject) -> None:
    history = build(rows)
    base = theta_after(history)
    # Turning any one attempt into a full pass never lowers the estimate …
    i = data.draw(st.integers(0, len(history) - 1))
    better = history[i].model_copy(
        update={
            "output_score": None if history[i].output_score is None else 1.0,
            "judgment_correct": None if history[i].judgment_correct is None else True,
        }
    )
    assert theta_after([*history[:i], better, *history[i + 1 :]]) >= base - 1e-9
    # … and neither does one more pass at the end.
    extra = attempt(
        len(history), level=data.draw(st.integers(1, 6)), score=1.0, judged=True, gap_hours=0
    ).model_copy(update={"at": history[-1].at + timedelta(minutes=5)})
    assert theta_after([*history, extra]) >= base - 1e-9


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        AttemptEvidence(exercise_id="x", level=1, at=datetime(2026, 1, 1))
