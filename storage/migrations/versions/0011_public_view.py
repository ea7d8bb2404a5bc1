"""The public view: the author's choice to publish the text without their name, an operator's
hiding of it, and the hashed keys of the Open311 API.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.add_column(
            sa.Column("publish_text", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("text_hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The default only filled the existing rows (nobody chose to publish); the application
    # writes both columns itself.
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.alter_column(
            "publish_text", existing_type=sa.Boolean(), existing_nullable=False, server_default=None
        )
        batch_op.alter_column(
            "text_hidden", existing_type=sa.Boolean(), existing_nullable=False, server_default=None
        )
    op.create_table(
        "api_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_column("text_hidden")
        batch_op.drop_column("publish_text")
