"""`coach calibrate` on a real store: SQLite here, and the team's PostgreSQL."""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from coach.cli.calibrate_cmd import calibrate as calibrate_command
from coach.engine.ability import Scale, sigmoid
from coach.engine.calibration import CalibrationFile
from coach.store import NewAttempt, Store, open_store
from coach.store.schema import metadata

T0 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)
ITEMS = 10
LEARNERS = 60


def fill(store: Store, seed: int = 5) -> dict[str, float]:
    """LEARNERS learners answer ITEMS exercises once each, Rasch-style; returns true b."""
    rng = random.Random(seed)
    scale = Scale()
    truth = {f"ex-{i}": scale.difficulty(1 + i % 6, 0.0) + rng.gauss(0, 0.4) for i in range(ITEMS)}
    for p in range(LEARNERS):
        learner = store.ensure_learner(f"p{p}", "engineer")
        theta = rng.uniform(-6, 6)
        for i, (exercise, b) in enumerate(truth.items()):
            at = T0 + timedelta(minutes=p * 60 + i * 3)
            ok = rng.random() < sigmoid(theta - b)
            store.add_attempt(
                learner.id,
                NewAttempt(
                    exercise_id=exercise,
                    exercise_level=1 + i % 6,
                    exercise_difficulty=0.0,
                    kind="prompt",
                    needs_model="capable",
                    model_tier="standard",
                    started_at=at,
                    finished_at=at + timedelta(seconds=40),
                    output_score=1.0 if ok else 0.0,
                ),
            )
        # A repeat and an own exercise: neither may be read.
        at = T0 + timedelta(minutes=p * 60 + 45)
        store.add_attempt(
            learner.id,
            NewAttempt(
                exercise_id="ex-0",
                exercise_level=1,
                kind="prompt",
                started_at=at,
                finished_at=at,
                output_score=1.0,
            ),
        )
        store.add_attempt(
            learner.id,
            NewAttempt(
                exercise_id="mine",
                exercise_level=6,
                kind="prompt",
                exercise_private=True,
                started_at=at,
                finished_at=at,
                output_score=1.0,
            ),
        )
    return truth


def run(url: str, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(
        calibrate_command,
        ["--database", url, "--out", str(out), "--min-attempts", "20", "--json", *args],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check(store_url: str, truth: dict[str, float], tmp_path: Path) -> None:
    out = tmp_path / "calibration.json"
    report = run(store_url, out)
    items = {item["exercise_id"]: item for item in report["items"]}
    assert set(items) == set(truth)  # "mine" is private; the repeat does not count
    assert all(item["n"] == LEARNERS for item in items.values())
    estimated = [k for k in truth if items[k]["b"] is not None]
    assert len(estimated) >= ITEMS - 1
    xs = [truth[k] for k in estimated]
    ys = [items[k]["b"] for k in estimated]
    assert statistics.correlation(xs, ys) >= 0.9
    written = CalibrationFile.model_validate_json(out.read_text())
    assert set(written.items) == set(estimated)
    assert written.max_se == 0.5
    # --since after every attempt: nothing to estimate, an empty file.
    later = run(store_url, out, "--since", "2030-01-01")
    assert later["items"] == []


@pytest.mark.slow
def test_calibrate_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    with open_store(url) as store:
        truth = fill(store)
    check(url, truth, tmp_path)


@pytest.fixture
def pg_store_url(pg_url: str) -> Iterator[str]:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    yield pg_url


@pytest.mark.postgres
@pytest.mark.slow
def test_calibrate_on_postgres(pg_store_url: str, tmp_path: Path) -> None:
    with open_store(pg_store_url) as store:
        truth = fill(store)
    check(pg_store_url, truth, tmp_path)
