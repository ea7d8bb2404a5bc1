"""Where each account is in the conversation, drafts included."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState
from storage.records import StateRecord


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, account_id: int) -> StateRecord | None:
        # FOR UPDATE serialises two updates of one account on PostgreSQL; SQLite's
        # BEGIN IMMEDIATE already serialises every writer.
        row = await self._session.scalar(
            select(ConversationState)
            .where(ConversationState.account_id == account_id)
            .with_for_update()
        )
        return None if row is None else StateRecord(row.step, dict(row.data))

    async def save(self, account_id: int, state: StateRecord, now: datetime) -> None:
        row = await self._session.get(ConversationState, account_id)
        if row is None:
            self._session.add(
                ConversationState(
                    account_id=account_id, step=state.step, data=state.data, updated_at=now
                )
            )
        else:
            row.step = state.step
            row.data = dict(state.data)
            row.updated_at = now
        await self._session.flush()
