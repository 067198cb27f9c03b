"""Placement: a short adaptive test on the ability posterior.

Each step picks, among the eligible exercises not yet seen, one of the 2 with
the most Fisher information at the current estimate (EAP), at random between
them so people do not all see the same items. (Information at the nearest cut
was tried too: no more accurate, and longer.) Eligible: review and fit always;
an exercise graded on the model's output only when the learner's model tier is
known and meets its need. A re-taken placement prefers exercises not met
before. It stops when one level holds at least 0.85 of the posterior, after at
least 4 and at most 15 exercises (on the app's placement bank and the
realistic mix, 0.85 gave 1.5 points more exact placements than 0.8 and no
two-level errors, at 9 exercises on average; 0.9 gained little more at 11:
docs/engine.md, "Placement"). If no level
gets there, a split between two adjacent levels (each holding at least 45 %)
places the learner at the lower one; otherwise at the likeliest. Either way
the result is marked provisional. A self-report answer moves the prior.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from coach.engine.ability import AbilityState, Scale, item_information
from coach.engine.calibration import Calibration
from coach.engine.evidence import (
    MODEL_FREE_KINDS,
    AttemptEvidence,
    ItemInfo,
    model_below_need,
    tally,
)
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.reasons import percent, placement_reason

SELF_REPORT_OPTIONS: tuple[str, ...] = (
    "I have never used these tools",
    "I use a chat assistant now and then",
    "I write structured prompts and research from sources",
    "I build reusable assistants and automations",
    "I build agents",
)
# Where each answer puts the centre of the prior, as a (fractional) level.
SELF_REPORT_LEVELS: tuple[float, ...] = (1.0, 1.75, 3.0, 4.25, 5.5)


def prior_for(
    self_report: int | None, params: EngineParams = DEFAULT_PARAMS
) -> tuple[float, float]:
    """(mean, sd) of the prior: wide around the middle, or around the self-reported level."""
    if self_report is None:
        return params.prior_mean, params.prior_sd
    if not 0 <= self_report < len(SELF_REPORT_OPTIONS):
        raise ValueError(f"self_report must be 0..{len(SELF_REPORT_OPTIONS) - 1}")
    return Scale(params).centre(SELF_REPORT_LEVELS[self_report]), params.self_report_sd


def start_level(self_report: int | None, params: EngineParams = DEFAULT_PARAMS) -> int:
    """The level for someone who skips placement: their self-report, else level 1."""
    if self_report is None:
        return 1
    return Scale(params).clamp_level(round(SELF_REPORT_LEVELS[self_report] - 1e-9))


class PlacementResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: int
    provisional: bool
    probabilities: list[float]  # P(level 1) … P(level 6)
    reason: str
    evidence: dict[str, Any]


class Placement:
    """The placement state machine: `next_item`, `record`, `done`, `result`."""

    def __init__(
        self,
        params: EngineParams = DEFAULT_PARAMS,
        self_report: int | None = None,
        model_tier: str | None = None,
        ability: AbilityState | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.params = params
        self.calibration = calibration
        self.self_report = self_report
        self.model_tier = model_tier
        if ability is None:
            mean, sd = prior_for(self_report, params)
            ability = AbilityState(params, mean, sd)
        self.ability = ability
        self.attempts: list[AttemptEvidence] = []
        self.seen: set[str] = set()
        # Exercises met before this placement (a re-take): used only if nothing else is left.
        self.met_before: set[str] = set()

    @property
    def items(self) -> int:
        return len(self.attempts)

    def eligible(self, item: ItemInfo) -> bool:
        """Whether an item can place this learner: model-free kinds always; an item
        graded on the model's output only when the model is known to be up to it."""
        if item.kind in MODEL_FREE_KINDS:
            return True
        return self.model_tier is not None and not model_below_need(
            self.model_tier, item.needs_model
        )

    def next_item(self, bank: Sequence[ItemInfo], rng: random.Random) -> ItemInfo | None:
        """One of the most informative unseen eligible exercises, or None if none is left."""
        theta = self.ability.theta()
        scale = self.ability.scale
        candidates = [i for i in bank if i.exercise_id not in self.seen and self.eligible(i)]
        fresh = [i for i in candidates if i.exercise_id not in self.met_before]
        scored = []
        for item in fresh or candidates:
            offset = item.difficulty
            if self.calibration is not None:
                offset = self.calibration.offset(item.exercise_id, item.level, offset)
            b = scale.difficulty(item.level, offset)
            info = item_information(
                theta, b, item.kind, item.needs_model, self.model_tier, self.params
            )
            scored.append((-info, item.exercise_id, item))
        if not scored:
            return None
        scored.sort(key=lambda t: (t[0], t[1]))
        top = scored[: max(1, self.params.placement_top_k)]
        return rng.choice(top)[2]

    def record(self, evidence: AttemptEvidence, weight: float | None = None) -> None:
        self.attempts.append(evidence)
        self.seen.add(evidence.exercise_id)
        self.ability.observe(evidence, weight)

    def progress(self) -> str:
        """The progress line for the next item, true to the stopping rule.

        Before any item: "exercise 1 of at most 15". Then it adds the level
        that leads and how sure that is against the bar that ends the test.
        """
        number = self.items + 1
        line = f"Placement · exercise {number} of at most {self.params.placement_max_items}"
        if self.items == 0:
            return line
        probs = self.ability.level_probabilities()
        best = max(range(len(probs)), key=lambda k: (probs[k], -k))
        stop = round(self.params.placement_stop_mass * 100)
        return (
            f"{line} · level {best + 1} leads ({percent(probs[best])} sure; "
            f"it ends at {stop} %, after at least {self.params.placement_min_items})"
        )

    @property
    def confident(self) -> bool:
        return max(self.ability.level_probabilities()) >= self.params.placement_stop_mass

    @property
    def done(self) -> bool:
        if self.items >= self.params.placement_max_items:
            return True
        if self.items < self.params.placement_min_items:
            return False
        return self.confident

    def result(self) -> PlacementResult:
        """The placement as it stands (provisional unless a level is clear)."""
        probs = self.ability.level_probabilities()
        order = sorted(range(len(probs)), key=lambda k: (-probs[k], k))
        best, second = order[0] + 1, order[1] + 1
        clear = self.items >= self.params.placement_min_items and self.confident
        split_with = None
        if self.items == 0:
            level, provisional = start_level(self.self_report, self.params), True
        elif clear:
            level, provisional = best, False
        elif abs(best - second) == 1 and probs[second - 1] >= self.params.placement_split_share:
            level, provisional = min(best, second), True
            split_with = max(best, second)
        else:
            level, provisional = best, True
        counts = tally(self.attempts, self.params)
        report = SELF_REPORT_OPTIONS[self.self_report] if self.self_report is not None else None
        reason = placement_reason(
            level,
            provisional,
            probs,
            self.items,
            counts["passed"],
            counts["scored"],
            counts["caught"],
            counts["flawed"],
            report,
            split_with,
        )
        evidence: dict[str, Any] = {
            "kind": "placement",
            "placement": True,
            "items": self.items,
            "exercise_ids": [a.exercise_id for a in self.attempts],
            "probabilities": [round(p, 4) for p in probs],
            "self_report": self.self_report,
            "split_with": split_with,
            "ability": self.ability.summary(),
            **counts,
        }
        return PlacementResult(
            level=level,
            provisional=provisional,
            probabilities=[round(p, 4) for p in probs],
            reason=reason,
            evidence=evidence,
        )
