"""People, their messenger accounts and their personal-data consents."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from storage.convert import to_record
from storage.models import (
    AnswerTemplate,
    Appeal,
    AppealEvent,
    Attachment,
    ChannelAccount,
    Consent,
    Invite,
    LinkCode,
    OutboxMessage,
    Person,
    PersonEvent,
)
from storage.prebuilt import Prebuilt
from storage.records import AccountRecord, PersonRecord
from storage.tx import Repository, Tx

#: Every column that refers to a person: a merge moves them all (tests/test_data_rights.py
#: checks the list against the models' foreign keys).
REFERENCES = (
    ChannelAccount.person_id,
    Consent.person_id,
    Appeal.author_id,
    Appeal.executor_id,
    AppealEvent.actor_id,
    Attachment.owner_id,
    OutboxMessage.person_id,
    PersonEvent.person_id,
    LinkCode.person_id,
    Invite.created_by,
    Invite.used_by,
    AnswerTemplate.created_by,
)

#: The details a person may correct themselves; the role and the language have their own ways.
CORRECTABLE = frozenset({"surname", "given_name", "patronymic", "residence", "phone", "email"})


@dataclass(frozen=True)
class Profile:
    surname: str
    given_name: str
    patronymic: str
    residence: str
    phone: str | None
    email: str | None


# A first contact's rows and the steps' own writes, built once and run on the connection (issue
# 14): the first two steps of every citizen (/start and the consent) were the dearest.
_NEW_PERSON = Prebuilt(
    insert(Person)
    .values(role="citizen", created_at=bindparam("b_now"), updated_at=bindparam("b_now"))
    .returning(Person.id)
)
_NEW_ACCOUNT = Prebuilt(
    insert(ChannelAccount)
    .values(
        person_id=bindparam("b_person_id"),
        channel=bindparam("b_channel"),
        external_id=bindparam("b_external_id"),
        unreachable=False,
        created_at=bindparam("b_now"),
        last_seen_at=bindparam("b_now"),
    )
    .returning(ChannelAccount.id)
)
_SET_LOCALE = Prebuilt(
    update(Person)
    .where(Person.id == bindparam("b_person_id"))
    .values(locale=bindparam("b_locale"), updated_at=bindparam("b_now"))
)
_CONSENT = Prebuilt(
    insert(Consent).values(
        person_id=bindparam("b_person_id"),
        given=bindparam("b_given"),
        notice_version=bindparam("b_notice_version"),
        channel=bindparam("b_channel"),
        locale=bindparam("b_locale"),
        at=bindparam("b_now"),
    )
)


class PeopleRepository(Repository):
    def __init__(self, tx: Tx) -> None:
        super().__init__(tx)
        #: Latest consents read in this unit of work (the step's one query reads them).
        self._consents: dict[int, tuple[bool, str, datetime] | None] = {}

    def known_consent(self, person_id: int, consent: tuple[bool, str, datetime] | None) -> None:
        self._consents[person_id] = consent

    async def first_contact(
        self, channel: str, external_id: str, now: datetime
    ) -> tuple[AccountRecord, PersonRecord]:
        """A new citizen and their account, for an account the step's read did not find. If
        another transaction created it meanwhile, the unique key refuses the second: `Conflict`,
        and the step is done again."""
        connection = self._tx.connection
        person_id = int((await _NEW_PERSON.run(connection, {"b_now": now})).scalar())
        account_id = (
            await _NEW_ACCOUNT.run(
                connection,
                {
                    "b_person_id": person_id,
                    "b_channel": channel,
                    "b_external_id": external_id,
                    "b_now": now,
                },
            )
        ).scalar()
        self._consents[person_id] = None
        return (
            AccountRecord(int(account_id), person_id, channel, external_id, None, False),
            PersonRecord(person_id, "citizen", None, None, None, None, None, None, None, None),
        )

    async def account(
        self, channel: str, external_id: str, now: datetime
    ) -> tuple[AccountRecord, PersonRecord]:
        """The account and its person, created as at a first contact if it never wrote."""
        row = await self._session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == channel, ChannelAccount.external_id == external_id
            )
        )
        if row is None:
            return await self.first_contact(channel, external_id, now)
        row.last_seen_at = now
        row.unreachable = False
        person_row = await self._session.get_one(Person, row.person_id)
        return to_record(AccountRecord, row), to_record(PersonRecord, person_row)

    async def by_verified_phone(self, phone: str) -> PersonRecord | None:
        """The citizen whose Telegram account shared this number as its own contact: Telegram
        vouches for it. A Viber contact or a typed number never sets `verified_phone`, and the
        console's typed /contact is not counted either."""
        row = await self._session.scalar(
            select(Person)
            .join(ChannelAccount, ChannelAccount.person_id == Person.id)
            .where(
                ChannelAccount.verified_phone == phone,
                ChannelAccount.channel == "telegram",
                # An employee's own number makes no appeal theirs.
                Person.role == "citizen",
            )
            .order_by(ChannelAccount.last_seen_at.desc())
            .limit(1)
        )
        return None if row is None else to_record(PersonRecord, row)

    async def find_account(self, channel: str, external_id: str) -> AccountRecord | None:
        """The account if it exists; never creates one (the file intake asks before it downloads)."""
        row = await self._session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == channel, ChannelAccount.external_id == external_id
            )
        )
        return None if row is None else to_record(AccountRecord, row)

    async def get(self, person_id: int) -> PersonRecord:
        return to_record(PersonRecord, await self._session.get_one(Person, person_id))

    async def accounts_of(self, person_id: int) -> list[AccountRecord]:
        rows = await self._session.scalars(
            select(ChannelAccount).where(ChannelAccount.person_id == person_id)
        )
        return [to_record(AccountRecord, row) for row in rows]

    async def set_locale(self, person_id: int, locale: str, now: datetime) -> None:
        await _SET_LOCALE.run(
            self._tx.connection, {"b_person_id": person_id, "b_locale": locale, "b_now": now}
        )

    async def create_without_account(
        self, profile: Profile, locale: str, now: datetime
    ) -> PersonRecord:
        """A citizen with no messenger account (yet): filed through another system (Open311),
        or registered by an operator from a call, a visit or a letter."""
        row = Person(
            role="citizen",
            locale=locale,
            surname=profile.surname,
            given_name=profile.given_name,
            patronymic=profile.patronymic,
            residence=profile.residence,
            phone=profile.phone,
            email=profile.email,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_record(PersonRecord, row)

    async def save_profile(self, person_id: int, profile: Profile, now: datetime) -> None:
        await self._session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(
                surname=profile.surname,
                given_name=profile.given_name,
                patronymic=profile.patronymic,
                residence=profile.residence,
                phone=profile.phone,
                email=profile.email,
                updated_at=now,
            )
        )

    async def correct(
        self, person_id: int, values: Mapping[str, str | None], now: datetime
    ) -> None:
        """The person's own correction of saved details (Law No. 2297-VI, Art. 8)."""
        unknown = set(values) - CORRECTABLE
        if unknown:
            raise ValueError(f"not a correctable detail: {sorted(unknown)}")
        await self._session.execute(
            update(Person).where(Person.id == person_id).values(**values, updated_at=now)
        )

    async def set_verified_phone(self, account_id: int, phone: str) -> None:
        await self._session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.id == account_id)
            .values(verified_phone=phone)
        )

    async def record_consent(
        self,
        person_id: int,
        *,
        given: bool,
        notice_version: str,
        channel: str,
        locale: str,
        now: datetime,
    ) -> None:
        await _CONSENT.run(
            self._tx.connection,
            {
                "b_person_id": person_id,
                "b_given": given,
                "b_notice_version": notice_version,
                "b_channel": channel,
                "b_locale": locale,
                "b_now": now,
            },
        )
        self._consents[person_id] = (given, notice_version, now)

    async def consent(self, person_id: int) -> tuple[bool, str, datetime] | None:
        """The person's latest answer to the notice: given, notice version, when."""
        if person_id in self._consents:
            return self._consents[person_id]
        row = await self._session.scalar(
            select(Consent)
            .where(Consent.person_id == person_id)
            .order_by(Consent.at.desc(), Consent.id.desc())
            .limit(1)
        )
        return None if row is None else (row.given, row.notice_version, row.at)

    async def mark_unreachable(self, channel: str, external_id: str) -> None:
        """The messenger says the person blocked the bot or left: send them nothing more."""
        await self._session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
            .values(unreachable=True)
        )

    async def record_receipt(
        self, channel: str, external_id: str, *, seen: bool, now: datetime
    ) -> None:
        values = {"last_read_at": now} if seen else {"last_delivered_at": now}
        await self._session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
            .values(**values)
        )

    async def merge(self, source: int, target: int) -> None:
        """One citizen, two messengers: the source person's accounts, appeals, consents, files
        and history move to the target, and the source is deleted. Every column that refers to
        a person is moved (`REFERENCES`), so no row is left pointing at the deleted one. Called
        only after a one-time link code proved both accounts belong to one citizen and the
        citizen confirmed (a phone number proves nothing: Viber cannot tell a shared contact from
        one's own number)."""
        if source == target:
            return
        source_row = await self._session.get_one(Person, source)
        target_row = await self._session.get_one(Person, target)
        if source_row.role != "citizen" or target_row.role != "citizen":
            # A merge would hand a role to whoever asked for the code: staff accounts are
            # managed by the administrator only.
            raise ValueError("staff accounts are not merged")
        self._consents.clear()
        for column in REFERENCES:
            await self._session.execute(
                update(column.class_).where(column == source).values({column.key: target})
            )
        for field in (
            "locale",
            "surname",
            "given_name",
            "patronymic",
            "residence",
            "phone",
            "email",
        ):
            if getattr(target_row, field) is None:
                setattr(target_row, field, getattr(source_row, field))
        await self._session.flush()
        await self._session.delete(source_row)
        await self._session.flush()

    async def preferred_account(self, person_id: int) -> AccountRecord | None:
        """Where to write to a person: the reachable account they last wrote from."""
        row = await self._session.scalar(
            select(ChannelAccount)
            .where(ChannelAccount.person_id == person_id, ChannelAccount.unreachable.is_(False))
            .order_by(ChannelAccount.last_seen_at.desc(), ChannelAccount.id.desc())
            .limit(1)
        )
        return None if row is None else to_record(AccountRecord, row)

    async def account_by_id(self, account_id: int) -> AccountRecord | None:
        row = await self._session.get(ChannelAccount, account_id)
        return None if row is None else to_record(AccountRecord, row)

    async def accounts_by_id(self, account_ids: Collection[int]) -> dict[int, AccountRecord]:
        """The accounts of these ids that exist, by id: one statement for a batch."""
        if not account_ids:
            return {}
        rows = await self._session.scalars(
            select(ChannelAccount).where(ChannelAccount.id.in_(sorted(set(account_ids))))
        )
        return {row.id: to_record(AccountRecord, row) for row in rows}
