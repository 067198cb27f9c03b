"""The same store on a real PostgreSQL (team mode).

The tests start a throwaway server (tests/support/postgres_server.py) from
Debian's `postgresql` binaries, which `.ci/run` installs. COACH_TEST_POSTGRES_URL
points them at another database instead (one they may wipe). Without either,
they are skipped on a developer's machine, and fail in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from bulk_reads import check_bulk_reads, check_self_report  # type: ignore[import-not-found]

from coach.store import NewAttempt, Store, open_store
from coach.store.schema import metadata

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "store_worker.py"
T0 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    store = open_store(pg_url)
    yield store
    store.close()


def test_postgres_schema_matches_and_an_attempt_round_trips(pg_store: Store) -> None:
    with pg_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    learner = pg_store.ensure_learner("Ada", "engineer", email="ada@example.org")
    attempt = NewAttempt(
        exercise_id="l1",
        exercise_level=1,
        kind="prompt",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=61),
        checks=[{"score": -0.0, "passed": True, "nested": {"x": [1, 2.5, None]}}],
        judgment={"verdict": "wrong", "confidence": 0.9},
        output_score=0.3333333333333333,
    )
    added = pg_store.add_attempt(learner.id, attempt)
    assert [a.model_dump() for a in pg_store.attempts(learner.id)] == [added.model_dump()]
    assert pg_store.verify(learner.id) == []


def test_postgres_concurrent_writers_keep_one_chain(
    pg_store: Store, pg_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), pg_url, "Shared Learner", "25", f"p{n}", "--go", str(go)],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(4)
    ]
    go.touch()
    for proc in workers:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    learner = pg_store.find_learner("Shared Learner")
    assert learner is not None
    assert len(pg_store.attempts(learner.id)) == 100
    assert pg_store.verify(learner.id) == []


def test_postgres_bulk_reads_and_standings(pg_store: Store) -> None:
    check_bulk_reads(pg_store)


def test_postgres_self_report(pg_store: Store) -> None:
    check_self_report(pg_store)
