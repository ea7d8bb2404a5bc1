"""What deadline control needs: appeals by due date, and once-only claims for reminders and runs."""

from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from reception.statuses import IN_WORK_STATUSES, OPEN_STATUSES, QUEUE_STATUSES, Status
from storage.convert import values_of
from storage.inserts import insert_once
from storage.models import Appeal, JobRun, OutboxMessage, SentReminder
from storage.records import AppealRecord
from storage.tx import Repository

#: An AppealRecord's columns, read as plain rows: the control jobs read many appeals and change
#: none through the ORM, so building, tracking and identity-mapping an Appeal object per row
#: (most of a scan's cost at thousands of rows, issue 14) buys them nothing.
_RECORD_COLUMNS = tuple(Appeal.__table__.c[f.name] for f in fields(AppealRecord))


def _appeals() -> Select[Any]:
    return select(*_RECORD_COLUMNS)


class ControlRepository(Repository):
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

    async def _records(self, query: Select[Any]) -> list[AppealRecord]:
        result = await self._session.execute(query)
        return [AppealRecord(**row._asdict()) for row in result]

    async def due_in(self, today: date, days: int) -> list[AppealRecord]:
        """Appeals in work due `days` days after today, not yet reminded of it: once every
        reminder went out the scan finds none, however many appeals are stored."""
        return await self._records(
            _appeals()
            .where(
                Appeal.status.in_(values_of(IN_WORK_STATUSES)),
                Appeal.due_on == today + timedelta(days=days),
                self._not_reminded(f"due{days}"),
            )
            .order_by(Appeal.id)
        )

    async def overdue(self, today: date, *, unreported: bool = False) -> list[AppealRecord]:
        """Open appeals past their due date; `unreported`: only those not yet escalated, so
        that the minute's escalation scan finds none once all were reported."""
        query = _appeals().where(
            Appeal.status.in_(values_of(OPEN_STATUSES)), Appeal.due_on < today
        )
        if unreported:
            query = query.where(self._not_reminded("overdue"))
        return await self._records(query.order_by(Appeal.due_on, Appeal.id))

    async def waiting_since(self, received_before: date) -> list[AppealRecord]:
        """Appeals still awaiting triage that were received before the date."""
        return await self._records(
            _appeals()
            .where(
                Appeal.status.in_(values_of(QUEUE_STATUSES)),
                Appeal.received_on < received_before,
            )
            .order_by(Appeal.received_on, Appeal.id)
        )

    async def registered_since(self, moment: datetime) -> list[AppealRecord]:
        # ix_appeals_submitted_at (0015): the day's new appeals, not a walk of all of them.
        return await self._records(
            _appeals().where(Appeal.submitted_at >= moment).order_by(Appeal.id)
        )

    async def answered_before(self, moment: datetime) -> list[AppealRecord]:
        # ix_appeals_status_answered_at (0015): only the answers old enough to close are read,
        # not every answered appeal each minute.
        return await self._records(
            _appeals()
            .where(Appeal.status == Status.ANSWERED.value, Appeal.answered_at <= moment)
            .order_by(Appeal.id)
            .with_for_update(skip_locked=True)
        )

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
