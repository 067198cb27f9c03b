"""The store: migrations, round trips, the hash chain, and several processes at once.

Every test uses a real SQLite file under its own COACH_HOME (see conftest).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from bulk_reads import check_bulk_reads, check_self_report  # type: ignore[import-not-found]
from pydantic import ValidationError

from coach.paths import data_dir
from coach.store import (
    GENESIS,
    NewAttempt,
    Store,
    UnknownLearner,
    canonical_json,
    chain_hash,
    open_store,
    verify_chain,
)
from coach.store.engine import make_engine
from coach.store.hashchain import HASHED_FIELDS
from coach.store.migrate import (
    SCHEMA_REVISION,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from coach.store.schema import metadata

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "store_worker.py"
T0 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)
TABLES = {"learners", "attempts", "level_events", "drafts", "sprints", "standings"}


def db_url(name: str = "coach.db") -> str:
    return f"sqlite:///{data_dir() / name}"


def make_attempt(i: int = 0, **changes: Any) -> NewAttempt:
    start = T0 + timedelta(minutes=10 * i)
    fields: dict[str, Any] = {
        "exercise_id": f"l1-ex-{i}",
        "exercise_level": 1,
        "kind": "prompt",
        "started_at": start,
        "finished_at": start + timedelta(seconds=95),
        "real_output": f"output {i}",
        "output_shown": f"output {i}",
        "checks": [{"grader": "json", "passed": True, "score": 1.0}],
        "output_score": 1.0,
    }
    return NewAttempt(**{**fields, **changes})


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store()
    yield opened
    opened.close()


def raw(store: Store, sql: str, **params: Any) -> list[sa.Row[Any]]:
    """Run SQL behind the store's back (as a tamperer would), committing it."""
    with store.engine.begin() as conn:
        result = conn.execute(sa.text(sql), params)
        return result.all() if result.returns_rows else []


# --- opening and migrating ----------------------------------------------------


def test_open_store_creates_the_database_in_the_data_folder_with_safe_pragmas() -> None:
    assert not data_dir().exists()
    with open_store() as store:
        assert (data_dir() / "coach.db").is_file()
        with store.engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 1000


def test_upgrade_goes_from_empty_to_head_and_a_second_run_changes_nothing() -> None:
    engine = make_engine(db_url())
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
            assert current_revision(conn) is None

        assert upgrade(engine) == head_revision()
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == TABLES | {"alembic_version"}
            assert current_revision(conn) == head_revision()
        learner = Store(engine).ensure_learner("Ada", "engineer")

        statements: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2].upper()))
        assert upgrade(engine) == head_revision()
        writes = [s for s in statements if s.split()[0] in {"CREATE", "INSERT", "UPDATE", "DROP"}]
        assert writes == []
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            assert [v for (v,) in versions] == [head_revision()]
        assert Store(engine).get_learner(learner.id) == learner
    finally:
        engine.dispose()


def test_the_revision_constant_matches_the_migration_scripts() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_migrated_schema_matches_the_metadata() -> None:
    with open_store() as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_alembic_run_by_hand_sees_the_same_schema() -> None:
    # The developer path (no connection handed over): env.py opens the URL itself.
    url = db_url()
    open_store(url).close()
    command.check(alembic_config(url))  # raises if autogenerate would write a migration


def test_the_metadata_differs_from_an_empty_database() -> None:
    # Guards the test above: compare_metadata does see missing tables.
    engine = make_engine(db_url())
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        assert {d[1].name for d in diffs if d[0] == "add_table"} == TABLES
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_upgrade_again() -> None:
    engine = make_engine(db_url())
    try:
        upgrade(engine)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
            assert current_revision(conn) is None
        upgrade(engine)
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == TABLES | {"alembic_version"}
    finally:
        engine.dispose()


# --- learners -----------------------------------------------------------------


