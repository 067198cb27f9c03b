"""Item calibration from real attempts: Rasch difficulties with standard errors.

`calibrate` takes scored first attempts (who, which exercise, right or not)
and estimates each exercise's difficulty by joint maximum likelihood (JML)
under the Rasch model, with the usual (n − 1)/n correction of JML's
spread, standard errors from the test information, infit and outfit
mean-squares (flagged outside 0.7–1.3), and a 2PL discrimination (a
logistic regression on the learners' estimates) where an item has enough
attempts. Exercises that everyone passes or everyone fails have no finite
Rasch difficulty: they are flagged and not estimated.

The estimates are put on the engine's scale by mean–mean linking: the
calibrated difficulties of the estimated exercises have the same mean as
their authored ones (b = centre(level) + 0.5 × difficulty). A
`CalibrationFile` keeps them; `Calibration.apply` gives the engine an
exercise's calibrated difficulty *offset* where the standard error is at most
`max_se`, and the authored one otherwise. The runtime applies it when it
builds the bank and when it records an attempt, so the calibrated value is
part of the attempt's snapshot and replays stay exact.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from coach.engine.ability import Scale, sigmoid
from coach.engine.evidence import AttemptEvidence, ItemInfo, below_need, passed
from coach.engine.params import DEFAULT_PARAMS, EngineParams

FIT_LOW = 0.7
FIT_HIGH = 1.3
MIN_FOR_DISCRIMINATION = 100


class Response(BaseModel):
    """One scored first attempt."""

    model_config = ConfigDict(frozen=True)

    learner: str
    exercise_id: str
    level: int
    difficulty: float  # the authored offset
    correct: bool


class ItemCalibration(BaseModel):
    exercise_id: str
    level: int
    n: int
    p_correct: float
    authored_b: float
    b: float | None  # on the engine's scale; None when all pass or all fail
    se: float | None
    infit: float | None
    outfit: float | None
    discrimination: float | None = None
    discrimination_se: float | None = None
    flags: list[str] = Field(default_factory=list)


class CalibrationReport(BaseModel):
    learners: int
    responses: int
    items: list[ItemCalibration]
    iterations: int
    converged: bool


class CalibratedItem(BaseModel):
    b: float
    se: float
    n: int
    level: int


class CalibrationFile(BaseModel):
    """What `coach calibrate` writes and the runtime reads."""

    version: int = 1
    created_at: datetime
    max_se: float = 0.5
    items: dict[str, CalibratedItem] = Field(default_factory=dict)


class Calibration:
    """Calibrated difficulties for the engine, where they are precise enough."""

    def __init__(self, data: CalibrationFile, params: EngineParams = DEFAULT_PARAMS) -> None:
        self.data = data
        self.scale = Scale(params)
        self.params = params

    def digest(self) -> str:
        """A short hash of what the engine would use (part of the engine version)."""
        used = {
            k: (v.b, v.level)
            for k, v in sorted(self.data.items.items())
            if v.se <= self.data.max_se
        }
        return hashlib.sha256(repr(sorted(used.items())).encode()).hexdigest()[:12]

    def offset(self, exercise_id: str, level: int, authored: float) -> float:
        """The difficulty offset to use: calibrated if its SE is small, else authored."""
        item = self.data.items.get(exercise_id)
        if item is None or item.se > self.data.max_se or item.level != level:
            return authored
        return round((item.b - self.scale.centre(level)) / self.params.offset_scale, 4)

    def apply(self, item: ItemInfo) -> ItemInfo:
        offset = self.offset(item.exercise_id, item.level, item.difficulty)
        return item if offset == item.difficulty else item.model_copy(update={"difficulty": offset})

    def apply_evidence(self, evidence: AttemptEvidence) -> AttemptEvidence:
        offset = self.offset(evidence.exercise_id, evidence.level, evidence.difficulty)
        if offset == evidence.difficulty:
            return evidence
        return evidence.model_copy(update={"difficulty": offset})


def responses_from_history(
    learner: str, history: Iterable[AttemptEvidence], params: EngineParams = DEFAULT_PARAMS
) -> list[Response]:
    """A learner's scored first attempts: no repeats, no own exercises, no weak-model failures."""
    seen: set[str] = set()
    out = []
    for evidence in history:
        if evidence.private or evidence.exercise_id in seen:
            continue
        seen.add(evidence.exercise_id)
        ok = passed(evidence, params)
        if ok is None or (not ok and below_need(evidence)):
            continue
        out.append(
            Response(
                learner=learner,
                exercise_id=evidence.exercise_id,
                level=evidence.level,
                difficulty=evidence.difficulty,
                correct=ok,
            )
        )
    return out


def _newton_theta(theta: float, xs: Sequence[tuple[float, int]]) -> float:
    """One Newton step for a person's θ given (b, x) pairs."""
    grad = 0.0
    info = 0.0
    for b, x in xs:
        p = sigmoid(theta - b)
        grad += x - p
        info += p * (1 - p)
    if info <= 1e-9:
        return theta
    step = max(-1.0, min(1.0, grad / info))
    return max(-8.0, min(8.0, theta + step))


