"""The public view under test: a register of appeals worked through the real conversation, and
the reception's web server with the public page and Open311 on 127.0.0.1."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.open311 import Open311
from bot.public_page import PublicPage, PublicSettings
from bot.web import build_web_app
from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.models import Appeal
from storage.uow import unit_of_work
from tests.desk_kit import action_of, answer, make_staff, outbox_for
from tests.harness import Chat, Clock, file_appeal, onboard

#: What must never appear in anything public: the seeded citizens' names, residences, phones,
#: e-mails, the places as typed, and the registration indexes (they carry a surname's letter).
PERSONAL = (
    "Шевченко",
    "Тарас",
    "Григорович",
    "Коваль",
    "Катерина",
    "Іванівна",
    "Лесі Українки, 35, кв. 2",
    "Рівненська, 7",
    "+38050",
    "050 123",
    "+380671234567",
    "taras@example.org",
    "Ш-1",
    "К-3",
    "50.74723",
    "25.32541",
)
PUBLISHED_TEXT = "The lamp post by the playground on Kravchuka St. is broken and sparks."
CONFIDENTIAL_TEXT = "Please add a bus stop near the new school on Kravchuka St."
HIDDEN_TEXT = "The roof of our building leaks during every rain, say the neighbours."


@dataclass
class Register:
    operator: Chat
    citizen: Chat
    other: Chat


async def file_with_choices(
    chat: Chat,
    *,
    text: str,
    kind: str = "Complaint",
    topic: str = "Street lighting",
    location: tuple[float, float] | None = None,
    publish: bool = False,
    confidential: bool = False,
    name: str = "Шевченко Тарас Григорович",
    residence: str = "м. Луцьк, вул. Лесі Українки, 35, кв. 2",
    phone: str = "050 123 45 67",
) -> None:
    await chat.send("/new")
    await chat.tap(kind)
    await chat.tap(topic)
    await chat.send(text)
    await chat.tap("Done")
    if location is None:
        await chat.tap("Skip")
    else:
        await chat.share_location(*location)
        await chat.tap("Continue")
    if "Yes, use them" in chat.buttons:
        await chat.tap("Yes, use them")
    else:
        await chat.send(name)
        await chat.send(residence)
        await chat.send(phone)
        await chat.tap("Skip")
    if publish:
        await chat.tap("Publish the text")
    if confidential:
        await chat.tap("Confidential")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert "Your appeal is registered." in chat.text, chat.text


async def rate(
    sessions: async_sessionmaker[AsyncSession], citizen: Chat, index: str, score: str
) -> None:
    answers = [
        m
        for m in await outbox_for(sessions, citizen.user)
        if index in str(m["text"]) and m["buttons"]
    ]
    await citizen.press(action_of(answers[-1], score))


async def seed_register(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> Register:
    """Five appeals from 1 December 2026:
    Ш-1 complaint 009 with a place, text published; zhkh; answered in 2 days (9.1), rated 4;
    Ш-2 proposal 003, confidential (Art. 10); transport; answered in 4 days (9.3), rated 2;
    К-3 application 010, text published but hidden by an operator; zhkh; extended; open;
    Ш-4 complaint 009, not assigned;  Ш-5 complaint 009, not assigned."""
    operator = Chat(conversation, "operator-1")
    zhkh = Chat(conversation, "executor-zhkh")
    transport = Chat(conversation, "executor-transport")
    await make_staff(operator, sessions, "operator")
    await make_staff(zhkh, sessions, "executor", "zhkh")
    await make_staff(transport, sessions, "executor", "transport")
    citizen = Chat(conversation, "citizen-1")
    other = Chat(conversation, "citizen-2")
    await onboard(citizen)
    await onboard(other)
    await file_with_choices(
        citizen, text=PUBLISHED_TEXT, location=(50.74723, 25.32541), publish=True
    )
    await file_with_choices(
        citizen,
        text=CONFIDENTIAL_TEXT,
        kind="Proposal",
        topic="Public transport",
        confidential=True,
    )
    await file_with_choices(
        other,
        text=HIDDEN_TEXT,
        kind="Application",
        topic="My building",
        name="Коваль Катерина Іванівна",
        residence="м. Луцьк, вул. Рівненська, 7",
        phone="+380671234567",
        publish=True,
    )
    await file_appeal(citizen)
    await file_appeal(citizen)
    await operator.send("/assign Ш-1 zhkh")
    await operator.send("/assign Ш-2 transport")
    await operator.send("/assign К-3 zhkh")
    await operator.send("/hide К-3")
    assert "hidden from the public page" in operator.text
    await zhkh.send("/take К-3")
    await operator.send("/extend К-3 15.01.2027 an on-site inspection is needed")
    assert "extended to 15 January 2027" in operator.text, operator.text
    clock.advance(days=2)
    await answer(zhkh, "Ш-1", "resolved positively", approver=operator)
    clock.advance(days=2)
    await answer(transport, "Ш-2", "explained", approver=operator)
    await rate(sessions, citizen, "Ш-1", "4")
    await rate(sessions, citizen, "Ш-2", "2")
    return Register(operator, citizen, other)


async def appeal_numbers(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """Registration index → public number."""
    async with unit_of_work(sessions) as uow:
        rows = (
            await uow.session.execute(select(Appeal.reg_index, Appeal.year, Appeal.number))
        ).all()
    return {row.reg_index: f"{row.year}-{row.number}" for row in rows}


def public_settings(clock: Clock, *, page_size: int = 20, tiles: str = "") -> PublicSettings:
    from zoneinfo import ZoneInfo

    return PublicSettings(
        council_uk="Луцька міська рада",
        council_en="Lutsk City Council",
        timezone=ZoneInfo("Europe/Kyiv"),
        map_tiles=tiles,
        map_attribution="tiles on 127.0.0.1",
        page_size=page_size,
        clock=clock,
    )


@asynccontextmanager
async def public_server(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
    *,
    page_size: int = 20,
    publish: bool = True,
    posts_per_hour: int = 60,
    tiles: str = "",
    email_configured: bool = True,
) -> AsyncIterator[str]:
    """The web server with the public page and Open311 on a free port; yields its base URL."""
    engine = sessions.kw["bind"]
    app = build_web_app(engine, sessions=sessions)
    settings = public_settings(clock, page_size=page_size, tiles=tiles)
    if publish:
        PublicPage(sessions, catalogs, settings).register(app)
    Open311(
        sessions,
        catalogs,
        config,
        settings,
        publish=publish,
        posts_per_hour=posts_per_hour,
        email_configured=email_configured,
        contact="reception@example.org",
    ).register(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]  # asyncio.Server
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
