"""The learner's level as a pure function of their attempt history.

`LearnerTracker` is the one state machine that both the live runtime and
`replay` drive, attempt by attempt, so a replay reproduces the stored level
events exactly. Its state is bounded (posteriors on a fixed grid, the move
window, counters, the set of exercises seen), so `snapshot()` /
`restore()` let the runtime resume it at constant cost instead of replaying.

Placement
    Attempts flagged `placement` feed the placement until it is done; the
    first attempt not so flagged ends an unfinished placement (its result is
    then provisional). A placement-flagged attempt after a finished placement
    starts a *re-taken* placement: the ability posterior drops the earlier
    placement's evidence (it restarts from the prior plus every practice
    attempt, `AbilityState.practice`) and the new placement's attempts are
    added to it; the level stays where it was until the new placement ends,
    and its event (from_level = None) replaces the earlier placement.

Counting
    Each attempt is weighed by `evidence_weight`: the learner's own exercises
    and repeats of an exercise whose key was disclosed count for nothing.
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.engine.ability import AbilityState, Posterior
from coach.engine.calibration import Calibration
from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.moves import MoveState, decide, evidence_weight, remember
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.placement import Placement, PlacementResult, prior_for
from coach.engine.version import ENGINE_VERSION, engine_version


class LevelEventData(BaseModel):
    """A level event as the store keeps it (less the ids)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    from_level: int | None  # None for the placement
    to_level: int
    reason: str
    evidence: dict[str, Any]
    provisional: bool


# --- the snapshot ---------------------------------------------------------------


def pack_rows(rows: Sequence[Sequence[float]]) -> str:
    """Posterior rows as base64 of little-endian float64: exact, and fast to (de)serialise."""
    values = array("d", [x for row in rows for x in row])
    if sys.byteorder != "little":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def unpack_rows(text: str, width: int) -> list[list[float]]:
    values = array("d")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        values.byteswap()
    flat = values.tolist()
    return [flat[i : i + width] for i in range(0, len(flat), width)]


class AbilitySnapshot(BaseModel):
    """The four posteriors and their counters.

    Each posterior is its log weights, one row of `grid_points` per bias value,
    packed by `pack_rows` (base64 of float64: bit-exact, and a tenth of the
    time of a JSON list of 2,000 floats).
    """

    combined: str
    producing: str
    judging: str
    practice: str
    n_output: int
    n_judgment: int
    sessions: int
    last_at: datetime | None


class PlacementSnapshot(BaseModel):
    """The placement under way (at most `placement_max_items` attempts)."""

    active: bool  # a placement is running (the first, or a re-take)
    attempts: list[AttemptEvidence] = Field(default_factory=list)
    met_before: list[str] = Field(default_factory=list)


class TrackerSnapshot(BaseModel):
    """Everything a `LearnerTracker` needs to continue, bounded in size.

    Its size depends on the grid, the window and the number of distinct
    exercises met (the `seen` map), never on the length of the history.
    """

    engine_version: str
    self_report: int | None
    model_tier: str | None
    level: int | None
    attempts: int  # attempts observed so far
    events_count: int
    last_event: LevelEventData | None
    placement_result: PlacementResult | None
    ability: AbilitySnapshot
    placement: PlacementSnapshot
    moves: MoveState
    # exercise id → its key was disclosed (False: met only in a placement)
    seen: dict[str, bool]