def test_learners_round_trip_and_keep_one_identity(store: Store) -> None:
    ada = store.ensure_learner("Ada Lovelace", "engineer", email="Ada@Example.org")
    assert (ada.name, ada.email, ada.role) == ("Ada Lovelace", "Ada@Example.org", "engineer")
    assert ada.created_at.tzinfo is not None

    again = store.ensure_learner("A. Lovelace", "director", email=" ada@example.ORG ")
    assert again == ada  # same email, another machine's spelling: same person, unchanged

    bob = store.ensure_learner("Bob  Smith", "analyst")
    assert store.ensure_learner(" bob smith", "analyst").id == bob.id
    assert bob.email is None and bob.id != ada.id

    assert store.list_learners() == [ada, bob]
    assert store.get_learner(bob.id) == bob
    assert store.get_learner(9999) is None
    assert store.find_learner("bob smith") == bob
    assert store.find_learner("Nobody") is None

    promoted = store.update_learner_role(bob.id, "director")
    assert promoted.role == "director"
    assert store.get_learner(bob.id) == promoted
    with pytest.raises(UnknownLearner):
        store.update_learner_role(9999, "director")
    with pytest.raises(ValueError):
        store.ensure_learner("   ", "engineer")


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        raw(
            store,
            "INSERT INTO drafts (learner_id, exercise_id, text, updated_at) "
            "VALUES (999, 'x', 'y', '2026-01-01 00:00:00')",
        )


# --- attempts -----------------------------------------------------------------


def full_attempt(sprint_id: int | None) -> NewAttempt:
    ist = timezone(timedelta(hours=5, minutes=30))
    return NewAttempt(
        exercise_id="l3-conflicting-sources",
        exercise_level=3,
        kind="instructions",
        details={"inputs": [{"id": "a", "passed": True, "output": "ok"}]},
        exercise_difficulty=0.25,
        needs_model="capable",
        placement=False,
        exercise_private=True,
        family_id="expense-totals-review",
        family_version=1,
        family_seed=4_000_000_000,
        started_at=datetime(2026, 3, 3, 14, 45, 1, 123456, tzinfo=ist),
        finished_at=datetime(2026, 3, 3, 14, 52, 30, 654321, tzinfo=ist),
        duration_s=301.5,
        model="openai/gpt-4o-mini",
        model_tier="hosted-small",
        prompt="Answer only from the sources.\nSay «not in sources» when needed. 🧪",
        output_shown="The report was due on 2026-04-15 [2].",
        real_output="The report was due on 2026-04-14 [2].",
        trap={"mutate": "shift_date", "line": 1, "from": "2026-04-14", "to": "2026-04-15"},
        checks=[
            {"grader": "quotes_exist_in", "passed": True, "score": 1.0, "reason": None},
            {"grader": "rubric", "passed": False, "score": 0.25, "unscored": True, "w": 2},
        ],
        output_score=0.6666666666666666,
        judgment={"verdict": "wrong", "confidence": 0.85, "pinpoint": {"line": 1}},
        judgment_correct=True,
        brier=0.0225,
        cost_usd=0.000321,
        tokens_in=1234,
        tokens_out=56,
        latency_s=2.25,
        sprint_id=sprint_id,
    )


def test_an_attempt_round_trips_every_field(store: Store) -> None:
    learner = store.ensure_learner("Ada", "engineer")
    sprint = store.create_sprint("March", {"minutes": 30}, T0, T0 + timedelta(minutes=30))
    attempt = full_attempt(sprint.id)

    added = store.add_attempt(learner.id, attempt)
    (loaded,) = store.attempts(learner.id)

    assert loaded.model_dump() == added.model_dump()
    assert loaded.model_dump(include=set(HASHED_FIELDS)) == attempt.model_dump()
    for name in HASHED_FIELDS:
        assert getattr(loaded, name) is not None, name  # the test covers every field
    # The same instants, now in UTC.
    assert loaded.started_at == datetime(2026, 3, 3, 9, 15, 1, 123456, tzinfo=UTC)
    assert loaded.finished_at.utcoffset() == timedelta(0)
    assert (loaded.id, loaded.learner_id) == (added.id, learner.id)


def test_an_attempt_with_only_the_required_fields_keeps_its_nones(store: Store) -> None:
    learner = store.ensure_learner("Ada", "engineer")
    attempt = NewAttempt(
        exercise_id="l1-review", exercise_level=1, kind="review", started_at=T0, finished_at=T0
    )
    store.add_attempt(learner.id, attempt)
    (loaded,) = store.attempts(learner.id)
    assert loaded.model_dump(include=set(HASHED_FIELDS)) == {
        **{name: None for name in HASHED_FIELDS},
        "exercise_id": "l1-review",
        "exercise_level": 1,
        "kind": "review",
        "started_at": T0,
        "finished_at": T0,
        "duration_s": 0.0,
        "checks": [],
    }
    # JSON columns hold SQL NULL, not the JSON text 'null'.
    assert raw(store, "SELECT trap IS NULL, judgment IS NULL FROM attempts") == [(1, 1)]


