"""Issue 14: the statements every update runs go straight to the database driver (storage.prebuilt),
on PostgreSQL to asyncpg's connection, and so does the COMMIT. What people rely on stays as it
was through SQLAlchemy: the values read are the values written, a row created twice is a
`Conflict` the step is retried on, a step that fails leaves nothing, and a connection that the
server killed or that was cut off mid-statement is an outage the reception gets over."""

import asyncio
import gc
from collections.abc import AsyncIterator
from datetime import UTC, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Float, bindparam, event, func, select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from storage.errors import Conflict
from storage.inbox import NewUpdate
from storage.models import Person
from storage.outages import is_outage
from storage.prebuilt import Prebuilt
from storage.records import StateRecord
from storage.turns import _TURN
from storage.uow import UnitOfWork, unit_of_work
from tests.harness import Clock
from tests.waits import patience

#: What a citizen may send: not only ASCII, nested, with every JSON kind of value.
PAYLOAD: dict[str, Any] = {
    "text": "Ліхтарі не світять — 35 ✓",
    "from": {"id": 5_000_000_001, "is_bot": False, "username": None},
    "entities": [{"offset": 0, "length": 7}, [1.5, True]],
}


def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections only")


async def persons(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with unit_of_work(sessions) as uow:
        found = await uow.session.scalar(select(func.count()).select_from(Person))
    return int(found or 0)


async def test_values_read_back_are_those_written_and_those_sqlalchemy_reads(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    kyiv = clock().astimezone(timezone(timedelta(hours=2)))
    async with unit_of_work(sessions) as uow:
        [stored] = await uow.inbox.store([NewUpdate("test", "1", "citizen-1", PAYLOAD)], kyiv)
        turn = await uow.turn("test", "citizen-1", kyiv)
        await uow.people.record_consent(
            turn.person.id, given=True, notice_version="v1", channel="test", locale="uk", now=kyiv
        )
        await uow.conversations.save(turn.account.id, StateRecord("text", PAYLOAD), kyiv)
    async with unit_of_work(sessions) as uow:
        item = await uow.inbox.earliest_received("test", "citizen-1")
        turn = await uow.turn("test", "citizen-1", kyiv)
        params = {"b_channel": "test", "b_external_id": "citizen-1"}
        direct = (await _TURN.run(uow.tx.connection, params)).one_or_none()
        through = (await uow.tx.connection.execute(_TURN.statement, params)).one_or_none()
    assert item is not None
    assert (item.id, item.payload, item.received_at) == (stored, PAYLOAD, clock())
    assert item.received_at.tzinfo is UTC
    assert turn.consent == (True, "v1", clock())
    assert turn.state == StateRecord("text", PAYLOAD)
    assert through is not None
    assert direct == tuple(through)


async def test_a_row_created_twice_is_a_conflict_and_the_step_leaves_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    """Two first messages of one person at once: the second unit of work creates a person,
    then its account is refused by the unique key. It is retried; no stray person is left,
    and the error does not carry what was written (the messenger's id of the person)."""
    async with unit_of_work(sessions) as uow:
        await uow.turn("test", "citizen-380501234567", clock())
    before = await persons(sessions)
    with pytest.raises(Conflict) as raised:
        async with unit_of_work(sessions) as uow:
            await uow.people.first_contact("test", "citizen-380501234567", clock())
    assert "380501234567" not in str(raised.value.__cause__)
    assert await persons(sessions) == before


async def test_a_step_that_fails_midway_leaves_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:

    async def step() -> None:
        async with unit_of_work(sessions) as uow:
            turn = await uow.turn("test", "citizen-1", clock())
            await uow.conversations.save(turn.account.id, StateRecord("menu"), clock())
            raise RuntimeError("the step's handler failed")

    with pytest.raises(RuntimeError):
        await step()
    assert await persons(sessions) == 0
    async with unit_of_work(sessions) as uow:
        assert (await uow.turn("test", "citizen-1", clock())).state is None


@pytest.fixture
async def killer(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Another client of the server, which ends the reception's backends as a restart would."""
    postgres_only(database_url)
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


async def kill(killer: AsyncEngine, uow: UnitOfWork) -> None:
    found = await uow.tx.connection.execute(text("SELECT pg_backend_pid()"))
    backend = int(found.scalar_one())
    async with killer.begin() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


@pytest.mark.parametrize("when", ["before the next statement", "before the commit"])
async def test_a_connection_killed_mid_step_is_an_outage_and_the_next_step_works(
    database_url: str,
    killer: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    when: str,
) -> None:
    async with unit_of_work(sessions) as uow:
        await uow.turn("test", "citizen-1", clock())

    async def step() -> None:
        async with unit_of_work(sessions) as uow:
            turn = await uow.turn("test", "citizen-1", clock())
            if when == "before the commit":
                await uow.conversations.save(turn.account.id, StateRecord("menu"), clock())
            await kill(killer, uow)
            if when == "before the next statement":
                await uow.conversations.save(turn.account.id, StateRecord("menu"), clock())

    with pytest.raises(Exception) as raised:  # noqa: PT011 - which one is what is_outage says
        await step()
    assert is_outage(raised.value), repr(raised.value)
    for _ in range(3):
        async with unit_of_work(sessions) as uow:
            assert (await uow.turn("test", "citizen-1", clock())).state is None


async def test_pooled_connections_killed_between_steps_fail_once_as_an_outage(
    killer: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    """The step's first statement begins the transaction on asyncpg: a pooled connection the
    server dropped fails there once, and the pool is renewed for the next steps."""
    async with unit_of_work(sessions) as uow:
        await uow.turn("test", "citizen-1", clock())
        found = await uow.tx.connection.execute(text("SELECT pg_backend_pid()"))
        backend = int(found.scalar_one())
    async with killer.begin() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    outcomes: list[str] = []
    for _ in range(3):
        try:
            async with unit_of_work(sessions) as uow:
                await uow.turn("test", "citizen-1", clock())
            outcomes.append("ok")
        except Exception as error:
            outcomes.append("outage" if is_outage(error) else repr(error))
    assert outcomes in (["ok"] * 3, ["outage", "ok", "ok"]), outcomes


_SLEEP = Prebuilt(select(func.pg_sleep(bindparam("b_seconds", type_=Float))))


# The connection cut off is terminated by SQLAlchemy, and asyncpg's object for it may be
# collected only later, with a ResourceWarning that says nothing about this behaviour.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
async def test_a_step_cut_off_mid_statement_leaves_no_busy_connection(
    database_url: str, killer: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A step cancelled while its statement runs (a shutdown, a timeout): its connection is
    not given back to the pool in the middle of a statement; the next steps run at once."""
    postgres_only(database_url)

    async def slow() -> None:
        async with unit_of_work(sessions) as uow:
            await _SLEEP.run(uow.tx.connection, {"b_seconds": 30.0})

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(slow(), 0.5)
    for _ in range(3):
        async with unit_of_work(sessions) as uow:
            await _SLEEP.run(uow.tx.connection, {"b_seconds": 0.0})

    # The backend is not left running the statement either.
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE pid <> pg_backend_pid() AND query LIKE '%pg_sleep($1%'"
    )
    for _ in range(round(patience(5) / 0.05)):
        async with killer.connect() as connection:
            if (await connection.execute(query)).scalar_one() == 0:
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a backend still runs the cancelled statement")
    gc.collect()  # see the marks above: collected here, not in a later test


async def test_a_steady_step_skips_sqlalchemys_execution(
    engine: AsyncEngine, clock: Clock, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The hot statements are seen by `before_cursor_execute` listeners (counting them stays
    true) but never run through SQLAlchemy's execution, which fires `after_cursor_execute`."""
    async with unit_of_work(sessions) as uow:
        turn = await uow.turn("test", "citizen-1", clock())
        await uow.conversations.save(turn.account.id, StateRecord("menu"), clock())
    seen: list[str] = []
    executed: list[str] = []

    def before(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    def after(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        executed.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    try:
        async with unit_of_work(sessions) as uow:
            turn = await uow.turn("test", "citizen-1", clock())
            await uow.conversations.save(turn.account.id, StateRecord("topic"), clock())
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "after_cursor_execute", after)
    assert len(seen) == 2, seen
    assert executed == []
