"""Answer templates: a department's prepared texts for answers it gives often."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select

from storage.models import AnswerTemplate
from storage.tx import Repository


@dataclass(frozen=True)
class TemplateRecord:
    id: int
    department_id: int | None
    title: str
    body: str


def _record(row: AnswerTemplate) -> TemplateRecord:
    return TemplateRecord(row.id, row.department_id, row.title, row.body)


class TemplateRepository(Repository):
    async def of_department(self, department_id: int | None) -> list[TemplateRecord]:
        """The department's templates and the ones for every department (no department)."""
        rows = await self._session.scalars(
            select(AnswerTemplate)
            .where(
                or_(
                    AnswerTemplate.department_id.is_(None),
                    AnswerTemplate.department_id == department_id,
                )
            )
            .order_by(AnswerTemplate.title, AnswerTemplate.id)
        )
        return [_record(row) for row in rows]

    async def get(self, template_id: int) -> TemplateRecord | None:
        row = await self._session.get(AnswerTemplate, template_id)
        return _record(row) if row is not None else None

    async def add(
        self, department_id: int | None, title: str, body: str, by: int, now: datetime
    ) -> TemplateRecord:
        row = AnswerTemplate(
            department_id=department_id, title=title, body=body, created_by=by, created_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def remove(self, template_id: int, department_id: int | None) -> bool:
        """Only a template of this department (None: a template for every department)."""
        owner = (
            AnswerTemplate.department_id.is_(None)
            if department_id is None
            else AnswerTemplate.department_id == department_id
        )
        query = delete(AnswerTemplate).where(AnswerTemplate.id == template_id, owner)
        result = await self._session.execute(query)
        return bool(getattr(result, "rowcount", 0))
