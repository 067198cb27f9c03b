"""The `Store`: plain methods over the database, pydantic records in and out.

Every method is its own transaction. Methods that write take the write lock
up front (see `engine.write_transaction`), so concurrent processes queue
instead of failing or interleaving.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coach.store.engine import dialect_insert, read_transaction, write_transaction
from coach.store.hashchain import GENESIS, HASHED_FIELDS, chain_hash, verify_chain
from coach.store.records import (
    AttemptRecord,
    AttemptSummary,
    Draft,
    JsonObject,
    LearnerRecord,
    LevelEvent,
    NewAttempt,
    NewLevelEvent,
    SprintRecord,
    Standing,
    learner_key,
)
from coach.store.schema import attempts, drafts, learners, level_events, sprints, standings
from graders.result import stored_verdict

# SQLite returns 0/1 for booleans, PostgreSQL True/False; both hash alike.
_FLAG: dict[Any, bool | None] = {None: None, 0: False, 1: True}
_UTC_SUFFIX = "+00:00"


def _summary(row: Sequence[Any]) -> AttemptSummary:
    """An `AttemptSummary` from a raw driver row (SQLite gives UTC text times, 0/1 flags)."""
    at = row[3]
    # fromisoformat with an explicit offset is several times cheaper than .replace().
    at = datetime.fromisoformat(at + _UTC_SUFFIX) if at.__class__ is str else at.astimezone(UTC)
    flag = _FLAG.__getitem__
    return AttemptSummary._make(
        (
            row[0],
            row[1],
            row[2],
            at,
            row[4],
            flag(row[5]),
            row[6],
            row[7],
            row[8],
            flag(row[9]),
            flag(row[10]),
            row[11],
            row[12],
            flag(row[13]),
            _verdict(row[14]),
            row[15],
        )
    )


def _verdict(checks: Any) -> str | None:
    """The grade's verdict from the stored checks (raw JSON text on SQLite).

    Checks stored before results carried a code have no verdict; they are
    skipped without parsing, so old histories cost nothing more to read.
    """
    if isinstance(checks, str):
        if '"code"' not in checks:
            return None
        checks = json.loads(checks)
    return stored_verdict(checks) if isinstance(checks, list) else None


def _chunks(items: list[int], size: int) -> list[list[int]]:
    """`items` in runs of `size` (IN lists stay under every database's limit)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


class UnknownLearner(LookupError):
    """No learner with this id."""


@dataclass(frozen=True)
class Appended:
    """What `Store.record_attempt` has read and written so far, inside its
    transaction, for the caller to decide the level events and the standing."""

    learner: LearnerRecord
    record: AttemptRecord  # the attempt just appended
    standing: Standing | None  # as stored before this attempt
    attempts_before: int
    # Read in the same transaction, under the write lock (oldest first, this one included).
    recent: Callable[[int], list[AttemptRecord]]
    history: Callable[[], list[AttemptRecord]]


@dataclass(frozen=True)
class Conclusion:
    """The caller's decision: events to store and the standing after the attempt."""

    events: Sequence[NewLevelEvent]
    standing: Standing


@dataclass(frozen=True)
class Recorded:
    record: AttemptRecord
    events: list[LevelEvent]
    standing: Standing


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _row(row: sa.Row[Any]) -> dict[str, Any]:
    return dict(row._mapping)


class Store:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._now = clock

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Close every pooled connection (the database itself stays)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    # --- learners -------------------------------------------------------------

    def ensure_learner(self, name: str, role: str, email: str | None = None) -> LearnerRecord:
        """The learner with this identity (email, else name), created if new.

        An existing learner is returned unchanged; see `update_learner_role`.
        """
        name = name.strip()
        if not name:
            raise ValueError("a learner needs a name")
        email = email.strip() if email and email.strip() else None
        key = learner_key(name, email)
        with write_transaction(self._engine) as conn:
            # ON CONFLICT DO NOTHING: two processes creating the same person both succeed.
            insert = dialect_insert(conn, learners).values(
                key=key, name=name, email=email, role=role, created_at=self._now()
            )
            conn.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
            row = conn.execute(sa.select(learners).where(learners.c.key == key)).one()
        return LearnerRecord.model_validate(_row(row))

    def get_learner(self, learner_id: int) -> LearnerRecord | None:
        with read_transaction(self._engine) as conn:
            row = conn.execute(sa.select(learners).where(learners.c.id == learner_id)).first()
        return None if row is None else LearnerRecord.model_validate(_row(row))

    def find_learner(self, name: str, email: str | None = None) -> LearnerRecord | None:
        """The learner `ensure_learner(name, …, email)` would return, without creating one."""
        key = learner_key(name, email)
        with read_transaction(self._engine) as conn:
            row = conn.execute(sa.select(learners).where(learners.c.key == key)).first()
        return None if row is None else LearnerRecord.model_validate(_row(row))

    def list_learners(self) -> list[LearnerRecord]:
        with read_transaction(self._engine) as conn:
            rows = conn.execute(sa.select(learners).order_by(learners.c.id)).all()
        return [LearnerRecord.model_validate(_row(r)) for r in rows]

    def update_learner_role(self, learner_id: int, role: str) -> LearnerRecord:
        with write_transaction(self._engine) as conn:
            stmt = sa.update(learners).where(learners.c.id == learner_id).values(role=role)
            if conn.execute(stmt).rowcount == 0:
                raise UnknownLearner(learner_id)
            row = conn.execute(sa.select(learners).where(learners.c.id == learner_id)).one()
        return LearnerRecord.model_validate(_row(row))

    def set_self_report(self, learner_id: int, answer: int | None) -> LearnerRecord:
        """Record the learner's self-report (the placement prior).

        Only before their first attempt: every replay starts from this prior, so
        changing it later would rewrite the level history.
        """
        with write_transaction(self._engine) as conn:
            self._require_learner(conn, learner_id, lock=True)
            count = sa.select(sa.func.count()).where(attempts.c.learner_id == learner_id)
            if conn.execute(count).scalar():
                raise ValueError("the self-report is set before the first attempt, not after")
            stmt = sa.update(learners).where(learners.c.id == learner_id)
            conn.execute(stmt.values(self_report=answer))
            row = conn.execute(sa.select(learners).where(learners.c.id == learner_id)).one()
        return LearnerRecord.model_validate(_row(row))

    @staticmethod
    def _require_learner(conn: Connection, learner_id: int, *, lock: bool = False) -> None:
        query = sa.select(learners.c.id).where(learners.c.id == learner_id)
        if lock:
            # PostgreSQL: writers for one learner queue here. SQLite ignores
            # FOR UPDATE; its BEGIN IMMEDIATE already serialises writers.
            query = query.with_for_update()
        if conn.execute(query).first() is None:
            raise UnknownLearner(learner_id)

    # --- attempts -------------------------------------------------------------

    def add_attempt(self, learner_id: int, attempt: NewAttempt) -> AttemptRecord:
        """Store one attempt as the next link of the learner's chain, atomically."""
        content = attempt.model_dump(include=set(HASHED_FIELDS))
        with write_transaction(self._engine) as conn:
            self._require_learner(conn, learner_id, lock=True)
            last = sa.select(attempts.c.hash).where(attempts.c.learner_id == learner_id)
            prev_hash = conn.execute(last.order_by(attempts.c.id.desc()).limit(1)).scalar()
            prev_hash = prev_hash or GENESIS
            values = {
                **content,
                "learner_id": learner_id,
                "prev_hash": prev_hash,
                "hash": chain_hash(prev_hash, attempt),
            }
            result = conn.execute(sa.insert(attempts).values(**values))
            (attempt_id,) = result.inserted_primary_key or (None,)
        return AttemptRecord.model_validate({**values, "id": attempt_id})

    def record_attempt(
        self,
        learner_id: int,
        attempt: NewAttempt,
        conclude: Callable[[Appended], Conclusion],
        *,
        clear_draft: str | None = None,
    ) -> Recorded:
        """Append the attempt, its level events and the learner's standing, and
        remove the exercise's draft: one transaction, all or nothing.

        `conclude` runs inside the transaction, under the write lock (SQLite's
        BEGIN IMMEDIATE, PostgreSQL's row lock on the learner), so the events
        it computes follow from exactly the state this transaction extends;
        concurrent recorders for one learner queue. If it raises, nothing is kept.
        """
        content = attempt.model_dump(include=set(HASHED_FIELDS))
        with write_transaction(self._engine) as conn:
            learner_row = conn.execute(
                sa.select(learners).where(learners.c.id == learner_id).with_for_update()
            ).first()
            if learner_row is None:
                raise UnknownLearner(learner_id)
            learner = LearnerRecord.model_validate(_row(learner_row))
            standing_row = conn.execute(
                sa.select(standings).where(standings.c.learner_id == learner_id)
            ).first()
            stored = None if standing_row is None else Standing.model_validate(_row(standing_row))
            head = sa.select(attempts.c.hash).where(attempts.c.learner_id == learner_id)
            prev_hash = conn.execute(head.order_by(attempts.c.id.desc()).limit(1)).scalar()
            if stored is not None and stored.head_hash == prev_hash:
                count = stored.attempts  # fresh standing: no need to count the chain
            else:
                count = conn.execute(
                    sa.select(sa.func.count()).where(attempts.c.learner_id == learner_id)
                ).scalar_one()
            prev_hash = prev_hash or GENESIS
            values = {
                **content,
                "learner_id": learner_id,
                "prev_hash": prev_hash,
                "hash": chain_hash(prev_hash, attempt),
            }
            result = conn.execute(sa.insert(attempts).values(**values))
            (attempt_id,) = result.inserted_primary_key or (None,)
            record = AttemptRecord.model_validate({**values, "id": attempt_id})

            def recent(n: int) -> list[AttemptRecord]:
                return self._attempts_in(conn, learner_id, limit=n)

            def history() -> list[AttemptRecord]:
                return self._attempts_in(conn, learner_id)

            decision = conclude(
                Appended(learner, record, stored, count, recent=recent, history=history)
            )
            events = []
            for new in decision.events:
                row = {**new.model_dump(), "learner_id": learner_id}
                inserted = conn.execute(sa.insert(level_events).values(**row))
                (event_id,) = inserted.inserted_primary_key or (None,)
                events.append(LevelEvent.model_validate({**row, "id": event_id}))
            self._upsert_standing(conn, decision.standing)
            if clear_draft is not None:
                conn.execute(
                    sa.delete(drafts).where(
                        drafts.c.learner_id == learner_id, drafts.c.exercise_id == clear_draft
                    )
                )
        return Recorded(record, events, decision.standing)

    @staticmethod
    def _attempts_in(
        conn: Connection, learner_id: int, limit: int | None = None
    ) -> list[AttemptRecord]:
        query = sa.select(attempts).where(attempts.c.learner_id == learner_id)
        query = query.order_by(attempts.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
        return [AttemptRecord.model_validate(_row(r)) for r in reversed(rows)]

    def attempts(
        self, learner_id: int, since: datetime | None = None, limit: int | None = None
    ) -> list[AttemptRecord]:
        """The learner's attempts, oldest first (chain order).

        `since` keeps those finished at or after it; `limit` keeps the most recent N.
        """
        query = sa.select(attempts).where(attempts.c.learner_id == learner_id)
        if since is not None:
            query = query.where(attempts.c.finished_at >= since)
        query = query.order_by(attempts.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with read_transaction(self._engine) as conn:
            rows = conn.execute(query).all()
        return [AttemptRecord.model_validate(_row(r)) for r in reversed(rows)]

    def attempt_summaries(self, learner_ids: Sequence[int] | None = None) -> list[AttemptSummary]:
        """Every attempt of these learners (all when None) as slim tuples, in
        (learner, chain) order. One query; no prompt or output text is read."""
        judgment = attempts.c.judgment
        query = sa.select(
            attempts.c.learner_id,
            attempts.c.id,
            attempts.c.exercise_level,
            attempts.c.finished_at,
            attempts.c.output_score,
            attempts.c.judgment_correct,
            attempts.c.model_tier,
            attempts.c.needs_model,
            attempts.c.sprint_id,
            attempts.c.exercise_private,
            attempts.c.trap.is_not(None),
            judgment["verdict"].as_string(),
            judgment["confidence"].as_float(),
            judgment["truth_wrong"].as_boolean(),
            attempts.c.checks,
            attempts.c.kind,
        ).order_by(attempts.c.learner_id, attempts.c.id)
        batches = [None] if learner_ids is None else _chunks(list(learner_ids), 500)
        out: list[AttemptSummary] = []
        with read_transaction(self._engine) as conn:
            # The driver's cursor, not SQLAlchemy rows: per-row result processing
            # would cost more than the query itself (the export reads every attempt).
            cursor = conn.connection.cursor()
            try:
                for batch in batches:
                    chosen = query
                    if batch is not None:
                        chosen = query.where(attempts.c.learner_id.in_(batch))
                    compiled = chosen.compile(
                        dialect=conn.dialect, compile_kwargs={"literal_binds": True}
                    )
                    cursor.execute(str(compiled))
                    out.extend(map(_summary, cursor.fetchall()))
            finally:
                cursor.close()
        return out

    def chain_head(self, learner_id: int) -> tuple[str, int]:
        """The hash at the head of the learner's chain (GENESIS when empty) and its length."""
        head = sa.select(attempts.c.hash).where(attempts.c.learner_id == learner_id)
        count = sa.select(sa.func.count()).where(attempts.c.learner_id == learner_id)
        with read_transaction(self._engine) as conn:
            last = conn.execute(head.order_by(attempts.c.id.desc()).limit(1)).scalar()
            total = conn.execute(count).scalar_one()
        return (last or GENESIS, int(total))

    def chain_links(self, attempt_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(prev_hash, hash) of the given attempts, by attempt id."""
        query = sa.select(attempts.c.id, attempts.c.prev_hash, attempts.c.hash)
        found: dict[int, tuple[str, str]] = {}
        with read_transaction(self._engine) as conn:
            for batch in _chunks(list(attempt_ids), 500):
                for row in conn.execute(query.where(attempts.c.id.in_(batch))):
                    found[row.id] = (row.prev_hash, row.hash)
        return found

    def verify(self, learner_id: int) -> list[str]:
        """Problems in the learner's hash chain, in words; empty when intact."""
        return [str(problem) for problem in verify_chain(self.attempts(learner_id))]

    # --- level events ---------------------------------------------------------

    def add_level_event(
        self,
        learner_id: int,
        to_level: int,
        reason: str,
        *,
        from_level: int | None = None,
        evidence: JsonObject | None = None,
        provisional: bool = False,
        at: datetime | None = None,
    ) -> LevelEvent:
        # Validate before writing; id 0 is a placeholder replaced by the real one.
        event = LevelEvent(
            id=0,
            learner_id=learner_id,
            at=at or self._now(),
            from_level=from_level,
            to_level=to_level,
            reason=reason,
            evidence=evidence or {},
            provisional=provisional,
        )
        with write_transaction(self._engine) as conn:
            self._require_learner(conn, learner_id)
            result = conn.execute(sa.insert(level_events).values(event.model_dump(exclude={"id"})))
            (event_id,) = result.inserted_primary_key or (None,)
        return event.model_copy(update={"id": event_id})

    def level_events_of(self, learner_ids: Sequence[int]) -> dict[int, list[LevelEvent]]:
        """Level histories of several learners at once, oldest first each."""
        found: dict[int, list[LevelEvent]] = {i: [] for i in learner_ids}
        # Recording order, the order the engine decided them (clocks may disagree).
        query = sa.select(level_events).order_by(level_events.c.id)
        with read_transaction(self._engine) as conn:
            for batch in _chunks(list(learner_ids), 500):
                for row in conn.execute(query.where(level_events.c.learner_id.in_(batch))):
                    found[row.learner_id].append(LevelEvent.model_validate(_row(row)))
        return found

    def level_events(self, learner_id: int) -> list[LevelEvent]:
        """The learner's level history, oldest first."""
        query = (
            sa.select(level_events)
            .where(level_events.c.learner_id == learner_id)
            .order_by(level_events.c.id)  # recording order (clocks may disagree)
        )
        with read_transaction(self._engine) as conn:
            rows = conn.execute(query).all()
        return [LevelEvent.model_validate(_row(r)) for r in rows]

    # --- standings (derived; see schema.standings) ----------------------------

    def save_standing(self, standing: Standing) -> None:
        """Insert or replace the learner's standing."""
        with write_transaction(self._engine) as conn:
            self._require_learner(conn, standing.learner_id)
            self._upsert_standing(conn, standing)

    @staticmethod
    def _upsert_standing(conn: Connection, standing: Standing) -> None:
        values = standing.model_dump()
        insert = dialect_insert(conn, standings).values(**values)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[standings.c.learner_id],
                set_={k: v for k, v in values.items() if k != "learner_id"},
            )
        )

    def standings(self, learner_ids: Sequence[int] | None = None) -> dict[int, Standing]:
        """Stored standings by learner id (all learners when `learner_ids` is None)."""
        query = sa.select(standings)
        if learner_ids is not None:
            query = query.where(standings.c.learner_id.in_(list(learner_ids)))
        with read_transaction(self._engine) as conn:
            rows = conn.execute(query).all()
        return {row.learner_id: Standing.model_validate(_row(row)) for row in rows}

    # --- drafts ---------------------------------------------------------------

    def save_draft(self, learner_id: int, exercise_id: str, text: str) -> Draft:
        """Insert or replace the learner's draft for this exercise (autosave)."""
        draft = Draft(
            learner_id=learner_id, exercise_id=exercise_id, text=text, updated_at=self._now()
        )
        with write_transaction(self._engine) as conn:
            self._require_learner(conn, learner_id)
            insert = dialect_insert(conn, drafts).values(draft.model_dump())
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=["learner_id", "exercise_id"],
                    set_={"text": draft.text, "updated_at": draft.updated_at},
                )
            )
        return draft

    def load_draft(self, learner_id: int, exercise_id: str) -> Draft | None:
        query = sa.select(drafts).where(
            drafts.c.learner_id == learner_id, drafts.c.exercise_id == exercise_id
        )
        with read_transaction(self._engine) as conn:
            row = conn.execute(query).first()
        return None if row is None else Draft.model_validate(_row(row))

    def delete_draft(self, learner_id: int, exercise_id: str) -> bool:
        """Remove the draft (after the attempt is stored); True if there was one."""
        stmt = sa.delete(drafts).where(
            drafts.c.learner_id == learner_id, drafts.c.exercise_id == exercise_id
        )
        with write_transaction(self._engine) as conn:
            return conn.execute(stmt).rowcount > 0

    # --- sprints --------------------------------------------------------------

    def create_sprint(
        self,
        name: str,
        spec: JsonObject,
        started_at: datetime,
        ends_at: datetime,
        mode: str = "matched",
    ) -> SprintRecord:
        sprint = SprintRecord(
            id=0, name=name, spec=spec, started_at=started_at, ends_at=ends_at, mode=mode
        )
        if sprint.ends_at < sprint.started_at:
            raise ValueError("a sprint cannot end before it starts")
        with write_transaction(self._engine) as conn:
            result = conn.execute(sa.insert(sprints).values(sprint.model_dump(exclude={"id"})))
            (sprint_id,) = result.inserted_primary_key or (None,)
        return sprint.model_copy(update={"id": sprint_id})

    def get_sprint(self, sprint_id: int) -> SprintRecord | None:
        with read_transaction(self._engine) as conn:
            row = conn.execute(sa.select(sprints).where(sprints.c.id == sprint_id)).first()
        return None if row is None else SprintRecord.model_validate(_row(row))
