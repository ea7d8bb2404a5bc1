"""The schema comes from migrations alone: upgrade from empty, downgrade, upgrade again, and the
result matches the models, server defaults included; Alembic's own CLI does the same."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import alembic_config, downgrade, head_revision, is_current, upgrade
from storage.models import Base


def differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
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


ROOT = Path(__file__).resolve().parent.parent
ALEMBIC = Path(sys.executable).parent / "alembic"


def alembic(*args: str, url: str) -> str:
    """Alembic's CLI as a deployer runs it: from the project root, the database in DATABASE_URL."""
    environment = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [str(ALEMBIC), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.slow
async def test_alembic_command_line_round_trip(database_url: str) -> None:
    alembic("upgrade", "head", url=database_url)
    engine = create_engine(database_url)
    try:
        assert await is_current(engine)
        alembic("downgrade", "-1", url=database_url)
        assert not await is_current(engine)
        alembic("downgrade", "base", url=database_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(table_names) == set()
        alembic("upgrade", "head", url=database_url)
        assert await is_current(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
    # `alembic check` runs autogenerate: what `revision --autogenerate` would write is empty.
    assert "No new upgrade operations detected" in alembic("check", url=database_url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    assert head in alembic("current", url=database_url)


CHECK_WITHOUT_ALEMBIC = """
import asyncio, sys
from storage.db import create_engine
from storage.migrate import is_current, upgrade

async def main() -> None:
    engine = create_engine(sys.argv[1])
    await upgrade(engine)
    assert await is_current(engine)
    await engine.dispose()

asyncio.run(main())
print(sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "mako")))
"""


def alembic_loaded_by_a_start(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHECK_WITHOUT_ALEMBIC, url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


async def test_a_current_schema_costs_no_alembic_import(database_url: str) -> None:
    """A reception starting on a current schema never loads Alembic (≈ 8 MB, issue 14)."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head_revision() == head
    assert await asyncio.to_thread(alembic_loaded_by_a_start, database_url) == "[]"
