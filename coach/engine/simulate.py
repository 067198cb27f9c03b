"""Synthetic learners with a known ability, run through placement and practice.

Pure and seeded: the same `SimConfig` gives the same report, whatever the order
or process the learners run in (each learner has its own random streams,
seeded from the run's seed and the learner's index).

The world simulated
    * A bank of `items_per_level` exercises per level, kinds typical of the
      level, offsets uniform in -1..1. Each item's true difficulty differs from
      the nominal one by N(0, difficulty_noise²): the content's difficulty
      labels are wrong by about half a logit.
    * A learner's true ability θ is uniform over the six level bands (the
      outer levels as wide as the inner ones); producing and judging differ by
      ±N(0, ability_split²). 10 % use a small model, 75 % a standard one, 15 %
      a frontier one. Some learners (`improver_share` of those below level 6)
      gain exactly one level (θ += spacing) after `gain_at` practice
      exercises; the others do not change. `true_spacing` lets the world's
      level spacing differ from the engine's (a mis-specified scale).
    * An output is graded by `checks` checks: per attempt a quality
      q = θ − b + N(0, attempt_noise²), each check passes with
      guess + (1 − guess − slip)·σ(q); the score is the share passed.
    * A model below the exercise's need ruins the output `weak_model_fail` of
      the time (score drawn around 0.15, whatever the prompt).
    * A judgment is made on `judged_share` of outputs (always on review items);
      a trap is planted `trap_rate` of the time; the learner is right with
      0.5 + (0.5 − lapse)·σ(θ_judge − b).
    * Practice comes in sessions of `session_length` exercises a day apart;
      every method practises on exercises picked by `next_exercise` at its
      current level.

Figures (see `summarise`): placement accuracy against the true level at
placement; "wrong moves" (`reversals_per_100`) are level moves that take a
learner who is not changing away from their true level, per 100 practice
exercises; `promotion_lag` is the median number of exercises from a real
gain to reaching the new level, for improvers who were at their true level
when it happened (not reached by the end counts as horizon + 1).

Methods compared on the same learners
    * engine: adaptive placement, then `decide_move` on the posterior.
    * fixed18: 3 random exercises per level, scored on the same posterior
      (the most probable level), then the count rules alone (4 of 5 up,
      3 of 5 down, same minimum and grace) — what an LMS would do.
    * staircase: 2-down/1-up on levels (two passes in a row: up; one fail:
      down) from level 3, placed after 15 exercises or 8 reversals at the mean
      reversal level, and the same rule during practice.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from coach.engine.ability import AbilityState, Scale, sigmoid
from coach.engine.evidence import (
    AttemptEvidence,
    ItemInfo,
    kind_signals,
    model_below_need,
    passed,
)
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.placement import SELF_REPORT_LEVELS
from coach.engine.replay import LearnerTracker
from coach.engine.select import next_exercise

METHODS = ("engine", "fixed18", "staircase")
# The engine again, starting from a first-run self-report (noisy: see `self_report_answer`).
SELF_REPORT_METHOD = "self_report"
SELF_REPORT_NOISE = 0.3
ALL_METHODS = (*METHODS, SELF_REPORT_METHOD)
LEVEL_KINDS: dict[int, tuple[str, ...]] = {
    1: ("prompt", "review", "fit"),
    2: ("prompt", "review", "fit"),
    3: ("prompt", "review", "instructions"),
    4: ("instructions", "pipeline", "review"),
    5: ("agent", "pipeline", "review"),
    6: ("evals", "agent", "review"),
}
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SimConfig:
    learners: int = 500
    seed: int = 7
    items_per_level: int = 20
    practice: int = 60
    session_length: int = 6
    improver_share: float = 0.3
    gain_at: int = 20
    slip: float = 0.05
    guess: float = 0.05
    difficulty_noise: float = 0.5
    attempt_noise: float = 0.6
    checks: int = 4
    judged_share: float = 0.85
    trap_rate: float = 0.3
    lapse: float = 0.03
    ability_split: float = 0.3
    tier_mix: tuple[tuple[str, float], ...] = (
        ("small", 0.1),
        ("standard", 0.75),
        ("frontier", 0.15),
    )
    weak_model_fail: float = 0.5
    true_spacing: float | None = None  # the world's level spacing, if not the engine's
    staircase_start: int = 3
    staircase_max_items: int = 15
    staircase_reversals: int = 8
    params: EngineParams = DEFAULT_PARAMS


@dataclass(frozen=True)
class SimItem:
    info: ItemInfo
    true_b: float
    judge_b: float


@dataclass
class MethodOutcome:
    placed: int = 0
    items: int = 0
    provisional: bool = False
    practice: int = 0  # practice exercises done while the learner was not changing
    moves: int = 0
    wrong_moves: int = 0  # moves away from the true level
    flips: int = 0  # moves opposite to the previous move
    lag: int | None = None  # exercises from the gain to reaching the new level
    lag_eligible: bool = False  # at the true level when the gain happened
    level_after_10: int = 0  # level after 10 practice exercises (before any gain)


@dataclass
class LearnerOutcome:
    index: int
    true_level: int
    theta: float
    tier: str
    improver: bool
    methods: dict[str, MethodOutcome] = field(default_factory=dict)


# --- the bank and the world -------------------------------------------------


def true_scale(config: SimConfig) -> Scale:
    """The world's scale: the engine's, unless `true_spacing` says otherwise."""
    if config.true_spacing is None:
        return Scale(config.params)
    return Scale(replace(config.params, spacing=config.true_spacing))


def make_bank(config: SimConfig) -> list[SimItem]:
    rng = random.Random(f"{config.seed}-bank")
    scale = Scale(config.params)
    truth = true_scale(config)
    bank = []
    for level in range(1, config.params.n_levels + 1):
        kinds = LEVEL_KINDS.get(level, ("prompt", "review"))
        for i in range(config.items_per_level):
            kind = kinds[i % len(kinds)]
            if kind in ("review", "fit"):
                needs = "any"
            else:
                r = rng.random()
                frontier_share = 0.1 if level <= 3 else 0.35
                needs = "any" if r < 0.3 else "frontier" if r > 1 - frontier_share else "capable"
            offset = round(rng.uniform(-1.0, 1.0), 2)
            info = ItemInfo(
                exercise_id=f"l{level}-{i:02d}-{kind}",
                level=level,
                difficulty=offset,
                kind=kind,
                skills=(f"skill-{level}-{i % 4}",),
                needs_model=needs,
            )
            nominal = scale.difficulty(level, offset)
            true_b = nominal + (truth.centre(level) - scale.centre(level))
            true_b += rng.gauss(0, config.difficulty_noise)
            judge_b = true_b + rng.gauss(0, 0.3)
            bank.append(SimItem(info, true_b, judge_b))
    return bank


@dataclass
class Learner:
    theta: float
    split: float
    tier: str

    @property
    def producing(self) -> float:
        return self.theta + self.split

    @property
    def judging(self) -> float:
        return self.theta - self.split


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def respond(
    item: SimItem,
    learner: Learner,
    rng: random.Random,
    config: SimConfig,
    at: datetime,
    placement: bool = False,
) -> AttemptEvidence:
    """One simulated attempt: graded output and judgment, as the runtime would record it."""
    info = item.info
    has_output, has_judgment = kind_signals(info.kind)
    score = None
    if has_output:
        if (
            model_below_need(learner.tier, info.needs_model)
            and rng.random() < config.weak_model_fail
        ):
            score = _binomial(rng, config.checks, 0.15) / config.checks
        else:
            q = learner.producing - item.true_b + rng.gauss(0, config.attempt_noise)
            p = config.guess + (1 - config.guess - config.slip) * sigmoid(q)
            if info.kind == "fit":
                # Multiple choice: a step not known is guessed (one in three right).
                p = p + (1 - p) / 3
            score = _binomial(rng, config.checks, p) / config.checks
    fields: dict[str, Any] = {}
    judged = info.kind == "review" or rng.random() < config.judged_share
    if has_judgment and judged:
        if score is None:
            planted = False
            truth = rng.random() < 0.5
        else:
            planted = rng.random() < config.trap_rate
            truth = planted or score < config.params.pass_score
        s = sigmoid(learner.judging - item.judge_b)
        correct = rng.random() < 0.5 + (0.5 - config.lapse) * s
        confidence = min(1.0, max(0.5, 0.5 + 0.5 * s + rng.gauss(0, 0.1)))
        fields = {
            "judgment_correct": correct,
            "planted": planted,
            "truth_wrong": truth,
            "said_wrong": truth if correct else not truth,
            "confidence": round(confidence, 2),
        }
    return AttemptEvidence.for_item(
        info,
        at=at,
        output_score=score,
        model_tier=learner.tier,
        placement=placement,
        **fields,
    )


class Clock:
    """Placement in one sitting; practice in sessions a day apart."""

    def __init__(self, session_length: int) -> None:
        self.now = START
        self.session_length = session_length
        self.in_session = 0

    def placement_tick(self) -> datetime:
        self.now += timedelta(minutes=4)
        return self.now

    def practice_tick(self) -> datetime:
        if self.in_session == 0 or self.in_session >= self.session_length:
            self.now += timedelta(days=1)
            self.in_session = 0
        self.in_session += 1
        self.now += timedelta(minutes=5)
        return self.now


# --- the three methods ---------------------------------------------------------


class _Moves:
    """Counts moves during practice against the learner's true level."""

    def __init__(self, outcome: MethodOutcome) -> None:
        self.outcome = outcome
        self.last_direction = 0

    def record(self, old: int, new: int, true_level: int, stable: bool) -> None:
        if new == old:
            return
        direction = 1 if new > old else -1
        if stable:
            self.outcome.moves += 1
            if abs(new - true_level) > abs(old - true_level):
                self.outcome.wrong_moves += 1
            if self.last_direction and direction != self.last_direction:
                self.outcome.flips += 1
        self.last_direction = direction


