"""Issue 14: on SQLite the statements of a dialog step run without a thread hop each, yet the
event loop never waits inside SQLite for a lock another process holds (a CLI report, a
migration, a second instance): that wait happens in a worker thread, once per transaction, and
meanwhile every other citizen's work on the loop goes on."""

import asyncio
import sys
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.harness import Chat, onboard
from tests.waits import patience

HOLD_SECONDS = 1.5

HOLDER = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "c.execute('COMMIT')\n"
)


async def waits_of(engine: AsyncEngine) -> int:
    """How often the engine's one connection handed a wait for a lock to a worker thread."""
    connection = await engine.raw_connection()
    try:
        return int(connection.driver_connection.waits)  # type: ignore[union-attr]
    finally:
        connection.close()


@pytest.fixture
def sqlite_only(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    return str(make_url(database_url).database)


async def test_the_loop_runs_on_while_another_process_holds_the_write_lock(
    sqlite_only: str, engine: AsyncEngine, chat: Chat, other_chat: Chat
) -> None:
    await onboard(chat)
    await onboard(other_chat)
    waits_before = await waits_of(engine)
    await chat.send("/menu")
    assert await waits_of(engine) == waits_before, "an uncontended step waited in a thread"

    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        sqlite_only,
        str(HOLD_SECONDS),
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert (await holder.stdout.readline()).strip() == b"locked"
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    beating = asyncio.create_task(heartbeat())
    started = time.monotonic()
    answered = await asyncio.gather(chat.send("/help"), other_chat.send("/my"))
    waited = time.monotonic() - started
    beating.cancel()
    assert await holder.wait() == 0

    assert all(answered), "a citizen got no reply once the lock was free"
    assert waited >= HOLD_SECONDS * 0.8, "the step did not wait for the lock at all"
    # The loop ticked on the whole time: no stall anywhere near the lock's hold.
    assert max(gaps) < patience(0.3), f"the event loop stalled {max(gaps):.2f} s"
    assert len(gaps) > HOLD_SECONDS / 0.05
    assert await waits_of(engine) - waits_before <= 2, "more than one hand-off per transaction"
