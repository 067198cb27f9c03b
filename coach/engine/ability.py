"""Rasch (1PL) ability on a logit grid: levels as cut points, posteriors, information.

The scale
    Level k (1..6) is centred at `spacing * (k - 3.5)` logits. With the
    default spacing of 2.0 the centres are -5, -3, -1, 1, 3, 5 and the cuts
    between levels sit at -4, -2, 0, 2, 4: a learner in the middle of a level
    passes about half of that level's exercises, 88 % of the level below and
    12 % of the level above. An exercise's difficulty is
    b = centre(level) + 0.5 * offset (its `difficulty` field, about -1..+1,
    so an offset never crosses a cut).

The evidence (see docs/engine.md for the full response model)
    Output: one Bernoulli draw per attempt. With `output_model = "binary"`
    (the default, chosen by simulation) the output passes (score >= 0.7) or
    fails, P(pass) = c + (1 - c) σ(θ - b); partial credit on a failing output
    is not a partial success. Fit exercises (multiple choice per step) keep
    their chance floor c = 1/3 of a step; the steps of one attempt share
    its luck (`fit_model = "luck"`: the share right is read as 8 steps at
    ability θ + e, e ~ N(0, 1) integrated out). The weights are 1 unless the
    model was below the exercise's need or of unknown strength (then a pass
    counts a quarter, a failure nothing).
    Judgment (is this output wrong?): a two-high-threshold signal-detection
    model. The reader detects the truth with d = (1 - lapse) σ(θ - b);
    otherwise they guess "wrong" with their own bias g. So a "wrong" call on a
    wrong output is worth little from someone who calls everything wrong, and
    the base rate of wrong outputs shown no longer rewards a one-answer
    strategy. g is unknown: the posterior is joint over (θ, g) on a small g
    grid and every summary marginalises g out. When the same attempt's output
    is counted too, the judgment (one reading of the same output) counts at
    `joint_judgment_weight`.
    Every signal is multiplied by the attempt's weight from the tracker: own
    (private) exercises and disclosed repeats weigh nothing.

Four posteriors are kept on the same 121-point grid (-7..7): `combined`
(every signal, used for the level), `producing` (output scores only),
`judging` (judgments only) and `practice` (combined less placement
attempts: a re-taken placement starts from it). When a new session starts
(more than 8 hours since the last attempt) each is widened by convolution
with a normal kernel (2 logit² by default) so that real learning can show.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from coach.engine.evidence import (
    MODEL_FREE_KINDS,
    AttemptEvidence,
    chance_floor,
    kind_signals,
    model_below_need,
    output_pass,
    output_weights,
)
from coach.engine.params import DEFAULT_PARAMS, EngineParams

_TINY = 1e-300


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# --- the scale ----------------------------------------------------------------


class Scale:
    """Level centres, cuts and item difficulties on the logit scale."""

    def __init__(self, params: EngineParams = DEFAULT_PARAMS) -> None:
        self.params = params
        self.n_levels = params.n_levels
        self.spacing = params.spacing
        mid = (params.n_levels + 1) / 2
        self.centres = [params.spacing * (k - mid) for k in range(1, params.n_levels + 1)]
        # cuts[i] separates level i+1 from level i+2.
        self.cuts = [
            (self.centres[i] + self.centres[i + 1]) / 2 for i in range(params.n_levels - 1)
        ]

    def centre(self, level: float) -> float:
        """The centre of a level; fractional levels interpolate linearly."""
        return self.spacing * (level - (self.n_levels + 1) / 2)

    def cut_above(self, level: int) -> float | None:
        return self.cuts[level - 1] if level < self.n_levels else None

    def cut_below(self, level: int) -> float | None:
        return self.cuts[level - 2] if level > 1 else None

    def difficulty(self, level: int, offset: float = 0.0) -> float:
        return self.centre(level) + self.params.offset_scale * offset

    def level_of(self, theta: float) -> int:
        """The level whose band holds theta (a value on a cut belongs to the upper level)."""
        return bisect_right(self.cuts, theta) + 1

    def band(self, level: int) -> tuple[float, float]:
        """The band of a level, with the outer levels as wide as the inner ones."""
        half = self.spacing / 2
        return self.centres[level - 1] - half, self.centres[level - 1] + half

    def clamp_level(self, level: int) -> int:
        return max(1, min(self.n_levels, level))


# --- the grid and likelihood tables ----------------------------------------


@lru_cache(maxsize=8)
def _grid(lo: float, hi: float, n: int) -> tuple[float, ...]:
    step = (hi - lo) / (n - 1)
    return tuple(lo + i * step for i in range(n))


GridKey = tuple[float, float, int]
Rows = tuple[tuple[float, ...], ...]


@lru_cache(maxsize=4096)
def _output_table(b: float, floor: float, lo: float, hi: float, n: int) -> Rows:
    """log P and log(1 - P) at each grid point, P = floor + (1 - floor) σ(θ - b)."""
    grid = _grid(lo, hi, n)
    log_p = []
    log_q = []
    for theta in grid:
        p = floor + (1.0 - floor) * sigmoid(theta - b)
        log_p.append(math.log(max(p, _TINY)))
        log_q.append(math.log(max(1.0 - p, _TINY)))
    return tuple(log_p), tuple(log_q)


@lru_cache(maxsize=8192)
def _mixture_table(b: float, log_lr: float, lo: float, hi: float, n: int) -> tuple[float, ...]:
    """log(σ(θ − b)·LR + 1 − σ(θ − b)): a good or bad output, seen through its score.

    The score of an output is evidence *about* whether it was good, with the
    likelihood ratio LR = P(score | good) / P(score | bad); the prompt made a
    good output with probability σ(θ − b).
    """
    grid = _grid(lo, hi, n)
    lr = math.exp(log_lr)
    return tuple(math.log(sigmoid(t - b) * lr + 1.0 - sigmoid(t - b)) for t in grid)


# 9-point Gauss–Hermite rule for a standard normal (nodes; weights summing to 1).
_GH_NODES = (
    -4.5127458634,
    -3.205429002856,
    -2.076847978678,
    -1.023255663789,
    0.0,
    1.023255663789,
    2.076847978678,
    3.205429002856,
    4.5127458634,
)
_GH_WEIGHTS = (
    2.234584401e-05,
    0.00278914132123,
    0.04991640676522,
    0.24409750289494,
    0.40634920634921,
    0.24409750289494,
    0.04991640676522,
    0.00278914132123,
    2.234584401e-05,
)


def _fit_log_lik(
    theta: float, b: float, right: float, steps: int, floor: float, sd: float
) -> float:
    """log ∫ p^right (1 − p)^(steps − right) φ(e) de, p = floor + (1 − floor) σ(θ − b + sd·e)."""
    terms = []
    for node, weight in zip(_GH_NODES, _GH_WEIGHTS, strict=True):
        p = floor + (1.0 - floor) * sigmoid(theta - b + sd * node)
        q = max(1.0 - p, _TINY)
        terms.append(math.log(weight) + right * math.log(p) + (steps - right) * math.log(q))
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms))


@lru_cache(maxsize=8192)
def _fit_luck_table(
    b: float, score: float, floor: float, steps: int, sd: float, lo: float, hi: float, n: int
) -> tuple[float, ...]:
    """The fit likelihood over the grid: `score` × `steps` steps right, one shared luck."""
    right = score * steps
    return tuple(_fit_log_lik(t, b, right, steps, floor, sd) for t in _grid(lo, hi, n))


@lru_cache(maxsize=65536)
def fit_luck_information(theta: float, b: float, floor: float, steps: int, sd: float) -> float:
    """Expected Fisher information of one fit attempt under the luck model (numerically:
    Σ_k P(k)′² / P(k) over the counts k of steps right)."""
    h = 0.05

    def probs(t: float) -> list[float]:
        return [
            math.comb(steps, k) * math.exp(_fit_log_lik(t, b, k, steps, floor, sd))
            for k in range(steps + 1)
        ]

    mid, up, down = probs(theta), probs(theta + h), probs(theta - h)
    return sum(
        ((u - d) / (2 * h)) ** 2 / max(m, _TINY) for m, u, d in zip(mid, up, down, strict=True)
    )


def score_log_lr(score: float, params: EngineParams = DEFAULT_PARAMS) -> float:
    """log P(score | good output) / P(score | bad output), linear in the score.

    At the pass mark the score says nothing either way; a perfect score is
    `mixture_slope` × 0.3 in favour of a good output (e^2.4 ≈ 11 by default),
    three of five checks (0.6) is mild evidence of a bad one, none is strong.
    """
    return round(params.mixture_slope * (score - params.mixture_centre), 4)


@lru_cache(maxsize=8192)
def _judgment_rows(
    b: float,
    outcome: str,
    lapse: float,
    biases: tuple[float, ...],
    lo: float,
    hi: float,
    n: int,
    confident: bool | None = None,
    sure_if_seen: float = 0.85,
    sure_if_guessed: float = 0.3,
) -> Rows:
    """log P(response) per bias row g and grid point θ.

    `outcome` is "hit" (a wrong output called wrong), "miss", "cr" (a sound
    output called acceptable), "fa" (a sound output called wrong), or
    "right" / "wrong" when only correctness is known (read with g = 1/2).
    """
    grid = _grid(lo, hi, n)
    rows = []
    for g in biases:
        row = []
        for theta in grid:
            d = (1.0 - lapse) * sigmoid(theta - b)
            seen, guessed = 1.0, 1.0
            if confident is not None:
                # Stated confidence: sure when the reader saw through, less often when guessing.
                seen = sure_if_seen if confident else 1.0 - sure_if_seen
                guessed = sure_if_guessed if confident else 1.0 - sure_if_guessed
            if outcome == "hit":
                p = d * seen + (1.0 - d) * g * guessed
            elif outcome == "miss":
                p = (1.0 - d) * (1.0 - g) * guessed
            elif outcome == "cr":
                p = d * seen + (1.0 - d) * (1.0 - g) * guessed
            elif outcome == "fa":
                p = (1.0 - d) * g * guessed
            elif outcome == "right":
                p = d + (1.0 - d) * 0.5
            else:
                p = (1.0 - d) * 0.5
            row.append(math.log(max(p, _TINY)))
        rows.append(tuple(row))
    return tuple(rows)


@lru_cache(maxsize=64)
def _kernel(var: float, step: float) -> tuple[float, ...]:
    half_width = max(1, math.ceil(4 * math.sqrt(var) / step))
    weights = [math.exp(-((j * step) ** 2) / (2 * var)) for j in range(-half_width, half_width + 1)]
    total = sum(weights)
    return tuple(w / total for w in weights)


def _convolve(probs: Sequence[float], kernel: Sequence[float]) -> list[float]:
    """`probs` convolved with a symmetric `kernel` (mass pushed off the grid is lost).

    Only the span of `probs` holding any mass (>= 1e-15) is spread.
    """
    n = len(probs)
    live = [i for i, p in enumerate(probs) if p >= 1e-15]
    if not live:
        return [0.0] * n
    first, last = live[0], live[-1]
    span = [p if p >= 1e-15 else 0.0 for p in probs[first : last + 1]]
    half = len(kernel) // 2
    # out_full[m] is the mass landing on grid index first - half + m.
    out_full = [0.0] * (len(span) + 2 * half)
    for k, weight in enumerate(kernel):
        out_full[k : k + len(span)] = [
            o + weight * p for o, p in zip(out_full[k : k + len(span)], span, strict=True)
        ]
    out = [0.0] * n
    start = first - half
    for m, value in enumerate(out_full):
        j = start + m
        if 0 <= j < n:
            out[j] = value
    return out


def judgment_outcome(evidence: AttemptEvidence) -> str | None:
    """The signal-detection outcome of an attempt's judgment, or None if not judged."""
    if evidence.said_wrong is not None and evidence.truth_wrong is not None:
        if evidence.truth_wrong:
            return "hit" if evidence.said_wrong else "miss"
        return "fa" if evidence.said_wrong else "cr"
    if evidence.judgment_correct is None:
        return None
    return "right" if evidence.judgment_correct else "wrong"


