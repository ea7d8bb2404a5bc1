"""Messages to deliver after the change that caused them commits."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from storage.models import OutboxMessage, SendBudget
from storage.tx import Repository


class OutboxRepository(Repository):
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


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    recipient: str
    person_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int


LEASE = timedelta(minutes=2)
#: Reservations reach a few seconds ahead at most; one further ahead was made by a clock that
#: has since been set back (or a test's), and is not waited for.
BUDGET_HORIZON = timedelta(minutes=1)


class OutboxQueue(Repository):
    """The worker's side: claim due rows atomically, then settle each one."""

    async def claim(
        self,
        now: datetime,
        limit: int,
        lease: timedelta = LEASE,
        recipient_gap: timedelta = timedelta(0),
    ) -> list[OutboxItem]:
        """Due rows, locked against other workers (SKIP LOCKED on PostgreSQL; SQLite's
        BEGIN IMMEDIATE serialises claims) and leased: a worker that dies mid-send leaves them
        to be claimed again when the lease ends."""
        earlier = aliased(OutboxMessage)
        # Per-recipient order: only a recipient's earliest undelivered message is due, so a
        # later one never overtakes one that is waiting to be retried.
        first_of_recipient = ~(
            select(earlier.id)
            .where(
                earlier.channel == OutboxMessage.channel,
                earlier.recipient == OutboxMessage.recipient,
                earlier.status.in_(("pending", "sending")),
                earlier.id < OutboxMessage.id,
            )
            .exists()
        )
        rows = (
            await self._session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(("pending", "sending")),
                    OutboxMessage.next_attempt_at <= now,
                    first_of_recipient,
                    # Spaced per recipient across instances too: not while the recipient's
                    # previous message (whoever sent it) is more recent than the gap.
                    ~(
                        select(earlier.id)
                        .where(
                            earlier.channel == OutboxMessage.channel,
                            earlier.recipient == OutboxMessage.recipient,
                            earlier.status == "sent",
                            earlier.sent_at > now - recipient_gap,
                        )
                        .exists()
                    ),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        items = []
        for row in rows:
            row.status = "sending"
            row.next_attempt_at = now + lease
            row.attempts += 1
            items.append(
                OutboxItem(
                    row.id,
                    row.channel,
                    row.recipient,
                    row.person_id,
                    row.kind,
                    dict(row.payload),
                    row.attempts,
                )
            )
        await self._session.flush()
        return items

    async def reserve(
        self,
        channel: str,
        count: int,
        interval: timedelta,
        clock: Callable[[], datetime],
        lead: timedelta = timedelta(0),
    ) -> datetime:
        """Reserve `count` sends `interval` apart on the channel's shared budget: the first
        one's moment, at least `lead` from now. The row lock (SQLite: the write lock) makes
        reservations of several instances follow one another, never overlap.

        The clock is read once the lock is held: a `now` read before waiting for the pool and
        the lock is stale by that wait, and a moment granted in the past is sent late, next
        to the moments reserved after it — on PostgreSQL, with two instances queueing on the
        row, that crowded a 31st message into one second (issue 14). `lead` covers the commit
        still to come, so that the sender sleeps to its moment rather than finding it gone."""
        row = await self._session.scalar(
            select(SendBudget).where(SendBudget.channel == channel).with_for_update()
        )
        now = clock() + lead
        start = now if row is None or row.next_at > now + BUDGET_HORIZON else max(now, row.next_at)
        if row is None:
            # Two first reservations at once: the loser's unique violation is a Conflict.
            self._session.add(SendBudget(channel=channel, next_at=start + count * interval))
        else:
            row.next_at = start + count * interval
        await self._session.flush()
        return start

    async def give_back(self, items: Collection[OutboxItem], now: datetime) -> None:
        """Claimed rows not sent after all (their moment went by): due again at `now`, the
        attempt not counted. Only while still this claim's — same status and attempts; a row
        whose lease ended and that another worker claimed has more attempts and is left be."""
        for item in items:
            await self._session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == item.id,
                    OutboxMessage.status == "sending",
                    OutboxMessage.attempts == item.attempts,
                )
                .values(status="pending", next_attempt_at=now, attempts=item.attempts - 1)
            )

    async def sent(self, item_id: int, now: datetime) -> None:
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(status="sent", sent_at=now, last_error=None)
        )

    async def failed(self, item_id: int, reason: str, retry_at: datetime | None) -> None:
        """Back to pending for another try at `retry_at`, or failed for good when None."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(
                status="pending" if retry_at else "failed",
                next_attempt_at=retry_at or OutboxMessage.next_attempt_at,
                last_error=reason[:500],
            )
        )

    async def has_pending(self, channel: str, recipient: str) -> bool:
        """Something for this recipient still waits: a new message must queue behind it."""
        found = await self._session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.recipient == recipient,
                OutboxMessage.status.in_(("pending", "sending")),
            )
            .limit(1)
        )
        return found is not None