def calibrate(
    responses: Sequence[Response],
    *,
    min_attempts: int = 20,
    params: EngineParams = DEFAULT_PARAMS,
    max_iterations: int = 200,
    tolerance: float = 1e-4,
) -> CalibrationReport:
    """Rasch difficulties (JML) of every exercise with at least `min_attempts` responses."""
    scale = Scale(params)
    by_item: dict[str, list[Response]] = defaultdict(list)
    for r in responses:
        by_item[r.exercise_id].append(r)
    items = {k: v for k, v in by_item.items() if len(v) >= min_attempts}
    meta = {k: (v[0].level, v[0].difficulty) for k, v in items.items()}
    authored = {k: scale.difficulty(level, off) for k, (level, off) in meta.items()}
    flags: dict[str, list[str]] = defaultdict(list)
    estimable = set()
    for k, rs in items.items():
        right = sum(r.correct for r in rs)
        if right == len(rs):
            flags[k].append("all_pass")
        elif right == 0:
            flags[k].append("all_fail")
        else:
            estimable.add(k)
    kept = [r for r in responses if r.exercise_id in estimable]
    by_person: dict[str, list[Response]] = defaultdict(list)
    for r in kept:
        by_person[r.learner].append(r)
    # Persons with all right or all wrong carry no information about differences.
    persons = {p: rs for p, rs in by_person.items() if 0 < sum(r.correct for r in rs) < len(rs)}
    b = {k: 0.0 for k in estimable}
    theta = {p: 0.0 for p in persons}
    converged = False
    iterations = 0
    for iteration in range(1, max_iterations + 1):
        iterations = iteration
        for p, rs in persons.items():
            theta[p] = _newton_theta(theta[p], [(b[r.exercise_id], int(r.correct)) for r in rs])
        biggest = 0.0
        for k in estimable:
            grad = 0.0
            info = 0.0
            for r in items[k]:
                if r.learner not in persons:
                    continue
                pr = sigmoid(theta[r.learner] - b[k])
                grad += pr - int(r.correct)
                info += pr * (1 - pr)
            if info > 1e-9:
                step = max(-1.0, min(1.0, grad / info))
                b[k] = max(-10.0, min(10.0, b[k] + step))
                biggest = max(biggest, abs(step))
        mean_b = statistics.fmean(b.values()) if b else 0.0
        for k in b:
            b[k] -= mean_b
        for p in theta:
            theta[p] -= mean_b
        if biggest < tolerance:
            converged = True
            break
    n_items = max(1, len(estimable))
    correction = (n_items - 1) / n_items if n_items > 1 else 1.0
    # Link to the engine's scale: same mean as the authored difficulties.
    shift = statistics.fmean(authored[k] for k in estimable) if estimable else 0.0
    out = []
    for k in sorted(items):
        rs = items[k]
        level = meta[k][0]
        right = sum(r.correct for r in rs)
        row = ItemCalibration(
            exercise_id=k,
            level=level,
            n=len(rs),
            p_correct=round(right / len(rs), 4),
            authored_b=round(authored[k], 4),
            b=None,
            se=None,
            infit=None,
            outfit=None,
            flags=list(flags[k]),
        )
        if k in estimable:
            info = 0.0
            sq = 0.0
            z2 = 0.0
            count = 0
            pairs = []
            for r in rs:
                if r.learner not in persons:
                    continue
                pr = sigmoid(theta[r.learner] - b[k])
                var = pr * (1 - pr)
                info += var
                sq += (int(r.correct) - pr) ** 2
                z2 += (int(r.correct) - pr) ** 2 / max(var, 1e-9)
                count += 1
                pairs.append((theta[r.learner], int(r.correct)))
            se = 1 / math.sqrt(info) if info > 0 else None
            infit = sq / info if info > 0 else None
            outfit = z2 / count if count else None
            row.b = round(b[k] * correction + shift, 4)
            row.se = None if se is None else round(se, 4)
            row.infit = None if infit is None else round(infit, 3)
            row.outfit = None if outfit is None else round(outfit, 3)
            if infit is not None and not FIT_LOW <= infit <= FIT_HIGH:
                row.flags.append("infit")
            if outfit is not None and not FIT_LOW <= outfit <= FIT_HIGH:
                row.flags.append("outfit")
            if len(pairs) >= MIN_FOR_DISCRIMINATION:
                a, a_se = _discrimination(pairs, b[k])
                row.discrimination = None if a is None else round(a, 3)
                row.discrimination_se = None if a_se is None else round(a_se, 3)
        out.append(row)
    return CalibrationReport(
        learners=len(persons),
        responses=len(kept),
        items=out,
        iterations=iterations,
        converged=converged,
    )


def _discrimination(
    pairs: Sequence[tuple[float, int]], b: float
) -> tuple[float | None, float | None]:
    """2PL slope a of P = σ(a (θ − b)) by Newton, with its standard error."""
    a = 1.0
    info = 0.0
    for _ in range(30):
        grad = 0.0
        info = 0.0
        for theta, x in pairs:
            d = theta - b
            p = sigmoid(a * d)
            grad += (x - p) * d
            info += p * (1 - p) * d * d
        if info <= 1e-9:
            return None, None
        step = grad / info
        a = max(0.05, min(5.0, a + step))
        if abs(step) < 1e-6:
            break
    return a, 1 / math.sqrt(info)


def calibration_file(
    report: CalibrationReport, created_at: datetime, max_se: float = 0.5
) -> CalibrationFile:
    """The file for the engine: every estimated exercise (used where SE ≤ max_se)."""
    return CalibrationFile(
        created_at=created_at,
        max_se=max_se,
        items={
            item.exercise_id: CalibratedItem(b=item.b, se=item.se, n=item.n, level=item.level)
            for item in report.items
            if item.b is not None and item.se is not None
        },
    )
