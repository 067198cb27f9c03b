"""Least privilege on a real PostgreSQL: each learner's role sees and writes only
their own rows, attempts and level events are append-only, a manager reads the team.

Every test gets its own database and role prefix on the suite's server (see
`pg_url` in conftest.py), and drops both afterwards, so the store suites that
share the server are not affected.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from postgres_server import find_bin_dir  # type: ignore[import-not-found]
from sqlalchemy.engine.url import URL, make_url

from coach.cli.export_cmd import export, verify
from coach.cli.team_cmd import team
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from coach.runtime.recording import record_outcome
from coach.store import Store, open_store
from coach.store.team import TeamRoles, learner_tables, script, team_sql

T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@dataclass
class TeamDb:
    admin_url: URL
    prefix: str

    def url_for(self, role: str) -> str:
        # The test server trusts loopback logins, so no password is needed here.
        return self.admin_url.set(username=role, password=None).render_as_string(
            hide_password=False
        )


def _run(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(team, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def team_db(pg_url: str) -> Iterator[TeamDb]:
    suffix = secrets.token_hex(3)
    name, prefix = f"coach_team_{suffix}", f"ct{suffix}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield TeamDb(make_url(pg_url).set(database=name), prefix)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            roles = conn.execute(
                sa.text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                {"p": f"{prefix}\\_%"},
            ).scalars()
            for role in roles:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


def _outcome(i: int, score: float) -> AttemptOutcome:
    start = T0 + timedelta(days=i)
    return AttemptOutcome(
        exercise_id=f"ex-{i}",
        level=1,
        kind="prompt",
        started_at=start,
        finished_at=start + timedelta(minutes=3),
        model="local/smollm2",
        model_tier="standard",
        prompt=f"private prompt {i}",
        real_output=f"output {i}",
        shown=Shown(text=f"output {i}"),
        details={"score": score},
    )


def _setup(db: TeamDb) -> tuple[str, str, str]:
    """Roles and two learners; returns the URLs of Ada's, Bob's and a manager's roles."""
    admin = db.admin_url.render_as_string(hide_password=False)
    _run("init", "--apply", "--database-url", admin, "--role-prefix", db.prefix)
    for name, email, role in (("Ada Lovelace", "ada@example.com", "ada"), ("Bob", None, "bob")):
        args = ["add-learner", name, "--role", "analyst", "--no-password"]
        args += ["--db-role", f"{db.prefix}_{role}", "--database-url", admin]
        args += ["--role-prefix", db.prefix, *(["--email", email] if email else [])]
        assert f"{db.prefix}_{role}" in _run(*args)
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{db.prefix}_boss" LOGIN')
        conn.exec_driver_sql(f'GRANT "{db.prefix}_manager" TO "{db.prefix}_boss"')
    engine.dispose()
    return tuple(db.url_for(f"{db.prefix}_{r}") for r in ("ada", "bob", "boss"))  # type: ignore[return-value]


def _refused(store: Store, statement: str, *, denied: bool = True) -> str:
    """Run `statement` as the store's role; return the database's refusal."""
    with pytest.raises(sa.exc.DBAPIError) as raised, store.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    message = str(raised.value.orig)
    if denied:
        assert "permission denied" in message, message
    return message


def test_printed_sql_covers_every_learner_table_without_update_on_history() -> None:
    text = CliRunner().invoke(team, ["init"]).output
    roles = TeamRoles()
    assert text == script(team_sql(roles)) or text.endswith(script(team_sql(roles)))
    for table in learner_tables():
        assert f'ALTER TABLE "public"."{table}" ENABLE ROW LEVEL SECURITY' in text
        assert f'CREATE POLICY "{table}_own_read"' in text
    assert 'GRANT SELECT, INSERT ON "public"."attempts" TO "coach_learner"' in text
    assert 'GRANT SELECT, INSERT ON "public"."level_events" TO "coach_learner"' in text
    assert 'UPDATE ON "public"."attempts"' not in text
    assert 'DELETE ON "public"."level_events"' not in text


def test_team_setup_refuses_sqlite_before_touching_it(tmp_path: Path) -> None:
    target = tmp_path / "coach.db"
    for args in (["init", "--apply"], ["add-learner", "Ada"]):
        result = CliRunner().invoke(team, [*args, "--database-url", f"sqlite:///{target}"])
        assert result.exit_code == 2 and "need PostgreSQL" in result.output
    assert not target.exists()


