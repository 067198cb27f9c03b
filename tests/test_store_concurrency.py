"""A team's worth of writers at once, on SQLite and on a real PostgreSQL.

20 processes start together on a new database and each adds 200 attempts:
150 to its own learner and 50 (every fourth) to one learner they all share.
Afterwards nothing may be lost, every learner's hash chain must be intact, and
each process's attempts must appear in the order it wrote them.

PostgreSQL comes from COACH_TEST_POSTGRES_URL (a database the tests may wipe)
or from a throwaway server (tests/support/postgres_server.py). Without either
the postgres case is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.paths import data_dir
from coach.store import open_store
from coach.store.schema import attempts, metadata

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "store_worker.py"

PROCESSES = 20
PER_PROCESS = 200
SHARED_EVERY = 4  # attempt i goes to the shared learner when i % 4 == 3: 50 of 200
SHARED = "Team Shared"
TIMEOUT_S = 600.0  # a hang guard for the whole run, not a speed requirement


def own_name(n: int) -> str:
    return f"Learner p{n}"


def own_ids(n: int) -> list[str]:
    return [f"p{n}-{i}" for i in range(PER_PROCESS) if i % SHARED_EVERY != SHARED_EVERY - 1]


def shared_ids(n: int) -> list[str]:
    return [f"p{n}-{i}" for i in range(PER_PROCESS) if i % SHARED_EVERY == SHARED_EVERY - 1]


@pytest.fixture(params=["sqlite", "postgres"])
def new_database(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database: the workers create the schema themselves."""
    if request.param == "sqlite":
        return f"sqlite:///{data_dir() / 'team.db'}"
    url: str = request.getfixturevalue("pg_url")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()
    return url


def start_worker(url: str, n: int, tmp_path: Path) -> subprocess.Popen[str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    command = [
        sys.executable,
        str(WORKER),
        url,
        own_name(n),
        str(PER_PROCESS),
        f"p{n}",
        "--shared",
        SHARED,
        "--shared-every",
        str(SHARED_EVERY),
        "--ready",
        str(tmp_path / f"ready-{n}"),
        "--go",
        str(tmp_path / "go"),
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def release_together(workers: list[subprocess.Popen[str]], tmp_path: Path) -> None:
    """Touch the go file once every worker has finished importing and waits for it."""
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready-{n}").exists() for n in range(len(workers))):
        for proc in workers:
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"a worker exited before the start (code {proc.returncode}):\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("the workers did not all get ready within 120 s")
        time.sleep(0.01)
    (tmp_path / "go").touch()


def test_a_team_of_writers_loses_nothing_and_keeps_every_chain(
    new_database: str, tmp_path: Path
) -> None:
    url = new_database
    workers = [start_worker(url, n, tmp_path) for n in range(PROCESSES)]
    try:
        release_together(workers, tmp_path)
        deadline = time.monotonic() + TIMEOUT_S
        failures = []
        for n, proc in enumerate(workers):
            _, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            if proc.returncode != 0 or "database is locked" in err:
                failures.append(f"worker p{n} exited {proc.returncode}:\n{err}")
        assert failures == []
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    with open_store(url) as store:
        learners = {learner.name: learner for learner in store.list_learners()}
        assert set(learners) == {SHARED, *(own_name(n) for n in range(PROCESSES))}

        total = 0
        for n in range(PROCESSES):
            learner_id = learners[own_name(n)].id
            records = store.attempts(learner_id)
            # One writer per own learner: exactly its attempts, in its order.
            assert [r.exercise_id for r in records] == own_ids(n)
            assert store.verify(learner_id) == []
            total += len(records)

        shared_id = learners[SHARED].id
        records = store.attempts(shared_id)
        assert len(records) == PROCESSES * PER_PROCESS // SHARED_EVERY
        assert sorted(r.exercise_id for r in records) == sorted(
            i for n in range(PROCESSES) for i in shared_ids(n)
        )
        for n in range(PROCESSES):
            mine = [r.exercise_id for r in records if r.exercise_id.startswith(f"p{n}-")]
            assert mine == shared_ids(n)
        assert store.verify(shared_id) == []
        total += len(records)

        assert total == PROCESSES * PER_PROCESS == 4000
        with store.engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        assert stored == 4000
