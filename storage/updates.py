"""Remembered messenger update ids, so that a replayed update is handled once."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_once
from storage.models import ProcessedUpdate


class UpdateLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        """Remember the update; False when it was seen before."""
        statement = insert_once(
            self._session, ProcessedUpdate, channel=channel, update_id=update_id, at=now
        )
        result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def forget_before(self, moment: datetime) -> None:
        await self._session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < moment))
