"""Deadline control without anyone remembering: reminders, escalation, the daily digest and
closing unrated answers fire exactly once at the right moment, even with two workers."""

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import run_control
from handlers import control as control_jobs
from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from reception.deadlines import KYIV
from storage.control import ControlRepository
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal, Department, OutboxMessage
from storage.uow import unit_of_work
from tests.desk_kit import SIGNATORY, emails, make_staff, outbox_for
from tests.harness import Chat, file_appeal, onboard


def kyiv(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 given in Kyiv time (UTC+2 in winter)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=KYIV).astimezone(UTC)


@pytest.fixture
async def assigned(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], chat: Chat
) -> tuple[Chat, Chat]:
    """Ш-1, filed on 1 December, assigned to the housing department for 15 days: due 16 Dec."""
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-1")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Department)
            .where(Department.code == "zhkh")
            .values(email="zhkh@lutsk.example.org", email_is_placeholder=False)
        )
    await onboard(chat)
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 15")
    return operator, executor


async def texts(sessions: async_sessionmaker[AsyncSession], chat: Chat) -> list[str]:
    return [str(m["text"]) for m in await outbox_for(sessions, chat.user)]


async def control(
    sessions: async_sessionmaker[AsyncSession], catalogs: Catalogs, now: datetime
) -> dict[str, int]:
    return await run_control(sessions, ConversationConfig(), catalogs, now)


async def test_reminders_3_and_1_days_before_then_escalation_each_once(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
) -> None:
    operator, executor = assigned
    await control(sessions, catalogs, kyiv(12, 10))
    assert not any("Reminder" in t for t in await texts(sessions, executor))
    for _ in range(3):
        await control(sessions, catalogs, kyiv(13, 10))
    reminders = [t for t in await texts(sessions, executor) if "Reminder" in t]
    assert reminders == ["Reminder: appeal Ш-1 is due in 3 days, on 16 December 2026."]
    mails = [m for m in await emails(sessions) if m.kind == "email:reminder"]
    assert len(mails) == 1
    assert (
        "16 December 2026" in mails[0].payload["subject"]
        or "16 грудня 2026" in (mails[0].payload["subject"])
    )
    await control(sessions, catalogs, kyiv(15, 10))
    await control(sessions, catalogs, kyiv(15, 18))
    reminders = [t for t in await texts(sessions, executor) if "Reminder" in t]
    assert reminders[-1] == "Reminder: appeal Ш-1 is due in 1 day, on 16 December 2026."
    assert len(reminders) == 2
    await control(sessions, catalogs, kyiv(17, 0, 5))
    await control(sessions, catalogs, kyiv(17, 12))
    overdue = [t for t in await texts(sessions, operator) if "overdue" in t]
    assert overdue == ["Appeal Ш-1 is overdue: it was due on 16 December 2026."]


async def test_the_minute_scans_find_only_what_was_not_yet_sent(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
) -> None:
    """The reminder and escalation scans leave out what went out before (issue 14: a minute's
    scan then finds nothing however many appeals are stored), while the digest's overdue list
    still holds every overdue appeal."""
    async with unit_of_work(sessions) as uow:
        due = await uow.control.due_in(date(2026, 12, 13), 3)
    assert [(a.reg_index, a.due_on, a.status) for a in due] == [
        ("Ш-1", date(2026, 12, 16), "assigned")
    ]
    await control(sessions, catalogs, kyiv(13, 10))
    async with unit_of_work(sessions) as uow:
        assert await uow.control.due_in(date(2026, 12, 13), 3) == []
        assert [a.reg_index for a in await uow.control.due_in(date(2026, 12, 15), 1)] == ["Ш-1"]
        late = await uow.control.unreported_overdue(date(2026, 12, 17))
    assert [a.reg_index for a in late] == ["Ш-1"]
    await control(sessions, catalogs, kyiv(17, 0, 5))
    async with unit_of_work(sessions) as uow:
        assert await uow.control.unreported_overdue(date(2026, 12, 17)) == []
        listed = await uow.appeals.overdue(date(2026, 12, 17), None)
    assert [a.reg_index for a in listed] == ["Ш-1"]


async def test_an_extension_earns_new_reminders(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
) -> None:
    operator, executor = assigned
    await control(sessions, catalogs, kyiv(13, 10))
    await operator.send("/extend Ш-1 30.12.2026 an inspection is needed")
    await control(sessions, catalogs, kyiv(27, 10))
    reminders = [t for t in await texts(sessions, executor) if "Reminder" in t]
    assert reminders[-1] == "Reminder: appeal Ш-1 is due in 3 days, on 30 December 2026."


async def test_two_workers_on_one_database_remind_once(
    assigned: tuple[Chat, Chat],
    database_url: str,
    catalogs: Catalogs,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, executor = assigned
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        workers = [create_sessionmaker(engine) for engine in engines]
        await asyncio.gather(*(control(w, catalogs, kyiv(13, 10)) for w in workers * 3))
        await asyncio.gather(*(control(w, catalogs, kyiv(16, 9, 30)) for w in workers * 3))
    finally:
        for engine in engines:
            await engine.dispose()
    reminders = [t for t in await texts(sessions, executor) if "Reminder" in t]
    assert len(reminders) == 1
    async with sessions() as session:
        digests = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "staff:digest")
            )
        ).all()
    assert len(digests) == 2  # one operator, one digest on each of the two days


