"""Alembic environment, two ways in.

- `python -m bot migrate` (and the tests) hand over an open connection in
  `config.attributes["connection"]`, from inside the application's event loop.
- Alembic's own CLI from the project root (`alembic upgrade head`, `alembic downgrade -1`,
  `alembic revision --autogenerate -m "…"`; pyproject.toml's `[tool.alembic]` names this
  directory): the database is `-x url=…`, else `DATABASE_URL` from the environment or `.env`,
  as for the reception itself.
"""

import asyncio
from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import in_one_transaction
from storage.models import Base
from storage.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


class DatabaseSetting(BaseSettings):
    """The one setting migrations need, read the way `bot.settings.Settings` reads it."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./data/reception.db"


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
        compare_server_default=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def database_url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or DatabaseSetting().database_url


async def run_from_command_line() -> None:
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(in_one_transaction, run_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported: run them on a database")
connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_from_command_line())
