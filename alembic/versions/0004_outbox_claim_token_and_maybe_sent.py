"""outbox: the claiming run's token, when a send started, when a send may have arrived

``deliver`` runs renew the lease of the rows they send and mark only their own rows
(``claim_token``); a send with no answer, or one whose sender died mid-send, is recorded
(``send_started_at``, ``maybe_sent_at``) so the row is sent at most once more.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import stancewatch.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column(
                "send_started_at", stancewatch.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch.add_column(
            sa.Column(
                "maybe_sent_at", stancewatch.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("maybe_sent_at")
        batch.drop_column("send_started_at")
        batch.drop_column("claim_token")
