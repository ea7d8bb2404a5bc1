"""Classifier 858 as the council reports use it, and co-authors by name.

Electronic appeals were filed under receipt form 1.6 ("from other bodies") and the 7.x author
categories were numbered differently from the classifier: the stored codes are rewritten to
what they mean, each change an event row in the appeal's history (DESIGN rule 5), so that
reports count by the classifier's codes. Collective appeals may name their co-authors.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies: a migration must not change when the code it once mirrored does.
OLD_ELECTRONIC_FORM = "1.6"
NEW_ELECTRONIC_FORM = "1.1"
OLD_TO_NEW_CATEGORY: dict[str, str | None] = {
    "7.1": "7.5",
    "7.2": "7.4",
    "7.3": "7.1",
    "7.4": None,
    "7.5": "7.6",
    "7.6": "7.2",
    "7.7": None,
    "7.8": "7.14",
    "7.9": "7.16",
    "7.10": "7.13",
    "7.11": None,
    "7.12": None,
}

appeals = sa.table(
    "appeals",
    sa.column("id", sa.Integer),
    sa.column("receipt_form", sa.String),
    sa.column("author_category", sa.String),
    sa.column("channel", sa.String),
)
events = sa.table(
    "appeal_events",
    sa.column("appeal_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_role", sa.String),
    sa.column("kind", sa.String),
    sa.column("text", sa.Text),
    sa.column("data", sa.JSON),
    sa.column("internal", sa.Boolean),
    sa.column("at", sa.DateTime(timezone=True)),
)


def _rewrite(forward: bool) -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    mapping = OLD_TO_NEW_CATEGORY
    rows = bind.execute(
        sa.select(appeals.c.id, appeals.c.receipt_form, appeals.c.author_category)
    ).all()
    for appeal_id, form, category in rows:
        changes: dict[str, list[str | None]] = {}
        if forward and form == OLD_ELECTRONIC_FORM:
            changes["receipt_form"] = [form, NEW_ELECTRONIC_FORM]
        if not forward and form == NEW_ELECTRONIC_FORM:
            changes["receipt_form"] = [form, OLD_ELECTRONIC_FORM]
        if category is not None:
            if forward and category in mapping:
                new = mapping[category]
            elif not forward:
                back = [old for old, to in mapping.items() if to == category]
                new = back[0] if back else None
            else:
                new = category
            if new != category:
                changes["author_category"] = [category, new]
        if not changes:
            continue
        bind.execute(
            appeals.update()
            .where(appeals.c.id == appeal_id)
            .values({field: pair[1] for field, pair in changes.items()})
        )
        bind.execute(
            events.insert().values(
                appeal_id=appeal_id,
                actor_id=None,
                actor_role="system",
                kind="reclassified",
                text=None,
                data={"changes": changes, "why": "classifier 858 numbering"},
                internal=False,
                at=now,
            )
        )


def upgrade() -> None:
    op.add_column("appeals", sa.Column("coauthor_names", sa.Text(), nullable=True))
    _rewrite(forward=True)


def downgrade() -> None:
    _rewrite(forward=False)
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("coauthor_names")
