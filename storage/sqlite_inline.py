"""SQLite without a thread hop per statement (issue 14).

aiosqlite runs every call — cursor, execute, fetch, close — in its worker thread: three or four
hand-offs per statement, ≈ 40 per dialog step, while the statement itself takes ≈ 8 µs. Here
the sqlite3 calls run on the event loop itself, and only a call that would wait for a lock held
by another process (a CLI report, a migration, a second instance) goes to a worker thread to
wait there. SQLite's busy timeout on the loop is therefore zero: the loop never sleeps inside
SQLite, and the one hand-off a transaction may cost happens only when the database is busy
elsewhere. SQLAlchemy sees an aiosqlite-like driver (its aiosqlite dialect is reused as is)."""

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import exc
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    # The extended codes too: SQLITE_BUSY_RECOVERY while another process recovers the WAL of
    # one that was killed, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT.
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class InlineConnection:
    """The driver-level connection SQLAlchemy's aiosqlite adapter expects, over sqlite3."""

    def __init__(self, raw: sqlite3.Connection, wait_seconds: float) -> None:
        self._conn = raw
        self._connection: sqlite3.Connection | None = raw
        self._wait_ms = int(wait_seconds * 1000)
        #: Hand-offs to a worker thread so far (a lock held elsewhere); the tests read it.
        self.waits = 0

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        try:
            return function(*args)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
        # Nothing was done (SQLITE_BUSY): wait for the lock in a thread, with the busy timeout.
        self.waits += 1
        return await asyncio.to_thread(self._waiting, partial(function, *args))

    def _waiting(self, call: Callable[[], T]) -> T:
        self._conn.execute(f"PRAGMA busy_timeout={self._wait_ms}")
        try:
            return call()
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> "InlineCursor":
        return InlineCursor(self)

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[list[Any], int]:
        """A statement run past SQLAlchemy (BEGIN, storage.prebuilt): its rows and row count,
        its errors wrapped as SQLAlchemy's would be, so a locked file is still an outage."""
        try:
            cursor = await self.run(self._conn.execute, sql, parameters)
            return cursor.fetchall(), cursor.rowcount
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(sql, None, error, sqlite3.Error) from error

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


class InlineCursor:
    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    async def __aenter__(self) -> "InlineCursor":
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> "InlineCursor":
        await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Any) -> "InlineCursor":
        await self._connection.run(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _InlineAdapter(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level  # type: ignore[no-any-return]

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection._conn.isolation_level = value


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """What `create_async_engine(..., module=...)` takes in place of aiosqlite."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__(aiosqlite, sqlite3)
        self._wait_seconds = wait_seconds

    def connect(self, *args: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        kw.pop("async_creator_fn", None)
        kw["timeout"] = 0  # see the module's docstring: never wait on the loop
        kw["check_same_thread"] = False  # a wait for a lock runs in a worker thread
        raw = await_(asyncio.to_thread(sqlite3.connect, *args, **kw))
        return _InlineAdapter(self, InlineConnection(raw, self._wait_seconds))  # type: ignore[arg-type]