def test_learner_roles_see_and_write_only_their_own_rows(team_db: TeamDb) -> None:
    ada_url, bob_url, _ = _setup(team_db)
    with open_store(ada_url) as ada_store, open_store(bob_url) as bob_store:
        # The app's normal path: find oneself, record attempts, autosave drafts.
        ada = ada_store.ensure_learner("Ada Lovelace", "analyst", "ada@example.com")
        bob = bob_store.ensure_learner("Bob", "analyst")
        for i in range(3):
            record_outcome(ada_store, ada.id, _outcome(i, 0.9))
        record_outcome(bob_store, bob.id, _outcome(10, 0.2))
        bob_store.save_draft(bob.id, "ex-11", "bob's secret draft")
        ada_store.save_draft(ada.id, "ex-3", "ada's draft")
        assert ada_store.load_draft(ada.id, "ex-3") is not None
        assert ada_store.delete_draft(ada.id, "ex-3")
        assert len(ada_store.attempts(ada.id)) == 3 and ada_store.verify(ada.id) == []
        assert ada_store.standings([ada.id])[ada.id].attempts == 3
        assert [e.to_level for e in ada_store.level_events(ada.id)]  # placement happened

        # Ada's role reads nothing of Bob's, through the store or raw SQL.
        assert [p.id for p in ada_store.list_learners()] == [ada.id]
        assert ada_store.get_learner(bob.id) is None
        assert ada_store.attempts(bob.id) == []
        assert ada_store.level_events(bob.id) == []
        assert bob.id not in ada_store.standings()
        assert ada_store.load_draft(bob.id, "ex-11") is None
        with ada_store.engine.connect() as conn:
            for table in ("attempts", "level_events", "standings", "drafts"):
                ids = conn.exec_driver_sql(f"SELECT DISTINCT learner_id FROM {table}").scalars()
                assert set(ids) <= {ada.id}, table
            mapping = conn.exec_driver_sql(f"SELECT learner_id FROM {team_db.prefix}_team.members")
            assert list(mapping.scalars()) == [ada.id]

        # History is append-only for every learner role: no UPDATE or DELETE at all.
        for table in ("attempts", "level_events"):
            _refused(ada_store, f"UPDATE {table} SET learner_id = learner_id")
            _refused(ada_store, f"DELETE FROM {table} WHERE learner_id = {ada.id}")
            _refused(bob_store, f"DELETE FROM {table}")
        _refused(ada_store, f"UPDATE learners SET role = 'boss' WHERE id = {ada.id}")
        _refused(ada_store, "TRUNCATE attempts")
        # Writing into someone else's rows is refused by row-level security.
        row = f"({bob.id}, 'x', 1, 'prompt', now(), now(), 1.0, '[]', '{'0' * 64}', '{'1' * 64}')"
        columns = (
            "learner_id, exercise_id, exercise_level, kind, started_at, finished_at, "
            "duration_s, checks, prev_hash, hash"
        )
        message = _refused(
            ada_store, f"INSERT INTO attempts ({columns}) VALUES {row}", denied=False
        )
        assert "row-level security" in message
        message = _refused(
            ada_store,
            "INSERT INTO standings (learner_id, head_hash, engine_version, attempts, "
            f"provisional, weaknesses, updated_at) VALUES ({bob.id}, 'h', 'v', 0, false, "
            "'[]', now())",
            denied=False,
        )
        assert "row-level security" in message
        with ada_store.engine.begin() as conn:
            changed = conn.exec_driver_sql(
                f"UPDATE standings SET level = 6 WHERE learner_id = {bob.id}"
            )
            assert changed.rowcount == 0
        with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
            ada_store.ensure_learner("Mallory", "analyst")
        # The placement prior cannot be changed once there are attempts to replay.
        message = _refused(
            ada_store, f"UPDATE learners SET self_report = 3 WHERE id = {ada.id}", denied=False
        )
        assert "before the first attempt" in message


def test_manager_role_reads_the_team_and_changes_no_history(
    team_db: TeamDb, tmp_path: Path
) -> None:
    ada_url, bob_url, boss_url = _setup(team_db)
    with open_store(ada_url) as ada_store, open_store(bob_url) as bob_store:
        ada = ada_store.ensure_learner("Ada Lovelace", "analyst", "ada@example.com")
        bob = bob_store.ensure_learner("Bob", "analyst")
        record_outcome(ada_store, ada.id, _outcome(1, 0.9))
        record_outcome(bob_store, bob.id, _outcome(2, 0.4))
    with open_store(boss_url) as boss:
        assert {p.id for p in boss.list_learners()} == {ada.id, bob.id}
        assert len(boss.attempts(ada.id)) == 1 and len(boss.attempts(bob.id)) == 1
        assert set(boss.standings()) == {ada.id, bob.id}
        assert boss.verify(ada.id) == [] and boss.verify(bob.id) == []
        for table in ("attempts", "level_events", "learners"):
            _refused(boss, f"UPDATE {table} SET id = id")
            _refused(boss, f"DELETE FROM {table}")
        _refused(boss, "INSERT INTO attempts (learner_id) VALUES (1)")
        _refused(boss, "SELECT * FROM drafts")  # work in progress stays the learner's
        # A stale standing (here: made stale on purpose) is replayed and stored by the export.
        with boss.engine.begin() as conn:
            conn.exec_driver_sql(
                f"UPDATE standings SET engine_version = 'old' WHERE learner_id = {bob.id}"
            )
    # The manager exports the team (signed) and the export verifies.
    out = tmp_path / "team.json"
    env = {"COACH_DATABASE_URL": boss_url}
    result = CliRunner().invoke(export, ["--format", "json", "--team", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(verify, [str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 learners, 2 attempts" in result.output


def test_applying_twice_is_harmless_and_the_owner_owns_the_tables(team_db: TeamDb) -> None:
    _setup(team_db)
    admin = team_db.admin_url.render_as_string(hide_password=False)
    _run("init", "--apply", "--database-url", admin, "--role-prefix", team_db.prefix)
    # What `coach team init` prints is what a DBA runs: psql takes it as it is.
    bin_dir = find_bin_dir()
    if bin_dir is not None and (bin_dir / "psql").exists():
        printed = _run("init", "--role-prefix", team_db.prefix)
        libpq = admin.replace("postgresql+psycopg://", "postgresql://")
        ran = subprocess.run(
            [str(bin_dir / "psql"), "-v", "ON_ERROR_STOP=1", "-q", libpq],
            input=printed,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr
    engine = sa.create_engine(admin)
    with engine.connect() as conn:
        owners = conn.execute(
            sa.text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        assert set(owners) == {f"{team_db.prefix}_owner"}
        secured = conn.execute(
            sa.text("SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r'")
        ).scalars()
        assert set(learner_tables()) | {"learners", "members"} <= set(secured)
    engine.dispose()
