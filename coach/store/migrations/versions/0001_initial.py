"""Initial schema: learners, sprints, attempts, level events, drafts.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in coach.store.schema as they were at this revision.
UTC_TIME = sa.DateTime(timezone=True)


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("key", name="uq_learners_key"),
    )
    op.create_table(
        "sprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sprints"),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(200), nullable=False),
        sa.Column("exercise_level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("exercise_difficulty", sa.Float(), nullable=True),
        sa.Column("needs_model", sa.String(20), nullable=True),
        sa.Column("placement", sa.Boolean(), nullable=True),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("model", sa.String(200), nullable=True),
        sa.Column("model_tier", sa.String(50), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("output_shown", sa.Text(), nullable=True),
        sa.Column("real_output", sa.Text(), nullable=True),
        sa.Column("trap", _json(), nullable=True),
        sa.Column("checks", _json(), nullable=False),
        sa.Column("details", _json(), nullable=True),
        sa.Column("output_score", sa.Float(), nullable=True),
        sa.Column("judgment", _json(), nullable=True),
        sa.Column("judgment_correct", sa.Boolean(), nullable=True),
        sa.Column("brier", sa.Float(), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("tokens_in", sa.Integer(), nullable=True),
        sa.Column("tokens_out", sa.Integer(), nullable=True),
        sa.Column("latency_s", sa.Float(), nullable=True),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_attempts_learner_id_learners"
        ),
        sa.ForeignKeyConstraint(
            ["sprint_id"], ["sprints.id"], name="fk_attempts_sprint_id_sprints"
        ),
        sa.UniqueConstraint("learner_id", "prev_hash", name="uq_attempts_learner_id_prev_hash"),
    )
    op.create_index("ix_attempts_learner_id_id", "attempts", ["learner_id", "id"])
    op.create_index("ix_attempts_sprint_id", "attempts", ["sprint_id"])
    op.create_table(
        "level_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("from_level", sa.Integer(), nullable=True),
        sa.Column("to_level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_level_events"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_level_events_learner_id_learners"
        ),
    )
    op.create_index("ix_level_events_learner_id", "level_events", ["learner_id"])
    op.create_table(
        "drafts",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "exercise_id", name="pk_drafts"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_drafts_learner_id_learners"
        ),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_index("ix_level_events_learner_id", table_name="level_events")
    op.drop_table("level_events")
    op.drop_index("ix_attempts_sprint_id", table_name="attempts")
    op.drop_index("ix_attempts_learner_id_id", table_name="attempts")
    op.drop_table("attempts")
    op.drop_table("sprints")
    op.drop_table("learners")
