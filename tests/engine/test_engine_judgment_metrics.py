"""Judgment metrics against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coach.engine.evidence import AttemptEvidence
from coach.engine.judgment_metrics import JudgmentRecord, judgment_metrics, records_from_evidence


def rec(truth: bool, said: bool, confidence: float | None = None) -> JudgmentRecord:
    return JudgmentRecord(truth_wrong=truth, said_wrong=said, confidence=confidence)


def test_rates_d_prime_and_bias() -> None:
    # 10 wrong outputs: 8 caught, 2 missed. 10 sound ones: 3 false alarms, 7 passed.
    records = (
        [rec(True, True)] * 8
        + [rec(True, False)] * 2
        + [rec(False, True)] * 3
        + [rec(False, False)] * 7
    )
    m = judgment_metrics(records)
    assert (m.hits, m.misses, m.false_alarms, m.correct_rejections) == (8, 2, 3, 7)
    assert m.hit_rate == 0.8 and m.false_alarm_rate == 0.3
    # Log-linear: H' = 8.5/11 = 0.772727, F' = 3.5/11 = 0.318182;
    # z(H') = 0.747859, z(F') = -0.472789 (normal table, by bisection of erf).
    assert m.d_prime == pytest.approx(0.747859 + 0.472789, abs=1e-5)  # 1.220648
    assert m.bias_c == pytest.approx(-(0.747859 - 0.472789) / 2, abs=1e-5)  # -0.137535
    assert m.brier is None and m.n_confidence == 0


def test_perfect_hits_stay_finite() -> None:
    # 5 of 5 caught, 0 of 4 false alarms: H' = 5.5/6, F' = 0.5/5.
    m = judgment_metrics([rec(True, True)] * 5 + [rec(False, False)] * 4)
    assert m.hit_rate == 1.0 and m.false_alarm_rate == 0.0
    assert m.d_prime == pytest.approx(1.382994 + 1.281552, abs=1e-5)  # 2.664546
    assert m.bias_c == pytest.approx(-(1.382994 - 1.281552) / 2, abs=1e-5)  # -0.050721


def test_no_trials_gives_no_rates() -> None:
    m = judgment_metrics([])
    assert m.hit_rate is None and m.false_alarm_rate is None and m.d_prime == 0.0


def test_brier_with_one_record_per_bin() -> None:
    # Right at 0.9, wrong at 0.6, right at 0.8, wrong at 0.7.
    records = [
        rec(True, True, 0.9),
        rec(True, False, 0.6),
        rec(False, False, 0.8),
        rec(False, True, 0.7),
    ]
    m = judgment_metrics(records)
    # (0.01 + 0.36 + 0.04 + 0.49) / 4
    assert m.brier == pytest.approx(0.225)
    assert m.reliability == pytest.approx(0.225)  # every bin holds one record
    assert m.resolution == pytest.approx(0.25)  # each bin 0 or 1 against a base rate of 0.5
    assert m.uncertainty == pytest.approx(0.25)


def test_brier_decomposition_with_shared_bins() -> None:
    # At 90 %: right, right, wrong. At 60 %: right, wrong. Confidence given as percent.
    records = [
        rec(True, True, 90),
        rec(False, False, 90),
        rec(True, False, 90),
        rec(True, True, 60),
        rec(False, True, 60),
    ]
    m = judgment_metrics(records)
    assert m.brier == pytest.approx(1.35 / 5)  # (0.01 + 0.01 + 0.81 + 0.16 + 0.36) / 5 = 0.27
    # Reliability: (3·(0.9 − 2/3)² + 2·(0.6 − 1/2)²) / 5 = 0.036667
    assert m.reliability == pytest.approx((3 * (0.9 - 2 / 3) ** 2 + 2 * 0.01) / 5)
    # Resolution: (3·(2/3 − 0.6)² + 2·(0.5 − 0.6)²) / 5 = 0.006667; uncertainty 0.6·0.4
    assert m.resolution == pytest.approx((3 * (2 / 3 - 0.6) ** 2 + 2 * 0.01) / 5)
    assert m.uncertainty == pytest.approx(0.24)
    assert m.reliability - m.resolution + m.uncertainty == pytest.approx(m.brier)


def test_records_come_from_evidence_with_known_truth() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    history = [
        AttemptEvidence(
            exercise_id="a", level=1, at=at, truth_wrong=True, said_wrong=False, confidence=0.7
        ),
        AttemptEvidence(exercise_id="b", level=1, at=at, judgment_correct=True),
    ]
    assert records_from_evidence(history) == [rec(True, False, 0.7)]
