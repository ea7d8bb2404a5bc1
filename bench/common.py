"""What every part of the benchmark shares: settings, databases, percentiles, memory, warnings."""

from __future__ import annotations

import asyncio
import logging
import math
import resource
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = ROOT / "config" / "departments.toml"
#: A database of its own on the local server, so that a test run using `test` is not disturbed.
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/pryimalnia_bench"
CONNECT_TIMEOUT = 5.0


def bench_settings(database_url: str, attachments: Path, api_url: str, token: str) -> Settings:
    from pydantic import SecretStr

    from bot.settings import Settings  # imported here: the echo bot's process stays bare

    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        attachments_dir=attachments,
        departments_file=DEPARTMENTS,
        telegram_bot_token=SecretStr(token),
        telegram_api_url=api_url,
        web_host="127.0.0.1",
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def parsed_url(url: str) -> URL:
    # Imported here: the echo bot's process must hold aiogram and nothing more, or its peak
    # RSS, the floor the reception is measured against, would carry SQLAlchemy (≈ 11 MB).
    from sqlalchemy.engine import make_url

    return make_url(url)


def is_postgres(url: str) -> bool:
    return parsed_url(url).get_backend_name() == "postgresql"


def local_only(url: str) -> None:
    """Nothing in the benchmark may leave the machine."""
    if is_postgres(url) and parsed_url(url).host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing a PostgreSQL server that is not on 127.0.0.1: {url}")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class WarningLog(logging.Handler):
    """Counts the warnings and errors the reception logs while it is measured."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}"[:300])

    def summary(self) -> dict[str, Any]:
        return {"warnings": self.count, "first_warnings": self.first}


def capture_warnings() -> WarningLog:
    handler = WarningLog()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # aiogram logs every update at INFO: keep it out of the measurement.
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    return handler


async def postgres_problem(url: str) -> str | None:
    """None when the server answers (creating the database if missing), else the reason."""
    import asyncpg  # type: ignore[import-untyped]  # the optional `postgres` extra

    parsed = parsed_url(url)
    database = parsed.database or "postgres"
    try:
        connection = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            database="postgres",
            timeout=CONNECT_TIMEOUT,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", database
        )
        if not exists:
            quoted = database.replace('"', '""')
            await connection.execute(f'CREATE DATABASE "{quoted}"')
    except asyncpg.PostgresError as error:
        return f"cannot create database {database!r}: {error}"
    finally:
        await connection.close()
    return None


async def reset_postgres(url: str) -> None:
    """An empty database: every table of an earlier run is gone."""
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


MIGRATE = """
import asyncio, sys
from storage.db import create_engine
from storage.migrate import upgrade

async def main() -> None:
    engine = create_engine(sys.argv[1])
    await upgrade(engine)
    await engine.dispose()

asyncio.run(main())
"""


async def reset_database(url: str) -> None:
    """An empty database at the latest schema, migrated in a process of its own as `make run`
    and the container do (`python -m bot migrate` first): the measured process, finding the
    schema current, never loads Alembic."""
    if is_postgres(url):
        await asyncio.wait_for(reset_postgres(url), 120)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", MIGRATE, url, cwd=ROOT, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await asyncio.wait_for(child.communicate(), 300)
    if child.returncode != 0:
        raise RuntimeError(f"migration failed: {errors.decode(errors='replace')[-500:]}")
