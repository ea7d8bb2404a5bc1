"""The scheduler's minute at city scale (issue 14): each control job finds its rows through an
index that holds only candidates, so a pass costs the same at 10^4 and 10^6 appeals.

- `ix_appeals_retention`: appeals not yet anonymised, by the day received. Partial, so that the
  retention job reads only appeals whose term has ended and that still carry personal data,
  not every closed appeal each minute; `anonymised_at IS NULL` has no parameter, so SQLite's
  planner matches it to the query as PostgreSQL's does.
- `ix_appeals_status_answered_at`: the answered appeals left unrated past the term to close.
- `ix_appeals_submitted_at`: the digest's "new in the last 24 hours".

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_ANONYMISED = "anonymised_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_appeals_retention",
        "appeals",
        ["received_on"],
        sqlite_where=sa.text(NOT_ANONYMISED),
        postgresql_where=sa.text(NOT_ANONYMISED),
    )
    op.create_index("ix_appeals_status_answered_at", "appeals", ["status", "answered_at"])
    op.create_index("ix_appeals_submitted_at", "appeals", ["submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_appeals_submitted_at", table_name="appeals")
    op.drop_index("ix_appeals_status_answered_at", table_name="appeals")
    op.drop_index("ix_appeals_retention", table_name="appeals")
