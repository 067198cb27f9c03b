"""The learner's level as a pure function of their attempt history.

`LearnerTracker` is the one state machine that both the live runtime and
`replay` drive, attempt by attempt, so a replay reproduces the stored level
events exactly. Attempts flagged `placement` feed the placement until it is
done; the first attempt not so flagged ends an unfinished placement (its
result is then provisional). Placement-flagged attempts after the placement
is done count as practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.moves import decide_move
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.placement import Placement, PlacementResult, prior_for


class LevelEventData(BaseModel):
    """A level event as the store keeps it (less the ids)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    from_level: int | None  # None for the placement
    to_level: int
    reason: str
    evidence: dict[str, Any]
    provisional: bool


class LearnerTracker:
    """Placement, then practice: feed attempts in order, get level events back."""

    def __init__(
        self,
        self_report: int | None = None,
        params: EngineParams = DEFAULT_PARAMS,
        model_tier: str | None = None,
    ) -> None:
        self.params = params
        self.self_report = self_report
        mean, sd = prior_for(self_report, params)
        self.ability = AbilityState(params, mean, sd)
        self.placement = Placement(params, self_report, model_tier, ability=self.ability)
        self.placement_result: PlacementResult | None = None
        self.level: int | None = None
        self.history: list[AttemptEvidence] = []
        self.events: list[LevelEventData] = []
        self.since = 0  # index of the first attempt at the current level
        self.promoted_at: int | None = None

    @classmethod
    def from_history(
        cls,
        history: Iterable[AttemptEvidence],
        self_report: int | None = None,
        params: EngineParams = DEFAULT_PARAMS,
    ) -> LearnerTracker:
        tracker = cls(self_report, params)
        for evidence in history:
            tracker.observe(evidence)
        return tracker

    @property
    def placing(self) -> bool:
        """True until the placement has produced a level."""
        return self.level is None

    def finish_placement(self, at: datetime) -> LevelEventData:
        """End the placement now (the runtime calls this if the learner skips the rest)."""
        if self.level is not None:
            raise RuntimeError("the placement is already finished")
        result = self.placement.result()
        self.placement_result = result
        self.level = result.level
        self.since = len(self.history)
        event = LevelEventData(
            at=at,
            from_level=None,
            to_level=result.level,
            reason=result.reason,
            evidence=result.evidence,
            provisional=result.provisional,
        )
        self.events.append(event)
        return event

    def observe(self, evidence: AttemptEvidence) -> list[LevelEventData]:
        """Take one attempt; return the level events it caused (usually none)."""
        new: list[LevelEventData] = []
        if self.level is None and not evidence.placement:
            new.append(self.finish_placement(evidence.at))
        self.history.append(evidence)
        if self.level is None:
            self.placement.record(evidence)
            if self.placement.done:
                new.append(self.finish_placement(evidence.at))
            return new
        self.ability.observe(evidence)
        move = decide_move(
            self.history,
            self.level,
            since=self.since,
            promoted_at=self.promoted_at,
            ability=self.ability,
            params=self.params,
        )
        if move is not None:
            self.level = move.to_level
            self.since = len(self.history)
            self.promoted_at = len(self.history) if move.direction == "promote" else None
            event = LevelEventData(
                at=move.at,
                from_level=move.from_level,
                to_level=move.to_level,
                reason=move.reason,
                evidence=move.evidence,
                provisional=False,
            )
            self.events.append(event)
            new.append(event)
        return new


def replay(
    history: Sequence[AttemptEvidence],
    bank: Sequence[ItemInfo] | None = None,
    *,
    self_report: int | None = None,
    params: EngineParams = DEFAULT_PARAMS,
) -> list[LevelEventData]:
    """Every level event implied by `history`, in order.

    `bank` is accepted for symmetry with the other entry points but not needed:
    each piece of evidence carries a snapshot of its exercise (level,
    difficulty, kind, needs), so edits to the content later never rewrite a
    learner's past.
    """
    del bank
    return LearnerTracker.from_history(history, self_report, params).events


def current_level(
    history: Sequence[AttemptEvidence],
    *,
    self_report: int | None = None,
    params: EngineParams = DEFAULT_PARAMS,
) -> int | None:
    """The learner's level now, or None before any attempt."""
    events = replay(history, self_report=self_report, params=params)
    return events[-1].to_level if events else None
