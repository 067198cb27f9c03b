"""Level moves during practice, decided on the posterior and recent results together.

Promote from level L when P(θ above the cut at the top of L) >= `promote_p`
(0.8), at least 4 of the last 5 scored level-L attempts passed and there are
at least 5 counted attempts at L since arriving there. Demote when
P(θ below the cut at the bottom of L) >= 0.9 and at least 3 of the last 5
failed (same minimum), never within the grace window (5 attempts) after a
promotion.

Only attempts that count for the level fill the window: not a repeat of an
exercise already done, not the learner's own exercise, and not an output
failure from a model below the exercise's need (or of unknown strength).
They add nothing to the posterior either (the tracker gives them weight 0).

The rules read a bounded `MoveState` (the window and a few counters), never
the history, so a tracker can be snapshotted and resumed at constant cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence, below_need, caught_flaw, is_flawed, passed
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.reasons import demotion_reason, promotion_reason


class LevelMove(BaseModel):
    model_config = ConfigDict(frozen=True)

    from_level: int
    to_level: int
    direction: Literal["promote", "demote"]
    at: datetime
    reason: str
    evidence: dict[str, Any]


class WindowEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise_id: str
    passed: bool


class MoveState(BaseModel):
    """What the move rules remember since the learner arrived at their level."""

    attempts: int = 0  # every attempt observed by the tracker (placement included)
    since: int = 0  # index of the first attempt at the current level
    promoted_at: int | None = None  # `attempts` when the level was reached by promotion
    here: int = 0  # counted attempts at the current level since arriving
    window: list[WindowEntry] = Field(default_factory=list)  # the last `window` scored
    flawed: int = 0  # counted attempts since arriving that showed a flawed output
    caught: int = 0
    weak_model_failures: int = 0  # at the current level since arriving
    own_exercises: int = 0  # own-exercise attempts since arriving (not counted)
    repeats: int = 0  # repeats since arriving (not counted)

    def arrive(self, promoted: bool) -> None:
        """Start afresh at a new level (after the placement or a move)."""
        self.since = self.attempts
        self.promoted_at = self.attempts if promoted else None
        self.here = 0
        self.window = []
        self.flawed = self.caught = 0
        self.weak_model_failures = self.own_exercises = self.repeats = 0

    def take(
        self,
        evidence: AttemptEvidence,
        level: int,
        weight: float,
        params: EngineParams = DEFAULT_PARAMS,
    ) -> None:
        """Count one practice attempt (after `attempts` was advanced for it)."""
        if evidence.private:
            self.own_exercises += 1
            return
        if weight <= 0.0:
            self.repeats += 1
            return
        if is_flawed(evidence):
            self.flawed += 1
            self.caught += caught_flaw(evidence)
        if evidence.level != level:
            return
        self.here += 1
        ok = passed(evidence, params)
        if ok is None:
            if evidence.output_score is not None and below_need(evidence):
                self.weak_model_failures += 1
            return
        self.window = [*self.window, WindowEntry(exercise_id=evidence.exercise_id, passed=ok)][
            -params.window :
        ]


def decide(
    state: MoveState,
    current_level: int,
    ability: AbilityState,
    at: datetime,
    params: EngineParams = DEFAULT_PARAMS,
) -> LevelMove | None:
    """The move the rules call for now, or None."""
    if state.here < params.min_attempts_here or len(state.window) < params.window:
        return None
    passes = sum(entry.passed for entry in state.window)
    fails = len(state.window) - passes

    def base() -> dict[str, Any]:
        return {
            "placement": False,
            "from_level": current_level,
            "window": [entry.passed for entry in state.window],
            "window_ids": [entry.exercise_id for entry in state.window],
            "passed": passes,
            "failed": fails,
            "attempts_here": state.here,
            "attempts_since_arrival": state.attempts - state.since,
            "flawed": state.flawed,
            "caught": state.caught,
            "weak_model_failures": state.weak_model_failures,
            "own_exercises": state.own_exercises,
            "repeats": state.repeats,
            "ability": ability.summary(),
        }

    if current_level < params.n_levels and passes >= params.promote_passes:
        p_above = ability.p_above(current_level)
        if p_above >= params.promote_p:
            reason = promotion_reason(
                current_level,
                passes,
                len(state.window),
                state.caught,
                state.flawed,
                p_above,
                state.weak_model_failures,
                state.own_exercises,
            )
            evidence = {
                "kind": "promote",
                **base(),
                "to_level": current_level + 1,
                "p_above": round(p_above, 4),
            }
            return LevelMove(
                from_level=current_level,
                to_level=current_level + 1,
                direction="promote",
                at=at,
                reason=reason,
                evidence=evidence,
            )

    in_grace = (
        state.promoted_at is not None
        and state.attempts - state.promoted_at < params.grace_after_promotion
    )
    if current_level > 1 and fails >= params.demote_fails and not in_grace:
        p_below = ability.p_below(current_level)
        if p_below >= params.demote_p:
            reason = demotion_reason(
                current_level,
                fails,
                len(state.window),
                state.caught,
                state.flawed,
                p_below,
                state.weak_model_failures,
                state.own_exercises,
            )
            evidence = {
                "kind": "demote",
                **base(),
                "to_level": current_level - 1,
                "p_below": round(p_below, 4),
            }
            return LevelMove(
                from_level=current_level,
                to_level=current_level - 1,
                direction="demote",
                at=at,
                reason=reason,
                evidence=evidence,
            )
    return None


def ability_from_history(
    history: Sequence[AttemptEvidence],
    params: EngineParams = DEFAULT_PARAMS,
    prior: tuple[float, float] | None = None,
) -> AbilityState:
    mean, sd = prior if prior is not None else (params.prior_mean, params.prior_sd)
    ability = AbilityState(params, mean, sd)
    seen: dict[str, bool] = {}
    for evidence in history:
        ability.observe(evidence, evidence_weight(evidence, seen, params))
        remember(evidence, seen)
    return ability


def evidence_weight(
    evidence: AttemptEvidence, seen: dict[str, bool], params: EngineParams = DEFAULT_PARAMS
) -> float:
    """How much one attempt counts for the level, given the exercises seen before.

    The learner's own exercise: `private_weight` (nothing). A repeat of an
    exercise: `repeat_weight` (nothing) once its key was disclosed (the
    feedback of any practice attempt), `repeat_undisclosed_weight` before
    (after placement attempts only). Otherwise 1: the first attempt counts.
    """
    if evidence.private:
        return params.private_weight
    disclosed = seen.get(evidence.exercise_id)
    if disclosed is None:
        return 1.0
    return params.repeat_weight if disclosed else params.repeat_undisclosed_weight


def remember(evidence: AttemptEvidence, seen: dict[str, bool]) -> None:
    """Note an attempt's exercise as seen (and disclosed, unless it was a placement item)."""
    seen[evidence.exercise_id] = seen.get(evidence.exercise_id, False) or not evidence.placement


def decide_move(
    history: Sequence[AttemptEvidence],
    current_level: int,
    *,
    since: int = 0,
    promoted_at: int | None = None,
    ability: AbilityState | None = None,
    prior: tuple[float, float] | None = None,
    params: EngineParams = DEFAULT_PARAMS,
) -> LevelMove | None:
    """The move after the last attempt of `history`, or None (a stateless helper).

    `since` is the index in `history` of the first attempt made at the current
    level; `promoted_at` the same index when the level was reached by a
    promotion. `ability` is the posterior after all of `history`; it is rebuilt
    from the history (with `prior`) if not given. `LearnerTracker` keeps the
    same state incrementally.
    """
    if not history:
        return None
    seen: dict[str, bool] = {}
    state = MoveState()
    for index, evidence in enumerate(history):
        weight = evidence_weight(evidence, seen, params)
        remember(evidence, seen)
        if index == since:
            state.attempts = index
            state.arrive(promoted=promoted_at is not None)
            state.promoted_at = promoted_at
        state.attempts = index + 1
        if index >= since:
            state.take(evidence, current_level, weight, params)
    if ability is None:
        ability = ability_from_history(history, params, prior)
    return decide(state, current_level, ability, history[-1].at, params)
