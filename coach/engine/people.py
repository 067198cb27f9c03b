"""Simulated people who break the engine's assumptions, behaviour by behaviour.

`coach simulate` runs these on the bank the app ships (the caller passes it
as `ItemInfo`s: the engine never imports the content; the placement draws on
the app's own placement bank, `coach.runtime.placement_bank`, and practice on
the shipped exercises) or on a synthetic one.
Pure and seeded: a learner's run depends only on the seed, its index and its
behaviour.

The world (every learner)
    * Output exercises: the prompt works (a good output) with probability
      σ(θ_produce − b + e), e ~ N(0, 0.6²) the attempt's luck. A good output
      passes each of 5 checks with 0.95; a bad one passes each with 0.2, or,
      with partial credit, always passes 3 of the 5 (format checks: "3 of 5
      checks on a bad output") and each of the other two with 0.1. A model
      too weak for the exercise ruins the output `weak_model_fail` of the
      time, whatever the prompt.
    * The learner judges their own output 85 % of the time (review items:
      always), from the same reading: they see through it with
      d = (1 − 0.03) σ(θ_judge − b_judge + e), the same luck e; otherwise
      they guess "wrong" with their bias g. A planted flaw is shown 30 % of
      the time. Review items show a recorded output, wrong 60 % of the time
      (3 of 5 in the shipped bank).
    * Fit exercises: 8 steps, each known with σ(θ_produce − b + e + N(0, 0.5²)),
      e the attempt's luck as above, shared by its steps (one reading of the
      workflow: without it the steps were independent, kinder to the engine);
      an unknown step is guessed (1 in 3 right: the screen asks for one of
      three answers), or, for "no_guessing", answered wrong (a learner who
      falls back on a fixed wrong answer).
    * Confidence: 0.8–1.0 when the learner saw through, 0.5–0.7 when
      guessing; over-confident learners say 0.9–1.0 always.

Behaviours (`BEHAVIOURS`), each a change from "honest" (which guesses the
fit steps it does not know, as the three-choice screen makes everyone do;
"guessing" is reported separately all the same, and "no_guessing" is the
opposite case); "mix" is all of them at once (every learner guesses, gets
partial credit, has a bias and a confidence style drawn at random, lives
with difficulties off by ±0.5, and a third of them are also one of the
actor behaviours: repeater, own-task farmer, always-"wrong", weak model of
unknown tier, skills split).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from coach.engine.ability import Scale, sigmoid
from coach.engine.evidence import AttemptEvidence, ItemInfo, kind_signals, passed
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.replay import LearnerTracker
from coach.engine.select import next_exercise

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CHECKS = 5
FIT_STEPS = 8
REVIEW_WRONG_SHARE = 0.6
TRAP_RATE = 0.3
JUDGED_SHARE = 0.85
LAPSE = 0.03
ATTEMPT_NOISE = 0.6
DIFFICULTY_NOISE = 0.3
FIT_LUCK = 1.0  # the steps of one fit attempt share its luck (one reading of the workflow)


@dataclass(frozen=True)
class Behaviour:
    guess_fit: bool = True
    partial_credit: bool = False  # a bad output still passes 3 of 5 checks
    judge_offset: float = 0.0  # logits; ± one level = ± spacing (sign drawn per learner)
    bias: float | None = 0.5  # None: drawn per learner
    overconfident: float = 0.0  # share of learners who are
    difficulty_shift: float = 0.0  # each item's truth off by ± this (sign per item)
    repeat_share: float = 0.0  # practice picks that redo the last passed exercise
    farm_share: float = 0.0  # practice picks that are an own, trivially passed exercise
    always_wrong: bool = False
    zero_skill: bool = False  # θ at the bottom (true level 1)
    unknown_tier: bool = False  # the model is not known to the engine
    weak_model: bool = False  # and it is weak (fails "capable" work)
    actor_mix: bool = False  # draw one actor behaviour per learner (the mix)
    gaming: bool = False  # reported against an honest twin


BEHAVIOURS: dict[str, Behaviour] = {
    "honest": Behaviour(),
    "guessing": Behaviour(guess_fit=True),
    "no_guessing": Behaviour(guess_fit=False),
    "partial_credit": Behaviour(partial_credit=True),
    "produce_judge_split": Behaviour(judge_offset=2.0),
    "overconfident": Behaviour(overconfident=1.0),
    "bias_acceptable": Behaviour(bias=0.15),
    "bias_wrong": Behaviour(bias=0.85),
    "difficulty_off": Behaviour(difficulty_shift=0.5),
    "repeater": Behaviour(repeat_share=0.5, gaming=True),
    "own_task_farmer": Behaviour(farm_share=0.5, gaming=True),
    "always_wrong": Behaviour(always_wrong=True, zero_skill=True, gaming=True),
    "weak_unknown_model": Behaviour(unknown_tier=True, weak_model=True),
    "working_unknown_model": Behaviour(unknown_tier=True),
    "mix": Behaviour(
        guess_fit=True,
        partial_credit=True,
        bias=None,
        overconfident=0.5,
        difficulty_shift=0.5,
        actor_mix=True,
    ),
}
# The actors a "mix" learner may also be (a third of them are one).
ACTORS = (
    "repeater",
    "own_task_farmer",
    "always_wrong",
    "weak_unknown_model",
    "produce_judge_split",
)


@dataclass(frozen=True)
class PeopleConfig:
    learners: int = 200
    seed: int = 7
    practice: int = 200
    session_length: int = 6
    weak_model_fail: float = 0.6
    params: EngineParams = DEFAULT_PARAMS


@dataclass(frozen=True)
class WorldItem:
    info: ItemInfo
    true_b: float
    judge_b: float
    sign: float  # direction of this item's misspecification


@dataclass
class Person:
    theta: float
    produce: float
    judge: float
    bias: float
    overconfident: bool
    tier: str  # the real strength of the model: small | standard | frontier
    recorded_tier: str  # what the engine is told
    behaviour: Behaviour
    actor: str | None = None


@dataclass
class PersonOutcome:
    true_level: int
    placed: int
    items: int
    final: int
    demotions: int
    promotions: int


def world(bank: Sequence[ItemInfo], seed: int, params: EngineParams) -> list[WorldItem]:
    rng = random.Random(f"{seed}-world")
    scale = Scale(params)
    items = []
    for info in sorted(bank, key=lambda i: i.exercise_id):
        b = scale.difficulty(info.level, info.difficulty) + rng.gauss(0, DIFFICULTY_NOISE)
        items.append(WorldItem(info, b, b + rng.gauss(0, 0.3), rng.choice((-1.0, 1.0))))
    return items


def _tier_rank(tier: str) -> int:
    return {"small": 0, "standard": 1, "frontier": 2}.get(tier, 0)


def _need_rank(need: str) -> int:
    return {"any": 0, "capable": 1, "frontier": 2}.get(need, 1)


def make_person(index: int, name: str, config: PeopleConfig, twin: bool = False) -> Person:
    """Learner `index` with behaviour `name`; `twin` gives the same person with
    honest conduct (no repeats, no own-task farming, real answers)."""
    base = BEHAVIOURS[name]
    rng = random.Random(f"{config.seed}-person-{index}-{name}")
    scale = Scale(config.params)
    lo, hi = scale.band(1)[0], scale.band(config.params.n_levels)[1]
    theta = rng.uniform(lo, hi)
    actor = None
    if base.actor_mix and rng.random() < 1 / 3:
        actor = rng.choice(ACTORS)
    behaviour = base
    if actor is not None:
        extra = BEHAVIOURS[actor]
        behaviour = replace(
            base,
            judge_offset=extra.judge_offset,
            repeat_share=extra.repeat_share,
            farm_share=extra.farm_share,
            always_wrong=extra.always_wrong,
            zero_skill=extra.zero_skill,
            unknown_tier=extra.unknown_tier,
            weak_model=extra.weak_model,
        )
    if twin:
        honest = BEHAVIOURS["honest"]
        behaviour = replace(
            behaviour,
            repeat_share=honest.repeat_share,
            farm_share=honest.farm_share,
            always_wrong=honest.always_wrong,
        )
    if behaviour.zero_skill:
        theta = rng.uniform(lo, scale.cuts[0] - 0.5)
    split = behaviour.judge_offset / 2 * rng.choice((-1.0, 1.0))
    bias = behaviour.bias if behaviour.bias is not None else min(0.9, max(0.1, rng.gauss(0.5, 0.2)))
    overconfident = rng.random() < behaviour.overconfident
    r = rng.random()
    tier = "small" if r < 0.1 else "standard" if r < 0.85 else "frontier"
    recorded = tier
    if behaviour.unknown_tier:
        tier = "small" if behaviour.weak_model else "standard"
        recorded = "unknown"
    return Person(
        theta, theta + split, theta - split, bias, overconfident, tier, recorded, behaviour, actor
    )


def respond(
    item: WorldItem,
    person: Person,
    rng: random.Random,
    config: PeopleConfig,
    at: datetime,
    placement: bool = False,
    repeat: bool = False,
) -> AttemptEvidence:
    """One attempt by `person`, graded as the runtime would record it."""
    info = item.info
    b_shift = person.behaviour.difficulty_shift * item.sign
    b, b_judge = item.true_b + b_shift, item.judge_b + b_shift
    has_output, has_judgment = kind_signals(info.kind)
    luck = rng.gauss(0, ATTEMPT_NOISE)
    know = 2.5 if repeat else 0.0  # a repeat after the key was shown is easy
    score: float | None = None
    if info.kind == "fit":
        right = 0
        for _ in range(FIT_STEPS):
            step = person.produce - b + know + FIT_LUCK * luck + rng.gauss(0, 0.5)
            knows = rng.random() < sigmoid(step)
            if knows or (person.behaviour.guess_fit and rng.random() < 1 / 3):
                right += 1
        score = right / FIT_STEPS
    elif has_output:
        weak = _tier_rank(person.tier) < _need_rank(info.needs_model)
        if weak and rng.random() < config.weak_model_fail:
            good = False
        else:
            good = rng.random() < sigmoid(person.produce - b + know + luck)
        if good:
            right = sum(rng.random() < 0.95 for _ in range(CHECKS))
        elif person.behaviour.partial_credit:
            right = 3 + sum(rng.random() < 0.1 for _ in range(CHECKS - 3))
        else:
            right = sum(rng.random() < 0.2 for _ in range(CHECKS))
        score = right / CHECKS
    fields: dict[str, Any] = {}
    judged = info.kind == "review" or rng.random() < JUDGED_SHARE
    if has_judgment and judged:
        if score is None:
            planted = False
            truth = rng.random() < REVIEW_WRONG_SHARE
        else:
            planted = rng.random() < TRAP_RATE
            truth = planted or score < config.params.pass_score
        d = (1 - LAPSE) * sigmoid(person.judge - b_judge + know + luck)
        sees = rng.random() < d
        if person.behaviour.always_wrong:
            said = True
        elif sees:
            said = truth
        else:
            said = rng.random() < person.bias
        if person.overconfident:
            confidence = rng.uniform(0.9, 1.0)
        elif sees:
            confidence = rng.uniform(0.8, 1.0)
        else:
            confidence = rng.uniform(0.5, 0.7)
        fields = {
            "judgment_correct": said == truth,
            "planted": planted,
            "truth_wrong": truth,
            "said_wrong": said,
            "confidence": round(confidence, 2),
        }
    return AttemptEvidence.for_item(
        info,
        at=at,
        output_score=score,
        model_tier=person.recorded_tier,
        placement=placement,
        **fields,
    )


def _own_item(k: int, level: int) -> ItemInfo:
    return ItemInfo(exercise_id=f"own-{k}", level=level, kind="prompt", needs_model="any")


def run_person(
    index: int,
    name: str,
    config: PeopleConfig,
    items: Sequence[WorldItem],
    twin: bool = False,
    placement_ids: frozenset[str] | None = None,
    practice_ids: frozenset[str] | None = None,
) -> PersonOutcome:
    """One learner's placement on the items `placement_ids` names and practice on
    those `practice_ids` names (None: every item)."""
    params = config.params
    person = make_person(index, name, config, twin)
    rng = random.Random(f"{config.seed}-run-{index}-{name}-{twin}")
    scale = Scale(params)
    true_level = scale.level_of(person.theta)
    by_id = {item.info.exercise_id: item for item in items}
    every = [item.info for item in items]
    placing = [i for i in every if placement_ids is None or i.exercise_id in placement_ids]
    infos = [i for i in every if practice_ids is None or i.exercise_id in practice_ids]
    tracker = LearnerTracker(params=params, model_tier=person.recorded_tier)
    now = START
    history: list[AttemptEvidence] = []
    while tracker.placing:
        info = tracker.placement.next_item(placing, rng)
        if info is None:
            tracker.finish_placement(now)
            break
        now += timedelta(minutes=4)
        evidence = respond(by_id[info.exercise_id], person, rng, config, now, placement=True)
        history.append(evidence)
        tracker.observe(evidence)
    assert tracker.level is not None
    placed = tracker.level
    items_used = tracker.placement.items
    demotions = promotions = 0
    last_passed: WorldItem | None = None
    in_session = 0
    for k in range(config.practice):
        if in_session == 0 or in_session >= config.session_length:
            now += timedelta(days=1)
            in_session = 0
        in_session += 1
        now += timedelta(minutes=5)
        level = tracker.level
        r = rng.random()
        behaviour = person.behaviour
        if r < behaviour.farm_share:
            own = _own_item(k, params.n_levels)
            evidence = AttemptEvidence.for_item(
                own,
                at=now,
                output_score=1.0,
                model_tier=person.recorded_tier,
                private=True,
                judgment_correct=True,
                truth_wrong=False,
                said_wrong=False,
            )
        elif r < behaviour.farm_share + behaviour.repeat_share and last_passed is not None:
            evidence = respond(last_passed, person, rng, config, now, repeat=True)
        else:
            info = next_exercise(infos, level, history, rng, model_tier=person.recorded_tier)
            assert info is not None
            seen = any(a.exercise_id == info.exercise_id for a in history[-200:])
            evidence = respond(by_id[info.exercise_id], person, rng, config, now, repeat=seen)
            if passed(evidence, params):
                last_passed = by_id[info.exercise_id]
        history.append(evidence)
        for event in tracker.observe(evidence):
            if event.from_level is not None:
                if event.to_level > event.from_level:
                    promotions += 1
                else:
                    demotions += 1
    assert tracker.level is not None
    return PersonOutcome(true_level, placed, items_used, tracker.level, demotions, promotions)


@dataclass
class BehaviourReport:
    outcomes: list[PersonOutcome] = field(default_factory=list)
    twins: list[PersonOutcome] = field(default_factory=list)


def summarise(report: BehaviourReport) -> dict[str, Any]:
    rows = report.outcomes
    n = len(rows)
    errors = [abs(o.placed - o.true_level) for o in rows]
    gains = [o.final - o.true_level for o in rows]
    out: dict[str, Any] = {
        "learners": n,
        "exact": round(sum(e == 0 for e in errors) / n, 4),
        "within_one": round(sum(e <= 1 for e in errors) / n, 4),
        "mean_items": round(statistics.fmean(o.items for o in rows), 3),
        "median_items": statistics.median(o.items for o in rows),
        "two_level_errors": sum(e >= 2 for e in errors),
        "gain": round(statistics.fmean(gains), 3),
        "demotions_per_learner": round(statistics.fmean(o.demotions for o in rows), 3),
        "placed_high": sum(o.placed > o.true_level for o in rows),
        "placed_low": sum(o.placed < o.true_level for o in rows),
    }
    if report.twins:
        twin_gain = statistics.fmean(o.final - o.true_level for o in report.twins)
        out["twin_gain"] = round(twin_gain, 3)
        out["gain_over_twin"] = round(out["gain"] - twin_gain, 3)
    return out


def simulate_people(
    bank: Sequence[ItemInfo],
    config: PeopleConfig = PeopleConfig(),
    behaviours: Sequence[str] = tuple(BEHAVIOURS),
    progress: Callable[[str, int, int], None] | None = None,
    placement_bank: Sequence[ItemInfo] | None = None,
) -> dict[str, Any]:
    """Every behaviour on the same bank; JSON-ready, one entry per behaviour.

    `placement_bank`, when given, is what the placement draws on (the app's:
    review and fit with generated instances), and `bank` is for practice;
    otherwise `bank` serves both.
    """
    ids = practice = None
    merged = {item.exercise_id: item for item in bank}
    if placement_bank is not None:
        ids = frozenset(item.exercise_id for item in placement_bank)
        practice = frozenset(merged)
        merged.update({item.exercise_id: item for item in placement_bank})
    items = world(list(merged.values()), config.seed, config.params)
    result: dict[str, Any] = {}
    for name in behaviours:
        report = BehaviourReport()
        for index in range(config.learners):
            report.outcomes.append(run_person(index, name, config, items, False, ids, practice))
            if BEHAVIOURS[name].gaming or BEHAVIOURS[name].actor_mix:
                twin = run_person(index, name, config, items, True, ids, practice)
                report.twins.append(twin)
            if progress is not None:
                progress(name, index + 1, config.learners)
        result[name] = summarise(report)
    return result


def eligible_counts(
    bank: Sequence[ItemInfo], model_tier: str | None, params: EngineParams = DEFAULT_PARAMS
) -> dict[int, int]:
    """Placement-eligible items per level for a learner with this model tier."""
    from coach.engine.placement import Placement

    placement = Placement(params, model_tier=model_tier)
    counts = {level: 0 for level in range(1, params.n_levels + 1)}
    for item in bank:
        if placement.eligible(item):
            counts[item.level] = counts.get(item.level, 0) + 1
    return counts