def _practice(
    config: SimConfig,
    bank: list[SimItem],
    learner: Learner,
    improver: bool,
    rng: random.Random,
    outcome: MethodOutcome,
    level: int,
    step: Callable[[AttemptEvidence], int],
    history: list[AttemptEvidence],
    clock: Clock,
) -> None:
    """Practice `config.practice` exercises; `step` takes an attempt and returns the new level."""
    scale = true_scale(config)
    by_id = {item.info.exercise_id: item for item in bank}
    infos = [item.info for item in bank]
    moves = _Moves(outcome)
    for index in range(config.practice):
        if improver and index == config.gain_at:
            outcome.lag_eligible = level == scale.level_of(learner.theta)
            learner.theta += scale.spacing
        true_level = scale.level_of(learner.theta)
        stable = not improver
        info = next_exercise(
            infos,
            level,
            history,
            rng,
            model_tier=learner.tier,
            params=config.params,
        )
        assert info is not None
        evidence = respond(by_id[info.exercise_id], learner, rng, config, clock.practice_tick())
        history.append(evidence)
        new = step(evidence)
        moves.record(level, new, true_level, stable)
        level = new
        if stable:
            outcome.practice += 1
        if index == 9:
            outcome.level_after_10 = level
        if improver and index >= config.gain_at and outcome.lag is None and level >= true_level:
            outcome.lag = index - config.gain_at + 1


