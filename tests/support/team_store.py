"""A simulated team for the manager's report: people in several roles who
practise prompt, review and fit exercises over months, most of them improving,
some stopping. Bulk-inserted (SQLAlchemy Core executemany, hashes from the
store's chain) with the level events and standing recording leaves behind.

Used by the team-report benchmark and the browser test.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coach.content.loader import Catalog
from coach.engine.replay import LearnerTracker
from coach.runtime.evidence import evidence_of, weakness_evidence_of
from coach.runtime.recording import standing_of
from coach.store import GENESIS, NewAttempt, Store, chain_hash, open_store
from coach.store.schema import attempts, learners, level_events

ROLES = ("individual-contributor", "analyst", "marketer", "support-agent", "engineer")
KINDS = ("prompt", "prompt", "prompt", "review", "fit")
MUTATIONS = ("change_number", "invent_citation", "drop_item")
GRADERS = ("json", "contains", "length")


def _exercise_ids(catalog: Catalog | None) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for loaded in catalog.exercises if catalog else []:
        e = loaded.exercise
        found[(str(e.kind), e.level)].append(e.id)
    return found


def populate(
    url: str,
    n_people: int,
    n_attempts: int,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
    seed: int = 11,
) -> None:
    """`n_people` × `n_attempts` over the 200 days before `now`."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=200)
    ids_by = _exercise_ids(catalog)
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(learners),
            [
                {
                    "key": f"email:p{i}@example.com",
                    "name": f"Person {i:02d}",
                    "email": f"p{i}@example.com",
                    "role": ROLES[i % len(ROLES)],
                    "created_at": first,
                }
                for i in range(n_people)
            ],
        )
        ids = [row.id for row in conn.execute(sa.select(learners.c.id).order_by(learners.c.id))]
    for index, learner_id in enumerate(ids):
        start_skill = rng.uniform(0.6, 4.0)
        growth = rng.uniform(-0.2, 2.0)
        # One person in six stopped practising two months ago.
        span = 140 if index % 6 == 5 else 198
        prev = GENESIS
        rows = []
        for k in range(n_attempts):
            skill = start_skill + growth * k / n_attempts
            level = max(1, min(6, round(skill + rng.uniform(-1, 1))))
            kind = KINDS[(k + index) % len(KINDS)]
            at = first + timedelta(days=span * k / n_attempts, minutes=rng.randint(0, 600))
            choices = ids_by.get((kind, level)) or [f"{kind}-{level}-{k % 9}"]
            p_pass = min(0.95, max(0.05, 0.5 + 0.35 * (skill - level)))
            passed = rng.random() < p_pass
            truth = rng.random() < 0.5
            said = truth if rng.random() < min(0.95, 0.5 + 0.1 * skill) else not truth
            grader = GRADERS[(k + index) % len(GRADERS)]
            new = NewAttempt(
                exercise_id=rng.choice(choices),
                exercise_level=level,
                kind=kind,
                exercise_difficulty=0.0,
                placement=k < 6,
                started_at=at,
                finished_at=at + timedelta(minutes=5),
                model="local/smollm2",
                model_tier="standard",
                needs_model="any",
                prompt=None if kind != "prompt" else f"Summarise document {k}",
                output_shown=f"Output {k}",
                trap={"name": rng.choice(MUTATIONS), "description": "planted"}
                if kind == "review" and truth
                else None,
                checks=[{"grader": grader, "passed": passed}],
                output_score=None if kind == "review" else (0.9 if passed else 0.3),
                judgment=None
                if kind == "fit"
                else {
                    "verdict": "wrong" if said else "acceptable",
                    "confidence": rng.choice((0.6, 0.7, 0.8, 0.9)),
                    "truth_wrong": truth,
                },
                judgment_correct=None if kind == "fit" else said == truth,
            )
            digest = chain_hash(prev, new)
            rows.append(
                {**new.model_dump(), "learner_id": learner_id, "prev_hash": prev, "hash": digest}
            )
            prev = digest
        with store.engine.begin() as conn:
            conn.execute(sa.insert(attempts), rows)
        settle(store, learner_id)
    store.close()


def settle(store: Store, learner_id: int) -> None:
    """The level events of the replay and the stored standing, as recording leaves them."""
    records = store.attempts(learner_id)
    tracker = LearnerTracker.from_history(evidence_of(r) for r in records)
    if tracker.events:
        with store.engine.begin() as conn:
            conn.execute(
                sa.insert(level_events),
                [{**e.model_dump(), "learner_id": learner_id} for e in tracker.events],
            )
    head = records[-1].hash if records else GENESIS
    recent = [weakness_evidence_of(r) for r in records[-40:]]
    store.save_standing(standing_of(learner_id, head, len(records), tracker, recent))
