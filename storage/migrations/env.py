"""Alembic environment: run on a connection handed over by `storage.migrate`."""

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from storage.models import Base
from storage.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, item: Any, _context: AutogenContext) -> str | Literal[False]:
    """Migrations stay free of the application's types: a UTC column is a plain timestamptz."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return repr(sa.DateTime(timezone=True)).replace("DateTime", "sa.DateTime")
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `python -m bot migrate`")
run_on(connection)
