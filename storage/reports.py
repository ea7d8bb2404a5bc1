"""Rows for reports and open data: no personal data leaves this query."""

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from reception.statistics import ReportRow
from storage.models import Appeal, Department
from storage.tx import Repository

CHUNK = 5000


class ReportRepository(Repository):
    async def rows(
        self,
        first: date,
        last: date,
        department_id: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[ReportRow]:
        """Appeals received from `first` to `last` inclusive, read in chunks."""
        codes = {d.id: d.code for d in await self._session.scalars(select(Department))}
        query = (
            select(
                Appeal.id,
                Appeal.reg_index,
                Appeal.received_on,
                Appeal.due_on,
                Appeal.kind,
                Appeal.subject,
                Appeal.receipt_form,
                Appeal.receipt_sign,
                Appeal.author_category,
                Appeal.topic,
                Appeal.status,
                Appeal.department_id,
                Appeal.result,
                Appeal.submitted_at,
                Appeal.answered_at,
                Appeal.rating,
            )
            .where(Appeal.received_on >= first, Appeal.received_on <= last)
            .order_by(Appeal.id)
        )
        if department_id is not None:
            query = query.where(Appeal.department_id == department_id)
        result: list[ReportRow] = []
        after = 0
        while True:
            chunk = (
                await self._session.execute(query.where(Appeal.id > after).limit(CHUNK))
            ).all()
            if not chunk:
                return result
            for row in chunk:
                days = (row.answered_at - row.submitted_at).days if row.answered_at else None
                result.append(
                    ReportRow(
                        index=row.reg_index,
                        received_on=row.received_on,
                        due_on=row.due_on,
                        kind=row.kind,
                        subject=row.subject,
                        receipt_form=row.receipt_form,
                        receipt_sign=row.receipt_sign,
                        author_category=row.author_category,
                        topic=row.topic,
                        status=row.status,
                        department=codes.get(row.department_id) if row.department_id else None,
                        result=row.result,
                        days_to_answer=days,
                        rating=row.rating,
                    )
                )
            after = chunk[-1].id
            if progress is not None:
                progress(len(result))