def test_add_attempt_refuses_an_unknown_learner_and_writes_nothing(store: Store) -> None:
    with pytest.raises(UnknownLearner):
        store.add_attempt(42, make_attempt())
    assert raw(store, "SELECT count(*) FROM attempts") == [(0,)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"started_at": datetime(2026, 3, 3, 9, 0)}, "timezone"),
        ({"checks": [{"score": float("nan")}]}, "finite"),
        ({"output_score": float("inf")}, "finite"),
        ({"finished_at": T0 - timedelta(seconds=1)}, "before"),
        ({"surprise": 1}, "Extra inputs"),
    ],
)
def test_new_attempt_rejects_bad_evidence(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make_attempt(**changes)


def test_duration_defaults_to_the_wall_time() -> None:
    assert make_attempt().duration_s == 95.0
    assert make_attempt(duration_s=12.5).duration_s == 12.5


def test_attempts_since_and_limit(store: Store) -> None:
    learner = store.ensure_learner("Ada", "engineer")
    for i in range(6):
        store.add_attempt(learner.id, make_attempt(i))
    ids = lambda recs: [r.exercise_id for r in recs]  # noqa: E731

    assert ids(store.attempts(learner.id)) == [f"l1-ex-{i}" for i in range(6)]
    assert ids(store.attempts(learner.id, limit=2)) == ["l1-ex-4", "l1-ex-5"]
    since = make_attempt(3).finished_at
    assert ids(store.attempts(learner.id, since=since)) == ["l1-ex-3", "l1-ex-4", "l1-ex-5"]
    assert ids(store.attempts(learner.id, since=since, limit=1)) == ["l1-ex-5"]
    assert store.attempts(learner.id + 1) == []


# --- the hash chain -----------------------------------------------------------


def test_each_learners_chain_links_from_genesis_and_verifies(store: Store) -> None:
    ada = store.ensure_learner("Ada", "engineer")
    bob = store.ensure_learner("Bob", "analyst")
    for i in range(4):  # interleaved, so the chains share a table but not links
        store.add_attempt(ada.id, make_attempt(i))
        store.add_attempt(bob.id, make_attempt(i, exercise_id=f"bob-{i}"))

    for learner in (ada, bob):
        records = store.attempts(learner.id)
        assert [r.prev_hash for r in records] == [GENESIS] + [r.hash for r in records[:-1]]
        assert all(r.hash == chain_hash(r.prev_hash, r) for r in records)
        assert len({r.hash for r in records}) == 4
        assert store.verify(learner.id) == []


def chain_of(store: Store, n: int) -> tuple[int, list[int]]:
    learner = store.ensure_learner("Ada", "engineer")
    ids = [store.add_attempt(learner.id, make_attempt(i)).id for i in range(n)]
    assert store.verify(learner.id) == []
    return learner.id, ids


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("real_output", "'a better output'"),
        ("output_score", "0.5"),
        ("judgment_correct", "1"),
        ("checks", """'[{"grader": "json", "passed": true, "score": 0.99}]'"""),
        ("started_at", "'2026-03-03 09:14:00.000000'"),
        ("exercise_level", "2"),
    ],
)
def test_verify_finds_an_edited_row(store: Store, column: str, value: str) -> None:
    learner_id, ids = chain_of(store, 5)
    raw(store, f"UPDATE attempts SET {column} = {value} WHERE id = :id", id=ids[2])

    problems = store.verify(learner_id)
    assert len(problems) == 1
    assert f"attempt {ids[2]}" in problems[0] and "edited" in problems[0]


def test_verify_finds_a_deleted_middle_row(store: Store) -> None:
    learner_id, ids = chain_of(store, 5)
    raw(store, "DELETE FROM attempts WHERE id = :id", id=ids[2])

    problems = verify_chain(store.attempts(learner_id))
    assert [(p.attempt_id, p.kind) for p in problems] == [(ids[3], "broken_link")]
    assert store.verify(learner_id) == [str(problems[0])]
    assert "removed" in str(problems[0])


def test_verify_finds_a_deleted_first_row(store: Store) -> None:
    learner_id, ids = chain_of(store, 3)
    raw(store, "DELETE FROM attempts WHERE id = :id", id=ids[0])
    problems = verify_chain(store.attempts(learner_id))
    assert [(p.attempt_id, p.kind) for p in problems] == [(ids[1], "broken_link")]


