"""`coach team`: least-privilege roles and row-level security for a team's PostgreSQL."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from coach.store.team import TeamRoles

_URL_HELP = "The team database, as an administrator (default: COACH_DATABASE_URL / the config)."
_PREFIX_HELP = "Prefix of the role names (<prefix>_owner, _manager, _learner)."


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _database_url(url: str | None) -> str:
    """The PostgreSQL URL to work on; refuses anything else before connecting."""
    from sqlalchemy.engine.url import make_url

    if not url:
        from coach.config import ConfigError, load_config

        try:
            url = load_config().effective_database_url()
        except ConfigError as error:
            _fail(str(error), code=2)
    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # an unparsable URL: never echo it, it may hold a password
        _fail("the database URL cannot be read", code=2)
    if backend != "postgresql":
        _fail(
            "team roles and row-level security need PostgreSQL; this database is "
            f"{backend} (pass --database-url or set COACH_DATABASE_URL)",
            code=2,
        )
    return url


def _roles(prefix: str) -> TeamRoles:
    from coach.store.team import TeamError, TeamRoles

    try:
        return TeamRoles(prefix=prefix)
    except TeamError as error:
        _fail(str(error), code=2)


@click.group("team")
def team() -> None:
    """A team database where each learner's role sees and writes only their own rows."""


@team.command("init")
@click.option(
    "--apply", "do_apply", is_flag=True, help="Apply to the database instead of printing."
)
@click.option("--database-url", "url", help=_URL_HELP)
@click.option("--role-prefix", "prefix", default="coach", show_default=True, help=_PREFIX_HELP)
def init(do_apply: bool, url: str | None, prefix: str) -> None:
    """Print (or, with --apply, run) the roles, grants and policies for a DBA.

    --apply connects as an administrator (a superuser, or the database owner
    with CREATEROLE), migrates the schema to this version of coach, then
    creates the owner, manager and learner roles and applies the grants and
    row-level security. Safe to run again; run it again after upgrading coach.
    """
    from coach.store.team import script, team_sql

    roles = _roles(prefix)
    statements = team_sql(roles)
    if not do_apply:
        click.echo(
            "-- coach team database: roles, grants and row-level security.\n"
            "-- Run as an administrator after coach has created its tables (any coach\n"
            "-- command with this database's URL does); `coach team init --apply` does both.\n"
            f"-- Then: ALTER ROLE {roles.owner} PASSWORD '…';\n"
            f"-- GRANT {roles.manager} TO <a manager>;\n"
            "-- and `coach team add-learner NAME` for each person.\n"
        )
        click.echo(script(statements), nl=False)
        return
    from coach.store import open_store
    from coach.store.engine import write_transaction
    from coach.store.team import TeamError, apply

    database = _database_url(url)
    try:
        with open_store(database) as store, write_transaction(store.engine) as conn:
            apply(conn, statements)
    except TeamError as error:
        _fail(str(error))
    except Exception as error:  # a database refusal: say which, without a traceback
        _fail(f"could not apply the team setup: {_reason(error)}")
    click.echo(
        f"Applied: roles {roles.owner} (owns the tables, runs migrations), {roles.manager} "
        f"(reads the team), {roles.learner} (each learner's role: own rows only), with "
        "row-level security on every learner table.\n"
        f"Next: ALTER ROLE {roles.owner} PASSWORD '…'; GRANT {roles.manager} TO <a manager>; "
        "then `coach team add-learner NAME` for each person."
    )


@team.command("add-learner")
@click.argument("name")
@click.option("--email", help="The learner's email (their identity, as in their coach config).")
@click.option(
    "--role",
    "job_role",
    default="individual-contributor",
    show_default=True,
    help="The learner's job role (levels/roles.toml).",
)
@click.option("--db-role", help="The database role to create (default <prefix>_l<learner id>).")
@click.option("--password-stdin", is_flag=True, help="Read the role's password from stdin.")
@click.option("--no-password", is_flag=True, help="No password (certificate or peer login).")
@click.option("--database-url", "url", help=_URL_HELP)
@click.option("--role-prefix", "prefix", default="coach", show_default=True, help=_PREFIX_HELP)
def add_learner(
    name: str,
    email: str | None,
    job_role: str,
    db_role: str | None,
    password_stdin: bool,
    no_password: bool,
    url: str | None,
    prefix: str,
) -> None:
    """Create NAME's learner row and their own database role, mapped to it.

    Prints the role's connection URL once (with a generated password unless
    --password-stdin or --no-password): give it to the learner as their
    COACH_DATABASE_URL. Their coach config must name them as here (name, or
    email when given), since that is how coach finds their learner row.
    """
    from sqlalchemy.engine.url import make_url

    from coach.store import open_store
    from coach.store.engine import write_transaction
    from coach.store.team import TeamError, add_learner_sql, apply, default_db_role, new_password

    if password_stdin and no_password:
        _fail("use --password-stdin or --no-password, not both", code=2)
    roles = _roles(prefix)
    database = _database_url(url)
    password: str | None
    if no_password:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on standard input", code=2)
    else:
        password = new_password()
    try:
        with open_store(database) as store:
            learner = store.ensure_learner(name, job_role, email)
            chosen = db_role or default_db_role(roles, learner)
            with write_transaction(store.engine) as conn:
                apply(conn, add_learner_sql(roles, learner, chosen, password))
    except TeamError as error:
        _fail(str(error))
    except Exception as error:  # a database refusal: say which, without a traceback
        _fail(f"could not add the learner: {_reason(error)}")
    login = make_url(database).set(username=chosen, password=password)
    click.echo(f"Learner {learner.name!r} (id {learner.id}) can sign in as role {chosen}.")
    click.echo(
        "Their COACH_DATABASE_URL (shown once; coach keeps no copy):\n  "
        + login.render_as_string(hide_password=False)
    )


def _reason(error: Exception) -> str:
    # The driver's first line names the refusal; the SQL and parameters stay out.
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
