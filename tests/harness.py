"""A test kit that plays a person in the conversation and reads what they would see."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.dbwatch import DatabaseWatch
from bot.intake import Intake, IntakeChannel
from handlers.conversation import Conversation
from handlers.types import Ask, Contact, Incoming, IncomingFile, Location, Reply
from storage.uow import Sessions


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Chat:
    conversation: Conversation
    user: str
    channel: str = "test"
    locale_hint: str | None = None
    replies: list[Reply] = field(default_factory=list)
    #: Every batch of replies so far, oldest first: old buttons can be tapped again.
    history: list[list[Reply]] = field(default_factory=list)

    async def _send(self, **values: object) -> list[Reply]:
        incoming = Incoming(
            channel=self.channel,
            external_user_id=self.user,
            locale_hint=self.locale_hint,
            **values,  # type: ignore[arg-type]
        )
        self.replies = await self.conversation.handle(incoming)
        self.history.append(self.replies)
        return self.replies

    async def send(self, text: str) -> list[Reply]:
        return await self._send(text=text)

    async def press(self, action: str) -> list[Reply]:
        """Send a button's action directly, as a stale or forged button would."""
        return await self._send(action=action)

    async def tap(self, label: str) -> list[Reply]:
        """Tap the button of the last replies whose label contains `label`."""
        for reply in reversed(self.replies):
            for button in reply.buttons:
                if label in button.label:
                    return await self.press(button.action)
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    async def share_contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        return await self._send(contact=Contact(phone, own))

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        return await self._send(location=Location(latitude, longitude))

    async def send_files(self, *files: IncomingFile, text: str | None = None) -> list[Reply]:
        return await self._send(files=files, text=text)

    async def send_unsupported(self, what: str) -> list[Reply]:
        return await self._send(unsupported=what)

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def buttons(self) -> list[str]:
        return [button.label for reply in self.replies for button in reply.buttons]

    def asked(self) -> Ask | None:
        return self.last.ask

    def button_action(self, label: str) -> str:
        for reply in reversed(self.replies):
            for button in reply.buttons:
                if label in button.label:
                    return button.action
        raise AssertionError(f"no button {label!r} in {self.buttons}")


async def onboard(chat: Chat, *, language: str = "English") -> None:
    """First contact: the language, then consent to the processing of personal data."""
    await chat.send("/start")
    await chat.tap(language)
    await chat.tap("Погоджуюся" if language == "Українська" else "I agree")


LIGHTING = "The street lights near Lesi Ukrainky St. 35 have been off for two weeks."


async def file_appeal(
    chat: Chat,
    *,
    text: str = LIGHTING,
    name: str = "Шевченко Тарас Григорович",
    residence: str = "м. Луцьк, вул. Лесі Українки, 35, кв. 2",
    phone: str = "050 123 45 67",
    kind: str = "Complaint",
    topic: str = "Street lighting",
    submit: bool = True,
) -> list[Reply]:
    """An onboarded, English-speaking citizen files a complaint about lighting."""
    await chat.send("/new")
    await chat.tap(kind)
    await chat.tap(topic)
    await chat.send(text)
    await chat.tap("Done")
    await chat.tap("Skip")
    if "Yes, use them" in chat.buttons:  # a returning citizen
        await chat.tap("Yes, use them")
    else:
        await chat.send(name)
        await chat.send(residence)
        await chat.send(phone)
        await chat.tap("Skip")
    await chat.tap("Continue")
    if submit:
        await chat.tap("Submit")
    return chat.replies


def intake_of(sessions: Sessions, conversation: Conversation, channel: IntakeChannel) -> Intake:
    """The durable intake over `channel`, as the runner builds it."""
    intake = Intake(
        sessions,
        conversation,
        DatabaseWatch(),
        reply_lease=timedelta(seconds=30),
        retention=timedelta(days=7),
    )
    intake.add(channel)
    return intake
