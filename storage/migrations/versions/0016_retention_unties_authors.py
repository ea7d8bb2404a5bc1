"""After the retention term an appeal no longer points to its author (issue 11): `author_id`
may be NULL, set by the anonymising job.

On SQLite the column's nullability is changed by rebuilding the table (batch mode); the
downgrade fails while an anonymised appeal exists, as it should: its author is gone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTHOR_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.alter_column("author_id", existing_type=AUTHOR_ID, nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.alter_column("author_id", existing_type=AUTHOR_ID, nullable=False)
