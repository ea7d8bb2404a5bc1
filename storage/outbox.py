"""Messages to deliver after the change that caused them commits."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self,
        *,
        channel: str,
        recipient: str,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        person_id: int | None = None,
        appeal_id: int | None = None,
    ) -> int:
        row = OutboxMessage(
            channel=channel,
            recipient=recipient,
            kind=kind,
            payload=payload,
            person_id=person_id,
            appeal_id=appeal_id,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id
