"""Remembered messenger update ids, so that a replayed update is handled once."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


class UpdateLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        """Remember the update; False when it was seen before."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(ProcessedUpdate)
            .values(channel=channel, update_id=update_id, at=now)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def forget_before(self, moment: datetime) -> None:
        await self._session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < moment))
