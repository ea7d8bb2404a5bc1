"""The scheduler's scans answered from indexes at 10^6 appeals (issue 14), on PostgreSQL too.

- `ix_appeals_status_due_on_id` replaces `ix_appeals_status_due_on`: with the id in the key,
  PostgreSQL finds the appeals due (or overdue) and not yet reminded by an index-only scan,
  instead of reading every overdue appeal's row from the heap first (0.197 s at 10^6); it serves every query the old index served. SQLite's index held the rowid
  already: there it changes nothing.
- `ix_sent_reminders_kind_due_on_appeal_id`: the same scans' "not yet reminded" reads one
  kind's entries (for the day, or those overdue) instead of probing the unique index once per
  candidate or reading a year of reminders (at 10^6 appeals, ≈ 1.9·10^6 rows): PostgreSQL's
  steady escalation scan 22–31 ms → 6–7 ms.
- `ix_appeals_status_received_on`: the digest counts the appeals awaiting triage by the day
  received without reading their rows.
- `ix_persons_role_department_id`: each reminder and escalation looks up the staff to tell;
  without it that read every person (at 10^6 appeals, 10^5 citizens: ≈ 20 ms a notice on
  PostgreSQL).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_appeals_status_due_on_id", "appeals", ["status", "due_on", "id"])
    op.drop_index("ix_appeals_status_due_on", table_name="appeals")
    op.create_index("ix_appeals_status_received_on", "appeals", ["status", "received_on"])
    op.create_index(
        "ix_sent_reminders_kind_due_on_appeal_id",
        "sent_reminders",
        ["kind", "due_on", "appeal_id"],
    )
    op.create_index("ix_persons_role_department_id", "persons", ["role", "department_id"])


def downgrade() -> None:
    op.drop_index("ix_persons_role_department_id", table_name="persons")
    op.drop_index("ix_sent_reminders_kind_due_on_appeal_id", table_name="sent_reminders")
    op.drop_index("ix_appeals_status_received_on", table_name="appeals")
    op.create_index("ix_appeals_status_due_on", "appeals", ["status", "due_on"])
    op.drop_index("ix_appeals_status_due_on_id", table_name="appeals")
