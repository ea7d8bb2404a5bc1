"""The appeal register: numbering, registration, history."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Unpack

from sqlalchemy import Table, bindparam, func, insert, select, update

from reception.statuses import Status, ensure_transition
from storage.convert import record_of, to_record
from storage.errors import Conflict
from storage.inserts import prebuilt_once
from storage.listings import (
    DueBetween,
    JoinedTo,
    Listing,
    OfAuthor,
    Overdue,
    Queue,
    Search,
    Similar,
)
from storage.models import Appeal, AppealCounter, AppealEvent, Attachment
from storage.prebuilt import Prebuilt
from storage.records import (
    AppealChanges,
    AppealPage,
    AppealRecord,
    AttachmentRecord,
    Classification,
    EventRecord,
    NewAppeal,
    NewEvent,
)
from storage.tx import Repository

# Registration's statements, built once and run on the connection (issue 14): through the ORM
# (an object added, flushed, read back) a registration cost ≈ 5 ms of CPU.
_appeals: Table = Appeal.__table__  # type: ignore[assignment]
_events: Table = AppealEvent.__table__  # type: ignore[assignment]
_COUNTER_SEED = prebuilt_once(AppealCounter, year=bindparam("b_year"), last_number=0)
_COUNTER_NEXT = Prebuilt(
    update(AppealCounter)
    .where(AppealCounter.year == bindparam("b_year"))
    .values(last_number=AppealCounter.last_number + 1)
    .returning(AppealCounter.last_number)
)
_REGISTER = insert(_appeals).returning(*_appeals.c)
_BY_DRAFT_KEY = Prebuilt(select(*_appeals.c).where(_appeals.c.draft_key == bindparam("b_key")))
_NAMES = tuple(_appeals.c.keys())
_EVENT = insert(_events).returning(*_events.c)


def search_key(new: NewAppeal) -> str:
    parts = (new.surname, new.given_name, new.patronymic, new.phone, new.email or "", new.text)
    return "\n".join(parts).casefold()


class AppealRepository(Repository):
    async def next_number(self, year: int) -> int:
        """The year's next sequence number, taken under a row lock so no two appeals share one."""
        connection = self._tx.connection
        await _COUNTER_SEED[connection.dialect.name].run(connection, {"b_year": year})
        number = (await _COUNTER_NEXT.run(connection, {"b_year": year})).scalar()
        assert number is not None
        return int(number)

    async def by_draft_key(self, draft_key: str) -> AppealRecord | None:
        """The appeal a draft became, if it was submitted (a double tap on "Submit")."""
        await self._tx.flush()  # what the session holds is seen: the statement bypasses it
        row = (await _BY_DRAFT_KEY.run(self._tx.connection, {"b_key": draft_key})).one_or_none()
        return (
            None if row is None else record_of(AppealRecord, dict(zip(_NAMES, row, strict=True)))
        )

    async def register(
        self,
        new: NewAppeal,
        *,
        reg_index: str,
        year: int,
        number: int,
        term: str,
        submitted_at: datetime,
        received_on: date,
        due_on: date,
        event: NewEvent,
    ) -> AppealRecord:
        values = asdict(new)
        attachment_ids = values.pop("attachment_ids")
        await self._tx.flush()  # what the session holds goes first: the statement bypasses it
        row = (
            await self._tx.connection.execute(
                _REGISTER,
                {
                    **values,
                    "search_text": search_key(new),
                    # The problem's address is the problem's, not the author's: searchable by
                    # all staff.
                    "search_public": f"{reg_index}\n{new.text}\n{new.location_text or ''}".casefold(),
                    "reg_index": reg_index,
                    "year": year,
                    "number": number,
                    "status": Status.REGISTERED.value,
                    "term": term,
                    "submitted_at": submitted_at,
                    "received_on": received_on,
                    "due_on": due_on,
                    "updated_at": submitted_at,
                },
            )
        ).one()
        if attachment_ids:
            await self.link_attachments(attachment_ids, row.id, None, new.author_id)
        await self._write_event(row.id, event, None, Status.REGISTERED)
        return to_record(AppealRecord, row)

    async def get(self, appeal_id: int) -> AppealRecord | None:
        row = await self._session.get(Appeal, appeal_id)
        return None if row is None else to_record(AppealRecord, row)

    async def of_author(self, person_id: int, limit: int = 20) -> list[AppealRecord]:
        return (await self.page(OfAuthor(person_id), 0, limit, counted=False)).items

    async def count_of_author(self, person_id: int) -> int:
        return int(
            await self._session.scalar(
                select(func.count()).select_from(Appeal).where(Appeal.author_id == person_id)
            )
            or 0
        )

    async def transition(
        self,
        appeal_id: int,
        expected_from: Status,
        to: Status,
        event: NewEvent,
        **changes: Unpack[AppealChanges],
    ) -> EventRecord:
        """The one way an appeal changes status: refused where `reception.statuses` forbids it;
        made only if the appeal is still in `expected_from` (else `Conflict`: another
        transaction changed it first), with the event row in the same transaction."""
        ensure_transition(expected_from, to)
        changed = await self._session.execute(
            update(Appeal)
            .where(Appeal.id == appeal_id, Appeal.status == expected_from.value)
            .values(status=to.value, updated_at=event.at, **changes)
        )
        if getattr(changed, "rowcount", 0) != 1:
            raise Conflict("the appeal's status changed meanwhile")
        return await self._write_event(appeal_id, event, expected_from, to)

    async def join_waiting(
        self, appeal_id: int, lead_id: int | None, event: NewEvent
    ) -> EventRecord:
        """Joined to a lead not yet assigned (None: no longer joined): no status changes until
        the lead is assigned."""
        await self._session.execute(
            update(Appeal)
            .where(Appeal.id == appeal_id)
            .values(joined_to_id=lead_id, updated_at=event.at)
        )
        return await self._write_event(appeal_id, event, None, None)

    async def set_due(self, appeal_id: int, due_on: date, now: datetime) -> None:
        """An extended term (Art. 20): the only change an appeal takes without a new status."""
        await self._session.execute(
            update(Appeal).where(Appeal.id == appeal_id).values(due_on=due_on, updated_at=now)
        )

    async def reclassify(
        self, appeal_id: int, changes: Classification, event: NewEvent
    ) -> EventRecord:
        """Corrected classifier codes (Instruction No. 348's card), with their event row."""
        await self._session.execute(
            update(Appeal).where(Appeal.id == appeal_id).values(updated_at=event.at, **changes)
        )
        return await self._write_event(appeal_id, event, None, None)

    async def _write_event(
        self, appeal_id: int, event: NewEvent, from_status: Status | None, to: Status | None
    ) -> EventRecord:
        await self._tx.flush()  # what the session holds goes first: the statement bypasses it
        row = (
            await self._tx.connection.execute(
                _EVENT,
                {
                    "appeal_id": appeal_id,
                    "actor_id": event.actor_id,
                    "actor_role": event.actor_role,
                    "kind": event.kind,
                    "from_status": None if from_status is None else from_status.value,
                    "to_status": None if to is None else to.value,
                    "text": event.text,
                    "data": dict(event.data),
                    "internal": event.internal,
                    "at": event.at,
                },
            )
        ).one()
        return to_record(EventRecord, row)

    async def add_event(self, appeal_id: int, event: NewEvent) -> EventRecord:
        """A line of history that changes no status (a note, a supplement, an extension)."""
        return await self._write_event(appeal_id, event, None, None)

    async def events(self, appeal_id: int, *, internal: bool) -> list[EventRecord]:
        query = select(AppealEvent).where(AppealEvent.appeal_id == appeal_id)
        if not internal:
            query = query.where(AppealEvent.internal.is_(False))
        rows = await self._session.scalars(query.order_by(AppealEvent.at, AppealEvent.id))
        return [to_record(EventRecord, row) for row in rows]

    async def add_attachment(
        self, owner_id: int, storage_key: str, name: str, mime: str, size: int, now: datetime
    ) -> int:
        row = Attachment(
            owner_id=owner_id,
            storage_key=storage_key,
            name=name,
            mime=mime,
            size=size,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def kept_keys(self, keys: list[str]) -> set[str]:
        """Which of these stored files some row keeps (the rest belong to nobody)."""
        rows = await self._session.scalars(
            select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))
        )
        return set(rows)

    async def uploaded_since(self, owner_id: int, since: datetime) -> tuple[int, int]:
        """How many files and bytes a person has attached since a moment: the daily quota."""
        row = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(Attachment.size), 0)).where(
                    Attachment.owner_id == owner_id, Attachment.created_at >= since
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def link_attachments(
        self,
        ids: tuple[int, ...] | list[int],
        appeal_id: int,
        event_id: int | None,
        owner_id: int,
    ) -> None:
        # Only the owner's own unlinked files: a forged id cannot pull in someone else's file.
        await self._session.execute(
            update(Attachment)
            .where(
                Attachment.id.in_(list(ids)),
                Attachment.owner_id == owner_id,
                Attachment.appeal_id.is_(None),
            )
            .values(appeal_id=appeal_id, event_id=event_id)
        )

    async def attachments(self, appeal_id: int) -> list[AttachmentRecord]:
        rows = await self._session.scalars(
            select(Attachment).where(Attachment.appeal_id == appeal_id).order_by(Attachment.id)
        )
        return [to_record(AttachmentRecord, row) for row in rows]

    async def by_index(self, reg_index: str) -> AppealRecord | None:
        """The latest appeal with this index (numbering restarts every year)."""
        row = await self._session.scalar(
            select(Appeal)
            .where(Appeal.reg_index == reg_index.strip().upper())
            .order_by(Appeal.year.desc())
            .limit(1)
        )
        return None if row is None else to_record(AppealRecord, row)

    async def move_attachments(self, appeal_id: int, from_event: int, to_event: int) -> None:
        """An answer's files follow the answer from its review to its sending."""
        await self._session.execute(
            update(Attachment)
            .where(Attachment.appeal_id == appeal_id, Attachment.event_id == from_event)
            .values(event_id=to_event)
        )

    async def queue(self, limit: int = 20) -> list[AppealRecord]:
        """Awaiting triage: statutory privileges first, then the oldest."""
        return (await self.page(Queue(), 0, limit, counted=False)).items

    async def search(
        self,
        term: str,
        department_id: int | None,
        limit: int = 20,
        *,
        author_fields: bool = True,
    ) -> list[AppealRecord]:
        found = Search(term, department_id, author_fields=author_fields)
        return (await self.page(found, 0, limit, counted=False)).items

    async def due_between(
        self, first: date, last: date, department_id: int | None, limit: int = 50
    ) -> list[AppealRecord]:
        return (await self.page(DueBetween(first, last, department_id), 0, limit, False)).items

    async def overdue(
        self, today: date, department_id: int | None, limit: int = 50
    ) -> list[AppealRecord]:
        return (await self.page(Overdue(today, department_id), 0, limit, False)).items

    async def similar(self, similar: "Similar", limit: int = 3) -> list[AppealRecord]:
        if not similar.names_a_place():
            return []  # no query: a filing that skips the place would run one for nothing
        return (await self.page(similar, 0, limit, counted=False)).items

    async def joined_to(self, lead_id: int, limit: int = 500) -> list[AppealRecord]:
        return (await self.page(JoinedTo(lead_id), 0, limit, counted=False)).items

    async def page(
        self, listing: "Listing", offset: int, limit: int, counted: bool = True
    ) -> AppealPage:
        """`limit` appeals of `listing` from `offset`, and (when `counted`) how many it holds.
        Plain rows, not ORM objects: a list is read on many steps and never changed in place."""
        await self._tx.flush()  # what the session holds is seen: the statement bypasses it
        connection = self._tx.connection
        query = select(*_appeals.c).where(*listing.where())
        rows = await connection.execute(
            query.order_by(*listing.order()).offset(max(offset, 0)).limit(limit)
        )
        items = [to_record(AppealRecord, row) for row in rows]
        total = len(items)
        if counted:
            total = int(
                await connection.scalar(
                    select(func.count()).select_from(_appeals).where(*listing.where())
                )
                or 0
            )
        return AppealPage(items, total, offset)
