"""Which errors mean "the database is unavailable for now" rather than "this code is wrong".

A locked SQLite file, an exhausted pool (`sqlalchemy.exc.TimeoutError` is not a DBAPIError), a
refused or reset connection (asyncpg may surface it as a bare OSError), a PostgreSQL that is
restarting: each passes, and what was being done is done again when it is back."""

import asyncio

from sqlalchemy import exc

OUTAGES: tuple[type[BaseException], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
    exc.PendingRollbackError,
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
)


ASYNCPG_CONNECTION_ERRORS = frozenset(
    {
        "ConnectionDoesNotExistError",
        "CannotConnectNowError",
        "ConnectionFailureError",
        "TooManyConnectionsError",
        "AdminShutdownError",
    }
)


def is_outage(error: BaseException) -> bool:
    if isinstance(error, OUTAGES):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    # asyncpg's own connection errors, when SQLAlchemy did not wrap them.
    return type(error).__name__ in ASYNCPG_CONNECTION_ERRORS
