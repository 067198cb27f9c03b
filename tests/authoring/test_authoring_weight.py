"""Private exercises are practice: they never count for the level, in the engine or the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.authoring import TaskForm, save
from coach.content import all_sources, load_catalog
from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence
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


def theta_after(items: list[AttemptEvidence]) -> float:
    state = AbilityState()
    for item in items:
        state.observe(item)
    return state.theta()


@pytest.mark.parametrize("ok", [True, False])
def test_a_private_attempt_does_not_move_the_ability(ok: bool) -> None:
    start = AbilityState().theta()
    assert DEFAULT_PARAMS.private_weight == 0
    own = [evidence(i, private=True, ok=ok) for i in range(20)]
    assert theta_after(own) == pytest.approx(start)
    moved = theta_after([evidence(i, private=False, ok=ok) for i in range(20)])
    assert (moved > start) == ok and moved != pytest.approx(start)


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
