"""A sprint in the store and in a running session (no textual).

`attach` gives a Session two instance attributes for the sprint's duration:
`record` passes the sprint id to `record_attempt`, and `next_exercise` draws
within the sprint (the engine within the filters, or the next of a fixed
list). Screens call `session.record` / `session.next_exercise` as usual, so
every attempt made during the sprint carries its id. `detach` undoes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from coach import llm
from coach.engine.select import next_exercise
from coach.runtime.evidence import evidence_of
from coach.runtime.session import Session, item_info
from coach.sprints.spec import SprintFile, SprintSpec
from coach.store import Store
from coach.store.engine import read_transaction
from coach.store.records import SprintRecord
from coach.store.schema import sprints


def list_sprints(store: Store) -> list[SprintRecord]:
    """Every sprint in the store, oldest first."""
    with read_transaction(store.engine) as conn:
        rows = conn.execute(sa.select(sprints).order_by(sprints.c.id)).all()
    return [SprintRecord.model_validate(dict(row._mapping)) for row in rows]


def find_sprint(store: Store, which: str | None) -> SprintRecord | None:
    """By id, else the newest with that name; the newest of all when `which` is None."""
    found = list_sprints(store)
    if which is None:
        return found[-1] if found else None
    if which.isdigit():
        return store.get_sprint(int(which))
    named = [sprint for sprint in found if sprint.name == which]
    return named[-1] if named else None


def ensure_sprint(store: Store, sprint_file: SprintFile, now: datetime) -> SprintRecord:
    """The sprint row for this file: reused when its name and file hash match, else created."""
    spec = sprint_file.spec
    for sprint in reversed(list_sprints(store)):
        if sprint.name == spec.name and sprint.spec.get("hash") == sprint_file.file_hash:
            return sprint
    started = spec.opens or now
    ends = spec.closes or started + timedelta(minutes=spec.duration_minutes)
    return store.create_sprint(spec.name, sprint_file.record_spec(), started, ends, spec.mode)


def sprint_next(session: Session, sprint: SprintRecord, spec: SprintSpec) -> Any | None:
    """The next exercise of the sprint for this learner, or None when there is none."""
    if spec.mode == "fixed":
        done = {r.exercise_id for r in session.history() if r.sprint_id == sprint.id}
        upcoming = next((ex for ex in spec.exercises if ex not in done), None)
        return None if upcoming is None else session.catalog.exercise(upcoming)
    bank = [item_info(exercise) for exercise in session.playable()]
    history = [evidence_of(record) for record in session.history()]
    try:
        tier = session.spec().tier
    except llm.ModelError:
        tier = None
    item = next_exercise(
        bank, session.level, history, session.rng, sprint=spec.filter(), model_tier=tier
    )
    return None if item is None else session.catalog.exercise(item.exercise_id)


def attach(session: Session, sprint: SprintRecord, spec: SprintSpec) -> None:
    """From now on the session records into the sprint and draws within it."""

    session.sprint_id = sprint.id
    session.sprint_draw = lambda: sprint_next(session, sprint, spec)


def detach(session: Session) -> None:
    session.sprint_id = None
    session.sprint_draw = None
