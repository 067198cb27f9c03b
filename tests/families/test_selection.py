"""Selection with families: 30 exercises in a row at any level, never the same materials twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from coach.content.families import parse_instance_id
from coach.content.families.base import materials_fingerprint
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from coach.runtime.session import Session

RUN = 30


class AtLevel(Session):
    """A session whose learner stands at a fixed level, on a model of a given tier."""

    fixed_level = 1
    tier: str | None = None

    @property
    def level(self) -> int:
        return self.fixed_level

    def spec(self) -> Any:
        return SimpleNamespace(tier=self.tier)


def _record(session: Session, exercise: Any, at: datetime) -> None:
    outcome = AttemptOutcome.finished(exercise, at, shown=Shown(text="output"))
    record = outcome.to_new_attempt().model_copy(update={"started_at": at, "finished_at": at})
    session.store.add_attempt(session.learner.id, record)


@pytest.mark.parametrize("tier", [None, "small", "frontier"])
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_thirty_in_a_row_never_repeat_materials(level: int, tier: str | None) -> None:
    session = AtLevel.open(seed=level * 7 + len(tier or ""))
    session.fixed_level, session.tier = level, tier
    seen: dict[str, str] = {}
    at = datetime(2026, 12, 1, tzinfo=UTC)
    generated = 0
    for index in range(RUN):
        exercise = session.next_exercise()
        assert exercise is not None
        fingerprint = materials_fingerprint(exercise)
        assert fingerprint not in seen, f"{exercise.id} repeats {seen[fingerprint]} at {index}"
        seen[fingerprint] = exercise.id
        generated += parse_instance_id(exercise.id) is not None
        _record(session, exercise, at + timedelta(minutes=index))
    assert len(session.history()) == RUN
    assert generated > 0  # families carry the run once the hand-written ones are done
    session.close()


def test_a_family_pick_draws_an_unseen_seed_and_the_catalog_reproduces_it() -> None:
    session = AtLevel.open(seed=3)
    from coach.runtime.instances import draw_instance

    family = session.catalog.families[0]
    first = draw_instance(session.catalog.families, family.item_id, [], session.rng)
    assert first is not None
    _record(session, first, datetime(2026, 12, 1, tzinfo=UTC))
    records = session.history()
    for _ in range(20):
        again = draw_instance(session.catalog.families, family.item_id, records, session.rng)
        assert again is not None and again.id != first.id
    reproduced = session.catalog.exercise(first.id)
    assert reproduced is not None
    assert reproduced.model_dump(mode="json") == first.model_dump(mode="json")
    session.close()


def test_offline_practice_keeps_drawing_fresh_review_instances() -> None:
    """With only the small offline model, practice goes on past the hand-written
    library with generated review and fit instances, none repeated."""
    session = AtLevel.open(seed=11)
    session.fixed_level, session.tier = 5, "small"
    at = datetime(2026, 12, 1, tzinfo=UTC)
    seen: set[str] = set()
    kinds: list[str] = []
    for index in range(60):
        exercise = session.next_exercise()
        assert exercise is not None
        fingerprint = materials_fingerprint(exercise)
        assert fingerprint not in seen
        seen.add(fingerprint)
        if parse_instance_id(exercise.id) is not None:
            kinds.append(str(exercise.kind))
        _record(session, exercise, at + timedelta(minutes=index))
    late = kinds[-20:]
    assert sum(kind in ("review", "fit") for kind in late) >= 10, late
    session.close()
