"""Everything one step of the conversation may look at or change while handling one event."""

import gettext
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from handlers.config import ConversationConfig
from handlers.draft import Draft
from handlers.i18n import Catalogs
from handlers.kept import Kept
from handlers.speaker import Speakers
from handlers.steps import StepName
from handlers.types import Incoming, Reply
from storage.records import AccountRecord, PersonRecord, StateRecord
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Step:
    """One state of the conversation: how to ask, how to take an answer, what it expects.

    `answer` returns None when the input is not what the step expects; the conversation then
    says what is expected (`hint`, a msgid) and asks again.
    """

    ask: Callable[["Ctx"], Awaitable[Reply]]
    answer: Callable[["Ctx"], Awaitable[list[Reply] | None]]
    hint: str


@dataclass
class Ctx:
    uow: UnitOfWork
    incoming: Incoming
    account: AccountRecord
    person: PersonRecord
    state: StateRecord
    config: ConversationConfig
    catalogs: Catalogs
    steps: Mapping[StepName, Step]
    now: datetime
    locale: str = "uk"
    t: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    #: The draft as last read or set, with the saved form it was read from or written to.
    _draft: tuple[object, Draft] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.set_locale(self.person.locale or self.catalogs.pick(self.incoming.locale_hint))

    def set_locale(self, locale: str) -> None:
        self.locale = self.catalogs.pick(locale)
        self.t = self.catalogs.get(self.locale)

    @property
    def timezone(self) -> tzinfo:
        return self.config.calendar.timezone

    @property
    def speakers(self) -> Speakers:
        """Words for other readers (a notice to staff, the department's e-mail)."""
        return Speakers(self.catalogs, self.timezone)

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.t.pgettext(context, message)

    @property
    def draft(self) -> Draft:
        # Read several times a step (≈ 5 on average): made once per saved form of it.
        data = self.state.data.get(Kept.DRAFT)
        if self._draft is not None and self._draft[0] is data:
            return self._draft[1]
        draft = Draft.from_data(data or {"key": ""})
        self._draft = (data, draft)
        return draft

    @draft.setter
    def draft(self, draft: Draft) -> None:
        data = self.state.data[Kept.DRAFT] = draft.to_data()
        self._draft = (data, draft)

    @property
    def has_draft(self) -> bool:
        return bool(self.state.data.get(Kept.DRAFT))

    def discard_draft(self) -> None:
        self.state.data.pop(Kept.DRAFT, None)

    async def goto(self, step: StepName, *before: Reply) -> list[Reply]:
        """Move to `step` and ask its question, after any replies given."""
        self.state.step = step
        return [*before, await self.steps[step].ask(self)]

    async def ask_again(self, *before: Reply) -> list[Reply]:
        return await self.goto(self.step, *before)

    @property
    def step(self) -> StepName:
        """The step the person is at (the conversation resets an unknown saved one)."""
        return StepName(self.state.step)
