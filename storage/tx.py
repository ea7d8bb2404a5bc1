"""One transaction as repositories see it: its connection, and an ORM session on that connection
made only when a repository needs one (issue 14: a dialog step runs its few prebuilt statements on
the connection, and making, beginning and closing a session cost more than those statements)."""

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker


class Tx:
    def __init__(self, connection: AsyncConnection, sessions: async_sessionmaker[AsyncSession]):
        self.connection = connection
        self._sessions = sessions

    @cached_property
    def session(self) -> AsyncSession:
        # The session joins the connection's transaction: it flushes into it and may roll it
        # back, but only the unit of work commits it.
        return self._sessions(bind=self.connection, join_transaction_mode="rollback_only")

    async def flush(self) -> None:
        if "session" in self.__dict__:
            await self.session.flush()

    async def close(self) -> None:
        if "session" in self.__dict__:
            await self.session.close()


class Repository:
    """What every repository holds: the transaction it works in."""

    def __init__(self, tx: Tx) -> None:
        self._tx = tx

    @property
    def _session(self) -> AsyncSession:
        return self._tx.session
