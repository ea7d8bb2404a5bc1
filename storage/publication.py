"""The public view's queries: they select only the columns `reception.publication` needs and hand
every row to its `publish`, so no author's column is ever read for the public."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from reception.publication import (
    PublicAppeal,
    PublicEvent,
    PublicSource,
    public_event,
    publish,
)
from reception.statuses import OPEN_STATUSES, Status
from storage.convert import values_of
from storage.models import Appeal, AppealEvent, Department
from storage.tx import Repository

CHUNK = 5000

_COLUMNS = (
    Appeal.id,
    Appeal.year,
    Appeal.number,
    Appeal.kind,
    Appeal.topic,
    Appeal.status,
    Department.code.label("department"),
    Appeal.received_on,
    Appeal.due_on,
    Appeal.submitted_at,
    Appeal.updated_at,
    Appeal.answered_at,
    Appeal.result,
    Appeal.rating,
    Appeal.latitude,
    Appeal.longitude,
    Appeal.text,
    Appeal.publish_text,
    Appeal.text_hidden,
    Appeal.anonymised_at,
)

CLOSED_STATUSES = frozenset(Status) - OPEN_STATUSES


@dataclass(frozen=True)
class PublicFilter:
    """What a visitor or a city system narrows the list by; None: any."""

    department: str | None = None
    topic: str | None = None
    kind: str | None = None
    status: str | None = None  # a `Status` value
    is_open: bool | None = None  # Open311's open/closed
    first: date | None = None  # received on or after
    last: date | None = None  # received on or before
    #: Open311's start_date and end_date: submitted within [since, until].
    since: datetime | None = None
    until: datetime | None = None


def _to_public(row: Any) -> PublicAppeal:
    return publish(
        PublicSource(
            id=row.id,
            year=row.year,
            number=row.number,
            kind=row.kind,
            topic=row.topic,
            status=row.status,
            department=row.department,
            received_on=row.received_on,
            due_on=row.due_on,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            answered_at=row.answered_at,
            result=row.result,
            rating=row.rating,
            latitude=row.latitude,
            longitude=row.longitude,
            text=row.text or "",
            publish_text=bool(row.publish_text),
            text_hidden=bool(row.text_hidden),
            anonymised=row.anonymised_at is not None,
        )
    )


def _filtered(query: Any, where: PublicFilter) -> Any:
    if where.department is not None:
        query = query.where(Department.code == where.department)
    if where.topic is not None:
        query = query.where(Appeal.topic == where.topic)
    if where.kind is not None:
        query = query.where(Appeal.kind == where.kind)
    if where.status is not None:
        query = query.where(Appeal.status == where.status)
    if where.is_open is not None:
        statuses = OPEN_STATUSES if where.is_open else CLOSED_STATUSES
        query = query.where(Appeal.status.in_(values_of(frozenset(statuses))))
    if where.first is not None:
        query = query.where(Appeal.received_on >= where.first)
    if where.last is not None:
        query = query.where(Appeal.received_on <= where.last)
    if where.since is not None:
        query = query.where(Appeal.submitted_at >= where.since)
    if where.until is not None:
        query = query.where(Appeal.submitted_at <= where.until)
    return query


class PublicRepository(Repository):
    def _base(self) -> Any:
        return select(*_COLUMNS).outerjoin(Department, Appeal.department_id == Department.id)

    async def page(
        self, where: PublicFilter, offset: int, limit: int
    ) -> tuple[list[PublicAppeal], int]:
        """One page, the newest first, and how many match in all."""
        total = await self._session.scalar(
            _filtered(
                select(func.count())
                .select_from(Appeal)
                .outerjoin(Department, Appeal.department_id == Department.id),
                where,
            )
        )
        rows = (
            await self._session.execute(
                _filtered(self._base(), where)
                .order_by(Appeal.submitted_at.desc(), Appeal.id.desc())
                .offset(offset)
                .limit(limit)
            )
        ).all()
        return [_to_public(row) for row in rows], int(total or 0)

    async def all(self, where: PublicFilter) -> list[PublicAppeal]:
        """Every matching appeal, oldest first, read in chunks (statistics, open data)."""
        query = _filtered(self._base(), where).order_by(Appeal.id)
        result: list[PublicAppeal] = []
        after = 0
        while True:
            chunk = (
                await self._session.execute(query.where(Appeal.id > after).limit(CHUNK))
            ).all()
            if not chunk:
                return result
            result += [_to_public(row) for row in chunk]
            after = chunk[-1].id

    async def one(self, year: int, number: int) -> PublicAppeal | None:
        row = (
            await self._session.execute(
                self._base().where(Appeal.year == year, Appeal.number == number)
            )
        ).first()
        return None if row is None else _to_public(row)

    async def history(self, appeal_id: int) -> list[PublicEvent]:
        rows = (
            await self._session.execute(
                select(AppealEvent.kind, AppealEvent.at, AppealEvent.data, AppealEvent.text)
                .where(AppealEvent.appeal_id == appeal_id, AppealEvent.internal.is_(False))
                .order_by(AppealEvent.at, AppealEvent.id)
            )
        ).all()
        events = (public_event(r.kind, r.at, dict(r.data or {}), r.text) for r in rows)
        return [event for event in events if event is not None]

    async def departments(self) -> list[tuple[str, str, str]]:
        """(code, Ukrainian name, English name) of every body, for filters and names."""
        rows = (
            await self._session.execute(
                select(Department.code, Department.name_uk, Department.name_en).order_by(
                    Department.name_uk
                )
            )
        ).all()
        return [(r.code, r.name_uk, r.name_en) for r in rows]

    async def set_publish_text(self, appeal_ids: Sequence[int], on: bool, now: datetime) -> None:
        await self._session.execute(
            update(Appeal)
            .where(Appeal.id.in_(list(appeal_ids)))
            .values(publish_text=on, updated_at=now)
        )

    async def set_text_hidden(self, appeal_id: int, hidden: bool, now: datetime) -> None:
        await self._session.execute(
            update(Appeal).where(Appeal.id == appeal_id).values(text_hidden=hidden, updated_at=now)
        )