async def test_the_daily_digest_comes_at_nine_once_a_day(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    chat: Chat,
) -> None:
    operator, _ = assigned
    await control(sessions, catalogs, kyiv(2, 8, 59))
    assert not any("Daily digest" in t for t in await texts(sessions, operator))
    await control(sessions, catalogs, kyiv(2, 9, 0))
    await control(sessions, catalogs, kyiv(2, 17, 0))
    digests = [t for t in await texts(sessions, operator) if "Daily digest" in t]
    assert len(digests) == 1
    assert "Daily digest for 2 December 2026" in digests[0]
    assert "New in the last 24 hours: 1" in digests[0]
    await control(sessions, catalogs, kyiv(14, 9, 5))
    digest = [t for t in await texts(sessions, operator) if "Daily digest" in t][-1]
    assert "Due within 3 days: 1" in digest
    assert "Ш-1 · 009 Communal services · 16 December 2026" in digest


async def test_waiting_appeals_past_the_forward_and_return_terms_are_in_the_digest(
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    chat: Chat,
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await file_appeal(chat)
    await control(sessions, catalogs, kyiv(12, 9))
    digest = [t for t in await texts(sessions, operator) if "Daily digest" in t][-1]
    assert "the term to forward has passed): 1" in digest
    assert "the term to return has passed): 1" in digest


async def test_answers_left_unrated_for_14_days_are_closed(
    assigned: tuple[Chat, Chat],
    chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    clock: object,
) -> None:
    operator, executor = assigned
    await executor.send("/answer Ш-1")
    await executor.send("Repaired.")
    await executor.tap("Done")
    await executor.tap("resolved positively")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    await operator.send("/approve Ш-1")
    await control(sessions, catalogs, kyiv(14, 10))
    async with sessions() as session:
        assert (await session.scalars(select(Appeal.status))).one() == "answered"
    await control(sessions, catalogs, kyiv(15, 11))
    async with sessions() as session:
        assert (await session.scalars(select(Appeal.status))).one() == "closed"
    # The citizen is told, not left to find out.
    assert (
        "Appeal Ш-1 is closed: the answer was not rated within 14 days."
        in ((await texts(sessions, chat))[-1])
    )


async def copies_of_the_first(
    sessions: async_sessionmaker[AsyncSession], *changes: dict[str, object]
) -> list[str]:
    """Copies of Ш-1 with the changes, straight into the register; their indexes."""
    async with sessions() as session, session.begin():
        first = (await session.execute(select(Appeal.__table__))).mappings().one()
        indexes = []
        for number, change in enumerate(changes, start=first["number"] + 1):
            row = {k: v for k, v in first.items() if k != "id"}
            index = f"Ш-{number}"
            row |= {"number": number, "reg_index": index, "draft_key": index} | change
            await session.execute(insert(Appeal), row)
            indexes.append(index)
    return indexes


async def test_a_day_of_many_reminders_goes_out_in_batches_each_once(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14 reads the day's reminders and escalations a batch at a time: with batches of
    two, each of five appeals due on one day is reminded and escalated exactly once."""
    monkeypatch.setattr(ControlRepository, "batch", 2)
    operator, executor = assigned
    indexes = ["Ш-1", *await copies_of_the_first(sessions, *[{}] * 4)]
    for _ in range(2):
        await control(sessions, catalogs, kyiv(13, 10))
    reminders = [t for t in await texts(sessions, executor) if "Reminder" in t]
    assert reminders == [
        f"Reminder: appeal {i} is due in 3 days, on 16 December 2026." for i in indexes
    ]
    for _ in range(2):
        await control(sessions, catalogs, kyiv(17, 0, 5))
    overdue = [t for t in await texts(sessions, operator) if "overdue" in t]
    assert overdue == [f"Appeal {i} is overdue: it was due on 16 December 2026." for i in indexes]


async def test_the_digest_counts_every_appeal_and_lists_the_first(
    assigned: tuple[Chat, Chat],
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14 counts the digest's sections in SQL and reads only the appeals it lists: the
    counts stay whole, the lines the first ones (the oldest awaiting triage first)."""
    monkeypatch.setattr(control_jobs, "LIST_IN_DIGEST", 2)
    operator, _ = assigned
    waiting: dict[str, object] = {"status": "registered", "department_id": None}
    received = [date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 1), date(2026, 12, 5)]
    copies = await copies_of_the_first(
        sessions, *[waiting | {"received_on": day} for day in received]
    )
    await control(sessions, catalogs, kyiv(14, 9, 5))
    digest = [t for t in await texts(sessions, operator) if "Daily digest" in t][-1]
    sections = {
        block.splitlines()[0]: [line.split(" · ")[0].strip() for line in block.splitlines()[1:]]
        for block in digest.split("\n\n")[1:]
    }
    assert sections["Due within 3 days: 5"] == ["Ш-1", copies[0]]
    # The 5-day term to forward has passed for all four; the 10-day term to return (11
    # December, the Friday before the weekend) for those received by 3 December.
    late = [copies[2], copies[0]]
    assert sections["Awaiting triage for over 5 days (the term to forward has passed): 4"] == late
    assert sections["Awaiting triage for over 10 days (the term to return has passed): 3"] == late
