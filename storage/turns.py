"""One dialog step's reads in one statement: the account, its person, the person's latest
consent and the conversation state, by the messenger's ids (issue 14: a steady step used to
read them with five statements)."""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from storage.models import ChannelAccount, Consent, ConversationState, Person
from storage.prebuilt import Prebuilt
from storage.records import AccountRecord, PersonRecord, StateRecord

#: `last_seen_at` says which account a person last wrote from (where to write to them); an
#: hour's precision is enough for that, and spares a write on nearly every update.
LAST_SEEN_PRECISION = timedelta(hours=1)


@dataclass(frozen=True)
class Turn:
    account: AccountRecord
    person: PersonRecord
    #: The latest answer to the notice: given, notice version, when; None when never asked.
    consent: tuple[bool, str, datetime] | None
    state: StateRecord | None
    #: The state row's version, for the compare-and-set that saves it; None when there is none.
    version: int | None


_earlier = aliased(Consent)
_latest_consent = (
    select(_earlier.id)
    .where(_earlier.person_id == Person.id)
    .order_by(_earlier.at.desc(), _earlier.id.desc())
    .limit(1)
    .correlate(Person)
    .scalar_subquery()
)

PERSON_FIELDS = tuple(f.name for f in fields(PersonRecord) if f.name != "id")

_TURN = Prebuilt(
    select(
        ChannelAccount.id,
        ChannelAccount.person_id,
        ChannelAccount.verified_phone,
        ChannelAccount.unreachable,
        ChannelAccount.last_seen_at,
        Consent.given,
        Consent.notice_version,
        Consent.at,
        ConversationState.step,
        ConversationState.data,
        ConversationState.version,
        # Every field of the person's record, whatever it gains, by name.
        *(getattr(Person, name) for name in PERSON_FIELDS),
    )
    .join(Person, Person.id == ChannelAccount.person_id)
    .outerjoin(Consent, Consent.id == _latest_consent)
    .outerjoin(ConversationState, ConversationState.account_id == ChannelAccount.id)
    .where(
        ChannelAccount.channel == bindparam("b_channel"),
        ChannelAccount.external_id == bindparam("b_external_id"),
    )
)
# Built once and run on the connection, not the ORM session: building and running an ORM
# statement costs several times the query itself (issue 14).
_SEEN = Prebuilt(
    update(ChannelAccount)
    .where(
        ChannelAccount.id == bindparam("b_id"),
        or_(
            ChannelAccount.unreachable.is_(True),
            ChannelAccount.last_seen_at <= bindparam("b_since"),
        ),
    )
    .values(last_seen_at=bindparam("b_now"), unreachable=False)
)


async def load_turn(
    connection: AsyncConnection, channel: str, external_id: str, now: datetime
) -> Turn | None:
    """The step's account, person, consent and state; None for a first contact. Writing makes
    the account reachable again, and `last_seen_at` is moved at most hourly."""
    row = (
        await _TURN.run(connection, {"b_channel": channel, "b_external_id": external_id})
    ).one_or_none()
    if row is None:
        return None
    account = AccountRecord(row[0], row[1], channel, external_id, row[2], False)
    if row[3] or row[4] <= now - LAST_SEEN_PRECISION:
        await _SEEN.run(
            connection, {"b_id": account.id, "b_since": now - LAST_SEEN_PRECISION, "b_now": now}
        )
    person = PersonRecord(row[1], *row[11:])
    consent = None if row[5] is None else (bool(row[5]), str(row[6]), row[7])
    if row[8] is None:
        return Turn(account, person, consent, None, None)
    return Turn(account, person, consent, StateRecord(row[8], dict(row[9])), int(row[10]))
