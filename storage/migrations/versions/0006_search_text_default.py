"""appeals.search_text: no server default, as in the models.

0003 gave the new column a server default only to fill the rows that existed then; the
application always writes the search key itself, and the models declare none. Comparing server
defaults (the migration test now does) showed the difference.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.alter_column(
            "search_text", existing_type=sa.Text(), existing_nullable=False, server_default=None
        )


def downgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.alter_column(
            "search_text", existing_type=sa.Text(), existing_nullable=False, server_default=""
        )
