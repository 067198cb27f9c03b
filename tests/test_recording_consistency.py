"""Recording is all or nothing, and level events follow from the stored attempts.

- 20 processes record 50 attempts each for one shared learner, on SQLite and
  on a real PostgreSQL: afterwards the stored level events equal a replay of
  the stored attempts exactly, and the standing is the chain head's.
- A writer killed with SIGKILL at random points, 100 times, leaves a store
  where every attempt has its events and standing (no half-recorded attempt).
- A fault injected between any two writes of one recording leaves nothing.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.engine import ENGINE_VERSION
from coach.paths import data_dir
from coach.runtime.recording import record_outcome, replay_of
from coach.store import Store, open_store
from coach.store.schema import metadata

sys.path.insert(0, str(Path(__file__).parent))
from recording_worker import outcome

WORKER = Path(__file__).resolve().parent / "recording_worker.py"
REPO = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600.0  # a hang guard, not a speed requirement


def event_tuples(store: Store, learner_id: int) -> list[tuple[object, ...]]:
    return [
        (e.from_level, e.to_level, e.reason, e.provisional) for e in store.level_events(learner_id)
    ]


def assert_consistent(store: Store, learner_id: int) -> int:
    """Stored events = a replay of the stored attempts; standing at the chain head."""
    learner = store.get_learner(learner_id)
    assert learner is not None
    records = store.attempts(learner_id)
    assert store.verify(learner_id) == []
    replayed = replay_of(learner, records)
    assert event_tuples(store, learner_id) == [
        (e.from_level, e.to_level, e.reason, e.provisional) for e in replayed.events
    ]
    if records:
        standing = store.standings([learner_id])[learner_id]
        assert standing.head_hash == records[-1].hash
        assert standing.attempts == len(records)
        assert standing.engine_version == ENGINE_VERSION
        assert standing.level == replayed.level
    return len(records)


def worker(url: str, name: str, count: int, tag: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, name, str(count), tag, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{data_dir() / 'record.db'}"
    url: str = request.getfixturevalue("pg_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return url


@pytest.mark.slow
def test_concurrent_recorders_leave_events_equal_to_a_replay(database: str, tmp_path: Path) -> None:
    store = open_store(database)  # migrate once, before the workers race
    learner = store.ensure_learner("Shared Learner", role="engineer")
    go = tmp_path / "go"
    procs = [
        worker(
            database,
            "Shared Learner",
            50,
            f"w{n}",
            "--ready",
            str(tmp_path / f"r{n}"),
            "--go",
            str(go),
        )
        for n in range(20)
    ]
    deadline = time.monotonic() + TIMEOUT_S
    while not all((tmp_path / f"r{n}").exists() for n in range(20)):
        if time.monotonic() > deadline:  # a hang guard, not a speed requirement
            pytest.fail("workers did not start")
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.05)
    go.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, err
    assert assert_consistent(store, learner.id) == 1000
    assert store.level_events(learner.id), "the shared learner was placed"
    store.close()


@pytest.mark.slow
def test_a_writer_killed_at_random_points_never_leaves_half_an_attempt(tmp_path: Path) -> None:
    url = f"sqlite:///{data_dir() / 'killed.db'}"
    store = open_store(url)
    learner = store.ensure_learner("Killed Learner", role="engineer")
    rng = random.Random(20261207)
    for kill in range(100):
        ready = tmp_path / f"ready{kill}"
        proc = worker(url, "Killed Learner", 0, f"k{kill}", "--ready", str(ready))
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()
            if time.monotonic() > deadline:  # a hang guard, not a speed requirement
                pytest.fail("the writer did not start")
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.12))  # a few recordings' time: kills land anywhere
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert_consistent(store, learner.id)
    assert store.attempts(learner.id), "the writers recorded something between kills"
    store.close()


@pytest.mark.parametrize("fault_at", ["conclude", "events", "standing", "draft"])
def test_a_fault_between_writes_leaves_nothing(
    fault_at: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"sqlite:///{data_dir() / 'fault.db'}")
    learner = store.ensure_learner("Faulty", role="engineer")
    for i in range(10):
        record_outcome(store, learner.id, outcome("f", i))

    class Injected(RuntimeError):
        pass

    def fail(*_args: object, **_kwargs: object) -> None:
        raise Injected(fault_at)

    if fault_at == "conclude":
        monkeypatch.setattr("coach.runtime.recording.standing_of", fail)
    elif fault_at == "events":  # fails only on an attempt that brings a level event
        monkeypatch.setattr("coach.store.store.LevelEvent.model_validate", fail)
    elif fault_at == "standing":
        monkeypatch.setattr(Store, "_upsert_standing", staticmethod(fail))
    else:
        original = sa.delete

        def delete(table: sa.Table) -> object:
            if table.name == "drafts":
                raise Injected(fault_at)
            return original(table)

        monkeypatch.setattr("coach.store.store.sa.delete", delete)
    for i in range(10, 200):
        draft_of = outcome("f", i).exercise_id
        store.save_draft(learner.id, draft_of, "a draft")
        before = (store.attempts(learner.id), event_tuples(store, learner.id))
        standing_before = store.standings([learner.id])[learner.id]
        try:
            record_outcome(store, learner.id, outcome("f", i))
        except Injected:
            break
        assert fault_at == "events", "every recording writes the standing and the draft"
    else:
        pytest.fail("no recording brought a level event")
    monkeypatch.undo()
    assert (store.attempts(learner.id), event_tuples(store, learner.id)) == before
    assert store.standings([learner.id])[learner.id] == standing_before
    assert store.load_draft(learner.id, draft_of) is not None
    assert_consistent(store, learner.id)
    store.close()
