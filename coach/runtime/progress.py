"""Record an attempt and move the learner's level on the evidence.

The level is derived: the engine replays the learner's stored attempts, takes
the new one, and any level event it produces is stored with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from coach.config import Config
from coach.content.loader import Catalog
from coach.engine.replay import LearnerTracker, LevelEventData
from coach.runtime.evidence import evidence_of
from coach.runtime.learner import current_learner
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.standing import is_fresh, standing_of
from coach.store import Store, UnknownLearner
from coach.store.records import AttemptRecord, LearnerRecord, Standing


@dataclass(frozen=True)
class RecordedAttempt:
    record: AttemptRecord
    level_before: int | None
    level_after: int | None
    events: list[LevelEventData] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return self.events[-1].reason if self.events else ""


def replay_of(learner: LearnerRecord, records: Iterable[AttemptRecord]) -> LearnerTracker:
    """The engine after `records`, from the learner's prior (their self-report, if any)."""
    return LearnerTracker.from_history((evidence_of(r) for r in records), learner.self_report)


def _learner(store: Store, learner_id: int) -> LearnerRecord:
    learner = store.get_learner(learner_id)
    if learner is None:
        raise UnknownLearner(learner_id)
    return learner


def tracker_for(store: Store, learner_id: int) -> LearnerTracker:
    return replay_of(_learner(store, learner_id), store.attempts(learner_id))


def refresh_standing(store: Store, learner_id: int) -> Standing:
    """Replay the learner's attempts and store the standing they give."""
    records = store.attempts(learner_id)
    tracker = replay_of(_learner(store, learner_id), records)
    standing = standing_of(learner_id, records, tracker)
    store.save_standing(standing)
    return standing


def standing_for(
    store: Store, learner_id: int, stored: Standing | None, head_hash: str, attempts: int
) -> Standing:
    """The stored standing when it is fresh, else a replay (saved for the next reader)."""
    if stored is not None and is_fresh(stored, head_hash, attempts):
        return stored
    return refresh_standing(store, learner_id)


def record_attempt(
    store: Store,
    config: Config,
    catalog: Catalog,
    outcome: AttemptOutcome,
    sprint_id: int | None = None,
) -> RecordedAttempt:
    del catalog  # the outcome carries its exercise snapshot
    learner = current_learner(store, config)
    records = store.attempts(learner.id)
    tracker = replay_of(learner, records)
    before = tracker.level
    record = store.add_attempt(learner.id, outcome.to_new_attempt(sprint_id))
    events = tracker.observe(evidence_of(record))
    for event in events:
        store.add_level_event(
            learner.id,
            event.to_level,
            event.reason,
            from_level=event.from_level,
            evidence=event.evidence,
            provisional=event.provisional,
            at=event.at,
        )
    store.save_standing(standing_of(learner.id, [*records, record], tracker))
    return RecordedAttempt(record, before, tracker.level, events)
