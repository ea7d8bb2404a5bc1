"""What monitoring reads from the register: the outbox backlog and appeals by status."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reception.statuses import OPEN_STATUSES
from storage.convert import values_of
from storage.models import Appeal, OutboxMessage

#: Statuses in which an appeal still waits for its answer (the overdue ones are among them).
#: Messages the outbox has still to deliver.
UNSENT = ("pending", "sending")


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    oldest_created_at: datetime | None


async def ping(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))


async def outbox_backlog(session: AsyncSession) -> OutboxBacklog:
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status.in_(UNSENT)
            )
        )
    ).one()
    if isinstance(oldest, datetime) and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return OutboxBacklog(int(count), oldest if isinstance(oldest, datetime) else None)


async def appeals_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Appeal.status, func.count()).group_by(Appeal.status))
    return {str(status): int(count) for status, count in rows.all()}


async def overdue_count(session: AsyncSession, today: date) -> int:
    query = select(func.count()).where(
        Appeal.status.in_(values_of(OPEN_STATUSES)), Appeal.due_on < today
    )
    return int(await session.scalar(query) or 0)
