"""index the columns that refer to statements

Deleting statements (``restance`` after a rule change rewrites them) makes the database look up
every row that refers to each deleted statement; without these indexes that is a full scan of
stance_changes and stance_change_statements per statement.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_actor_states_statement_id", "actor_states", "statement_id"),
    ("ix_stance_change_statements_statement_id", "stance_change_statements", "statement_id"),
    ("ix_stance_changes_statement_id", "stance_changes", "statement_id"),
    ("ix_stance_changes_previous_statement_id", "stance_changes", "previous_statement_id"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