def test_canonical_json_has_a_fixed_documented_form() -> None:
    # Changing this form would invalidate every stored chain: it is pinned here.
    attempt = NewAttempt(
        exercise_id="e",
        exercise_level=2,
        kind="prompt",
        started_at=datetime(2026, 3, 3, 10, 15, tzinfo=timezone(timedelta(hours=1))),
        finished_at=datetime(2026, 3, 3, 9, 16, 0, 500, tzinfo=UTC),
        checks=[{"z": 1, "a": [0.1, -0.0, None, True]}],
        output_score=0.1,
        prompt="é",
    )
    expected = (
        '{"checks":[{"a":[0.1,0.0,null,true],"z":1}],"duration_s":60.0005,'
        '"exercise_id":"e","exercise_level":2,"finished_at":"2026-03-03T09:16:00.000500Z",'
        '"kind":"prompt","output_score":0.1,"prompt":"é",'
        '"started_at":"2026-03-03T09:15:00.000000Z"}'
    )
    assert canonical_json(attempt) == expected
    assert (
        chain_hash(GENESIS, attempt)
        == hashlib.sha256((GENESIS + expected).encode("utf-8")).hexdigest()
    )


def alternative_values() -> dict[str, Any]:
    return {
        "exercise_id": "other",
        "exercise_level": 2,
        "kind": "review",
        "details": {"trace": [{"tool": "read_file"}]},
        "exercise_difficulty": -0.5,
        "needs_model": "frontier",
        "placement": True,
        "exercise_private": False,
        "family_id": "expense-totals-review",
        "family_version": 2,
        "family_seed": 7,
        "started_at": T0 - timedelta(microseconds=1),
        "finished_at": T0 + timedelta(seconds=96),
        "duration_s": 1.0,
        "model": "ollama/llama3.2",
        "model_tier": "local",
        "prompt": "p",
        "output_shown": "shown",
        "real_output": "real",
        "trap": {"mutate": "drop_item"},
        "checks": [{"grader": "json", "passed": True, "score": 0.5}],
        "output_score": 0.5,
        "judgment": {"verdict": "acceptable"},
        "judgment_correct": False,
        "brier": 0.25,
        "cost_usd": 0.01,
        "tokens_in": 1,
        "tokens_out": 2,
        "latency_s": 0.5,
        "sprint_id": 7,
    }


def test_every_field_of_an_attempt_is_covered_by_its_hash() -> None:
    changes = alternative_values()
    assert set(changes) == set(HASHED_FIELDS)  # a new field needs a line above
    base = make_attempt()
    for name, value in changes.items():
        changed = base.model_copy(update={name: value})
        assert chain_hash(GENESIS, changed) != chain_hash(GENESIS, base), name
    assert chain_hash("1" * 64, base) != chain_hash(GENESIS, base)


def test_the_hash_ignores_timezone_and_key_order() -> None:
    a = make_attempt(checks=[{"a": 1, "b": 2}])
    b = make_attempt(
        checks=[{"b": 2, "a": 1}],
        started_at=T0.astimezone(timezone(timedelta(hours=-7))),
    )
    assert chain_hash(GENESIS, a) == chain_hash(GENESIS, b)


# --- level events, drafts, sprints --------------------------------------------


def test_level_events_round_trip_in_order(store: Store) -> None:
    learner = store.ensure_learner("Ada", "engineer")
    placed = store.add_level_event(
        learner.id,
        2,
        "Placement: split between levels 2 and 3, so 2 for now.",
        evidence={"posterior": {"2": 0.55, "3": 0.45}, "exercises": 9},
        provisional=True,
        at=T0,
    )
    promoted = store.add_level_event(
        learner.id,
        3,
        "You passed 4 of your last 5 level-2 exercises.",
        from_level=2,
        evidence={"passed": 4, "of": 5, "p_above": 0.93},
        at=T0 + timedelta(days=3),
    )
    assert placed.from_level is None and placed.provisional
    assert store.level_events(learner.id) == [placed, promoted]
    assert store.level_events(learner.id + 1) == []
    with pytest.raises(UnknownLearner):
        store.add_level_event(999, 1, "nobody")


