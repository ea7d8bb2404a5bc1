"""Engines and sessions, set up so that SQLite and PostgreSQL behave alike under concurrency."""

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util.concurrency import await_

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Connections per process; units of work beyond it wait their turn (storage.uow). Several
#: instances: keep their sum under PostgreSQL's max_connections (100 by default).
POSTGRES_POOL_SIZE = 15


def _configure_sqlite(engine: AsyncEngine) -> None:
    from storage.sqlite_inline import InlineConnection  # aiosqlite's adapter: SQLite only

    # See TECH-NOTES: pysqlite's own transaction handling loses updates between concurrent
    # writers; take over BEGIN and make every transaction take the write lock up front.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # Zero: a wait for another process's lock happens in a worker thread, not on the
        # event loop (storage.sqlite_inline).
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        driver = connection.connection.driver_connection
        if isinstance(driver, InlineConnection):
            # Straight to sqlite3: a statement through SQLAlchemy costs more than the BEGIN.
            await_(driver.execute("BEGIN IMMEDIATE"))
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        from storage.sqlite_inline import InlineDBAPI  # aiosqlite's adapter: SQLite only

        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Every SQLite transaction takes the write lock (BEGIN IMMEDIATE); with a pool of
        # connections they would poll for it and starve (the benchmark saw 4 s tails). One
        # connection queues them fairly instead.
        engine = create_async_engine(
            url,
            module=InlineDBAPI(wait_seconds=SQLITE_BUSY_TIMEOUT_MS / 1000),
            hide_parameters=True,
            pool_size=1,
            max_overflow=0,
            pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
        _configure_sqlite(engine)
        return engine
    # Parameters hold personal data: errors must not carry them into logs. A pool of fixed size:
    # connections opened beyond it were closed on return, and the benchmark's 50 citizens kept
    # opening new ones (≈ 0.8 ms of CPU per update). No ping before each use: asyncpg's costs a
    # transaction of three round trips (≈ 1 ms per update); a connection that died with a
    # restarted server fails once, SQLAlchemy then renews the whole pool, and the intake and
    # the jobs do again what failed (storage.outages).
    return create_async_engine(
        url, pool_size=POSTGRES_POOL_SIZE, max_overflow=0, hide_parameters=True
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
