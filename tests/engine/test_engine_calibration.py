"""Item calibration recovers known difficulties and flags what it cannot estimate."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime

import pytest

from coach.engine.ability import Scale, sigmoid
from coach.engine.calibration import (
    Calibration,
    Response,
    calibrate,
    calibration_file,
    responses_from_history,
)
from coach.engine.evidence import AttemptEvidence, ItemInfo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / (sxx * syy) ** 0.5


def simulated(learners: int = 200, items: int = 30, seed: int = 1):
    rng = random.Random(seed)
    scale = Scale()
    truth = {}
    meta = {}
    for i in range(items):
        level = 1 + i % 6
        authored = round(rng.uniform(-1, 1), 2)
        meta[f"x{i}"] = (level, authored)
        # The truth differs from the authored label by half a logit, give or take.
        truth[f"x{i}"] = scale.difficulty(level, authored) + rng.gauss(0, 0.5)
    responses = []
    for p in range(learners):
        theta = rng.uniform(-6, 6)
        for k, b in truth.items():
            level, authored = meta[k]
            responses.append(
                Response(
                    learner=f"p{p}",
                    exercise_id=k,
                    level=level,
                    difficulty=authored,
                    correct=rng.random() < sigmoid(theta - b),
                )
            )
    return truth, responses


def test_recovers_simulated_difficulties() -> None:
    truth, responses = simulated()
    report = calibrate(responses, min_attempts=20)
    assert report.converged
    estimated = {item.exercise_id: item for item in report.items if item.b is not None}
    assert len(estimated) == 30
    ids = sorted(estimated)
    r = pearson([truth[k] for k in ids], [estimated[k].b for k in ids])
    assert r >= 0.9, r
    for item in estimated.values():
        assert item.se is not None and 0 < item.se < 1.0
        # Simulated from the Rasch model itself: fit statistics near 1 for most items.
    fitting = [i for i in estimated.values() if "infit" not in i.flags]
    assert len(fitting) >= 25


def test_flags_all_pass_all_fail_and_misfit() -> None:
    _, responses = simulated(learners=120, items=12, seed=2)
    rng = random.Random(3)
    learners = sorted({r.learner for r in responses})
    for p in learners:
        responses.append(
            Response(learner=p, exercise_id="easy", level=1, difficulty=0, correct=True)
        )
        responses.append(
            Response(learner=p, exercise_id="hard", level=6, difficulty=0, correct=False)
        )
        # Answered at random whatever the ability: misfits.
        responses.append(
            Response(
                learner=p, exercise_id="noise", level=3, difficulty=0, correct=rng.random() < 0.5
            )
        )
    report = calibrate(responses, min_attempts=20)
    by_id = {item.exercise_id: item for item in report.items}
    assert "all_pass" in by_id["easy"].flags and by_id["easy"].b is None
    assert "all_fail" in by_id["hard"].flags and by_id["hard"].b is None
    assert {"infit", "outfit"} & set(by_id["noise"].flags)
    assert by_id["noise"].discrimination is not None and by_id["noise"].discrimination < 0.5


def test_min_attempts_leaves_rare_items_out() -> None:
    _, responses = simulated(learners=30, items=6, seed=4)
    assert calibrate(responses, min_attempts=31).items == []


def test_the_engine_uses_a_calibrated_difficulty_only_when_precise() -> None:
    _, responses = simulated()
    report = calibrate(responses, min_attempts=20)
    file = calibration_file(report, T0, max_se=0.5)
    calibration = Calibration(file)
    item = ItemInfo(exercise_id="x0", level=1, difficulty=0.3)
    calibrated = calibration.apply(item)
    scale = Scale()
    assert abs(scale.difficulty(1, calibrated.difficulty) - file.items["x0"].b) < 1e-3
    # Imprecise: the authored difficulty stays.
    loose = calibration_file(report, T0, max_se=0.01)
    assert Calibration(loose).apply(item) == item
    unknown = ItemInfo(exercise_id="other", level=2, difficulty=0.1)
    assert calibration.apply(unknown) == unknown


def test_responses_are_first_attempts_on_shared_exercises() -> None:
    def ev(i: int, ex: str, score: float, **kw) -> AttemptEvidence:
        return AttemptEvidence(
            exercise_id=ex, level=2, at=T0.replace(minute=i), output_score=score, **kw
        )

    history = [
        ev(0, "a", 0.0),
        ev(1, "a", 1.0),  # a repeat
        ev(2, "own", 1.0, private=True),
        ev(3, "b", 1.0),
        ev(4, "c", 0.0, model_tier="unknown"),  # a weak-model failure: not the learner's
    ]
    rs = responses_from_history("p", history)
    assert [(r.exercise_id, r.correct) for r in rs] == [("a", False), ("b", True)]


def test_a_tracker_with_a_calibration_reads_calibrated_difficulties() -> None:
    from coach.engine.replay import LearnerTracker

    _, responses = simulated()
    file = calibration_file(calibrate(responses, min_attempts=20), T0)
    calibration = Calibration(file)
    history = [
        AttemptEvidence(
            exercise_id=f"x{i}",
            level=1 + i % 6,
            difficulty=0.0,
            at=T0.replace(minute=i),
            output_score=1.0 if i % 3 else 0.0,
            placement=i < 6,
        )
        for i in range(12)
    ]
    plain = LearnerTracker.from_history(history)
    calibrated = LearnerTracker.from_history(history, calibration=calibration)
    expected = LearnerTracker.from_history([calibration.apply_evidence(e) for e in history])
    assert calibrated.snapshot().ability == expected.snapshot().ability
    assert calibrated.snapshot().ability != plain.snapshot().ability
    # The calibration is part of the engine version: a snapshot taken with it
    # only resumes with it.
    snap = calibrated.snapshot()
    assert snap.engine_version != plain.snapshot().engine_version
    assert LearnerTracker.restore(snap, calibration=calibration).level == calibrated.level
    with pytest.raises(ValueError):
        LearnerTracker.restore(snap)