# --- posteriors -------------------------------------------------------------


class Posterior:
    """A distribution of ability θ on the grid, jointly with a bias row g.

    `rows[g][i]` is the log weight of (g, θ_i). A posterior with one row has
    no bias dimension (producing). Summaries are over θ, with g marginalised.
    """

    __slots__ = ("_probs", "key", "points", "rows")

    def __init__(self, params: EngineParams, rows: list[list[float]]) -> None:
        self.key: GridKey = (params.grid_min, params.grid_max, params.grid_points)
        self.points = _grid(*self.key)
        self.rows = rows
        self._probs: list[float] | None = None

    @classmethod
    def normal(
        cls, params: EngineParams, mean: float, sd: float, *, with_bias: bool = True
    ) -> Posterior:
        points = _grid(params.grid_min, params.grid_max, params.grid_points)
        base = [-((x - mean) ** 2) / (2 * sd * sd) for x in points]
        if not with_bias:
            return cls(params, [base])
        total = sum(params.bias_prior)
        return cls(params, [[math.log(w / total) + a for a in base] for w in params.bias_prior])

    def copy(self) -> Posterior:
        clone = Posterior.__new__(Posterior)
        clone.key = self.key
        clone.points = self.points
        clone.rows = [list(row) for row in self.rows]
        clone._probs = self._probs
        return clone

    @property
    def logp(self) -> list[float]:
        """Log of the θ marginal (normalised)."""
        return [math.log(max(p, _TINY)) for p in self.probs()]

    # updates

    def add(self, table: Sequence[float], weight: float = 1.0) -> None:
        """Add `weight` × a log-likelihood over θ (the same for every bias row)."""
        if weight == 0.0:
            return
        self.rows = [[a + weight * x for a, x in zip(row, table, strict=True)] for row in self.rows]
        self._probs = None

    def add_output(
        self,
        b: float,
        score: float,
        w_success: float = 1.0,
        w_failure: float = 1.0,
        floor: float = 0.0,
    ) -> None:
        cs = w_success * score
        cf = w_failure * (1.0 - score)
        if cs == 0.0 and cf == 0.0:
            return
        log_p, log_q = _output_table(b, floor, *self.key)
        self.rows = [
            [a + cs * x + cf * y for a, x, y in zip(row, log_p, log_q, strict=True)]
            for row in self.rows
        ]
        self._probs = None

    def add_judgment(
        self,
        b: float,
        outcome: str,
        params: EngineParams,
        weight: float = 1.0,
        confidence: float | None = None,
    ) -> None:
        if weight == 0.0:
            return
        biases = params.bias_grid if len(self.rows) > 1 else (0.5,)
        confident = None
        if params.use_confidence and confidence is not None:
            confident = confidence >= params.confident_at
        tables = _judgment_rows(
            b,
            outcome,
            params.judge_lapse,
            biases,
            *self.key,
            confident,
            params.sure_if_seen,
            params.sure_if_guessed,
        )
        self.rows = [
            [a + weight * x for a, x in zip(row, table, strict=True)]
            for row, table in zip(self.rows, tables, strict=True)
        ]
        self._probs = None

    def widen(self, var: float) -> None:
        """Add `var` logit² of spread in θ: convolve each bias row with a normal kernel."""
        if var <= 0:
            return
        top = max(max(row) for row in self.rows)
        step = self.points[1] - self.points[0]
        kernel = _kernel(var, step)
        new_rows = []
        for row in self.rows:
            out = _convolve([math.exp(a - top) for a in row], kernel)
            new_rows.append([math.log(max(v, _TINY)) for v in out])
        self.rows = new_rows
        self._probs = None

    # summaries

    def probs(self) -> list[float]:
        if self._probs is None:
            top = max(max(row) for row in self.rows)
            weights = [math.exp(a - top) for a in self.rows[0]]
            for row in self.rows[1:]:
                weights = [w + math.exp(a - top) for w, a in zip(weights, row, strict=True)]
            total = sum(weights)
            self._probs = [w / total for w in weights]
        return self._probs

    def bias_probs(self) -> list[float]:
        """The marginal over the bias rows."""
        top = max(max(row) for row in self.rows)
        sums = [math.fsum(math.exp(a - top) for a in row) for row in self.rows]
        total = sum(sums)
        return [v / total for v in sums]

    def mean(self) -> float:
        return math.fsum(p * x for p, x in zip(self.probs(), self.points, strict=True))

    def sd(self) -> float:
        mu = self.mean()
        var = math.fsum(p * (x - mu) ** 2 for p, x in zip(self.probs(), self.points, strict=True))
        return math.sqrt(max(var, 0.0))

    def mass_at_or_above(self, cut: float) -> float:
        i = _first_at_or_above(self.points, cut)
        return math.fsum(self.probs()[i:])

    def mass_below(self, cut: float) -> float:
        i = _first_at_or_above(self.points, cut)
        return math.fsum(self.probs()[:i])

    def level_probabilities(self, scale: Scale) -> list[float]:
        probs = self.probs()
        edges = [0, *(_first_at_or_above(self.points, c) for c in scale.cuts), len(probs)]
        return [math.fsum(probs[edges[k] : edges[k + 1]]) for k in range(scale.n_levels)]