def _engine(
    config: SimConfig,
    bank: list[SimItem],
    learner: Learner,
    improver: bool,
    rng: random.Random,
    self_report: int | None = None,
) -> MethodOutcome:
    outcome = MethodOutcome()
    tracker = LearnerTracker(self_report, params=config.params, model_tier=learner.tier)
    infos = [item.info for item in bank]
    by_id = {item.info.exercise_id: item for item in bank}
    clock = Clock(config.session_length)
    history: list[AttemptEvidence] = []
    while tracker.placing:
        info = tracker.placement.next_item(infos, rng)
        if info is None:
            tracker.finish_placement(clock.now)
            break
        evidence = respond(
            by_id[info.exercise_id], learner, rng, config, clock.placement_tick(), True
        )
        history.append(evidence)
        tracker.observe(evidence)
    assert tracker.level is not None
    outcome.placed = tracker.level
    outcome.items = tracker.placement.items
    outcome.provisional = bool(tracker.events and tracker.events[0].provisional)

    def step(evidence: AttemptEvidence) -> int:
        tracker.observe(evidence)
        assert tracker.level is not None
        return tracker.level

    _practice(config, bank, learner, improver, rng, outcome, tracker.level, step, history, clock)
    return outcome


def self_report_answer(theta: float, config: SimConfig, rng: random.Random) -> int:
    """The first-run answer a simulated learner gives: the option nearest their
    true level, one option off either way in `SELF_REPORT_NOISE` of cases."""
    level = true_scale(config).level_of(theta)
    options = range(len(SELF_REPORT_LEVELS))
    honest = min(options, key=lambda i: (abs(SELF_REPORT_LEVELS[i] - level), i))
    r = rng.random()
    if r < SELF_REPORT_NOISE / 2:
        return max(0, honest - 1)
    if r < SELF_REPORT_NOISE:
        return min(len(options) - 1, honest + 1)
    return honest


