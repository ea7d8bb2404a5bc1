"""A burst of work larger than the connection pool waits its turn: it is not an outage.

The pool gives up on a connection after its timeout; counted as "the database is away", a
burst of citizens would make the intake refuse the next updates (the benchmark's 1 000
citizens on PostgreSQL saw it). Units of work wait for a free connection in order instead."""

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import create_sessionmaker
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