def _first_at_or_above(points: Sequence[float], cut: float) -> int:
    # A grid point within 1e-9 of a cut counts as on the cut (upper level).
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if points[mid] < cut - 1e-9:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- information -------------------------------------------------------------


def output_information(theta: float, b: float, floor: float = 0.0) -> float:
    s = sigmoid(theta - b)
    p = floor + (1.0 - floor) * s
    dp = (1.0 - floor) * s * (1.0 - s)
    return dp * dp / max(p * (1.0 - p), _TINY)


def judgment_information(theta: float, b: float) -> float:
    s = sigmoid(theta - b)
    p = 0.5 + 0.5 * s
    dp = 0.5 * s * (1.0 - s)
    return dp * dp / max(p * (1.0 - p), _TINY)


def item_information(
    theta: float,
    b: float,
    kind: str,
    needs_model: str = "capable",
    model_tier: str | None = None,
    params: EngineParams = DEFAULT_PARAMS,
) -> float:
    """Expected Fisher information of one attempt at ability theta."""
    has_output, has_judgment = kind_signals(kind)
    info = 0.0
    if has_output:
        weak = kind not in MODEL_FREE_KINDS and model_below_need(model_tier, needs_model)
        weight = params.weak_success_weight if weak else 1.0
        floor = chance_floor(kind, params)
        if floor > 0.0 and params.fit_model == "luck":
            # Rounded: the placement asks at every step for every item (cached).
            at = round(theta, 2)
            info += weight * fit_luck_information(
                at, round(b, 4), floor, params.fit_steps, params.fit_luck_sd
            )
            has_output = False
        elif floor > 0.0:
            weight *= params.fit_steps_weight
        if has_output:
            info += weight * output_information(theta, b, floor)
    if has_judgment:
        joint = params.joint_judgment_weight if has_output else 1.0
        info += joint * judgment_information(theta, b)
    return info


