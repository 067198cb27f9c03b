"""Private exercises count at reduced weight: in the engine, and through the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.authoring import TaskForm, save
from coach.content import all_sources, load_catalog
from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence
from coach.engine.moves import decide_move
from coach.engine.params import DEFAULT_PARAMS
from coach.runtime.evidence import evidence_of
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from coach.runtime.recording import record_outcome
from coach.runtime.session import Session
from graders.registry import grade_output

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def evidence(i: int, *, private: bool, level: int = 4, ok: bool = True) -> AttemptEvidence:
    return AttemptEvidence(
        exercise_id=f"x{i}",
        level=level,
        at=T0 + timedelta(minutes=5 * i),
        output_score=1.0 if ok else 0.0,
        judgment_correct=ok,
        model_tier="standard",
        private=private,
    )


def log_change(item: AttemptEvidence) -> tuple[list[float], float]:
    """How one observation moves the log posterior, point by point, and the mean."""
    state = AbilityState()
    before, mean = list(state.combined.logp), state.theta()
    state.observe(item)
    return [a - b for a, b in zip(state.combined.logp, before, strict=True)], state.theta() - mean


@pytest.mark.parametrize("ok", [True, False])
def test_a_private_attempt_moves_the_posterior_half_as_much(ok: bool) -> None:
    public, public_shift = log_change(evidence(0, private=False, ok=ok))
    private, private_shift = log_change(evidence(0, private=True, ok=ok))

    assert DEFAULT_PARAMS.private_weight == 0.5
    assert private == pytest.approx([0.5 * x for x in public])
    assert 0 < abs(private_shift) < abs(public_shift)
    assert (private_shift > 0) == (public_shift > 0) == ok


def test_judgment_alone_counts_half_too() -> None:
    only_judged = {"output_score": None}
    public = AttemptEvidence(**{**evidence(0, private=False).model_dump(), **only_judged})
    private = AttemptEvidence(**{**evidence(0, private=True).model_dump(), **only_judged})
    assert log_change(private)[0] == pytest.approx([0.5 * x for x in log_change(public)[0]])


def first_promotion(private: bool) -> int | None:
    history: list[AttemptEvidence] = []
    for i in range(40):
        history.append(evidence(i, private=private, ok=i % 5 != 4))  # 4 of every 5 pass
        move = decide_move(history, 4)
        if move is not None and move.direction == "promote":
            return len(history)
    return None


def test_private_evidence_alone_promotes_more_slowly() -> None:
    public = first_promotion(private=False)
    private = first_promotion(private=True)
    assert public is not None
    assert private is None or private > public


def test_an_attempt_on_a_private_exercise_is_stored_and_read_as_private() -> None:
    saved = save(
        TaskForm(
            title="Churn line",
            task="One line on churn for the board.",
            must_contain=["churn"],
            good_output="Churn held at 3%.",
        )
    )
    session = Session.open(seed=1, trap_mode="never")
    mine = session.exercise(saved.exercise_id)
    public = session.exercise("l1-renewal-dates-to-json")
    assert mine.private and not public.private
    for exercise in (mine, public):
        good = exercise.reference.good_output
        outcome = AttemptOutcome.finished(
            exercise,
            T0,
            shown=Shown(text=good),
            real_output=good,
            output_grade=grade_output(good, exercise.checks),
        )
        record_outcome(session.store, session.learner.id, outcome)
    mine_record, public_record = session.history()
    assert mine_record.exercise_private is True
    assert public_record.exercise_private is None  # older attempts' hashes unchanged
    assert evidence_of(mine_record).private is True
    assert evidence_of(public_record).private is False
    session.close()
    assert load_catalog(all_sources()).is_private(saved.exercise_id)


def test_a_move_on_own_exercises_says_so_in_its_reason() -> None:
    history = [evidence(i, private=i % 2 == 0) for i in range(40)]
    move = None
    for end in range(1, len(history) + 1):
        move = decide_move(history[:end], 4)
        if move is not None:
            break
    assert move is not None and move.direction == "promote"
    own = move.evidence["own_exercises"]
    assert own > 0
    assert f"{own} attempts on your own exercises counted at reduced weight" in move.reason

    public_only = [evidence(i, private=False) for i in range(40)]
    first = next(m for end in range(1, 41) if (m := decide_move(public_only[:end], 4)))
    assert first.evidence["own_exercises"] == 0
    assert "own exercises" not in first.reason
