"""Level events are a pure function of the attempt history."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine.evidence import AttemptEvidence, passed
from coach.engine.replay import LearnerTracker, current_level, replay
from coach.engine.select import next_exercise
from coach.engine.simulate import Clock, Learner, SimConfig, make_bank, respond

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def live_run(
    seed: int,
    theta: float,
    gain_at: int | None = None,
    tier: str = "standard",
    n: int = 80,
    gain: float = 2.0,
):
    """Drive the tracker as the runtime would: placement, then practice."""
    config = SimConfig(seed=seed)
    bank = make_bank(config)
    infos = [item.info for item in bank]
    by_id = {item.info.exercise_id: item for item in bank}
    rng = random.Random(seed)
    learner = Learner(theta, 0.2, tier)
    tracker = LearnerTracker(model_tier=tier)
    clock = Clock(6)
    live_events = []
    history: list[AttemptEvidence] = []
    while tracker.placing:
        info = tracker.placement.next_item(infos, rng)
        evidence = respond(
            by_id[info.exercise_id], learner, rng, config, clock.placement_tick(), True
        )
        history.append(evidence)
        live_events += tracker.observe(evidence)
    for i in range(n):
        if i == gain_at:
            learner.theta += gain
        info = next_exercise(infos, tracker.level, history, rng, model_tier=tier)
        evidence = respond(by_id[info.exercise_id], learner, rng, config, clock.practice_tick())
        history.append(evidence)
        live_events += tracker.observe(evidence)
    return tracker, live_events, history


@pytest.mark.parametrize(
    ("seed", "theta", "gain_at"), [(1, -3.2, 10), (2, 0.3, None), (3, 2.5, 5), (4, -1.9, 30)]
)
def test_replay_reproduces_the_level_events(seed: int, theta: float, gain_at) -> None:
    tracker, live_events, history = live_run(seed, theta, gain_at)
    assert live_events and live_events[0].from_level is None
    assert replay(history) == live_events
    # The same after a trip through JSON, as the store would keep them.
    stored = [AttemptEvidence.model_validate_json(a.model_dump_json()) for a in history]
    replayed = replay(stored)
    assert replayed == live_events
    for event in replayed:
        assert json.loads(json.dumps(event.evidence)) == event.evidence
    assert current_level(stored) == tracker.level


def test_an_improving_learner_is_promoted_with_a_reason() -> None:
    _tracker, events, _history = live_run(5, -3.5, gain_at=0, gain=3.5)
    promotions = [e for e in events if e.from_level is not None and e.to_level > e.from_level]
    assert promotions
    reason = promotions[0].reason
    assert reason.startswith("You passed ") and "% sure you are above level" in reason
    assert promotions[0].evidence["kind"] == "promote"
    assert promotions[0].evidence["placement"] is False


def make(i: int, level: int, placement: bool, score: float = 1.0) -> AttemptEvidence:
    return AttemptEvidence(
        exercise_id=f"x{i}",
        level=level,
        at=T0 + timedelta(minutes=5 * i),
        output_score=score,
        placement=placement,
    )


def test_an_unfinished_placement_ends_provisionally_at_the_first_practice_attempt() -> None:
    history = [make(0, 3, True), make(1, 4, True), make(2, 3, False)]
    events = replay(history)
    assert len(events) == 1
    assert events[0].provisional and events[0].from_level is None
    assert events[0].at == history[2].at
    assert events[0].evidence["items"] == 2


def test_without_placement_the_self_report_is_the_start() -> None:
    events = replay([make(0, 4, False)], self_report=3)
    assert [(e.from_level, e.to_level, e.provisional) for e in events] == [(None, 4, True)]
    assert "from what you told us" in events[0].reason
    assert replay([]) == []


def test_a_placement_attempt_after_the_placement_starts_a_retake() -> None:
    tracker = LearnerTracker(self_report=4)
    for i in range(4):
        tracker.observe(make(i, 6, True))
    assert not tracker.placing
    level = tracker.level
    tracker.observe(make(4, 1, True, score=0.0))
    # The level stays until the re-take ends; the re-take is a placement again.
    assert tracker.placing and tracker.level == level and len(tracker.events) == 1
    events = []
    for i in range(5, 30):
        events += tracker.observe(make(i, 1 + i % 2, True, score=0.0))
        if not tracker.placing:
            break
    assert events and events[-1].from_level is None
    assert tracker.level is not None and tracker.level < level


def test_finish_placement_twice_is_an_error() -> None:
    tracker = LearnerTracker()
    tracker.finish_placement(T0)
    with pytest.raises(RuntimeError):
        tracker.finish_placement(T0)


# --- farming: repeats and own exercises ----------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    theta=st.floats(-5.5, 5.5),
    seed=st.integers(0, 1000),
    repeats=st.integers(1, 100),
    own=st.booleans(),
)
def test_repeating_a_passed_exercise_moves_nobody(
    theta: float, seed: int, repeats: int, own: bool
) -> None:
    """After any placement and practice, a passed exercise repeated (or own
    exercises passed) up to 100 times changes neither the level nor the posterior."""
    tracker, _events, history = live_run(seed, theta, n=10)
    before = tracker.snapshot()
    last = next((a for a in reversed(history) if passed(a) and not a.placement), history[-1])
    at = history[-1].at
    for i in range(repeats):
        at += timedelta(minutes=3)
        farmed = last.model_copy(
            update={"at": at, "output_score": 1.0 if last.output_score is not None else None}
        )
        if own:
            farmed = farmed.model_copy(
                update={"exercise_id": f"own-{i}", "private": True, "level": 6}
            )
        assert tracker.observe(farmed) == []
    after = tracker.snapshot()
    assert after.level == before.level
    assert after.ability.combined == before.ability.combined
    assert after.ability.practice == before.ability.practice


# --- a re-taken placement: one level -------------------------------------------


def test_a_retaken_placement_gives_one_level_shown_stored_and_replayed() -> None:
    """The screen's tracker (the stored one, re-taking), a replay of the stored
    history and a tracker resumed from the stored snapshot agree on every event."""
    tracker, _events, history = live_run(8, 2.5, n=20)
    first_level = tracker.level
    # The re-take, as the placement screen drives it on the stored tracker.
    screen = LearnerTracker.restore(tracker.snapshot())
    screen.start_placement()
    stored_snapshot = tracker.snapshot()
    rng = random.Random(8)
    config = SimConfig(seed=8)
    bank = make_bank(config)
    infos = [item.info for item in bank]
    by_id = {item.info.exercise_id: item for item in bank}
    learner = Learner(-3.0, 0.0, "standard")  # much weaker now: the re-take says so
    at = history[-1].at
    retake: list[AttemptEvidence] = []
    shown: list = []
    while screen.placing:
        info = screen.placement.next_item(infos, rng)
        assert info is not None
        assert info.exercise_id not in {a.exercise_id for a in history} or not any(
            i.exercise_id not in {a.exercise_id for a in history} for i in infos
        )
        at += timedelta(minutes=4)
        evidence = respond(by_id[info.exercise_id], learner, rng, config, at, True)
        retake.append(evidence)
        shown += screen.observe(evidence)
    # What the store replays, and what a resumed snapshot gives.
    stored = [*history, *retake]
    replayed = LearnerTracker.from_history(stored)
    resumed = LearnerTracker.restore(stored_snapshot)
    resumed_events = [e for ev in retake for e in resumed.observe(ev)]
    assert shown and shown[-1].from_level is None
    assert screen.level == replayed.level == resumed.level
    assert replayed.events[-len(shown) :] == shown == resumed_events
    assert replayed.level is not None and first_level is not None
    assert replayed.level < first_level
    # The re-take replaced the earlier placement's evidence: its posterior is
    # the practice evidence plus the re-take only, and it reads the level shown.
    probs = replayed.ability.level_probabilities()
    assert probs[replayed.level - 1] == max(probs) or shown[-1].provisional
