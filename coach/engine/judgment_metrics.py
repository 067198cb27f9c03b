"""Signal-detection and calibration metrics of a learner's judgments.

"Wrong" is the signal: a hit is calling a wrong output wrong, a false alarm is
calling a sound output wrong.

- hit rate H = hits / signal trials, false-alarm rate F = false alarms / noise
  trials (None without trials);
- d′ = z(H′) − z(F′) and bias c = −(z(H′) + z(F′)) / 2 with the log-linear
  correction H′ = (hits + 0.5) / (signal + 1), F′ = (fa + 0.5) / (noise + 1),
  so they are finite even with no misses or no false alarms; c > 0 means the
  learner says "acceptable" too easily, c < 0 that they cry wolf;
- Brier score of the stated confidence (in the verdict, 0.5..1) against being
  right, and Murphy's decomposition over confidence bins: Brier ≈ reliability
  − resolution + uncertainty (exact when each bin holds one confidence value).
  Reliability is the calibration part: 0 when, in each bin, the share right
  equals the confidence stated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict

from coach.engine.evidence import AttemptEvidence

_Z = NormalDist()


class JudgmentRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    truth_wrong: bool
    said_wrong: bool
    confidence: float | None = None  # in the verdict given, 0.5..1 (values > 1 read as %)


class JudgmentMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    signal: int  # outputs that were wrong
    noise: int  # outputs that were sound
    hits: int
    misses: int
    false_alarms: int
    correct_rejections: int
    hit_rate: float | None
    false_alarm_rate: float | None
    d_prime: float
    bias_c: float
    n_confidence: int  # records with a confidence, behind the Brier figures
    brier: float | None
    reliability: float | None
    resolution: float | None
    uncertainty: float | None


def _confidence(value: float) -> float:
    return value / 100.0 if value > 1.0 else value


class JudgmentTally:
    """Judgments added one at a time (a single pass, cheap for bulk readers such
    as the export), with the metrics and the confidence bins they add up to."""

    def __init__(self, bins: int = 5) -> None:
        self.n_bins = bins
        self.n = self.hits = self.misses = self.false_alarms = self.correct_rejections = 0
        self.squared_error = 0.0
        # bin index -> [count, sum of confidences, count right]
        self.bins: dict[int, list[float]] = {}

    def add(self, truth_wrong: bool, said_wrong: bool, confidence: float | None) -> None:
        self.n += 1
        if truth_wrong:
            if said_wrong:
                self.hits += 1
            else:
                self.misses += 1
        elif said_wrong:
            self.false_alarms += 1
        else:
            self.correct_rejections += 1
        if confidence is None:
            return
        c = _confidence(confidence)
        right = truth_wrong == said_wrong
        self.squared_error += (c - right) ** 2
        index = min(self.n_bins - 1, max(0, int((c - 0.5) / (0.5 / self.n_bins) + 1e-9)))
        slot = self.bins.get(index)
        if slot is None:
            self.bins[index] = [1, c, right]
        else:
            slot[0] += 1
            slot[1] += c
            slot[2] += right

    def metrics(self) -> JudgmentMetrics:
        hits, misses, fas, crs = self.hits, self.misses, self.false_alarms, self.correct_rejections
        signal, noise = hits + misses, fas + crs
        z_h = _Z.inv_cdf((hits + 0.5) / (signal + 1))
        z_f = _Z.inv_cdf((fas + 0.5) / (noise + 1))
        rated = int(sum(slot[0] for slot in self.bins.values()))
        brier = reliability = resolution = uncertainty = None
        if rated:
            brier = self.squared_error / rated
            base = sum(slot[2] for slot in self.bins.values()) / rated
            reliability = resolution = 0.0
            for k, sum_c, right in self.bins.values():
                mean_c, share = sum_c / k, right / k
                reliability += k * (mean_c - share) ** 2 / rated
                resolution += k * (share - base) ** 2 / rated
            uncertainty = base * (1 - base)
        return JudgmentMetrics(
            n=self.n,
            signal=signal,
            noise=noise,
            hits=hits,
            misses=misses,
            false_alarms=fas,
            correct_rejections=crs,
            hit_rate=hits / signal if signal else None,
            false_alarm_rate=fas / noise if noise else None,
            d_prime=z_h - z_f,
            bias_c=-(z_h + z_f) / 2,
            n_confidence=rated,
            brier=brier,
            reliability=reliability,
            resolution=resolution,
            uncertainty=uncertainty,
        )


def judgment_metrics(records: Iterable[JudgmentRecord], bins: int = 5) -> JudgmentMetrics:
    """Metrics of `records`; confidence bins split 0.5..1 into `bins` equal parts."""
    tally = JudgmentTally(bins)
    for r in records:
        tally.add(r.truth_wrong, r.said_wrong, r.confidence)
    return tally.metrics()


def records_from_evidence(history: Sequence[AttemptEvidence]) -> list[JudgmentRecord]:
    """The judgments in a history whose truth is known."""
    return [
        JudgmentRecord(truth_wrong=a.truth_wrong, said_wrong=a.said_wrong, confidence=a.confidence)
        for a in history
        if a.truth_wrong is not None and a.said_wrong is not None
    ]
