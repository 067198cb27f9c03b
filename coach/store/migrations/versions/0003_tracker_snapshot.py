"""The engine's tracker snapshot, kept with each learner's standing.

Adds `standings.tracker`: the engine state after the standing's chain head
(posterior, windows, counters, engine version), so recording an attempt
continues from it instead of replaying the learner's whole history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("standings") as batch:
        batch.add_column(sa.Column("tracker", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("standings") as batch:
        batch.drop_column("tracker")
