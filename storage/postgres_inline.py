"""PostgreSQL's hot statements and their COMMIT straight on asyncpg's connection (issue 14).

Through SQLAlchemy each statement costs a greenlet switch, an execution context, the adapter's
cursor and a result: a unit of work with a dialog step's three statements cost ≈ 760 µs of CPU,
and ≈ 400 µs here, most of it the round trips themselves. A statement compiled by SQLAlchemy
(storage.prebuilt) runs on the asyncpg connection that SQLAlchemy's adapter holds, the way the
adapter's cursor would run it: inside the adapter's transaction (begun first if it was not yet),
under its lock, with its cache of prepared statements. A failure goes through SQLAlchemy's own
handling: it is wrapped as SQLAlchemy would wrap it (parameters hidden), and a lost or cut-off
connection is invalidated, with the pool, so that the next unit of work gets a fresh one."""

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
        await greenlet_spawn(_handled, sync, error, sql, values)
    raise error


def _handled(
    sync: Connection, error: BaseException, sql: str | None, values: Sequence[Any] | None
) -> NoReturn:
    """SQLAlchemy's handling: wraps, invalidates a lost (or cancelled) connection and the pool,
    and raises. What it does not wrap (a cancellation) it re-raises from `sys.exc_info()`, which
    a new greenlet has empty: hence the error is raised here first."""
    try:
        raise error
    except BaseException as raised:
        sync._handle_dbapi_exception(raised, sql, values, None, None)


def plain_transaction(sync: Connection) -> bool:
    """A begun, unfailed transaction without savepoints, as every unit of work's: anything
    else is left to SQLAlchemy, which begins, refuses or nests as it should."""
    transaction = sync.get_transaction()
    return (
        transaction is not None
        and transaction.is_active
        and not sync.invalidated
        and not sync.in_nested_transaction()
    )


async def commit(sync: Connection) -> None:
    """The transaction's COMMIT straight on asyncpg (storage.uow): SQLAlchemy's commit that
    follows finds nothing left to send, and spares the switch from its greenlet to the event
    loop and back that sending it would cost."""
    if not plain_transaction(sync):
        return  # SQLAlchemy's commit refuses it or does it
    adapter = sync.connection.dbapi_connection
    own: Any = adapter
    if not isinstance(adapter, Adapter) or own._transaction is None:
        return  # nothing was begun: an empty unit of work, or SQLite
    try:
        # As the adapter's commit: the transaction is forgotten whether COMMIT worked or not.
        await own._call_and_discard(own._transaction.commit)
    except BaseException as error:
        await _failed(sync, adapter, None, None, error)
