"""A tracker snapshot resumes exactly where a full replay would be, at bounded size."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.engine import ENGINE_VERSION
from coach.engine.evidence import AttemptEvidence
from coach.engine.replay import LearnerTracker, TrackerSnapshot
from coach.engine.select import next_exercise
from coach.engine.simulate import Clock, Learner, SimConfig, make_bank, respond

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

row = st.fixed_dictionaries(
    {
        "exercise": st.integers(0, 12),
        "level": st.integers(1, 6),
        "kind": st.sampled_from(["prompt", "review", "fit", "instructions"]),
        "score": st.sampled_from([0.0, 0.25, 0.6, 0.8, 1.0]),
        "judged": st.sampled_from([None, "hit", "miss", "cr", "fa"]),
        "verdict": st.sampled_from([None, None, "pass", "fail", "partial"]),
        "confidence": st.sampled_from([None, 0.55, 0.9]),
        "tier": st.sampled_from([None, "unknown", "small", "standard", "frontier"]),
        "needs": st.sampled_from(["any", "capable", "frontier"]),
        "placement": st.booleans(),
        "private": st.sampled_from([False, False, False, True]),
        "gap_hours": st.sampled_from([0.1, 0.1, 0.1, 20.0]),
    }
)


def make(i: int, r: dict, at: datetime) -> AttemptEvidence:
    kind = r["kind"]
    judged = r["judged"] if kind != "fit" else None
    fields: dict = {}
    if judged is not None:
        truth = judged in ("hit", "miss")
        said = judged in ("hit", "fa")
        fields = {
            "truth_wrong": truth,
            "said_wrong": said,
            "judgment_correct": truth == said,
            "confidence": r["confidence"],
        }
    return AttemptEvidence(
        exercise_id=f"x{r['exercise']}",
        level=r["level"],
        kind=kind,
        at=at,
        output_score=None if kind == "review" else r["score"],
        output_verdict=None if kind == "review" else r["verdict"],
        model_tier=r["tier"],
        needs_model=r["needs"],
        placement=r["placement"],
        private=r["private"],
        **fields,
    )


def history_of(rows: list[dict]) -> list[AttemptEvidence]:
    at = T0
    out = []
    for i, r in enumerate(rows):
        at += timedelta(hours=r["gap_hours"])
        out.append(make(i, r, at))
    return out


def state(tracker: LearnerTracker) -> dict:
    return tracker.snapshot().model_dump(mode="json")


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(row, min_size=1, max_size=40),
    data=st.data(),
    self_report=st.none() | st.integers(0, 4),
)
def test_restore_then_observe_equals_a_full_replay(rows, data, self_report) -> None:
    history = history_of(rows)
    k = data.draw(st.integers(0, len(history)))
    full = LearnerTracker(self_report)
    full_events = [full.observe(e) for e in history]

    head = LearnerTracker(self_report)
    for evidence in history[:k]:
        head.observe(evidence)
    # Through JSON, as the store keeps it.
    text = json.dumps(head.snapshot().model_dump(mode="json"))
    resumed = LearnerTracker.restore(TrackerSnapshot.model_validate(json.loads(text)))
    tail_events = [resumed.observe(e) for e in history[k:]]

    assert tail_events == full_events[k:]
    assert resumed.level == full.level
    assert resumed.events_count == full.events_count
    assert resumed.last_event == full.last_event
    assert state(resumed) == state(full)


def test_snapshot_size_does_not_grow_with_history() -> None:
    config = SimConfig(seed=3)
    bank = make_bank(config)
    infos = [item.info for item in bank]
    by_id = {item.info.exercise_id: item for item in bank}
    rng = random.Random(3)
    learner = Learner(0.5, 0.0, "standard")
    tracker = LearnerTracker(model_tier="standard")
    clock = Clock(6)
    history: list[AttemptEvidence] = []
    sizes = {}
    for n in range(1, 401):
        if tracker.placing:
            info = tracker.placement.next_item(infos, rng)
            placement = True
        else:
            info = next_exercise(infos, tracker.level or 1, history, rng, model_tier="standard")
            placement = False
        assert info is not None
        tick = clock.placement_tick() if placement else clock.practice_tick()
        evidence = respond(by_id[info.exercise_id], learner, rng, config, tick, placement)
        history.append(evidence)
        tracker.observe(evidence)
        if n in (40, 400):
            dumped = tracker.snapshot().model_dump(mode="json")
            assert len(dumped["seen"]) == len({e.exercise_id for e in history})
            del dumped["seen"]  # bounded by the bank, not by the history
            sizes[n] = len(json.dumps(dumped))
    # Ten times the history: only the digits of the floats and counters may differ.
    assert sizes[400] <= sizes[40] * 1.05


def test_a_snapshot_from_another_engine_is_refused() -> None:
    tracker = LearnerTracker()
    snap = tracker.snapshot()
    assert snap.engine_version == ENGINE_VERSION
    stale = snap.model_copy(update={"engine_version": "old"})
    with pytest.raises(ValueError, match="replay"):
        LearnerTracker.restore(stale)