# --- the learner's ability ----------------------------------------------------


class AbilityState:
    """Combined, producing, judging and practice posteriors, updated attempt by attempt."""

    def __init__(
        self,
        params: EngineParams = DEFAULT_PARAMS,
        prior_mean: float | None = None,
        prior_sd: float | None = None,
    ) -> None:
        self.params = params
        self.scale = Scale(params)
        mean = params.prior_mean if prior_mean is None else prior_mean
        sd = params.prior_sd if prior_sd is None else prior_sd
        self.combined = Posterior.normal(params, mean, sd)
        self.producing = Posterior.normal(params, mean, sd, with_bias=False)
        self.judging = self.combined.copy()
        self.practice = self.combined.copy()
        self.n_output = 0
        self.n_judgment = 0
        self.sessions = 0
        self.last_at: datetime | None = None

    def copy(self) -> AbilityState:
        clone = AbilityState.__new__(AbilityState)
        clone.__dict__.update(self.__dict__)
        clone.combined = self.combined.copy()
        clone.producing = self.producing.copy()
        clone.judging = self.judging.copy()
        clone.practice = self.practice.copy()
        return clone

    def posteriors(self) -> tuple[Posterior, Posterior, Posterior, Posterior]:
        return self.combined, self.producing, self.judging, self.practice

    def new_session(self) -> None:
        self.sessions += 1
        for posterior in self.posteriors():
            posterior.widen(self.params.session_widen_var)

    def restart_from_practice(self) -> None:
        """A re-taken placement: forget the earlier placement's evidence."""
        self.combined = self.practice.copy()

    def observe(self, evidence: AttemptEvidence, weight: float | None = None) -> None:
        """Take one attempt's signals at `weight` (default: the private-exercise share)."""
        params = self.params
        gap = timedelta(hours=params.session_gap_hours)
        if self.last_at is not None and evidence.at - self.last_at > gap:
            self.new_session()
        if self.last_at is None or evidence.at > self.last_at:
            self.last_at = evidence.at
        if weight is None:
            weight = params.private_weight if evidence.private else 1.0
        if weight <= 0.0:
            return
        b = self.scale.difficulty(evidence.level, evidence.difficulty)
        targets = (self.combined,) if evidence.placement else (self.combined, self.practice)
        output_counted = False
        if evidence.output_score is not None:
            w_s, w_f = output_weights(evidence, params)
            w_s, w_f = weight * w_s, weight * w_f
            score = evidence.output_score
            floor = chance_floor(evidence.kind, params)
            if floor > 0.0 and params.fit_model == "luck" and w_s == w_f and w_s > 0:
                table = _fit_luck_table(
                    b, score, floor, params.fit_steps, params.fit_luck_sd, *self.combined.key
                )
                for posterior in (*targets, self.producing):
                    posterior.add(table, w_s)
                self.n_output += 1
                output_counted = True
                score = -1.0  # taken
            elif floor > 0.0:
                w_s, w_f = w_s * params.fit_steps_weight, w_f * params.fit_steps_weight
            elif params.output_model == "binary":
                score = 1.0 if output_pass(score, evidence.output_verdict, params) else 0.0
            elif params.output_model == "mixture" and w_s == w_f and w_s > 0:
                log_lr = score_log_lr(score, params)
                # The grade's verdict (a must-pass check, the bar) sets the direction.
                if evidence.output_verdict == "fail":
                    log_lr = min(log_lr, 0.0)
                elif evidence.output_verdict == "pass":
                    log_lr = max(log_lr, 0.0)
                table = _mixture_table(b, log_lr, *self.combined.key)
                for posterior in (*targets, self.producing):
                    posterior.add(table, w_s)
                self.n_output += 1
                output_counted = True
                score = -1.0  # taken
            elif params.output_model == "mixture":
                # A weak model: a pass counts a little, a failure nothing (as binary).
                score = 1.0 if output_pass(score, evidence.output_verdict, params) else 0.0
            if score >= 0.0 and (w_s * score > 0 or w_f * (1 - score) > 0):
                for posterior in (*targets, self.producing):
                    posterior.add_output(b, score, w_s, w_f, floor)
                self.n_output += 1
                output_counted = True
        outcome = judgment_outcome(evidence)
        if outcome is not None:
            w_j = weight * (params.joint_judgment_weight if output_counted else 1.0)
            for posterior in (*targets, self.judging):
                posterior.add_judgment(b, outcome, params, w_j, evidence.confidence)
            self.n_judgment += 1

    # summaries

    def theta(self) -> float:
        return self.combined.mean()

    def level_probabilities(self) -> list[float]:
        return self.combined.level_probabilities(self.scale)

    def p_above(self, level: int) -> float:
        """P(θ is above the cut at the top of `level`); 0 for the top level."""
        cut = self.scale.cut_above(level)
        return 0.0 if cut is None else self.combined.mass_at_or_above(cut)

    def p_below(self, level: int) -> float:
        """P(θ is below the cut at the bottom of `level`); 0 for level 1."""
        cut = self.scale.cut_below(level)
        return 0.0 if cut is None else self.combined.mass_below(cut)

    def bias(self) -> float:
        """Posterior mean of the guessing bias g (the chance of "wrong" when unsure)."""
        probs = self.judging.bias_probs()
        return math.fsum(p * g for p, g in zip(probs, self.params.bias_grid, strict=True))

    def abilities_differ(self, min_each: int = 8) -> bool:
        """Whether producing and judging differ by more than two standard errors."""
        if self.n_output < min_each or self.n_judgment < min_each:
            return False
        diff = abs(self.producing.mean() - self.judging.mean())
        return diff > 2 * math.hypot(self.producing.sd(), self.judging.sd())

    def summary(self) -> dict[str, object]:
        """JSON-ready estimates: θ and its sd, per ability, with their levels."""

        def one(posterior: Posterior, n: int) -> dict[str, object]:
            theta = posterior.mean()
            return {
                "theta": round(theta, 3),
                "sd": round(posterior.sd(), 3),
                "level": self.scale.level_of(theta),
                "n": n,
            }

        return {
            "combined": one(self.combined, self.n_output + self.n_judgment),
            "producing": one(self.producing, self.n_output),
            "judging": one(self.judging, self.n_judgment),
            "judging_bias": round(self.bias(), 3),
            "abilities_differ": self.abilities_differ(),
        }
