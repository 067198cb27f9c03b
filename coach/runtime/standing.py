"""A learner's standing: level, posterior and weaknesses, kept in the store.

The standing is derived from the attempts by a full replay. It is stored with
the chain head it reflects (`Store.save_standing`) every time an attempt is
recorded, so the export and the team board can read each person's standing
instead of replaying hundreds of attempts each. A reader trusts a stored
standing only when it is *fresh*: same chain head, same attempt count, same
engine version; otherwise it replays (`progress.standing_for`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from coach.coaching.weaknesses import detect_weaknesses
from coach.engine.params import DEFAULT_PARAMS
from coach.engine.replay import LearnerTracker
from coach.store import GENESIS
from coach.store.records import AttemptRecord, Standing

# Bump when the replay or the weakness rules change in a way the parameters do
# not show; every stored standing then counts as stale and is recomputed.
STANDING_RULES = "standing-1"
ENGINE_VERSION = hashlib.sha256((STANDING_RULES + repr(DEFAULT_PARAMS)).encode()).hexdigest()[:16]


def head_of(records: Sequence[AttemptRecord]) -> str:
    return records[-1].hash if records else GENESIS


def standing_of(
    learner_id: int,
    records: Sequence[AttemptRecord],
    tracker: LearnerTracker,
    now: datetime | None = None,
) -> Standing:
    """The standing after `records`, given the tracker that replayed them."""
    level = tracker.level
    theta = sd = p_level = None
    if level is not None:
        probs = tracker.ability.level_probabilities()
        theta = round(tracker.ability.theta(), 4)
        sd = round(tracker.ability.combined.sd(), 4)
        p_level = round(probs[level - 1], 4) if level - 1 < len(probs) else None
    return Standing(
        learner_id=learner_id,
        head_hash=head_of(records),
        engine_version=ENGINE_VERSION,
        attempts=len(records),
        level=level,
        provisional=bool(tracker.events and tracker.events[-1].provisional),
        theta=theta,
        sd=sd,
        p_level=p_level,
        weaknesses=[w.model_dump(mode="json") for w in detect_weaknesses(records)],
        updated_at=now or datetime.now(UTC),
    )


def is_fresh(standing: Standing | None, head_hash: str, attempts: int) -> bool:
    return (
        standing is not None
        and standing.engine_version == ENGINE_VERSION
        and standing.head_hash == head_hash
        and standing.attempts == attempts
    )
