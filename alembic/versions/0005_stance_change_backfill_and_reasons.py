"""stance changes: backfill and blocked flags, the event they belong to, their reason;
actor states: the evidence building up below the threshold

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stance_changes") as batch:
        batch.add_column(
            sa.Column("backfill", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("blocked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("event_key", sa.String(length=100), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("reason", sa.JSON(), nullable=True))
        batch.create_index("ix_stance_changes_event_key", ["event_key"], unique=False)
    with op.batch_alter_table("actor_states") as batch:
        batch.add_column(sa.Column("pending", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("actor_states") as batch:
        batch.drop_column("pending")
    with op.batch_alter_table("stance_changes") as batch:
        batch.drop_index("ix_stance_changes_event_key")
        batch.drop_column("reason")
        batch.drop_column("event_key")
        batch.drop_column("blocked")
        batch.drop_column("backfill")
