"""The database schema, in SQLAlchemy Core.

One `MetaData` for SQLite and PostgreSQL alike, so only dialect-neutral types
are used. Migrations (`coach/store/migrations/`) must produce exactly this
schema; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# Fixed constraint names, so later migrations (and SQLite batch mode) can
# refer to them by name on every dialect.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime that always comes back in UTC.

    SQLite keeps no offset, so values are converted to UTC on the way in and
    marked UTC on the way out; PostgreSQL's timestamptz gets the same treatment.
    Naive datetimes are refused: their meaning depends on the machine.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a timezone")
        utc = value.astimezone(UTC)
        # SQLite stores the text as given; drop the offset so all rows sort alike.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _json() -> sa.JSON:
    # Python None is stored as SQL NULL (not the JSON text 'null'), so IS NULL works.
    return sa.JSON(none_as_null=True)


def _learner_fk(**kw: Any) -> sa.Column[int]:
    return sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False, **kw)


learners = sa.Table(
    "learners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # Identity across machines and databases: lower-cased email, or the name.
    sa.Column("key", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    # The first-run answer to "how do you use AI today?" (an index into the
    # engine's self-report options): the placement prior, part of every replay.
    sa.Column("self_report", sa.Integer, nullable=True),
)

sprints = sa.Table(
    "sprints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("spec", _json(), nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("ends_at", UTCDateTime(), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _learner_fk(),
    sa.Column("exercise_id", sa.String(200), nullable=False),
    sa.Column("exercise_level", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    # A snapshot of the exercise as it was, so replaying history never depends on
    # later content edits; `placement` marks the attempts of the placement test.
    sa.Column("exercise_difficulty", sa.Float, nullable=True),
    sa.Column("needs_model", sa.String(20), nullable=True),
    sa.Column("placement", sa.Boolean, nullable=True),
    # True for a learner's own (private) exercise: it never counts for the level.
    sa.Column("exercise_private", sa.Boolean, nullable=True),
    # A generated instance's family, version and seed (they regenerate it exactly).
    sa.Column("family_id", sa.String(200), nullable=True),
    sa.Column("family_version", sa.Integer, nullable=True),
    sa.Column("family_seed", sa.BigInteger, nullable=True),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("finished_at", UTCDateTime(), nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("model_tier", sa.String(50), nullable=True),
    sa.Column("prompt", sa.Text, nullable=True),
    sa.Column("output_shown", sa.Text, nullable=True),
    sa.Column("real_output", sa.Text, nullable=True),
    sa.Column("trap", _json(), nullable=True),
    sa.Column("checks", _json(), nullable=False),
    # Per-input results, a pipeline's step outputs, an agent's trace, eval results.
    sa.Column("details", _json(), nullable=True),
    sa.Column("output_score", sa.Float, nullable=True),
    sa.Column("judgment", _json(), nullable=True),
    sa.Column("judgment_correct", sa.Boolean, nullable=True),
    sa.Column("brier", sa.Float, nullable=True),
    sa.Column("cost_usd", sa.Float, nullable=True),
    sa.Column("tokens_in", sa.Integer, nullable=True),
    sa.Column("tokens_out", sa.Integer, nullable=True),
    sa.Column("latency_s", sa.Float, nullable=True),
    sa.Column("sprint_id", sa.Integer, sa.ForeignKey("sprints.id"), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # Two attempts claiming the same predecessor would fork the chain: the
    # database refuses it even if a writer forgot to lock.
    sa.UniqueConstraint("learner_id", "prev_hash"),
    sa.Index("ix_attempts_learner_id_id", "learner_id", "id"),
    sa.Index("ix_attempts_sprint_id", "sprint_id"),
)

level_events = sa.Table(
    "level_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _learner_fk(index=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("from_level", sa.Integer, nullable=True),
    sa.Column("to_level", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("evidence", _json(), nullable=False),
    sa.Column("provisional", sa.Boolean, nullable=False),
)

drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("exercise_id", sa.String(200), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

# Derived, never authoritative: each learner's standing (level, posterior,
# weaknesses) as of the chain head it was computed from, so exports and the
# team board need not replay every attempt. Stale when `head_hash` or
# `engine_version` differ from now; readers then replay.
standings = sa.Table(
    "standings",
    metadata,
    sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("engine_version", sa.String(64), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("level", sa.Integer, nullable=True),
    sa.Column("provisional", sa.Boolean, nullable=False),
    sa.Column("theta", sa.Float, nullable=True),
    sa.Column("sd", sa.Float, nullable=True),
    sa.Column("p_level", sa.Float, nullable=True),
    sa.Column("weaknesses", _json(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # The engine's state after `head_hash` (see engine TrackerSnapshot): recording
    # the next attempt continues from it. None: replay (older rows, new engine).
    sa.Column("tracker", _json(), nullable=True),
)
