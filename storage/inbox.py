"""The durable inbox: every messenger update is stored before it is acknowledged, claimed in the
transaction that carries its effects, and kept with its replies until they are delivered."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.inserts import insert_once
from storage.models import InboxUpdate

RECEIVED = "received"
HANDLED = "handled"
REPLIED = "replied"
FAILED = "failed"


@dataclass(frozen=True)
class NewUpdate:
    channel: str
    update_id: str
    sender: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    sender: str
    payload: dict[str, Any]
    attempts: int
    received_at: datetime
    #: The replies of a handled update that were not yet confirmed delivered.
    replies: dict[str, Any] | None = None


def _item(row: InboxUpdate) -> InboxItem:
    return InboxItem(
        row.id,
        row.channel,
        row.sender,
        dict(row.payload),
        row.attempts,
        row.received_at,
        dict(row.replies) if row.replies is not None else None,
    )


class Inbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def store(self, updates: list[NewUpdate], now: datetime) -> list[int | None]:
        """Store what is new: for each update the id of its new row, or None for a replay."""
        added: list[int | None] = []
        for new in updates:
            statement = insert_once(
                self._session,
                InboxUpdate,
                channel=new.channel,
                update_id=new.update_id[:80],
                sender=new.sender[:64],
                payload=new.payload,
                status=RECEIVED,
                attempts=0,
                received_at=now,
            ).returning(InboxUpdate.id)
            row_id = (await self._session.execute(statement)).scalar_one_or_none()
            added.append(None if row_id is None else int(row_id))
        return added

    async def earliest_received(self, channel: str, sender: str) -> InboxItem | None:
        row = await self._session.scalar(
            select(InboxUpdate)
            .where(
                InboxUpdate.channel == channel,
                InboxUpdate.sender == sender,
                InboxUpdate.status == RECEIVED,
            )
            .order_by(InboxUpdate.id)
            .limit(1)
        )
        return None if row is None else _item(row)

    async def claim(self, item_id: int, now: datetime) -> bool:
        """Take the update for handling in this transaction: False when it was handled already
        or an earlier update of the same sender still waits (order per person). The row stays
        locked until the transaction ends, so a second instance waits and then finds it taken."""
        earlier = aliased(InboxUpdate)
        result = await self._session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.id == item_id,
                InboxUpdate.status == RECEIVED,
                ~exists().where(
                    and_(
                        earlier.channel == InboxUpdate.channel,
                        earlier.sender == InboxUpdate.sender,
                        earlier.status == RECEIVED,
                        earlier.id < item_id,
                    )
                ),
            )
            .values(status=HANDLED, handled_at=now, attempts=InboxUpdate.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def keep_replies(self, item_id: int, replies: dict[str, Any]) -> None:
        await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.id == item_id)
            .values(replies=replies)
            .execution_options(synchronize_session=False)
        )

    async def replied(self, item_ids: list[int]) -> None:
        """The replies reached the messenger (or the outbox): nothing is left to deliver."""
        await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.id.in_(item_ids))
            .values(status=REPLIED, replies=None)
            .execution_options(synchronize_session=False)
        )

    async def count_attempt(self, item_id: int) -> int:
        """A handling attempt that raised: the number of attempts so far."""
        await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.id == item_id, InboxUpdate.status == RECEIVED)
            .values(attempts=InboxUpdate.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        attempts = await self._session.scalar(
            select(InboxUpdate.attempts).where(InboxUpdate.id == item_id)
        )
        return int(attempts or 0)

    async def give_up(self, item_id: int, now: datetime) -> None:
        await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.id == item_id, InboxUpdate.status == RECEIVED)
            .values(status=FAILED, handled_at=now)
            .execution_options(synchronize_session=False)
        )

    async def waiting_senders(self, before: datetime, limit: int) -> list[tuple[str, str]]:
        """Senders with an update received before `before` and not handled yet."""
        rows = await self._session.execute(
            select(InboxUpdate.channel, InboxUpdate.sender)
            .where(InboxUpdate.status == RECEIVED, InboxUpdate.received_at < before)
            .group_by(InboxUpdate.channel, InboxUpdate.sender)
            .order_by(InboxUpdate.channel, InboxUpdate.sender)
            .limit(limit)
        )
        return [(str(channel), str(sender)) for channel, sender in rows]

    async def undelivered(self, before: datetime, limit: int) -> list[InboxItem]:
        """Handled updates whose replies were not confirmed delivered since `before`: their
        process died or stopped while sending."""
        rows = await self._session.scalars(
            select(InboxUpdate)
            .where(InboxUpdate.status == HANDLED, InboxUpdate.handled_at < before)
            .order_by(InboxUpdate.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_item(row) for row in rows]

    async def prune(self, before: datetime) -> None:
        """Forget finished updates received before `before` (the retention setting)."""
        await self._session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.status.in_((REPLIED, FAILED)), InboxUpdate.received_at < before
            )
        )
