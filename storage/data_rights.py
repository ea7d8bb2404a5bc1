"""The citizen's data rights in storage (Law No. 2297-VI, Art. 8): everything held about a
person, erasing what need not be kept, and anonymising registered appeals once the
record-keeping term (Instruction No. 348: 5 years, a setting) has passed."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, exists, func, or_, select, update

from reception.statuses import FINISHED_STATUSES
from storage.convert import values_of
from storage.models import (
    Appeal,
    AppealEvent,
    Attachment,
    ChannelAccount,
    Consent,
    ConversationState,
    OutboxMessage,
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
        await self._forget_details([person_id], now)
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
        # The history no longer says which citizen acted: that would name the author again.
        await self._session.execute(
            update(AppealEvent)
            .where(AppealEvent.appeal_id.in_(ids), AppealEvent.actor_role == "citizen")
            .values(actor_id=None)
        )
        # Notices and department e-mails about these appeals carry the name, place and text.
        await self._session.execute(delete(OutboxMessage).where(OutboxMessage.appeal_id.in_(ids)))
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
                author_id=None,
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

    async def forget_idle_people(self, before: datetime, now: datetime) -> int:
        """Citizens with no appeal left (theirs anonymised or never filed), who have not written
        since `before` nor changed anything: their details and drafts are deleted; the accounts
        stay as bare ids, so that a returning person is recognised by the messenger only."""
        has_appeal = exists().where(Appeal.author_id == Person.id)
        recently_seen = exists().where(
            ChannelAccount.person_id == Person.id, ChannelAccount.last_seen_at >= before
        )
        ids = list(
            await self._session.scalars(
                select(Person.id).where(
                    Person.role == "citizen",
                    Person.updated_at < before,
                    or_(
                        Person.surname.is_not(None),
                        Person.residence.is_not(None),
                        Person.phone.is_not(None),
                        Person.email.is_not(None),
                    ),
                    ~has_appeal,
                    ~recently_seen,
                )
            )
        )
        if not ids:
            return 0
        await self._forget_details(ids, now)
        return len(ids)

    async def _forget_details(self, ids: list[int], now: datetime) -> None:
        """The people's saved details, their accounts' drafts and verified phones; the
        accounts stay, so that answers still reach them."""
        accounts = select(ChannelAccount.id).where(ChannelAccount.person_id.in_(ids))
        await self._session.execute(
            delete(ConversationState).where(ConversationState.account_id.in_(accounts))
        )
        await self._session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.person_id.in_(ids))
            .values(verified_phone=None)
        )
        await self._session.execute(
            update(Person)
            .where(Person.id.in_(ids))
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

    async def forget_settled_messages(self, before: datetime) -> int:
        """Delivered and failed outbox messages created before `before`: nothing is left to
        send, and each holds the text that was sent."""
        result = await self._session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.created_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def forget_draft_files(self, before: datetime) -> list[str]:
        """Files attached before `before` to drafts never filed (cancelled or abandoned):
        their rows go, and the storage keys are returned to delete from disk."""
        rows = (
            await self._session.execute(
                select(Attachment.id, Attachment.storage_key).where(
                    Attachment.appeal_id.is_(None), Attachment.created_at < before
                )
            )
        ).all()
        if not rows:
            return []
        await self._session.execute(
            delete(Attachment).where(Attachment.id.in_([row.id for row in rows]))
        )
        return [row.storage_key for row in rows]
