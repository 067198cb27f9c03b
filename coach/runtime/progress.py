"""Record an attempt and move the learner's level on the evidence.

The level is derived: the engine replays the learner's stored attempts, takes
the new one, and any level event it produces is stored with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.config import Config
from coach.content.loader import Catalog
from coach.engine.evidence import AttemptEvidence
from coach.engine.replay import LearnerTracker, LevelEventData
from coach.runtime.learner import current_learner
from coach.runtime.outcome import AttemptOutcome
from coach.store import Store
from coach.store.records import AttemptRecord

_TIERS = {"small", "standard", "frontier"}
_NEEDS = {"any", "capable", "frontier"}


@dataclass(frozen=True)
class RecordedAttempt:
    record: AttemptRecord
    level_before: int | None
    level_after: int | None
    events: list[LevelEventData] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return self.events[-1].reason if self.events else ""


def evidence_of(record: AttemptRecord) -> AttemptEvidence:
    """What the engine needs from a stored attempt (its exercise snapshot included)."""
    judgment = record.judgment or {}
    verdict = judgment.get("verdict")
    confidence = judgment.get("confidence")
    return AttemptEvidence(
        exercise_id=record.exercise_id,
        level=record.exercise_level,
        difficulty=record.exercise_difficulty or 0.0,
        kind=record.kind,
        at=record.finished_at,
        output_score=record.output_score,
        judgment_correct=record.judgment_correct,
        model_tier=record.model_tier if record.model_tier in _TIERS else None,  # type: ignore[arg-type]
        needs_model=record.needs_model if record.needs_model in _NEEDS else "capable",  # type: ignore[arg-type]
        placement=bool(record.placement),
        planted=record.trap is not None,
        said_wrong=None if verdict is None else verdict == "wrong",
        truth_wrong=judgment.get("truth_wrong"),
        confidence=confidence if isinstance(confidence, int | float) else None,
    )


def tracker_for(store: Store, learner_id: int) -> LearnerTracker:
    return LearnerTracker.from_history(evidence_of(a) for a in store.attempts(learner_id))


def record_attempt(
    store: Store,
    config: Config,
    catalog: Catalog,
    outcome: AttemptOutcome,
    sprint_id: int | None = None,
) -> RecordedAttempt:
    del catalog  # the outcome carries its exercise snapshot
    learner = current_learner(store, config)
    tracker = tracker_for(store, learner.id)
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
    return RecordedAttempt(record, before, tracker.level, events)
