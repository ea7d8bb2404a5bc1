"""Speed of the per-update path (issue 14): a version on the conversation state, for the
compare-and-set that replaces the row lock held during a dialog step; an index for the
executors' deadline scans of their department; the send budget the outbox workers of all
instances share.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_states") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    op.create_index(
        "ix_appeals_department_status_due_on", "appeals", ["department_id", "status", "due_on"]
    )
    op.create_table(
        "send_budgets",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_send_budgets")),
    )


def downgrade() -> None:
    op.drop_table("send_budgets")
    op.drop_index("ix_appeals_department_status_due_on", table_name="appeals")
    with op.batch_alter_table("conversation_states") as batch:
        batch.drop_column("version")
