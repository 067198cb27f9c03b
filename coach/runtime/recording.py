"""Record one attempt: the attempt, its level events, the learner's standing and
the draft's removal, in one transaction at a cost that does not grow with history.

The engine's state after each attempt is kept with the standing as a snapshot
(`LearnerTracker.snapshot`). Recording restores it, observes the new attempt
and stores the next snapshot, all inside the store's write transaction, so
the events follow from exactly the state the transaction extends. A standing
that is stale (another engine version, another chain head, no snapshot) is
rebuilt by one replay of the history, read in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from coach.engine.evidence import AttemptEvidence
from coach.engine.replay import LearnerTracker, LevelEventData, TrackerSnapshot
from coach.engine.weaknesses import WINDOW, CheckFact, WeaknessEvidence, detect_weaknesses
from coach.runtime.calibration import current_calibration, current_engine_version
from coach.runtime.evidence import evidence_of, weakness_evidence_of
from coach.runtime.outcome import AttemptOutcome
from coach.store import GENESIS, Store
from coach.store.records import AttemptRecord, LearnerRecord, NewLevelEvent, Standing
from coach.store.store import Appended, Conclusion


@dataclass(frozen=True)
class RecordedAttempt:
    record: AttemptRecord
    level_before: int | None
    level_after: int | None
    events: list[LevelEventData] = field(default_factory=list)
    standing: Standing | None = None

    @property
    def reason(self) -> str:
        return self.events[-1].reason if self.events else ""


def replay_of(learner: LearnerRecord, records: Sequence[AttemptRecord]) -> LearnerTracker:
    """The engine after `records`, from the learner's prior (their self-report, if any),
    under the calibration in use."""
    return LearnerTracker.from_history(
        (evidence_of(r) for r in records),
        learner.self_report,
        calibration=current_calibration(),
    )


def is_fresh(standing: Standing | None, head_hash: str, attempts: int) -> bool:
    """Whether a stored standing reflects exactly this chain head under this engine."""
    return (
        standing is not None
        and standing.engine_version == current_engine_version()
        and standing.head_hash == head_hash
        and standing.attempts == attempts
    )


class RecentAttempt(BaseModel):
    evidence: AttemptEvidence
    checks: list[CheckFact]
    mutation: str | None = None

    @classmethod
    def of(cls, seen: WeaknessEvidence) -> RecentAttempt:
        return cls(evidence=seen.evidence, checks=list(seen.checks), mutation=seen.mutation)

    def weakness_evidence(self) -> WeaknessEvidence:
        return WeaknessEvidence(self.evidence, tuple(self.checks), self.mutation)


class Continuation(BaseModel):
    """What the standing keeps so that recording the next attempt costs the same at
    any history length: the engine's snapshot and the recent window the
    weakness counts read (compact, instead of re-reading whole attempts)."""

    snapshot: TrackerSnapshot
    recent: list[RecentAttempt]


def continuation_from(
    standing: Standing | None, head_hash: str, attempts: int
) -> Continuation | None:
    """What a fresh standing continues from; None when recording must replay."""
    if not is_fresh(standing, head_hash, attempts) or standing is None or not standing.tracker:
        return None
    try:
        return Continuation.model_validate(standing.tracker)
    except ValidationError:  # an older layout: replay instead
        return None


def tracker_from(continuation: Continuation | None) -> LearnerTracker | None:
    if continuation is None:
        return None
    try:
        return LearnerTracker.restore(continuation.snapshot, calibration=current_calibration())
    except ValueError:  # another engine's (or calibration's) snapshot: replay instead
        return None


def standing_of(
    learner_id: int,
    head_hash: str,
    attempts: int,
    tracker: LearnerTracker,
    recent: Sequence[WeaknessEvidence],
    now: datetime | None = None,
) -> Standing:
    """The standing after `attempts` attempts ending at `head_hash`.

    `recent` holds the last `WINDOW` attempts (the weaknesses read no more).
    """
    recent = list(recent)[-WINDOW:]
    level = tracker.level
    theta = sd = p_level = None
    if level is not None:
        probs = tracker.ability.level_probabilities()
        theta = round(tracker.ability.theta(), 4)
        sd = round(tracker.ability.combined.sd(), 4)
        p_level = round(probs[level - 1], 4) if level - 1 < len(probs) else None
    weaknesses = detect_weaknesses(recent)
    return Standing(
        learner_id=learner_id,
        head_hash=head_hash,
        engine_version=tracker.version,
        attempts=attempts,
        level=level,
        provisional=bool(tracker.last_event and tracker.last_event.provisional),
        theta=theta,
        sd=sd,
        p_level=p_level,
        weaknesses=[w.model_dump(mode="json") for w in weaknesses],
        updated_at=now or datetime.now(UTC),
        tracker=Continuation(
            snapshot=tracker.snapshot(), recent=[RecentAttempt.of(seen) for seen in recent]
        ).model_dump(mode="json"),
    )


@dataclass
class _Seen:
    """What the transaction's decision saw, for the caller."""

    level_before: int | None = None
    events: list[LevelEventData] = field(default_factory=list)


