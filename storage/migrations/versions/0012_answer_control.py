"""CNAP's control of answers: the answer's grounds of a refusal, signatory, outgoing number and
date (Law Art. 15, 19), and the signatory each employee answers under.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.add_column(sa.Column("refusal_grounds", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("signatory_name", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("signatory_position", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("outgoing_number", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("outgoing_date", sa.Date(), nullable=True))
    with op.batch_alter_table("persons") as batch_op:
        batch_op.add_column(sa.Column("signatory_name", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("signatory_position", sa.String(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("persons") as batch_op:
        batch_op.drop_column("signatory_position")
        batch_op.drop_column("signatory_name")
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_column("outgoing_date")
        batch_op.drop_column("outgoing_number")
        batch_op.drop_column("signatory_position")
        batch_op.drop_column("signatory_name")
        batch_op.drop_column("refusal_grounds")