class LearnerTracker:
    """Placement, then practice: feed attempts in order, get level events back."""

    def __init__(
        self,
        self_report: int | None = None,
        params: EngineParams = DEFAULT_PARAMS,
        model_tier: str | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.params = params
        self.self_report = self_report
        self.model_tier = model_tier
        # Calibrated difficulties replace authored ones (evidence and placement items).
        self.calibration = calibration
        mean, sd = prior_for(self_report, params)
        self.ability = AbilityState(params, mean, sd)
        self.placement = self._new_placement()
        self.placement_active = True
        self.placement_result: PlacementResult | None = None
        self.level: int | None = None
        # The events this object produced (all of them when built from the history;
        # after `restore`, only the new ones: see `events_count` and `last_event`).
        self.events: list[LevelEventData] = []
        self.events_count = 0
        self.last_event: LevelEventData | None = None
        self.moves = MoveState()
        self.seen: dict[str, bool] = {}

    def _new_placement(self) -> Placement:
        return Placement(
            self.params,
            self.self_report,
            self.model_tier,
            ability=self.ability,
            calibration=self.calibration,
        )

    @property
    def version(self) -> str:
        """The engine version of this tracker: rules, parameters and calibration."""
        digest = self.calibration.digest() if self.calibration is not None else ""
        return engine_version(self.params, digest)

    @classmethod
    def from_history(
        cls,
        history: Iterable[AttemptEvidence],
        self_report: int | None = None,
        params: EngineParams = DEFAULT_PARAMS,
        calibration: Calibration | None = None,
    ) -> LearnerTracker:
        tracker = cls(self_report, params, calibration=calibration)
        for evidence in history:
            tracker.observe(evidence)
        return tracker

    # --- state ------------------------------------------------------------------

    @property
    def placing(self) -> bool:
        """True while a placement is running (before the first level, or a re-take)."""
        return self.placement_active

    @property
    def attempts(self) -> int:
        return self.moves.attempts

    def start_placement(self) -> None:
        """Begin a re-taken placement (idempotent while one is running).

        `observe` calls this on the first placement-flagged attempt after a
        finished placement; a screen may call it first to pick the items, with
        the same effect.
        """
        if self.placement_active:
            return
        self.ability.restart_from_practice()
        self.placement = self._new_placement()
        self.placement.met_before = set(self.seen)
        self.placement_active = True

    def finish_placement(self, at: datetime) -> LevelEventData:
        """End the placement now (the runtime calls this if the learner skips the rest)."""
        if not self.placement_active:
            raise RuntimeError("the placement is already finished")
        result = self.placement.result()
        self.placement_result = result
        self.placement_active = False
        self.level = result.level
        self.moves.arrive(promoted=False)
        event = LevelEventData(
            at=at,
            from_level=None,
            to_level=result.level,
            reason=result.reason,
            evidence=result.evidence,
            provisional=result.provisional,
        )
        self._emit(event)
        return event

    def _emit(self, event: LevelEventData) -> None:
        self.events.append(event)
        self.events_count += 1
        self.last_event = event

    def observe(self, evidence: AttemptEvidence) -> list[LevelEventData]:
        """Take one attempt; return the level events it caused (usually none)."""
        if self.calibration is not None:
            evidence = self.calibration.apply_evidence(evidence)
        new: list[LevelEventData] = []
        if self.placement_active and not evidence.placement:
            new.append(self.finish_placement(evidence.at))
        elif not self.placement_active and evidence.placement:
            self.start_placement()
        weight = evidence_weight(evidence, self.seen, self.params)
        remember(evidence, self.seen)
        self.moves.attempts += 1
        if self.placement_active:
            self.placement.record(evidence, weight)
            if self.placement.done:
                new.append(self.finish_placement(evidence.at))
            return new
        assert self.level is not None
        self.ability.observe(evidence, weight)
        self.moves.take(evidence, self.level, weight, self.params)
        move = decide(self.moves, self.level, self.ability, evidence.at, self.params)
        if move is not None:
            self.level = move.to_level
            self.moves.arrive(promoted=move.direction == "promote")
            event = LevelEventData(
                at=move.at,
                from_level=move.from_level,
                to_level=move.to_level,
                reason=move.reason,
                evidence=move.evidence,
                provisional=False,
            )
            self._emit(event)
            new.append(event)
        return new

    # --- snapshot ---------------------------------------------------------------

    def snapshot(self) -> TrackerSnapshot:
        """The tracker's whole state, JSON-ready (`model_dump(mode="json")`)."""
        a = self.ability
        return TrackerSnapshot(
            engine_version=self.version,
            self_report=self.self_report,
            model_tier=self.model_tier,
            level=self.level,
            attempts=self.moves.attempts,
            events_count=self.events_count,
            last_event=self.last_event,
            placement_result=self.placement_result,
            ability=AbilitySnapshot(
                combined=pack_rows(a.combined.rows),
                producing=pack_rows(a.producing.rows),
                judging=pack_rows(a.judging.rows),
                practice=pack_rows(a.practice.rows),
                n_output=a.n_output,
                n_judgment=a.n_judgment,
                sessions=a.sessions,
                last_at=a.last_at,
            ),
            placement=PlacementSnapshot(
                active=self.placement_active,
                attempts=list(self.placement.attempts) if self.placement_active else [],
                met_before=sorted(self.placement.met_before) if self.placement_active else [],
            ),
            moves=self.moves.model_copy(deep=True),
            seen=dict(self.seen),
        )

    @classmethod
    def restore(
        cls,
        snapshot: TrackerSnapshot,
        params: EngineParams = DEFAULT_PARAMS,
        calibration: Calibration | None = None,
    ) -> LearnerTracker:
        """A tracker that continues exactly where `snapshot` was taken.

        Raises ValueError when the snapshot was taken by another engine version
        (different rules, parameters or calibration): the caller then replays
        the history.
        """
        tracker = cls(snapshot.self_report, params, snapshot.model_tier, calibration)
        if snapshot.engine_version != tracker.version:
            raise ValueError(
                f"snapshot from engine {snapshot.engine_version}, "
                f"this engine is {tracker.version}: replay the history"
            )
        a = tracker.ability
        s = snapshot.ability
        width = params.grid_points
        a.combined = Posterior(params, unpack_rows(s.combined, width))
        a.producing = Posterior(params, unpack_rows(s.producing, width))
        a.judging = Posterior(params, unpack_rows(s.judging, width))
        a.practice = Posterior(params, unpack_rows(s.practice, width))
        a.n_output, a.n_judgment, a.sessions, a.last_at = (
            s.n_output,
            s.n_judgment,
            s.sessions,
            s.last_at,
        )
        tracker.placement = Placement(params, snapshot.self_report, snapshot.model_tier, ability=a)
        tracker.placement_active = snapshot.placement.active
        for evidence in snapshot.placement.attempts:
            tracker.placement.attempts.append(evidence)
            tracker.placement.seen.add(evidence.exercise_id)
        tracker.placement.met_before = set(snapshot.placement.met_before)
        tracker.placement_result = snapshot.placement_result
        tracker.level = snapshot.level
        tracker.events_count = snapshot.events_count
        tracker.last_event = snapshot.last_event
        tracker.moves = snapshot.moves.model_copy(deep=True)
        tracker.seen = dict(snapshot.seen)
        return tracker


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


__all__ = [
    "ENGINE_VERSION",
    "AbilitySnapshot",
    "LearnerTracker",
    "LevelEventData",
    "PlacementSnapshot",
    "TrackerSnapshot",
    "current_level",
    "replay",
]
