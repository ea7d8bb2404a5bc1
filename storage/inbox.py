"""The durable inbox: every messenger update is stored before it is acknowledged, claimed in the
transaction that carries its effects, and kept with its replies until they are delivered."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, exists, literal, select, update

from storage.inserts import prebuilt_once, prebuilt_once_from
from storage.models import InboxUpdate
from storage.prebuilt import Prebuilt
from storage.tx import Repository

RECEIVED = "received"
HANDLED = "handled"
REPLIED = "replied"
FAILED = "failed"


# The statements of every update's path, built once (issue 14): building an ORM statement and
# running it through the Session costs several times what the database does, per statement.
_inbox = cast(Table, InboxUpdate.__table__)
_earlier = _inbox.alias("earlier")
_c = _inbox.c
_STORE = prebuilt_once(
    _inbox,
    (_inbox.c.id,),
    channel=bindparam("b_channel"),
    update_id=bindparam("b_update_id"),
    sender=bindparam("b_sender"),
    payload=bindparam("b_payload"),
    status=RECEIVED,
    attempts=0,
    received_at=bindparam("b_now"),
)
# The claim is the step's last statement, carrying its replies: no row lock is held while the
# step runs, and when another transaction took the update meanwhile, the step is undone.
_FINISH = Prebuilt(
    update(_inbox)
    .where(
        _inbox.c.id == bindparam("b_id"),
        _inbox.c.status == RECEIVED,
        ~exists().where(
            and_(
                _earlier.c.channel == _inbox.c.channel,
                _earlier.c.sender == _inbox.c.sender,
                _earlier.c.status == RECEIVED,
                _earlier.c.id < bindparam("b_id"),
            )
        ),
    )
    .values(
        status=HANDLED,
        handled_at=bindparam("b_now"),
        attempts=_inbox.c.attempts + 1,
        replies=bindparam("b_replies"),
    )
)


# An update stored already handled, with its replies, as the last statement of the step that
# handled it at once: nothing when it is a replay, or when an update of the same sender waits to
# be handled first (then the step is undone, and the update stored as any other).
_STORE_HANDLED = prebuilt_once_from(
    _inbox,
    [
        _c.channel,
        _c.update_id,
        _c.sender,
        _c.payload,
        _c.status,
        _c.attempts,
        _c.received_at,
        _c.handled_at,
        _c.replies,
    ],
    select(
        bindparam("b_channel", type_=_c.channel.type),
        bindparam("b_update_id", type_=_c.update_id.type),
        bindparam("b_sender", type_=_c.sender.type),
        bindparam("b_payload", type_=_c.payload.type),
        literal(HANDLED, _c.status.type),
        literal(1, _c.attempts.type),
        bindparam("b_now", type_=_c.received_at.type),
        bindparam("b_now", type_=_c.handled_at.type),
        bindparam("b_replies", type_=_c.replies.type),
    ).where(
        ~exists().where(
            _earlier.c.channel == bindparam("b_channel"),
            _earlier.c.sender == bindparam("b_sender"),
            _earlier.c.status == RECEIVED,
        )
    ),
    (_c.id,),
)
_REPLIED = (
    update(_inbox)
    .where(_inbox.c.id.in_(bindparam("b_ids", expanding=True)))
    .values(status=REPLIED, replies=None)
)
_REPLIED_ONE = Prebuilt(
    update(_inbox).where(_inbox.c.id == bindparam("b_id")).values(status=REPLIED, replies=None)
)


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


def _row(new: NewUpdate, now: datetime) -> dict[str, Any]:
    """A new update's values for the statements that store it (ids cut to their columns)."""
    return {
        "b_channel": new.channel,
        "b_update_id": new.update_id[:80],
        "b_sender": new.sender[:64],
        "b_payload": new.payload,
        "b_now": now,
    }


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


class Inbox(Repository):
    async def store(self, updates: list[NewUpdate], now: datetime) -> list[int | None]:
        """Store what is new: for each update the id of its new row, or None for a replay."""
        added: list[int | None] = []
        connection = self._tx.connection
        statement = _STORE[connection.dialect.name]
        for new in updates:
            row_id = (await statement.run(connection, _row(new, now))).scalar()
            added.append(None if row_id is None else int(row_id))
        return added

    async def store_handled(
        self, new: NewUpdate, now: datetime, replies: dict[str, Any]
    ) -> int | None:
        """`new` stored as handled in this transaction, with its replies kept until delivered:
        its row's id, or None when it was stored before or an earlier update of the same sender
        still waits (then the caller must undo what it did). One statement where storing
        first and claiming last were two (issue 14)."""
        connection = self._tx.connection
        outcome = await _STORE_HANDLED[connection.dialect.name].run(
            connection, {**_row(new, now), "b_replies": replies}
        )
        row_id = outcome.scalar()
        return None if row_id is None else int(row_id)

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

    async def finish(self, item_id: int, now: datetime, replies: dict[str, Any]) -> bool:
        """The update is handled in this transaction, its replies kept until delivered: False
        when it was handled already or an earlier update of the same sender still waits (order
        per person), and the caller must then undo what it did. The last statement of a step,
        so the row is locked only from here to the commit."""
        connection = self._tx.connection
        outcome = await _FINISH.run(
            connection, {"b_id": item_id, "b_now": now, "b_replies": replies}
        )
        return bool(outcome.rowcount)

    async def replied(self, item_ids: list[int]) -> None:
        """The replies reached the messenger (or the outbox): nothing is left to deliver."""
        connection = self._tx.connection
        if len(item_ids) == 1:
            await _REPLIED_ONE.run(connection, {"b_id": item_ids[0]})
        else:
            await connection.execute(_REPLIED, {"b_ids": list(item_ids)})

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
