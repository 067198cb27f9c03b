"""`coach sprint run FILE` (a timed sprint in the app) and `coach sprint board [SPRINT]`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click


def _fail(message: str, code: int = 2) -> NoReturn:
    from coach.sanitise import sanitise

    click.echo(sanitise(f"error: {message}"), err=True)
    sys.exit(code)


@click.group("sprint")
def sprint() -> None:
    """Timed practice sprints and the team's sprint board."""


@sprint.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Validate the file and the window; do not start.")
def run(file: Path, check: bool) -> None:
    """Run the sprint in FILE: a countdown, exercises within the sprint, a summary."""
    from coach.config import ConfigError
    from coach.runtime.session import Session
    from coach.sprints.live import ensure_sprint
    from coach.sprints.spec import SprintFileError, load_sprint

    try:
        session = Session.open()
    except ConfigError as error:
        _fail(str(error))
    try:
        try:
            sprint_file = load_sprint(file, session.catalog)
        except SprintFileError as error:
            _fail(f"{file} is not a usable sprint file:\n{error}")
        spec = sprint_file.spec
        now = datetime.now(UTC)
        closed = spec.window_problem(now)
        if closed:
            _fail(closed, code=1)
        if check:
            click.echo(f"{file}: sprint {spec.name!r} is valid and open.")
            return
        record = ensure_sprint(session.store, sprint_file, now)
        from coach.tui.screens.sprint import SprintApp

        SprintApp(session, record, spec, spec.seconds_at(now)).run()
    finally:
        session.close()


@sprint.command("board")
@click.argument("which", metavar="[SPRINT]", required=False)
@click.option("--json", "as_json", is_flag=True, help="The board as JSON.")
def board(which: str | None, as_json: bool) -> None:
    """Who did what in a sprint (its id or name; default the newest), by name, no ranking."""
    from coach.config import ConfigError, load_config
    from coach.content import all_sources, load_catalog
    from coach.sprints import board as boards
    from coach.sprints.live import find_sprint
    from coach.store import open_store

    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    catalog = load_catalog(all_sources(config.pack_dirs()))
    roles = {role.id: boards.RoleTarget(role.name, role.target_level) for role in catalog.roles}
    with open_store(config.effective_database_url()) as store:
        found = find_sprint(store, which)
        if found is None and which is None:
            # Nothing has gone wrong: say how to start one (exit 0).
            click.echo(
                "No sprints yet. Start one with `coach sprint run FILE` "
                "(an example: sprints/example.toml in the coach repository)."
            )
            return
        if found is None:
            _fail(f"no sprint {which!r}; `coach sprint board` shows the newest", code=1)
        learners = store.list_learners()
        histories = {learner.id: store.attempts(learner.id) for learner in learners}
    rows = boards.board(learners, histories, found.id, roles)
    if as_json:
        payload = {
            "sprint": {
                "id": found.id,
                "name": found.name,
                "mode": found.mode,
                "started_at": found.started_at.isoformat(),
                "ends_at": found.ends_at.isoformat(),
            },
            "participants": [row.to_json() for row in rows],
        }
        # ASCII-escaped: names from the store reach the terminal as \uXXXX, never raw.
        click.echo(json.dumps(payload, indent=2))
        return
    from coach.sanitise import sanitise

    title = f"Sprint {found.id}: {found.name} ({found.mode})"
    click.echo(sanitise(boards.render(rows, title)))