def _engine_self_report(
    config: SimConfig,
    bank: list[SimItem],
    learner: Learner,
    improver: bool,
    rng: random.Random,
) -> MethodOutcome:
    answer = self_report_answer(learner.theta, config, rng)
    return _engine(config, bank, learner, improver, rng, self_report=answer)


class CountRules:
    """The move rules without the posterior (the fixed18 baseline's practice)."""

    def __init__(self, level: int, params: EngineParams) -> None:
        self.level = level
        self.params = params
        self.here: list[bool | None] = []
        self.since_promotion: int | None = None

    def step(self, evidence: AttemptEvidence) -> int:
        p = self.params
        if self.since_promotion is not None:
            self.since_promotion += 1
        if evidence.level == self.level:
            self.here.append(passed(evidence, p))
        scored = [ok for ok in self.here if ok is not None]
        window = scored[-p.window :]
        if len(self.here) < p.min_attempts_here or len(window) < p.window:
            return self.level
        passes = sum(window)
        in_grace = (
            self.since_promotion is not None and self.since_promotion < p.grace_after_promotion
        )
        if passes >= p.promote_passes and self.level < p.n_levels:
            self.level += 1
            self.here = []
            self.since_promotion = 0
        elif len(window) - passes >= p.demote_fails and self.level > 1 and not in_grace:
            self.level -= 1
            self.here = []
            self.since_promotion = None
        return self.level


def _fixed18(
    config: SimConfig,
    bank: list[SimItem],
    learner: Learner,
    improver: bool,
    rng: random.Random,
) -> MethodOutcome:
    outcome = MethodOutcome()
    params = config.params
    ability = AbilityState(params)
    clock = Clock(config.session_length)
    history: list[AttemptEvidence] = []
    for level in range(1, params.n_levels + 1):
        items = [item for item in bank if item.info.level == level]
        for item in rng.sample(items, min(3, len(items))):
            evidence = respond(item, learner, rng, config, clock.placement_tick(), True)
            history.append(evidence)
            ability.observe(evidence)
    probs = ability.level_probabilities()
    outcome.placed = max(range(len(probs)), key=lambda k: (probs[k], -k)) + 1
    outcome.items = len(history)
    rules = CountRules(outcome.placed, params)
    _practice(
        config, bank, learner, improver, rng, outcome, outcome.placed, rules.step, history, clock
    )
    return outcome


