"""Generated exercise instances: the family, version and seed of an attempt.

Adds `attempts.family_id`, `attempts.family_version` and `attempts.family_seed`
(None for hand-written exercises, so stored hashes are unchanged).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("family_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("family_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("family_seed", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("family_seed")
        batch.drop_column("family_version")
        batch.drop_column("family_id")
