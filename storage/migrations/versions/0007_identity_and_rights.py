"""Identity and the citizen's rights: link codes, throttled guesses, person events, the public
search text (Art. 10) and anonymisation after the retention term.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_link_codes_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_link_codes_code_hash")),
    )
    op.create_index(op.f("ix_link_codes_person_id"), "link_codes", ["person_id"])
    op.create_table(
        "guess_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guess_attempts")),
    )
    op.create_index("ix_guess_attempts_scope_key_at", "guess_attempts", ["scope", "key", "at"])
    op.create_table(
        "person_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_events_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_events")),
    )
    op.create_index(op.f("ix_person_events_person_id"), "person_events", ["person_id"])
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.add_column(
            sa.Column("search_public", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Existing appeals: the index and the text, case-folded as the application does.
    appeals = sa.table(
        "appeals",
        sa.column("id", ID),
        sa.column("reg_index", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("search_public", sa.Text()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(appeals.c.id, appeals.c.reg_index, appeals.c.text))
    for appeal_id, reg_index, text in rows.all():
        connection.execute(
            sa.update(appeals)
            .where(appeals.c.id == appeal_id)
            .values(search_public=f"{reg_index}\n{text}".casefold())
        )
    # The default only filled the rows above; the application writes the key itself.
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.alter_column(
            "search_public", existing_type=sa.Text(), existing_nullable=False, server_default=None
        )


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("search_public")
    op.drop_index(op.f("ix_person_events_person_id"), table_name="person_events")
    op.drop_table("person_events")
    op.drop_index("ix_guess_attempts_scope_key_at", table_name="guess_attempts")
    op.drop_table("guess_attempts")
    op.drop_index(op.f("ix_link_codes_person_id"), table_name="link_codes")
    op.drop_table("link_codes")