class Staircase:
    """2-down/1-up on levels: two passes in a row move up, one fail moves down."""

    def __init__(self, level: int, n_levels: int, params: EngineParams) -> None:
        self.level = level
        self.n_levels = n_levels
        self.params = params
        self.streak = 0
        self.last_direction = 0
        self.reversal_levels: list[int] = []

    def step(self, evidence: AttemptEvidence) -> int:
        ok = passed(evidence, self.params)
        if ok is None:
            return self.level
        direction = 0
        if ok:
            self.streak += 1
            if self.streak >= 2:
                self.streak = 0
                direction = 1 if self.level < self.n_levels else 0
        else:
            self.streak = 0
            direction = -1 if self.level > 1 else 0
        if direction:
            if self.last_direction and direction != self.last_direction:
                self.reversal_levels.append(self.level)
            self.last_direction = direction
            self.level += direction
        return self.level


def _staircase(
    config: SimConfig,
    bank: list[SimItem],
    learner: Learner,
    improver: bool,
    rng: random.Random,
) -> MethodOutcome:
    outcome = MethodOutcome()
    params = config.params
    clock = Clock(config.session_length)
    stairs = Staircase(config.staircase_start, params.n_levels, params)
    used: set[str] = set()
    history: list[AttemptEvidence] = []
    while (
        len(history) < config.staircase_max_items
        and len(stairs.reversal_levels) < config.staircase_reversals
    ):
        items = [i for i in bank if i.info.level == stairs.level and i.info.exercise_id not in used]
        item = rng.choice(items)
        used.add(item.info.exercise_id)
        evidence = respond(item, learner, rng, config, clock.placement_tick(), True)
        history.append(evidence)
        stairs.step(evidence)
    reversals = stairs.reversal_levels[1:]
    placed = math.floor(statistics.fmean(reversals) + 0.5) if reversals else stairs.level
    outcome.placed = placed
    outcome.items = len(history)
    practice = Staircase(placed, params.n_levels, params)
    _practice(config, bank, learner, improver, rng, outcome, placed, practice.step, history, clock)
    return outcome


RUNNERS = {
    "engine": _engine,
    "fixed18": _fixed18,
    "staircase": _staircase,
    SELF_REPORT_METHOD: _engine_self_report,
}


def simulate_learner(
    index: int,
    config: SimConfig,
    bank: Sequence[SimItem] | None = None,
    methods: Sequence[str] = ALL_METHODS,
) -> LearnerOutcome:
    bank = list(bank) if bank is not None else make_bank(config)
    scale = true_scale(config)
    rng = random.Random(f"{config.seed}-learner-{index}")
    lo = scale.band(1)[0]
    hi = scale.band(config.params.n_levels)[1]
    theta = rng.uniform(lo, hi)
    split = rng.gauss(0, config.ability_split)
    r = rng.random()
    tier = config.tier_mix[-1][0]
    for name, share in config.tier_mix:
        if r < share:
            tier = name
            break
        r -= share
    true_level = scale.level_of(theta)
    improver = true_level < config.params.n_levels and rng.random() < config.improver_share
    outcome = LearnerOutcome(index, true_level, theta, tier, improver)
    for method in methods:
        learner = Learner(theta, split, tier)
        stream = random.Random(f"{config.seed}-learner-{index}-{method}")
        outcome.methods[method] = RUNNERS[method](config, bank, learner, improver, stream)
    return outcome


# --- the report -------------------------------------------------------------------


