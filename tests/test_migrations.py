"""The schema comes from migrations alone: upgrade from empty, downgrade, upgrade again, and the
result matches the models."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import alembic_config, downgrade, is_current, upgrade
from storage.models import Base


def differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_stairway_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    revisions = [
        script.revision
        for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    ]
    try:
        for revision in reversed(revisions):
            await upgrade(engine, revision)
            previous = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
            down = previous.down_revision
            await downgrade(engine, down if isinstance(down, str) else "base")
            await upgrade(engine, revision)
        assert await is_current(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
            assert "appeals" in await connection.run_sync(table_names)
        await downgrade(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(table_names) == set()
    finally:
        await engine.dispose()