def _stored_event(event: LevelEventData) -> NewLevelEvent:
    return NewLevelEvent(**event.model_dump())


def record_outcome(
    store: Store,
    learner_id: int,
    outcome: AttemptOutcome,
    *,
    sprint_id: int | None = None,
    clear_draft: bool = True,
) -> RecordedAttempt:
    """Store the attempt with its level events and standing: all or nothing."""
    seen = _Seen()

    def conclude(appended: Appended) -> Conclusion:
        before_head = appended.record.prev_hash
        continuation = continuation_from(appended.standing, before_head, appended.attempts_before)
        tracker = tracker_from(continuation)
        if tracker is None or continuation is None:
            tracker = replay_of(appended.learner, appended.history()[:-1])
            recent = [weakness_evidence_of(r) for r in appended.recent(WINDOW)]
        else:
            recent = [
                *(item.weakness_evidence() for item in continuation.recent),
                weakness_evidence_of(appended.record),
            ]
        seen.level_before = tracker.level
        events = tracker.observe(evidence_of(appended.record))
        seen.events = events
        standing = standing_of(
            learner_id, appended.record.hash, appended.attempts_before + 1, tracker, recent
        )
        return Conclusion([_stored_event(e) for e in events], standing)

    recorded = store.record_attempt(
        learner_id,
        outcome.to_new_attempt(sprint_id),
        conclude,
        clear_draft=outcome.exercise_id if clear_draft else None,
    )
    return RecordedAttempt(
        recorded.record, seen.level_before, recorded.standing.level, seen.events, recorded.standing
    )


def refresh_standing(store: Store, learner: LearnerRecord) -> Standing:
    """Replay the learner's attempts and store the standing they give (verify, upgrades)."""
    records = store.attempts(learner.id)
    tracker = replay_of(learner, records)
    head = records[-1].hash if records else GENESIS
    recent = [weakness_evidence_of(r) for r in records[-WINDOW:]]
    standing = standing_of(learner.id, head, len(records), tracker, recent)
    store.save_standing(standing)
    return standing


def standing_for(
    store: Store, learner: LearnerRecord, stored: Standing | None, head_hash: str, attempts: int
) -> Standing:
    """The stored standing when it is fresh, else a replay (saved for the next reader)."""
    if stored is not None and is_fresh(stored, head_hash, attempts):
        return stored
    return refresh_standing(store, learner)


def current_standing(store: Store, learner: LearnerRecord) -> Standing:
    """The learner's standing: the stored one when fresh, else a replay (then stored)."""
    head, count = store.chain_head(learner.id)
    return standing_for(store, learner, store.standings([learner.id]).get(learner.id), head, count)
