"""What the reception acts with: the transaction, the time, the settings and words for any
reader. A person's message brings a `Ctx` (which is all that and more); a scheduled job or the
Open311 API brings a `Duty`: nobody wrote, nobody is asked a question, no fake person."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from handlers.config import ConversationConfig
from handlers.i18n import Catalogs
from handlers.speaker import Speakers
from storage.uow import UnitOfWork


class Acting(Protocol):
    @property
    def uow(self) -> UnitOfWork: ...

    @property
    def config(self) -> ConversationConfig: ...

    @property
    def now(self) -> datetime: ...

    @property
    def speakers(self) -> Speakers: ...


@dataclass(frozen=True)
class Duty:
    uow: UnitOfWork
    config: ConversationConfig
    speakers: Speakers
    now: datetime

    @classmethod
    def of(
        cls, uow: UnitOfWork, config: ConversationConfig, catalogs: Catalogs, now: datetime
    ) -> "Duty":
        return cls(uow, config, Speakers(catalogs, config.calendar.timezone), now)


def today(ctx: Acting) -> date:
    """The reception's calendar day now (terms and reminders count local days)."""
    return ctx.now.astimezone(ctx.config.calendar.timezone).date()
