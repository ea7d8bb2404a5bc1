"""What deadline control needs: appeals by due date, and once-only claims for reminders and runs."""

from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from reception.statuses import IN_WORK_STATUSES, OPEN_STATUSES, QUEUE_STATUSES, Status
from storage.convert import values_of
from storage.inserts import insert_once
from storage.listings import Listing
from storage.models import Appeal, JobRun, OutboxMessage, SentReminder
from storage.records import AppealRecord
from storage.tx import Repository

#: An AppealRecord's columns, read as plain rows: the control jobs read many appeals and change
#: none through the ORM, so building, tracking and identity-mapping an Appeal object per row
#: (most of a scan's cost at thousands of rows, issue 14) buys them nothing.
_RECORD_COLUMNS = tuple(Appeal.__table__.c[f.name] for f in fields(AppealRecord))


#: Appeals a control scan reads at once: a day's thousands of reminders are sent in batches,
#: so that no statement reads them all (issue 14: each scan ≤ 50 ms at 10^6 appeals).
SCAN_BATCH = 200


def _appeals() -> Select[Any]:
    return select(*_RECORD_COLUMNS)


class ControlRepository(Repository):
    batch = SCAN_BATCH

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

    async def _first(self, where: list[Any], order: list[Any], limit: int) -> list[AppealRecord]:
        """The first `limit` appeals by `order`: chosen by id in a subquery that the indexes
        answer (on PostgreSQL an index-only scan of `ix_appeals_status_due_on_id`), then only
        those rows read — a scan that finds nothing reads no appeal's row."""
        ids = select(Appeal.id).where(*where).order_by(*order).limit(limit)
        return await self._records(_appeals().where(Appeal.id.in_(ids)).order_by(*order))

    async def due_in(self, today: date, days: int, after_id: int = 0) -> list[AppealRecord]:
        """Appeals in work due `days` days after today, not yet reminded of it, by id after
        `after_id`: once every reminder went out the scan finds none, however many appeals are
        stored; a day's thousands are read a batch at a time."""
        return await self._first(
            [
                Appeal.status.in_(values_of(IN_WORK_STATUSES)),
                Appeal.due_on == today + timedelta(days=days),
                Appeal.id > after_id,
                self._not_reminded(f"due{days}"),
            ],
            [Appeal.id],
            self.batch,
        )

    async def unreported_overdue(
        self, today: date, after: tuple[date, int] | None = None
    ) -> list[AppealRecord]:
        """Open appeals past their due date not yet escalated, by (due date, id) after `after`:
        the minute's escalation scan finds none once all were reported."""
        where = [
            Appeal.status.in_(values_of(OPEN_STATUSES)),
            Appeal.due_on < today,
            self._not_reminded("overdue"),
        ]
        if after is not None:
            due_on, id_ = after
            where += [
                Appeal.due_on >= due_on,  # a range the index seeks to; the OR only filters
                or_(Appeal.due_on > due_on, Appeal.id > id_),
            ]
        return await self._first(where, [Appeal.due_on, Appeal.id], self.batch)

    async def waiting_by_day(self, received_before: date) -> list[tuple[date, int]]:
        """How many appeals await triage per day received before the date, oldest first:
        counted in `ix_appeals_status_received_on`, not read (the digest, once a day)."""
        result = await self._session.execute(
            select(Appeal.received_on, func.count())
            .where(
                Appeal.status.in_(values_of(QUEUE_STATUSES)),
                Appeal.received_on < received_before,
            )
            .group_by(Appeal.received_on)
            .order_by(Appeal.received_on)
        )
        return [(day, int(count)) for day, count in result]

    async def count(self, listing: Listing) -> int:
        """How many appeals the listing holds, counted in an index (the digest's counts)."""
        query = select(func.count()).select_from(Appeal).where(*listing.where())
        return int(await self._session.scalar(query) or 0)

    async def first(self, listing: Listing, limit: int) -> list[AppealRecord]:
        """The listing's first `limit` appeals, only their rows read (the digest's lines)."""
        return await self._first(list(listing.where()), list(listing.order()), limit)

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
