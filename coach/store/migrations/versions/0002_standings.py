"""Self-report, private exercises and stored standings.

Adds `learners.self_report` (the placement prior from the first run),
`attempts.exercise_private` (a learner's own exercise, counted at reduced
weight) and the `standings` table (each learner's derived level, posterior and
weaknesses as of a chain head, so exports need not replay every attempt).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("self_report", sa.Integer(), nullable=True))
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("exercise_private", sa.Boolean(), nullable=True))
    op.create_table(
        "standings",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("engine_version", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("theta", sa.Float(), nullable=True),
        sa.Column("sd", sa.Float(), nullable=True),
        sa.Column("p_level", sa.Float(), nullable=True),
        sa.Column("weaknesses", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", name="pk_standings"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_standings_learner_id_learners"
        ),
    )


def downgrade() -> None:
    op.drop_table("standings")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("exercise_private")
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("self_report")
