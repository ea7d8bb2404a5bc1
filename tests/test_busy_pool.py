"""A burst of work larger than the connection pool waits its turn: it is not an outage.

The pool gives up on a connection after its timeout; counted as "the database is away", a
burst of citizens would make the intake refuse the next updates (the benchmark's 1 000
citizens on PostgreSQL saw it). Units of work wait for a free connection in order instead."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import create_engine, create_sessionmaker
from storage.outages import is_outage
from storage.uow import unit_of_work
from tests.waits import patience

AT_ONCE = 12


async def test_a_burst_larger_than_the_pool_waits_instead_of_failing(database_url: str) -> None:
    hold = patience(0.05)
    # Two connections that give up after less than the burst takes to go through them.
    engine = create_async_engine(database_url, pool_size=2, max_overflow=0, pool_timeout=hold * 2)
    sessions = create_sessionmaker(engine)

    async def work(n: int) -> int:
        async with unit_of_work(sessions) as uow:
            value = int((await uow.tx.connection.execute(text(f"SELECT {n}"))).scalar_one())
            await asyncio.sleep(hold)
            return value

    try:
        done = await asyncio.gather(*(work(n) for n in range(AT_ONCE)))
    finally:
        await engine.dispose()
    assert done == list(range(AT_ONCE))


async def test_connections_killed_by_a_server_restart_fail_once_as_an_outage(
    database_url: str,
) -> None:
    """No ping before each use (it cost a round-trip transaction per unit of work): a pooled
    connection that the server dropped fails once, as an outage the callers wait out and do
    again, and the pool is renewed for the next ones."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections only")
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)

    async def pid() -> int:
        async with unit_of_work(sessions) as uow:
            found = await uow.tx.connection.execute(text("SELECT pg_backend_pid()"))
            return int(found.scalar_one())

    try:
        pooled = set(await asyncio.gather(*(pid() for _ in range(3))))
        killer = create_async_engine(database_url, poolclass=NullPool)
        async with killer.begin() as connection:
            for backend in pooled:
                await connection.execute(text(f"SELECT pg_terminate_backend({backend})"))
        await killer.dispose()
        outcomes: list[str] = []
        for _ in range(4):
            try:
                await pid()
                outcomes.append("ok")
            except Exception as error:
                outcomes.append("outage" if is_outage(error) else repr(error))
        assert outcomes in (["ok"] * 4, ["outage"] + ["ok"] * 3), outcomes
    finally:
        await engine.dispose()