def _percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile by the nearest-rank method (no interpolation)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return float(ordered[rank - 1])


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarise(outcomes: Sequence[LearnerOutcome], method: str, config: SimConfig) -> dict[str, Any]:
    rows = [(o, o.methods[method]) for o in outcomes]
    n = len(rows)
    errors = [abs(m.placed - o.true_level) for o, m in rows]
    after_10 = [m.level_after_10 == o.true_level for o, m in rows]
    items = [m.items for _, m in rows]
    practice = sum(m.practice for _, m in rows)
    wrong = sum(m.wrong_moves for _, m in rows)
    flips = sum(m.flips for _, m in rows)
    moves = sum(m.moves for _, m in rows)
    eligible = [m for o, m in rows if o.improver and m.lag_eligible]
    horizon = config.practice - config.gain_at
    lags = [m.lag if m.lag is not None else horizon + 1 for m in eligible]
    promoted = [m.lag for m in eligible if m.lag is not None]
    per100 = (lambda count: round(100 * count / practice, 3)) if practice else (lambda count: None)
    return {
        "exact": round(sum(e == 0 for e in errors) / n, 4),
        "within_one": round(sum(e <= 1 for e in errors) / n, 4),
        "mean_items": round(statistics.fmean(items), 3),
        "p90_items": _percentile(items, 0.9),
        "two_level_errors": sum(e >= 2 for e in errors),
        "reversals_per_100": per100(wrong),
        "promotion_lag": _percentile(lags, 0.5) if lags else None,
        "detail": {
            "learners": n,
            "exact_after_10_practice": round(sum(after_10) / n, 4),
            "provisional_share": round(sum(m.provisional for _, m in rows) / n, 4),
            "exact_if_not_provisional": _share(
                [e == 0 for (_, m), e in zip(rows, errors, strict=True) if not m.provisional]
            ),
            "exact_if_provisional": _share(
                [e == 0 for (_, m), e in zip(rows, errors, strict=True) if m.provisional]
            ),
            "flips_per_100": per100(flips),
            "moves_per_100": per100(moves),
            "stable_practice_exercises": practice,
            "improvers_at_true_level": len(eligible),
            "promotion_lag_mean_if_promoted": round(statistics.fmean(promoted), 2)
            if promoted
            else None,
            "promotion_lag_p90": _percentile(lags, 0.9) if lags else None,
            "promoted_within_10": round(sum(lag <= 10 for lag in lags) / len(lags), 4)
            if lags
            else None,
            "promoted_by_end": round(len(promoted) / len(eligible), 4) if eligible else None,
            "exact_by_level": {
                str(level): round(
                    sum(
                        e == 0
                        for (o, _), e in zip(rows, errors, strict=True)
                        if o.true_level == level
                    )
                    / max(1, sum(o.true_level == level for o, _ in rows)),
                    4,
                )
                for level in range(1, config.params.n_levels + 1)
            },
            "placed_low": sum(m.placed < o.true_level for o, m in rows),
            "placed_high": sum(m.placed > o.true_level for o, m in rows),
        },
    }


def report(outcomes: Sequence[LearnerOutcome], config: SimConfig) -> dict[str, Any]:
    engine = summarise(outcomes, "engine", config)
    return {
        **engine,
        "with_self_report": summarise(outcomes, SELF_REPORT_METHOD, config),
        "baselines": {name: summarise(outcomes, name, config) for name in METHODS[1:]},
        "config": {
            "learners": config.learners,
            "seed": config.seed,
            "spacing": config.params.spacing,
            "practice": config.practice,
            "gain_at": config.gain_at,
            "improver_share": config.improver_share,
            "true_spacing": config.true_spacing,
        },
    }


def simulate(
    config: SimConfig = SimConfig(),
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run every learner and return the JSON-ready report."""
    bank = make_bank(config)
    outcomes = []
    for index in range(config.learners):
        outcomes.append(simulate_learner(index, config, bank))
        if progress is not None:
            progress(index + 1, config.learners)
    return report(outcomes, config)


def with_params(config: SimConfig, **changes: Any) -> SimConfig:
    """A copy of `config` with some engine parameters changed (for tuning)."""
    return replace(config, params=replace(config.params, **changes))
