"""What deadline control needs: appeals by due date, and once-only claims for reminders and runs."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reception.statuses import IN_WORK_STATUSES, OPEN_STATUSES, QUEUE_STATUSES, Status
from storage.convert import to_record, values_of
from storage.inserts import insert_once
from storage.models import Appeal, JobRun, OutboxMessage, SentReminder
from storage.records import AppealRecord


class ControlRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_reminder(self, appeal_id: int, kind: str, due_on: date, now: datetime) -> bool:
        """True for the one worker that may send this reminder; False once it was sent."""
        statement = insert_once(
            self._session, SentReminder, appeal_id=appeal_id, kind=kind, due_on=due_on, at=now
        )
        return bool(getattr(await self._session.execute(statement), "rowcount", 0))

    async def claim_run(self, job: str, period: str, now: datetime) -> bool:
        statement = insert_once(self._session, JobRun, job=job, period=period, at=now)
        return bool(getattr(await self._session.execute(statement), "rowcount", 0))

    @staticmethod
    def _not_reminded(kind: str) -> Any:
        """Leave out appeals already reminded of this due date, so that a scan every minute
        costs what is new, not what was done before."""
        return ~(
            select(SentReminder.id)
            .where(
                SentReminder.appeal_id == Appeal.id,
                SentReminder.kind == kind,
                SentReminder.due_on == Appeal.due_on,
            )
            .exists()
        )

    async def due_in(self, today: date, days: int) -> list[AppealRecord]:
        """Appeals in work due `days` days after today, not yet reminded of it."""
        rows = await self._session.scalars(
            select(Appeal)
            .where(
                Appeal.status.in_(values_of(IN_WORK_STATUSES)),
                Appeal.due_on == today + timedelta(days=days),
                self._not_reminded(f"due{days}"),
            )
            .order_by(Appeal.id)
        )
        return [to_record(AppealRecord, row) for row in rows]

    async def overdue(self, today: date, *, unreported: bool = False) -> list[AppealRecord]:
        query = select(Appeal).where(
            Appeal.status.in_(values_of(OPEN_STATUSES)), Appeal.due_on < today
        )
        if unreported:
            query = query.where(self._not_reminded("overdue"))
        rows = await self._session.scalars(query.order_by(Appeal.due_on, Appeal.id))
        return [to_record(AppealRecord, row) for row in rows]

    async def waiting_since(self, received_before: date) -> list[AppealRecord]:
        """Appeals still awaiting triage that were received before the date."""
        rows = await self._session.scalars(
            select(Appeal)
            .where(
                Appeal.status.in_(values_of(QUEUE_STATUSES)),
                Appeal.received_on < received_before,
            )
            .order_by(Appeal.received_on, Appeal.id)
        )
        return [to_record(AppealRecord, row) for row in rows]

    async def registered_since(self, moment: datetime) -> list[AppealRecord]:
        rows = await self._session.scalars(
            select(Appeal).where(Appeal.submitted_at >= moment).order_by(Appeal.id)
        )
        return [to_record(AppealRecord, row) for row in rows]

    async def answered_before(self, moment: datetime) -> list[AppealRecord]:
        rows = await self._session.scalars(
            select(Appeal)
            .where(Appeal.status == Status.ANSWERED.value, Appeal.answered_at <= moment)
            .order_by(Appeal.id)
            .with_for_update(skip_locked=True)
        )
        return [to_record(AppealRecord, row) for row in rows]

    async def undelivered_since(self, moment: datetime) -> int:
        """Messages given up on (a blocked bot, an unsubscribed user) since the moment."""
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "failed", OutboxMessage.created_at >= moment)
            )
            or 0
        )
