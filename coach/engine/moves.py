"""Level moves during practice, decided on the posterior and recent results together.

Promote from level L when P(θ above the cut at the top of L) >= `promote_p`
(0.8, tuned by simulation; the design's 0.9 made promotion after a real
gain take about twice as long), at least 4 of the last 5 scored level-L
attempts passed and there are at least 5 attempts at L since arriving there.
Demote when P(θ below the cut at the bottom of L) >= 0.9 and at least 3 of
the last 5 failed (same minimum), never within the grace window (5 attempts)
after a promotion. A failed output from a model below the exercise's need is
unscored: it neither fills the window nor counts as a failure, and it adds
nothing to the posterior.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from coach.engine.ability import AbilityState
from coach.engine.evidence import AttemptEvidence, passed, tally
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


def ability_from_history(
    history: Sequence[AttemptEvidence],
    params: EngineParams = DEFAULT_PARAMS,
    prior: tuple[float, float] | None = None,
) -> AbilityState:
    mean, sd = prior if prior is not None else (params.prior_mean, params.prior_sd)
    ability = AbilityState(params, mean, sd)
    for evidence in history:
        ability.observe(evidence)
    return ability


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
    """The move after the last attempt of `history`, or None.

    `since` is the index in `history` of the first attempt made at the current
    level (after the placement or the last move); `promoted_at` is the same
    index when the current level was reached by a promotion (grace window).
    `ability` is the posterior after all of `history`; it is rebuilt from the
    history (with `prior`) if not given.
    """
    if not history:
        return None
    arrived = list(history[since:])
    here = [a for a in arrived if a.level == current_level]
    if len(here) < params.min_attempts_here:
        return None
    outcomes = [(a, ok) for a in here if (ok := passed(a, params)) is not None]
    window = outcomes[-params.window :]
    if len(window) < params.window:
        return None
    passes = sum(ok for _, ok in window)
    fails = len(window) - passes
    if ability is None:
        ability = ability_from_history(history, params, prior)

    def evidence_base() -> tuple[dict[str, int], dict[str, int], dict[str, Any]]:
        # Only built when a move happens: tallies and the summary are the costly part.
        counts = tally(arrived, params)
        counts_here = tally(here, params)
        base: dict[str, Any] = {
            "placement": False,
            "from_level": current_level,
            "window": [bool(ok) for _, ok in window],
            "window_ids": [a.exercise_id for a, _ in window],
            "passed": passes,
            "failed": fails,
            "attempts_here": len(here),
            "attempts_since_arrival": len(arrived),
            "flawed": counts["flawed"],
            "caught": counts["caught"],
            "weak_model_failures": counts_here["weak_model_failures"],
            "own_exercises": counts_here["own_exercises"],
            "ability": ability.summary(),
        }
        return counts, counts_here, base

    at = history[-1].at

    if current_level < params.n_levels and passes >= params.promote_passes:
        p_above = ability.p_above(current_level)
        if p_above >= params.promote_p:
            counts, here_counts, base = evidence_base()
            reason = promotion_reason(
                current_level,
                passes,
                len(window),
                counts["caught"],
                counts["flawed"],
                p_above,
                here_counts["weak_model_failures"],
                here_counts["own_exercises"],
            )
            evidence = {
                "kind": "promote",
                **base,
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

    in_grace = promoted_at is not None and len(history) - promoted_at < params.grace_after_promotion
    if current_level > 1 and fails >= params.demote_fails and not in_grace:
        p_below = ability.p_below(current_level)
        if p_below >= params.demote_p:
            counts, here_counts, base = evidence_base()
            reason = demotion_reason(
                current_level,
                fails,
                len(window),
                counts["caught"],
                counts["flawed"],
                p_below,
                here_counts["weak_model_failures"],
                here_counts["own_exercises"],
            )
            evidence = {
                "kind": "demote",
                **base,
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
