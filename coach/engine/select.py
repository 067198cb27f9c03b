"""Which exercise to practise next.

At the learner's level (or the nearest level a sprint allows), mixing kinds
(a kind seen often in the last five attempts is less likely), never one of the
last `recent_window` exercises while others remain, preferring exercises not
yet done and ones the learner's model can do justice to.

- A share of picks (`review_share`, 20 %) are review: half of them a retry of
  an exercise failed before (at this level or below), the rest from the level
  or two below, so earlier skills stay fresh.
- Once the promotion window is met (4 of the last 5 at this level passed), a
  share of picks (`stretch_share`, 30 %) come from the level above: a taste of
  what comes next, and the evidence that settles a promotion soonest (practice
  at a level the learner has outgrown says little about how far above it they
  are). In simulation this took the median promotion after a real gain from
  14 to 13 exercises and promotion within 10 from 32 % to 40 %.
- When the caller names exercises to `prefer` (those training a learner's
  recurring weakness), a share of picks (`weakness_share`, 30 %) go to one of
  them whenever one is among the candidates the draw above settled on (same
  level, filters and recency rules). With nothing to prefer the draws, and so
  the picks, are exactly those without it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from coach.engine.evidence import (
    MODEL_FREE_KINDS,
    AttemptEvidence,
    ItemInfo,
    model_below_need,
    passed,
)
from coach.engine.params import DEFAULT_PARAMS, EngineParams

FRESH_WEIGHT = 10.0


class SprintFilter(BaseModel):
    """What a sprint allows; an empty field allows everything."""

    model_config = ConfigDict(frozen=True)

    skills: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()

    def admits(self, item: ItemInfo) -> bool:
        if self.levels and item.level not in self.levels:
            return False
        if self.kinds and item.kind not in self.kinds:
            return False
        return not self.skills or any(skill in self.skills for skill in item.skills)


def _target_level(level: int, available: set[int]) -> int:
    """`level` if available, else the nearest available level (the lower on a tie)."""
    if level in available:
        return level
    return min(available, key=lambda lv: (abs(lv - level), lv))


def next_exercise(
    bank: Sequence[ItemInfo],
    level: int,
    history: Sequence[AttemptEvidence],
    rng: random.Random,
    *,
    sprint: SprintFilter | None = None,
    review_share: float | None = None,
    stretch_share: float | None = None,
    recent_window: int = 10,
    model_tier: str | None = None,
    params: EngineParams = DEFAULT_PARAMS,
    prefer: frozenset[str] = frozenset(),
) -> ItemInfo | None:
    """The next exercise to practise, or None when the (filtered) bank is empty.

    `review_share` and `stretch_share` default to the parameters' values.
    """
    review_share = params.review_share if review_share is None else review_share
    stretch_share = params.stretch_share if stretch_share is None else stretch_share
    pool = sorted(
        (item for item in bank if sprint is None or sprint.admits(item)),
        key=lambda item: item.exercise_id,
    )
    if not pool:
        return None
    target = _target_level(level, {item.level for item in pool})

    last_seen: dict[str, int] = {}
    last_passed: dict[str, bool | None] = {}
    for index, attempt in enumerate(history):
        last_seen[attempt.exercise_id] = index
        last_passed[attempt.exercise_id] = passed(attempt, params)
    recent: list[str] = []
    for attempt in reversed(history):
        if attempt.exercise_id not in recent:
            recent.append(attempt.exercise_id)
        if len(recent) >= recent_window:
            break
    recent_set = set(recent)
    recent_kinds = Counter(attempt.kind for attempt in history[-5:])

    def not_recent(items: list[ItemInfo]) -> list[ItemInfo]:
        fresh = [item for item in items if item.exercise_id not in recent_set]
        if fresh or not items:
            return fresh
        # Everything here was done lately: take the least recently done half.
        oldest = sorted(
            items, key=lambda item: (last_seen.get(item.exercise_id, -1), item.exercise_id)
        )
        return oldest[: max(1, len(oldest) // 2)]

    main = not_recent([item for item in pool if item.level == target])
    failed_before = [
        item for item in pool if item.level <= target and last_passed.get(item.exercise_id) is False
    ]
    below = [item for item in pool if target - 2 <= item.level < target]
    review = [
        item
        for item in {i.exercise_id: i for i in failed_before + below}.values()
        if item.exercise_id not in recent_set
    ]
    review.sort(key=lambda item: item.exercise_id)

    # On a run of passes (the promotion window is met), sometimes try the level above:
    # the evidence that settles a promotion, and a taste of what comes next.
    here = [ok for a in history if a.level == target and (ok := passed(a, params)) is not None]
    window = here[-params.window :]
    ready = len(window) == params.window and sum(window) >= params.promote_passes
    stretch = not_recent([item for item in pool if item.level == target + 1]) if ready else []

    draw = rng.random()
    use_review = bool(review) and (not main or draw < review_share)
    use_stretch = not use_review and bool(stretch) and draw < review_share + stretch_share
    candidates = review if use_review else stretch if use_stretch else main
    retry = [item for item in review if last_passed.get(item.exercise_id) is False]
    if use_review and retry and rng.random() < 0.5:
        candidates = retry  # half of the review is a retry of something missed
    if not candidates:
        candidates = not_recent(pool)
    # Only draw when preferring can change the pick, so an empty `prefer` draws nothing.
    preferred = [item for item in candidates if item.exercise_id in prefer]
    if preferred and len(preferred) < len(candidates) and rng.random() < params.weakness_share:
        candidates = preferred

    # A model too small for an exercise makes its output say nothing about the
    # learner: offer what it can grade (review, fit, …) while there is any.
    usable = [
        item
        for item in candidates
        if item.kind in MODEL_FREE_KINDS or not model_below_need(model_tier, item.needs_model)
    ]
    if usable:
        candidates = usable
    weights = []
    for item in candidates:
        weight = 1.0 / (1 + recent_kinds[item.kind])
        if item.exercise_id not in last_seen:
            # Only a first attempt is new evidence for the level (repeats count nothing).
            weight *= FRESH_WEIGHT
        if item.kind not in MODEL_FREE_KINDS and model_below_need(model_tier, item.needs_model):
            weight *= 0.25
        weights.append(weight)
    return rng.choices(candidates, weights=weights, k=1)[0]
