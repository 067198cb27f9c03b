"""Level moves: promotion, demotion, minimums, grace, weak models, reasons."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence
from coach.engine.moves import decide_move
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.placement import start_level
from coach.engine.replay import LearnerTracker

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make(
    i: int,
    level: int,
    *,
    score: float | None = 1.0,
    judged: bool | None = True,
    tier: str = "standard",
    needs: str = "capable",
    hours: float | None = None,
    truth_wrong: bool | None = None,
    said_wrong: bool | None = None,
) -> AttemptEvidence:
    return AttemptEvidence(
        exercise_id=f"l{level}-x{i}",
        level=level,
        at=T0 + timedelta(hours=hours if hours is not None else 0.1 * i),
        output_score=score,
        judgment_correct=judged,
        model_tier=tier,
        needs_model=needs,
        truth_wrong=truth_wrong,
        said_wrong=said_wrong,
    )


def run(
    outcomes: list[bool],
    self_report: int,
    params: EngineParams = DEFAULT_PARAMS,
    session_every: int = 6,
) -> tuple[LearnerTracker, list[tuple[int, int | None, int]]]:
    """Feed passes/failures at the current level; return (tracker, [(index, from, to)])."""
    tracker = LearnerTracker(self_report=self_report, params=params)
    moves = []
    hours = 0.0
    for i, ok in enumerate(outcomes):
        hours += 24.0 if i and i % session_every == 0 else 0.1
        level = tracker.level or start_level(self_report, params)
        events = tracker.observe(make(i, level, score=1.0 if ok else 0.0, judged=ok, hours=hours))
        moves += [(i, e.from_level, e.to_level) for e in events if e.from_level is not None]
    return tracker, moves


@settings(max_examples=25, deadline=None)
@given(self_report=st.integers(0, 3), session_every=st.integers(3, 12))
def test_an_all_pass_learner_is_promoted(self_report: int, session_every: int) -> None:
    tracker, moves = run([True] * 40, self_report, session_every=session_every)
    start = start_level(self_report)
    assert moves and moves[0][1:] == (start, start + 1)
    assert tracker.level is not None and tracker.level > start


@settings(max_examples=25, deadline=None)
@given(self_report=st.integers(1, 4), session_every=st.integers(3, 12))
def test_an_all_fail_learner_is_demoted(self_report: int, session_every: int) -> None:
    tracker, moves = run([False] * 40, self_report, session_every=session_every)
    start = start_level(self_report)
    assert moves and moves[0][1:] == (start, start - 1)
    assert tracker.level is not None and tracker.level < start


@settings(max_examples=60, deadline=None)
@given(
    outcomes=st.lists(st.booleans(), min_size=1, max_size=80),
    self_report=st.integers(0, 4),
)
def test_no_move_below_the_minimum_attempts(outcomes: list[bool], self_report: int) -> None:
    tracker, moves = run(outcomes, self_report)
    previous = -1  # the placement ends before attempt 0 is counted
    for index, _, _ in moves:
        assert index - previous >= DEFAULT_PARAMS.min_attempts_here
        previous = index
    for event in tracker.events[1:]:
        assert event.evidence["attempts_here"] >= DEFAULT_PARAMS.min_attempts_here


blocks = st.lists(st.tuples(st.booleans(), st.integers(1, 12)), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(blocks=blocks, self_report=st.integers(0, 4), grace=st.integers(5, 12))
def test_no_demotion_inside_the_grace_window(
    blocks: list[tuple[bool, int]], self_report: int, grace: int
) -> None:
    params = replace(DEFAULT_PARAMS, grace_after_promotion=grace)
    outcomes = [ok for ok, n in blocks for _ in range(n)]
    _, moves = run(outcomes, self_report, params)
    for (i, a, b), (j, c, d) in itertools.pairwise(moves):
        if b > a and d < c:  # a promotion followed by a demotion
            assert j - i >= grace


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.booleans(),  # True: an adequate pass; False: a weak-model output failure
            st.sampled_from([0.0, 0.3, 0.5, 0.69]),
            st.sampled_from([None, True]),
            st.sampled_from(["capable", "frontier"]),
        ),
        min_size=1,
        max_size=60,
    ),
    self_report=st.integers(1, 4),
)
def test_weak_model_output_failures_never_demote(rows, self_report: int) -> None:
    tracker = LearnerTracker(self_report=self_report)
    for i, (adequate, score, judged, needs) in enumerate(rows):
        level = tracker.level or start_level(self_report)
        evidence = (
            make(i, level, score=1.0, judged=judged)
            if adequate
            else make(i, level, score=score, judged=judged, tier="small", needs=needs)
        )
        tracker.observe(evidence)
    assert all(e.to_level >= e.from_level for e in tracker.events if e.from_level is not None)


def test_no_move_before_five_attempts_here() -> None:
    confident = AbilityState(prior_mean=2.5, prior_sd=0.2)
    history = [make(i, 3) for i in range(4)]
    assert decide_move(history, 3, ability=confident) is None
    history.append(make(4, 3))
    assert decide_move(history, 3, ability=confident) is not None


def test_promotion_reason_in_words() -> None:
    outcomes = [True, True, False, True, True]
    history = []
    for i in range(10):
        ok = outcomes[i - 5] if i >= 5 else True
        history.append(
            make(
                i,
                3,
                score=1.0 if ok else 0.0,
                truth_wrong=True,
                said_wrong=i != 7,  # one flaw missed
            )
        )
    confident = AbilityState(prior_mean=0.85, prior_sd=0.6)
    move = decide_move(history, 3, since=0, ability=confident)
    assert move is not None and move.direction == "promote" and move.to_level == 4
    p = move.evidence["p_above"]
    assert move.reason == (
        "You passed 4 of your last 5 level-3 exercises and caught 9 of 10 flawed outputs; "
        "we are 93 % sure you are above level 3."
    )
    assert 0.93 <= p < 0.94
    assert move.evidence["window"] == outcomes
    assert move.evidence["caught"] == 9 and move.evidence["flawed"] == 10


def test_demotion_reason_in_words() -> None:
    history = [make(i, 4, score=0.0 if i % 2 else 1.0, judged=None) for i in range(5)]
    history += [make(5 + i, 4, score=0.0, judged=None) for i in range(3)]
    unsure = AbilityState(prior_mean=-1.5, prior_sd=0.3)
    move = decide_move(history, 4, ability=unsure)
    assert move is not None and move.direction == "demote"
    assert move.reason.startswith("You missed 4 of your last 5 level-4 exercises; we are ")
    assert move.reason.endswith(
        "sure level 4 is above you for now, so you move to level 3 to practise."
    )


def test_grace_blocks_demotion_right_after_promotion() -> None:
    history = [make(i, 4, score=0.0, judged=False) for i in range(6)]
    weak = AbilityState(prior_mean=-1.5, prior_sd=0.3)
    assert decide_move(history, 4, promoted_at=3, ability=weak) is None
    assert decide_move(history, 4, promoted_at=1, ability=weak) is not None


def test_weak_model_reason_says_it_did_not_count() -> None:
    history = [make(i, 3) for i in range(5)]
    history.insert(2, make(99, 3, score=0.1, tier="small", judged=None))
    move = decide_move(history, 3, ability=AbilityState(prior_mean=2.0, prior_sd=0.3))
    assert move is not None
    assert "(1 output from a model weaker than the exercise needs did not count against you)" in (
        move.reason
    )


@settings(max_examples=30, deadline=None)
@given(
    tier=st.sampled_from(["unknown", "ollama/some-model", "medium"]),
    needs=st.sampled_from(["any", "capable", "frontier"]),
    n=st.integers(5, 40),
    self_report=st.sampled_from([None, 2, 4]),
)
def test_a_model_of_unknown_strength_never_costs_the_learner(
    tier: str, needs: str, n: int, self_report: int | None
) -> None:
    """Output failures from a model the engine does not know never lower the
    estimate, fill the window or demote, whatever the exercise needs."""
    tracker = LearnerTracker(self_report)
    start = T0
    tracker.finish_placement(start)
    level = tracker.level
    before = tracker.ability.theta()
    for i in range(n):
        evidence = AttemptEvidence(
            exercise_id=f"u{i}",
            level=level or 1,
            at=start + timedelta(minutes=5 * (i + 1)),
            output_score=0.0,
            model_tier=tier,
            needs_model=needs,
        )
        assert tracker.observe(evidence) == []
    assert tracker.level == level
    assert tracker.moves.window == []
    assert tracker.moves.weak_model_failures == n
    assert tracker.ability.theta() == pytest.approx(before)