def test_drafts_upsert_load_and_delete(store: Store) -> None:
    ticks = iter(T0 + timedelta(seconds=s) for s in range(100))
    clocked = Store(store.engine, clock=lambda: next(ticks))
    ada = clocked.ensure_learner("Ada", "engineer")
    bob = clocked.ensure_learner("Bob", "engineer")

    assert clocked.load_draft(ada.id, "l1-a") is None
    first = clocked.save_draft(ada.id, "l1-a", "Return every date")
    clocked.save_draft(ada.id, "l1-b", "other exercise")
    clocked.save_draft(bob.id, "l1-a", "bob's draft")
    assert clocked.load_draft(ada.id, "l1-a") == first

    second = clocked.save_draft(ada.id, "l1-a", "Return every date as ISO 8601, nothing else")
    loaded = clocked.load_draft(ada.id, "l1-a")
    assert loaded == second and loaded is not None
    assert loaded.text.endswith("nothing else") and loaded.updated_at > first.updated_at
    assert raw(store, "SELECT count(*) FROM drafts") == [(3,)]

    assert clocked.delete_draft(ada.id, "l1-a") is True
    assert clocked.load_draft(ada.id, "l1-a") is None
    assert clocked.delete_draft(ada.id, "l1-a") is False
    assert clocked.load_draft(ada.id, "l1-b") is not None
    assert clocked.load_draft(bob.id, "l1-a") is not None
    with pytest.raises(UnknownLearner):
        clocked.save_draft(999, "l1-a", "x")


def test_sprints_round_trip(store: Store) -> None:
    spec = {"duration_minutes": 45, "levels": [2, 3], "skills": ["extraction"]}
    sprint = store.create_sprint("Team sprint", spec, T0, T0 + timedelta(minutes=45), "fixed")
    assert store.get_sprint(sprint.id) == sprint
    assert (sprint.name, sprint.spec, sprint.mode) == ("Team sprint", spec, "fixed")
    assert store.get_sprint(sprint.id + 1) is None
    with pytest.raises(ValueError):
        store.create_sprint("Backwards", {}, T0, T0 - timedelta(minutes=1))


# --- several processes --------------------------------------------------------


def start_worker(url: str, count: int, tag: str, *extra: str) -> subprocess.Popen[str]:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, "Shared Learner", str(count), tag, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=300)
    assert "database is locked" not in err
    assert proc.returncode == 0, err
    return out


def test_a_second_process_reads_while_one_writes(tmp_path: Path) -> None:
    url = db_url()
    store = open_store(url)
    learner = store.ensure_learner("Shared Learner", "engineer")
    resume = tmp_path / "resume"
    writer = start_worker(url, 200, "w", "--pause-at", "100", "--resume", str(resume))

    counts: list[int] = []
    try:
        while writer.poll() is None:
            records = store.attempts(learner.id)
            # Every read is a consistent snapshot: an intact chain, never shrinking.
            assert verify_chain(records) == []
            assert not counts or len(records) >= counts[-1]
            counts.append(len(records))
            if len(records) >= 100 and not resume.exists():
                resume.touch()  # the writer waits at 100 until a read has seen it
    finally:
        resume.touch()
        out = finish(writer)

    assert "w: wrote 200" in out
    assert any(100 <= n < 200 for n in counts)  # read while the writer was mid-way
    final = store.attempts(learner.id)
    assert [r.exercise_id for r in final] == [f"w-{i}" for i in range(200)]
    assert store.verify(learner.id) == []
    store.close()


def test_concurrent_writers_on_a_new_database_keep_one_intact_chain(tmp_path: Path) -> None:
    # The workers create the database, the learner and the chain all at once.
    url = db_url("shared.db")
    go = tmp_path / "go"
    workers = [start_worker(url, 50, f"p{n}", "--go", str(go)) for n in range(4)]
    go.touch()
    for proc in workers:
        finish(proc)

    with open_store(url) as store:
        (learner,) = store.list_learners()
        records = store.attempts(learner.id)
        assert len(records) == 200
        assert {r.exercise_id for r in records} == {
            f"p{n}-{i}" for n in range(4) for i in range(50)
        }
        assert store.verify(learner.id) == []
        # Each worker's own attempts stay in the order it wrote them.
        for n in range(4):
            mine = [r.exercise_id for r in records if r.exercise_id.startswith(f"p{n}-")]
            assert mine == [f"p{n}-{i}" for i in range(50)]


def test_bulk_reads_and_standings(store: Store) -> None:
    check_bulk_reads(store)


def test_self_report_is_set_before_the_first_attempt_only(store: Store) -> None:
    check_self_report(store)
