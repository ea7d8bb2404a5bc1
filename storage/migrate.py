"""Schema migrations, run from inside the application's event loop.

Alembic (with Mako) costs ≈ 8 MB of every process that imports it (issue 14: peak memory), and a
reception whose schema is current needs none of it: the head is read from the revision files and
the database's revision with one query; Alembic is imported only to migrate."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r'^(down_revision|revision)\b[^=\n]*= *(?:"([^"]*)"|None)', re.M)


def head_revision() -> str:
    """The one revision no other revision follows (what `alembic heads` prints)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else followed).add(value)
    heads = revisions - followed
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads, not one")
    return heads.pop()


def alembic_config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def in_one_transaction(connection: Connection, migrate: Callable[[Connection], None]) -> None:
    """Run `migrate` in one transaction. On SQLite, foreign keys are off meanwhile: a batch
    migration rebuilds a table by dropping it, which other tables' rows refer to (SQLite's
    documented procedure for altering a table; the pragma is ignored inside a transaction)."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _pragma(connection, "PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            migrate(connection)
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the migration left rows that refer to missing rows")
    finally:
        if sqlite:
            _pragma(connection, "PRAGMA foreign_keys=ON")


def _pragma(connection: Connection, statement: str) -> None:
    # On the driver's connection, so that SQLAlchemy does not begin a transaction first.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    if revision == "head" and await is_current(engine):
        return
    from alembic import command

    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, run)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command

    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, run)


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def is_current(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return await connection.run_sync(current_revision) == head_revision()
