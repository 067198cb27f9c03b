"""Least privilege in a team's PostgreSQL database: roles, grants, row-level security.

Three group roles, named from a prefix (default `coach`):

- `<prefix>_owner` owns every table and runs migrations (LOGIN; the DBA gives
  it a password). As the tables' owner it is not subject to row-level security.
- `<prefix>_manager` reads the whole team, and may refresh the derived
  standings an export finds stale. Grant it to a manager's login.
- `<prefix>_learner` is the group of every learner's own LOGIN role
  (`add_learner`). Each such role is mapped to one learner row in
  `<prefix>_team.members`; row-level security compares the mapping's role with
  `current_user`, so a learner's role reads and inserts only its own rows.
  Attempts and level events are append-only for it (no UPDATE or DELETE is
  granted); its standing it may insert and update (the app rewrites it with
  every attempt), its drafts it may also delete.

Every statement is idempotent: `team_sql` may be applied again after an
upgrade adds tables (a table with a `learner_id` column is covered by the
learner policies automatically, append-only unless listed below).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coach.store.records import LearnerRecord
from coach.store.schema import metadata

# Tables a learner's role may change after inserting (everything else with a
# learner_id is append-only for it). Drafts are deleted once the attempt is stored.
LEARNER_UPSERT = frozenset({"standings", "drafts"})
LEARNER_DELETE = frozenset({"drafts"})
# Derived data a manager may refresh (an export replays a stale standing and stores it).
MANAGER_WRITE = frozenset({"standings"})
# Work in progress is the learner's own: a manager reads what was submitted, not drafts.
MANAGER_HIDDEN = frozenset({"drafts"})
# Shared, not personal: every member reads them; learners start sprints.
SHARED_INSERT = frozenset({"sprints"})
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class TeamError(Exception):
    """A team-database step that cannot be done; the message is for the user."""


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise TeamError(
            f"{name!r} cannot be a role or schema name here: use lower-case letters, "
            "digits and underscores, starting with a letter (at most 63)"
        )
    return f'"{name}"'


def _literal(text: str) -> str:
    # standard_conforming_strings is on by default since PostgreSQL 9.1.
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class TeamRoles:
    prefix: str = "coach"
    schema: str = "public"  # where coach's tables live

    def __post_init__(self) -> None:
        _ident(self.prefix)
        _ident(self.schema)

    @property
    def owner(self) -> str:
        return f"{self.prefix}_owner"

    @property
    def manager(self) -> str:
        return f"{self.prefix}_manager"

    @property
    def learner(self) -> str:
        return f"{self.prefix}_learner"

    @property
    def team_schema(self) -> str:
        return f"{self.prefix}_team"

    @property
    def members(self) -> str:
        return f"{_ident(self.team_schema)}.members"

    def table(self, name: str) -> str:
        return f"{_ident(self.schema)}.{_ident(name)}"

    def my_learner_id(self) -> str:
        """The learner id mapped to the connected role (NULL for any other role)."""
        return f"(SELECT m.learner_id FROM {self.members} m WHERE m.db_role = current_user)"

    def my_learner_key(self) -> str:
        return f"(SELECT m.learner_key FROM {self.members} m WHERE m.db_role = current_user)"


def learner_tables() -> list[str]:
    """coach's tables that hold one learner's rows (a `learner_id` column)."""
    return [t.name for t in metadata.sorted_tables if "learner_id" in t.c]


def _all_tables() -> list[str]:
    return [t.name for t in metadata.sorted_tables]


def roles_sql(roles: TeamRoles) -> list[str]:
    """Create the three group roles if missing (needs CREATEROLE)."""
    statements = []
    for name, login in ((roles.owner, True), (roles.manager, False), (roles.learner, False)):
        option = "LOGIN" if login else "NOLOGIN"
        statements.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"{_literal(name)}) THEN CREATE ROLE {_ident(name)} {option}; END IF; END $$"
        )
    return statements


def _policy(
    name: str, table: str, command: str, role: str, using: str | None, check: str | None
) -> list[str]:
    parts = [f"CREATE POLICY {_ident(name)} ON {table} FOR {command} TO {_ident(role)}"]
    if using is not None:
        parts.append(f"USING ({using})")
    if check is not None:
        parts.append(f"WITH CHECK ({check})")
    return [f"DROP POLICY IF EXISTS {_ident(name)} ON {table}", " ".join(parts)]


def grants_sql(roles: TeamRoles) -> list[str]:
    """Ownership, grants, row-level security and policies (needs to own the tables
    or be a superuser). Run after the tables exist."""
    owner, manager, learner = (_ident(r) for r in (roles.owner, roles.manager, roles.learner))
    schema, team = _ident(roles.schema), _ident(roles.team_schema)
    mine = roles.my_learner_id()
    out: list[str] = [
        # Nobody but the owner creates objects in coach's schema.
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {owner}",
        f"GRANT USAGE ON SCHEMA {schema} TO {manager}, {learner}",
        # The mapping from a learner's database role to their learner row.
        f"CREATE SCHEMA IF NOT EXISTS {team}",
        f"CREATE TABLE IF NOT EXISTS {roles.members} ("
        "db_role text PRIMARY KEY, "
        f"learner_id integer NOT NULL UNIQUE REFERENCES {roles.table('learners')}(id), "
        "learner_key text NOT NULL)",
        f"ALTER SCHEMA {team} OWNER TO {owner}",
        f"ALTER TABLE {roles.members} OWNER TO {owner}",
        f"GRANT USAGE ON SCHEMA {team} TO {manager}, {learner}",
        f"REVOKE ALL ON {roles.members} FROM PUBLIC",
        f"GRANT SELECT ON {roles.members} TO {manager}, {learner}",
        f"ALTER TABLE {roles.members} ENABLE ROW LEVEL SECURITY",
        *_policy(
            "members_own", roles.members, "SELECT", roles.learner, "db_role = current_user", None
        ),
        *_policy("members_team", roles.members, "SELECT", roles.manager, "true", None),
        # The migrations' own bookkeeping: everyone reads it (opening the store checks it).
        f"ALTER TABLE {roles.table('alembic_version')} OWNER TO {owner}",
        f"GRANT SELECT ON {roles.table('alembic_version')} TO {manager}, {learner}",
    ]
    for name in _all_tables():
        table = roles.table(name)
        out += [
            f"ALTER TABLE {table} OWNER TO {owner}",
            f"REVOKE ALL ON {table} FROM PUBLIC, {manager}, {learner}",
        ]
        if name not in MANAGER_HIDDEN:
            out.append(f"GRANT SELECT ON {table} TO {manager}")
    # Learners: every sequence's nextval (ids of the rows they insert), nothing more.
    out.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {manager}, {learner}")
    out += _learners_table(roles)
    for name in learner_tables():
        out += _learner_rows_table(roles, name, mine)
    for name in SHARED_INSERT:
        out += [f"GRANT SELECT, INSERT ON {roles.table(name)} TO {manager}, {learner}"]
    out += _self_report_guard(roles)
    # Tables a later migration creates are readable by the manager at once; the
    # learner gets nothing on them until this SQL is applied again.
    out.append(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT ON TABLES TO {manager}"
    )
    return out


def _learners_table(roles: TeamRoles) -> list[str]:
    table = roles.table("learners")
    learner = _ident(roles.learner)
    # By key, not id: the store's upsert proposes a row with a fresh id and
    # RETURNING checks the read policy on it before the conflict is found. The
    # key is unique, so it still matches exactly the learner's own row.
    own = f"key = {roles.my_learner_key()}"
    return [
        # INSERT only for the `ensure_learner` upsert: the check pins the key to
        # the learner's own, which exists already, so it always ends in ON CONFLICT.
        # UPDATE only of self_report (the placement prior; see the guard), which
        # also lets the store lock the learner's row (SELECT … FOR UPDATE).
        f"GRANT SELECT, INSERT, UPDATE (self_report) ON {table} TO {learner}",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        *_policy("learners_own_read", table, "SELECT", roles.learner, own, None),
        *_policy("learners_own_insert", table, "INSERT", roles.learner, None, own),
        *_policy("learners_own_update", table, "UPDATE", roles.learner, own, own),
        *_policy("learners_team_read", table, "SELECT", roles.manager, "true", None),
    ]


def _learner_rows_table(roles: TeamRoles, name: str, mine: str) -> list[str]:
    table = roles.table(name)
    learner = _ident(roles.learner)
    privileges = ["SELECT", "INSERT"]
    if name in LEARNER_UPSERT:
        privileges.append("UPDATE")
    if name in LEARNER_DELETE:
        privileges.append("DELETE")
    own = f"learner_id = {mine}"
    out = [
        f"GRANT {', '.join(privileges)} ON {table} TO {learner}",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        *_policy(f"{name}_own_read", table, "SELECT", roles.learner, own, None),
        *_policy(f"{name}_own_insert", table, "INSERT", roles.learner, None, own),
    ]
    if name in MANAGER_HIDDEN:
        out.append(f"DROP POLICY IF EXISTS {_ident(name + '_team_read')} ON {table}")
    else:
        out += _policy(f"{name}_team_read", table, "SELECT", roles.manager, "true", None)
    if name in LEARNER_UPSERT:
        out += _policy(f"{name}_own_update", table, "UPDATE", roles.learner, own, own)
    if name in LEARNER_DELETE:
        out += _policy(f"{name}_own_delete", table, "DELETE", roles.learner, own, None)
    if name in MANAGER_WRITE:
        out += [f"GRANT INSERT, UPDATE ON {table} TO {_ident(roles.manager)}"]
        out += _policy(f"{name}_team_insert", table, "INSERT", roles.manager, None, "true")
        out += _policy(f"{name}_team_update", table, "UPDATE", roles.manager, "true", "true")
    return out


def _self_report_guard(roles: TeamRoles) -> list[str]:
    """The placement prior is part of every replay: once a learner has attempts,
    changing it would rewrite their level history, so the database refuses it."""
    team = _ident(roles.team_schema)
    function = f"{team}.guard_self_report"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NEW.self_report IS DISTINCT FROM OLD.self_report AND EXISTS "
        f"(SELECT 1 FROM {roles.table('attempts')} a WHERE a.learner_id = OLD.id) THEN "
        "RAISE EXCEPTION 'the self-report is set before the first attempt, not after'; "
        "END IF; RETURN NEW; END $$",
        f"ALTER FUNCTION {function}() OWNER TO {_ident(roles.owner)}",
        f"DROP TRIGGER IF EXISTS guard_self_report ON {roles.table('learners')}",
        f"CREATE TRIGGER guard_self_report BEFORE UPDATE OF self_report ON "
        f"{roles.table('learners')} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def team_sql(roles: TeamRoles) -> list[str]:
    return [*roles_sql(roles), *grants_sql(roles)]


def script(statements: Iterable[str]) -> str:
    """Statements as a psql script."""
    return "".join(f"{s};\n" for s in statements)


def apply(conn: Connection, statements: Iterable[str]) -> None:
    for statement in statements:
        # exec_driver_sql: no bind-parameter parsing of the `$$` bodies.
        conn.exec_driver_sql(statement)


@dataclass(frozen=True)
class NewMember:
    learner: LearnerRecord
    db_role: str
    password: str | None  # generated here when asked for; shown once, never stored


def default_db_role(roles: TeamRoles, learner: LearnerRecord) -> str:
    return f"{roles.prefix}_l{learner.id}"


def add_learner_sql(
    roles: TeamRoles, learner: LearnerRecord, db_role: str, password: str | None
) -> list[str]:
    """The per-person LOGIN role, in the learner group, mapped to the learner row."""
    role = _ident(db_role)
    secret = f" PASSWORD {_literal(password)}" if password is not None else ""
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
        f"{_literal(db_role)}) THEN CREATE ROLE {role} LOGIN; END IF; END $$",
        f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS{secret}",
        f"GRANT {_ident(roles.learner)} TO {role}",
        f"INSERT INTO {roles.members} (db_role, learner_id, learner_key) VALUES "
        f"({_literal(db_role)}, {int(learner.id)}, {_literal(learner.key)}) "
        "ON CONFLICT (db_role) DO UPDATE SET learner_id = EXCLUDED.learner_id, "
        "learner_key = EXCLUDED.learner_key",
    ]


def new_password() -> str:
    return secrets.token_urlsafe(24)


def member_of(conn: Connection, roles: TeamRoles, db_role: str) -> int | None:
    """The learner id mapped to `db_role`, if any."""
    query = sa.text(f"SELECT learner_id FROM {roles.members} WHERE db_role = :r")
    return conn.execute(query, {"r": db_role}).scalar()
