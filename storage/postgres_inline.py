"""PostgreSQL's hot statements straight on asyncpg's connection (issue 14).

Through SQLAlchemy a statement costs ≈ 120 µs of CPU on PostgreSQL — a greenlet switch, the
execution context, the adapter's cursor, the result — while asyncpg runs it in ≈ 25 µs. Here a
statement compiled by SQLAlchemy (storage.prebuilt) runs on the asyncpg connection that
SQLAlchemy's adapter holds, the way the adapter's cursor would run it: inside the adapter's
transaction (begun first if the adapter has not begun it yet), under its lock, with its cache
of prepared statements; and a failure goes through SQLAlchemy's own handling, so it is wrapped
as SQLAlchemy would wrap it (parameters hidden), and a lost connection is invalidated and the
pool renewed."""

import re
from collections.abc import Sequence
from typing import Any, NoReturn

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.util.concurrency import greenlet_spawn, is_exit_exception

Adapter = AsyncAdapt_asyncpg_connection

# The adapter's own reading of the command tag, so that row counts are the ones it gives.
_STATUS = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)")


async def execute(
    sync: Connection, adapter: Adapter, sql: str, values: Sequence[Any]
) -> tuple[list[Any], int, Sequence[Any]]:
    """A statement in `sync`'s transaction: its rows, its row count and its columns (see
    `type_codes`)."""
    dialect: Any = sync.dialect
    own: Any = adapter
    try:
        async with own._execute_mutex:
            if own._transaction is None:
                await own._start_transaction()
            prepared, attributes = await own._prepare(sql, dialect._invalidate_schema_cache_asof)
            rows = await prepared.fetch(*values)
            status = prepared.get_statusmsg()
    except BaseException as error:
        await _failed(sync, adapter, sql, values, error)
    counted = _STATUS.match(status or "")
    return rows, int(counted.group(1)) if counted else -1, attributes


def type_codes(columns: Sequence[Any]) -> list[int]:
    """What SQLAlchemy chooses a column's result processor by, as the adapter's cursor gives it."""
    return [column.type.oid for column in columns]


async def _failed(
    sync: Connection,
    adapter: Adapter,
    sql: str | None,
    values: Sequence[Any] | None,
    error: BaseException,
) -> NoReturn:
    """Raises what SQLAlchemy would have raised for `error`, after what it would have done."""
    dialect: Any = sync.dialect
    dbapi = dialect.loaded_dbapi
    if isinstance(error, Exception) and not isinstance(error, dbapi.Error):
        try:
            # asyncpg's error as the adapter's DB-API one; one it does not map stays as it is.
            adapter._handle_exception(error)
        except Exception as translated:
            error = translated
    if isinstance(error, dbapi.InvalidCachedStatementError | dbapi.InternalServerError):
        # What the dialect's execution context does: the prepared statements are re-made.
        dialect._invalidate_schema_cache()
    if isinstance(error, dbapi.Error) or is_exit_exception(error):
        # Wraps, invalidates a lost (or cancelled) connection and the pool; always raises.
        await greenlet_spawn(sync._handle_dbapi_exception, error, sql, values, None, None)
    raise error


async def commit(sync: Connection) -> None:
    """COMMIT straight on asyncpg, for SQLAlchemy's commit to find nothing left to send."""
    transaction = sync.get_transaction()
    if transaction is None or not transaction.is_active or sync.in_nested_transaction():
        return  # SQLAlchemy's commit refuses or commits it as it should
    adapter = sync.connection.dbapi_connection
    own: Any = adapter
    if not isinstance(adapter, Adapter) or own._transaction is None:
        return
    try:
        async with own._execute_mutex:
            await own._call_and_discard(own._transaction.commit)
    except BaseException as error:
        await _failed(sync, adapter, None, None, error)
