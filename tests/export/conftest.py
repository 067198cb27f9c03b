"""A small store for the export tests: three learners with hand-made attempts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from coach.runtime.recording import replay_of
from coach.store import NewAttempt, Store, open_store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET_PROMPT = "PROMPT-TEXT-do-not-export"
SECRET_OUTPUT = "OUTPUT-TEXT-do-not-export"


def attempt(
    i: int,
    *,
    level: int = 1,
    score: float | None = 0.9,
    correct: bool | None = True,
    said_wrong: bool = True,
    truth_wrong: bool = True,
    confidence: float = 0.8,
    placement: bool = False,
    sprint_id: int | None = None,
) -> NewAttempt:
    start = T0 + timedelta(days=i)
    return NewAttempt(
        exercise_id=f"ex-l{level}-{i}",
        exercise_level=level,
        kind="prompt",
        exercise_difficulty=0.0,
        placement=placement,
        started_at=start,
        finished_at=start + timedelta(minutes=5),
        model="local/smollm2",
        model_tier="standard",
        prompt=f"{SECRET_PROMPT} {i}",
        output_shown=f"{SECRET_OUTPUT} {i}",
        real_output=f"{SECRET_OUTPUT} real {i}",
        checks=[{"grader": "length", "passed": True}],
        output_score=score,
        judgment={
            "verdict": "wrong" if said_wrong else "acceptable",
            "confidence": confidence,
            "truth_wrong": truth_wrong,
        },
        judgment_correct=correct,
        sprint_id=sprint_id,
    )


def add_replayed_events(store: Store, learner_id: int) -> None:
    """Store the level events a replay gives that are not stored yet."""
    learner = store.get_learner(learner_id)
    assert learner is not None
    stored = len(store.level_events(learner_id))
    for event in replay_of(learner, store.attempts(learner_id)).events[stored:]:
        store.add_level_event(
            learner_id,
            event.to_level,
            event.reason,
            from_level=event.from_level,
            evidence=event.evidence,
            provisional=event.provisional,
            at=event.at,
        )


@dataclass
class World:
    store: Store
    ids: dict[str, int]


@pytest.fixture
def world() -> Iterator[World]:
    store = open_store()
    ada = store.ensure_learner("Ada Lovelace", "analyst", "ada@example.com")
    bob = store.ensure_learner("Bob <script>alert(1)</script>", "marketer")
    cy = store.ensure_learner('=HYPERLINK("x")', "individual-contributor")
    sprint = store.create_sprint("spring", {"levels": [1]}, T0, T0 + timedelta(days=30))
    # Ada: 8 attempts at level 1 (6 pass, 2 fail), 4 at level 2 (1 pass); the sprint on two.
    scores = [0.9, 0.8, 0.75, 0.3, 0.95, 0.9, 0.2, 0.7]
    for i, score in enumerate(scores):
        # judgment: right when said_wrong == truth_wrong
        truth = i % 2 == 0
        said = truth if i != 3 else not truth
        store.add_attempt(
            ada.id,
            attempt(
                i,
                level=1,
                score=score,
                said_wrong=said,
                truth_wrong=truth,
                correct=said == truth,
                placement=i < 3,
                sprint_id=sprint.id if i in (5, 6) else None,
            ),
        )
    for j, score in enumerate([0.9, 0.1, 0.5, 0.4]):
        store.add_attempt(ada.id, attempt(10 + j, level=2, score=score))
    # Her level history is what the engine makes of her attempts, as recording stores it.
    add_replayed_events(store, ada.id)
    # Bob: two placement attempts.
    store.add_attempt(bob.id, attempt(1, score=0.9, placement=True))
    store.add_attempt(bob.id, attempt(2, score=0.4, placement=True))
    add_replayed_events(store, bob.id)
    # Cy: nothing.
    yield World(store, {"ada": ada.id, "bob": bob.id, "cy": cy.id, "sprint": sprint.id})
    store.close()
