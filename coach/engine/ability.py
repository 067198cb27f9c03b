"""Rasch (1PL) ability on a logit grid: levels as cut points, posteriors, information.

The scale
    Level k (1..6) is centred at `spacing * (k - 3.5)` logits. With the
    default spacing of 2.0 the centres are -5, -3, -1, 1, 3, 5 and the cuts
    between levels sit at -4, -2, 0, 2, 4: a learner in the middle of a level
    passes about half of that level's exercises, 88 % of the level below and
    12 % of the level above. An exercise's difficulty is
    b = centre(level) + 0.5 * offset (its `difficulty` field, about -1..+1,
    so an offset never crosses a cut).

The evidence
    Output score s in [0, 1] is a fractional Bernoulli observation:
    log L = w_s * s * log P + w_f * (1 - s) * log(1 - P), P = σ(θ - b); the
    weights are 1 unless the model was below the exercise's need (then a
    passing output counts a quarter and a failing one not at all).
    A judgment (is this output wrong?) has a chance floor of one half:
    P(correct) = 0.5 + 0.5 * σ(θ - b). (A wrong call weighs like a failed
    output; a right call, which may be a lucky guess, says less than a pass.)
    An attempt on the learner's own (private) exercise multiplies both the
    output and the judgment weights by `private_weight` (one half): its checks
    were written by the learner, so they are easier to game.

Three posteriors are kept on the same 121-point grid (-7..7): `combined`
(every signal, used for the level), `producing` (output scores only) and
`judging` (judgments only). When a new session starts (more than 8 hours
since the last attempt) each is widened by convolution with a normal kernel
(2 logit² by default) so that real learning can show.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from coach.engine.evidence import AttemptEvidence, kind_signals, model_below_need, output_weights
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


@lru_cache(maxsize=4096)
def _output_table(b: float, lo: float, hi: float, n: int) -> tuple[tuple[float, ...], ...]:
    """log P and log(1 - P) at each grid point, P = σ(θ - b)."""
    grid = _grid(lo, hi, n)
    log_p = []
    log_q = []
    for theta in grid:
        p = sigmoid(theta - b)
        log_p.append(math.log(max(p, _TINY)))
        log_q.append(math.log(max(1.0 - p, _TINY)))
    return tuple(log_p), tuple(log_q)


@lru_cache(maxsize=4096)
def _judgment_table(b: float, lo: float, hi: float, n: int) -> tuple[tuple[float, ...], ...]:
    """log P and log(1 - P) at each grid point, P = 0.5 + 0.5 σ(θ - b)."""
    grid = _grid(lo, hi, n)
    log_p = []
    log_q = []
    for theta in grid:
        s = sigmoid(theta - b)
        log_p.append(math.log(0.5 + 0.5 * s))
        log_q.append(math.log(max(0.5 - 0.5 * s, _TINY)))
    return tuple(log_p), tuple(log_q)


@lru_cache(maxsize=64)
def _kernel(var: float, step: float) -> tuple[float, ...]:
    half_width = max(1, math.ceil(4 * math.sqrt(var) / step))
    weights = [math.exp(-((j * step) ** 2) / (2 * var)) for j in range(-half_width, half_width + 1)]
    total = sum(weights)
    return tuple(w / total for w in weights)


# --- posteriors -------------------------------------------------------------


class Posterior:
    """A distribution of ability on the grid, kept as log weights."""

    __slots__ = ("_probs", "key", "logp", "points")

    def __init__(self, params: EngineParams, logp: list[float]) -> None:
        self.key = (params.grid_min, params.grid_max, params.grid_points)
        self.points = _grid(*self.key)
        self.logp = logp
        self._probs: list[float] | None = None

    @classmethod
    def normal(cls, params: EngineParams, mean: float, sd: float) -> Posterior:
        points = _grid(params.grid_min, params.grid_max, params.grid_points)
        return cls(params, [-((x - mean) ** 2) / (2 * sd * sd) for x in points])

    def copy(self) -> Posterior:
        clone = Posterior.__new__(Posterior)
        clone.key = self.key
        clone.points = self.points
        clone.logp = list(self.logp)
        clone._probs = self._probs
        return clone

    # updates

    def add_output(self, b: float, score: float, w_success: float = 1.0, w_failure: float = 1.0):
        cs = w_success * score
        cf = w_failure * (1.0 - score)
        if cs == 0.0 and cf == 0.0:
            return
        log_p, log_q = _output_table(b, *self.key)
        self.logp = [a + cs * x + cf * y for a, x, y in zip(self.logp, log_p, log_q, strict=True)]
        self._probs = None

    def add_judgment(self, b: float, correct: bool, weight: float = 1.0) -> None:
        log_p, log_q = _judgment_table(b, *self.key)
        table = log_p if correct else log_q
        self.logp = [a + weight * x for a, x in zip(self.logp, table, strict=True)]
        self._probs = None

    def widen(self, var: float) -> None:
        """Add `var` logit² of spread: convolve with a normal kernel (mass off the grid is lost)."""
        if var <= 0:
            return
        probs = self.probs()
        step = self.points[1] - self.points[0]
        kernel = _kernel(var, step)
        half = len(kernel) // 2
        n = len(probs)
        out = [0.0] * n
        for i, p in enumerate(probs):
            if p < 1e-15:
                continue
            lo = max(0, i - half)
            hi = min(n, i + half + 1)
            k0 = lo - (i - half)
            for j in range(lo, hi):
                out[j] += p * kernel[k0 + j - lo]
        self.logp = [math.log(max(v, _TINY)) for v in out]
        self._probs = None

    # summaries

    def probs(self) -> list[float]:
        if self._probs is None:
            top = max(self.logp)
            weights = [math.exp(a - top) for a in self.logp]
            total = sum(weights)
            self._probs = [w / total for w in weights]
        return self._probs

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


def output_information(theta: float, b: float) -> float:
    p = sigmoid(theta - b)
    return p * (1.0 - p)


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
        weight = params.weak_success_weight if model_below_need(model_tier, needs_model) else 1.0
        info += weight * output_information(theta, b)
    if has_judgment:
        info += judgment_information(theta, b)
    return info


# --- the learner's ability ----------------------------------------------------


class AbilityState:
    """Combined, producing and judging posteriors, updated attempt by attempt."""

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
        self.producing = self.combined.copy()
        self.judging = self.combined.copy()
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
        return clone

    def posteriors(self) -> tuple[Posterior, Posterior, Posterior]:
        return self.combined, self.producing, self.judging

    def new_session(self) -> None:
        self.sessions += 1
        for posterior in self.posteriors():
            posterior.widen(self.params.session_widen_var)

    def observe(self, evidence: AttemptEvidence) -> None:
        params = self.params
        gap = timedelta(hours=params.session_gap_hours)
        if self.last_at is not None and evidence.at - self.last_at > gap:
            self.new_session()
        if self.last_at is None or evidence.at > self.last_at:
            self.last_at = evidence.at
        b = self.scale.difficulty(evidence.level, evidence.difficulty)
        share = params.private_weight if evidence.private else 1.0
        if evidence.output_score is not None:
            w_s, w_f = output_weights(evidence, params)
            w_s, w_f = share * w_s, share * w_f
            if w_s * evidence.output_score > 0 or w_f * (1 - evidence.output_score) > 0:
                self.combined.add_output(b, evidence.output_score, w_s, w_f)
                self.producing.add_output(b, evidence.output_score, w_s, w_f)
                self.n_output += 1
        if evidence.judgment_correct is not None:
            self.combined.add_judgment(b, evidence.judgment_correct, share)
            self.judging.add_judgment(b, evidence.judgment_correct, share)
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
            "abilities_differ": self.abilities_differ(),
        }
