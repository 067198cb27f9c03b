"""`coach learners`: the people in the database, with the ids `--learner` takes."""

from __future__ import annotations

import json
import sys

import click
from pydantic import BaseModel


class LearnerRow(BaseModel):
    """One person as listed: enough to pick them for `coach export --learner`."""

    id: int
    name: str
    role: str
    attempts: int
    level: int | None
    provisional: bool


@click.command("learners")
@click.option("--json", "as_json", is_flag=True, help="The list as JSON.")
def learners(as_json: bool) -> None:
    """Everyone in the database: id, name, role, attempts and level."""
    from coach.config import ConfigError, load_config
    from coach.runtime.recording import current_standing
    from coach.sanitise import sanitise
    from coach.store import open_store

    try:
        config = load_config()
    except ConfigError as error:
        click.echo(sanitise(f"error: {error}"), err=True)
        sys.exit(2)
    rows: list[LearnerRow] = []
    with open_store(config.effective_database_url()) as store:
        for person in store.list_learners():
            standing = current_standing(store, person)
            rows.append(
                LearnerRow(
                    id=person.id,
                    name=person.name,
                    role=person.role,
                    attempts=standing.attempts,
                    level=standing.level,
                    provisional=standing.provisional,
                )
            )
    if as_json:
        # ASCII-escaped: names from the store reach the terminal as \uXXXX, never raw.
        click.echo(json.dumps([row.model_dump() for row in rows], indent=2))
        return
    if not rows:
        click.echo("No learners yet: run `coach` to start practising.")
        return
    click.echo(f"{'id':>4}  {'name':<20}  {'role':<18}  {'attempts':>8}  level")
    for row in rows:
        level = "–" if row.level is None else f"{row.level}{' (provisional)' * row.provisional}"
        click.echo(
            sanitise(
                f"{row.id:>4}  {row.name[:20]:<20}  {row.role[:18]:<18}  {row.attempts:>8}  {level}"
            )
        )
    people = "person" if len(rows) == 1 else "people"
    click.echo(f"{len(rows)} {people}; `coach export --learner ID_OR_NAME` exports one.")
