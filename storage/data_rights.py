"""The citizen's data rights in storage (Law No. 2297-VI, Art. 8): everything held about a
person, erasing what need not be kept, and anonymising registered appeals once the
record-keeping term (Instruction No. 348: 5 years, a setting) has passed."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update

from reception.statuses import FINISHED_STATUSES
from storage.convert import values_of
from storage.models import (
    Appeal,
    AppealEvent,
    Attachment,
    ChannelAccount,
    Consent,
    ConversationState,
    Person,
)
from storage.tx import Repository

#: Only an appeal whose consideration has ended is anonymised.
FINAL_STATUSES = values_of(FINISHED_STATUSES)


@dataclass(frozen=True)
class ConsentEntry:
    given: bool
    notice_version: str
    channel: str
    at: datetime


@dataclass(frozen=True)
class FileEntry:
    name: str
    size: int
    appeal_id: int | None


class DataRightsRepository(Repository):
    async def consents(self, person_id: int) -> list[ConsentEntry]:
        rows = await self._session.scalars(
            select(Consent).where(Consent.person_id == person_id).order_by(Consent.at, Consent.id)
        )
        return [ConsentEntry(r.given, r.notice_version, r.channel, r.at) for r in rows]

    async def files(self, person_id: int) -> list[FileEntry]:
        rows = await self._session.scalars(
            select(Attachment).where(Attachment.owner_id == person_id).order_by(Attachment.id)
        )
        return [FileEntry(r.name, r.size, r.appeal_id) for r in rows]

    async def erase(self, person_id: int, now: datetime) -> list[str]:
        """What can go at once goes: the saved details, every draft (conversation state) of the
        person's accounts, files not part of a registered appeal. Registered appeals stay for
        the retention term; the accounts stay so their answers can still be delivered.
        Returns the storage keys of files to delete from disk."""
        keys = list(
            await self._session.scalars(
                select(Attachment.storage_key).where(
                    Attachment.owner_id == person_id, Attachment.appeal_id.is_(None)
                )
            )
        )
        await self._session.execute(
            delete(Attachment).where(
                Attachment.owner_id == person_id, Attachment.appeal_id.is_(None)
            )
        )
        accounts = select(ChannelAccount.id).where(ChannelAccount.person_id == person_id)
        await self._session.execute(
            delete(ConversationState).where(ConversationState.account_id.in_(accounts))
        )
        await self._session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.person_id == person_id)
            .values(verified_phone=None)
        )
        await self._session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(
                surname=None,
                given_name=None,
                patronymic=None,
                residence=None,
                phone=None,
                email=None,
                updated_at=now,
            )
        )
        return keys

    async def anonymise_received_before(
        self, day: date, now: datetime, limit: int = 500
    ) -> tuple[int, list[str]]:
        """Appeals received before `day` and finished: the author's data, the text and the
        place are removed; the codes stay for statistics. Returns how many, and the storage
        keys of their files to delete from disk."""
        ids = list(
            await self._session.scalars(
                select(Appeal.id)
                .where(
                    Appeal.received_on < day,
                    # Through coalesce() (status is never NULL, so the same test): SQLite's
                    # planner, having no statistics, prefers an equality on an indexed status
                    # to the range and would walk every finished appeal each minute (5 s at
                    # 10^6); an expression keeps both databases on ix_appeals_retention, which
                    # holds only appeals that still carry personal data (migration 0015).
                    func.coalesce(Appeal.status, "").in_(FINAL_STATUSES),
                    Appeal.anonymised_at.is_(None),
                )
                .order_by(Appeal.received_on, Appeal.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return 0, []
        keys = list(
            await self._session.scalars(
                select(Attachment.storage_key).where(Attachment.appeal_id.in_(ids))
            )
        )
        await self._session.execute(delete(Attachment).where(Attachment.appeal_id.in_(ids)))
        # What the author added later is the author's text too.
        await self._session.execute(
            update(AppealEvent)
            .where(AppealEvent.appeal_id.in_(ids), AppealEvent.kind == "supplemented")
            .values(text=None)
        )
        await self._session.execute(
            update(Appeal)
            .where(Appeal.id.in_(ids))
            .values(
                surname="",
                given_name="",
                patronymic="",
                residence="",
                phone="",
                email=None,
                text="",
                coauthor_names=None,
                answer_text=None,
                location_text=None,
                latitude=None,
                longitude=None,
                search_text="",
                search_public="",
                anonymised_at=now,
                updated_at=now,
            )
        )
        return len(ids), keys
