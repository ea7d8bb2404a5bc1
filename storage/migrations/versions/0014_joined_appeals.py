"""Duplicates (issue 15): an appeal joined to another about the same problem receives that
appeal's answer; each keeps its own index, due date and rating.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(
            sa.Column(
                "joined_to_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch.create_foreign_key(
            op.f("fk_appeals_joined_to_id_appeals"), "appeals", ["joined_to_id"], ["id"]
        )
        batch.create_index(op.f("ix_appeals_joined_to_id"), ["joined_to_id"])


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.drop_index(op.f("ix_appeals_joined_to_id"))
        batch.drop_constraint(op.f("fk_appeals_joined_to_id_appeals"), type_="foreignkey")
        batch.drop_column("joined_to_id")
