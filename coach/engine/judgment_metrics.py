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
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from coach.engine.evidence import AttemptEvidence

_Z = NormalDist()


class JudgmentRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    truth_wrong: bool
    said_wrong: bool
    confidence: float | None = None  # in the verdict given, 0.5..1 (values > 1 read as %)


class Judged(NamedTuple):
    """A `JudgmentRecord` as a plain tuple, for bulk readers (the export)."""

    truth_wrong: bool
    said_wrong: bool
    confidence: float | None = None


JudgmentLike = JudgmentRecord | Judged


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


def judgment_metrics(records: Iterable[JudgmentLike], bins: int = 5) -> JudgmentMetrics:
    """Metrics of `records`; confidence bins split 0.5..1 into `bins` equal parts."""
    rows = list(records)
    hits = sum(r.truth_wrong and r.said_wrong for r in rows)
    misses = sum(r.truth_wrong and not r.said_wrong for r in rows)
    fas = sum(not r.truth_wrong and r.said_wrong for r in rows)
    crs = sum(not r.truth_wrong and not r.said_wrong for r in rows)
    signal, noise = hits + misses, fas + crs
    z_h = _Z.inv_cdf((hits + 0.5) / (signal + 1))
    z_f = _Z.inv_cdf((fas + 0.5) / (noise + 1))

    rated = [
        (_confidence(r.confidence), r.truth_wrong == r.said_wrong)
        for r in rows
        if r.confidence is not None
    ]
    brier = reliability = resolution = uncertainty = None
    if rated:
        n = len(rated)
        brier = sum((c - right) ** 2 for c, right in rated) / n
        base = sum(right for _, right in rated) / n
        groups: dict[int, list[tuple[float, bool]]] = {}
        for c, right in rated:
            index = min(bins - 1, max(0, int((c - 0.5) / (0.5 / bins) + 1e-9)))
            groups.setdefault(index, []).append((c, right))
        reliability = resolution = 0.0
        for members in groups.values():
            k = len(members)
            mean_c = sum(c for c, _ in members) / k
            share = sum(right for _, right in members) / k
            reliability += k * (mean_c - share) ** 2 / n
            resolution += k * (share - base) ** 2 / n
        uncertainty = base * (1 - base)

    return JudgmentMetrics(
        n=len(rows),
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
        n_confidence=len(rated),
        brier=brier,
        reliability=reliability,
        resolution=resolution,
        uncertainty=uncertainty,
    )


def records_from_evidence(history: Sequence[AttemptEvidence]) -> list[JudgmentRecord]:
    """The judgments in a history whose truth is known."""
    return [
        JudgmentRecord(truth_wrong=a.truth_wrong, said_wrong=a.said_wrong, confidence=a.confidence)
        for a in history
        if a.truth_wrong is not None and a.said_wrong is not None
    ]
