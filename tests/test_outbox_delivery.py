"""The outbox delivers every message once, in order per chat, within Telegram's limits, while
the Bot API answers 429 and 500 for a while."""

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.outbox import MAX_LATE_TURNS, OutboxWorker
from bot.telegram.sender import TelegramSender
from handlers.types import Reply, reply_to_payload
from storage.attachments import AttachmentStore
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage
from storage.uow import unit_of_work
from tests.fake_telegram import TOKEN, Failure, FakeTelegram
from tests.waits import eventually


@pytest.fixture
async def worker(
    fake: FakeTelegram, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[OutboxWorker]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))

    async def unreachable(chat_id: str) -> None:
        async with unit_of_work(sessions) as uow:
            await uow.people.mark_unreachable("telegram", chat_id)

    sender = TelegramSender(bot, AttachmentStore(tmp_path), unreachable)
    yield OutboxWorker(sessions, {"telegram": sender}, None)
    await bot.session.close()


async def queue(
    sessions: async_sessionmaker[AsyncSession], messages: list[tuple[int, str]]
) -> None:
    now = datetime.now(UTC)
    async with unit_of_work(sessions) as uow:
        for chat_id, text in messages:
            account, person = await uow.people.account("telegram", str(chat_id), now)
            await uow.outbox.enqueue(
                channel="telegram",
                recipient=str(account.id),
                kind="test",
                payload=reply_to_payload(Reply(text)),
                now=now,
                person_id=person.id,
            )


async def drain(worker: OutboxWorker, sessions: async_sessionmaker[AsyncSession]) -> None:
    for _ in range(400):
        await worker.run_once(datetime.now(UTC))
        async with sessions() as session:
            left = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.status.in_(("pending", "sending")))
                )
            ).all()
        if not left:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not drain")


def delivered(fake: FakeTelegram) -> dict[int, list[str]]:
    """Texts that the fake accepted, per chat, in the order it accepted them."""
    chats: dict[int, list[str]] = defaultdict(list)
    for call in fake.calls:
        if call.method == "sendmessage" and call.result is not None:
            chats[int(call.params["chat_id"])].append(str(call.params["text"]))
    return chats


async def test_every_message_arrives_once_and_in_order_through_429_and_500(
    fake: FakeTelegram, worker: OutboxWorker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    fake.failures["sendmessage"] = [
        Failure(429, "Too Many Requests: retry after 1", 1),
        Failure(500, "Internal Server Error"),
        Failure(502, "Bad Gateway"),
        Failure(429, "Too Many Requests: retry after 1", 1),
    ]
    messages = [(chat, f"chat {chat} message {n}") for n in range(5) for chat in (101, 102, 103)]
    await queue(sessions, messages)
    await drain(worker, sessions)
    chats = delivered(fake)
    for chat in (101, 102, 103):
        assert chats[chat] == [f"chat {chat} message {n}" for n in range(5)]
    async with sessions() as session:
        statuses = set((await session.scalars(select(OutboxMessage.status))).all())
    assert statuses == {"sent"}


async def test_a_blocked_user_is_marked_and_the_message_failed_for_good(
    fake: FakeTelegram, worker: OutboxWorker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    fake.blocked_users.add(201)
    await queue(sessions, [(201, "hello"), (202, "hello")])
    await drain(worker, sessions)
    async with sessions() as session:
        rows = {r.recipient: r for r in await session.scalars(select(OutboxMessage))}
    assert sorted(r.status for r in rows.values()) == ["failed", "sent"]
    assert delivered(fake)[202] == ["hello"]


async def test_throughput_stays_within_30_a_second_and_1_a_second_per_chat(
    fake: FakeTelegram, worker: OutboxWorker, sessions: async_sessionmaker[AsyncSession]
) -> None:
    many = [(1000 + n, f"broadcast {n}") for n in range(70)]
    burst = [(999, f"one chat {n}") for n in range(4)]
    await queue(sessions, many + burst)
    await drain(worker, sessions)
    sends = [c for c in fake.calls if c.method == "sendmessage"]
    assert len(sends) == 74
    times = sorted(c.at for c in sends)
    for i, start in enumerate(times):
        in_a_second = [t for t in times[i:] if t < start + 1.0]
        assert len(in_a_second) <= 30
    one_chat = [c.at for c in sends if int(c.params["chat_id"]) == 999]
    gaps = [b - a for a, b in itertools.pairwise(one_chat)]
    assert all(gap >= 0.95 for gap in gaps), gaps


async def two_instances(
    fake: FakeTelegram,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    rate: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> list[float]:
    """40 messages drained by two workers with their own engines on one database, sharing
    `rate`: the moments the fake accepted them."""
    other_engine = create_engine(database_url)  # the second instance's own connections
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))

    async def unreachable(_: str) -> None:
        raise AssertionError("nobody blocked the bot")

    sender = TelegramSender(bot, AttachmentStore(tmp_path), unreachable)
    workers = [
        OutboxWorker(
            pool, {"telegram": sender}, None, shared_rates={"telegram": rate}, sleep=sleep
        )
        for pool in (sessions, create_sessionmaker(other_engine))
    ]
    messages = [(3000 + n, f"news {n}") for n in range(40)]
    await queue(sessions, messages)
    stop = asyncio.Event()
    running = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        await eventually(lambda: len(delivered(fake)) == len(messages), timeout=30)
    finally:
        stop.set()
        await asyncio.gather(*running)
        await bot.session.close()
        await other_engine.dispose()
    sends = sorted(c.at for c in fake.calls if c.method == "sendmessage" and c.result)
    assert len(sends) == len(messages)
    return sends


async def test_two_instances_share_telegrams_limit_and_meet_no_429(
    fake: FakeTelegram,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """Telegram counts a bot's messages, not its processes: two instances on one database
    together send at the shared rate (a lower one here, so the test is quick) and the Bot API
    refuses none of them for flooding."""
    rate = 8.0
    fake.per_second_limit = 10
    sends = await two_instances(fake, database_url, sessions, tmp_path, rate)
    assert fake.too_many == 0
    per_second = (len(sends) - 1) / (sends[-1] - sends[0])
    assert per_second <= rate * 1.15
    assert per_second >= rate * 0.7, "the instances did not send in parallel at the shared rate"


async def test_two_instances_whose_loops_wake_late_still_never_crowd_a_second(
    fake: FakeTelegram,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: a send that goes out well after its reserved moment lands among the moments
    reserved after it, and a second then holds more than the shared rate. Here one wait in
    four oversleeps by 0.3 s (a busy loop); the fake allows one message over the rate in any
    second, and the late sends must leave their moment rather than crowd it."""
    monkeypatch.setattr("bot.outbox.MAX_LATE_TURNS", 1000)  # never sent late: the rule alone
    rng = random.Random(14)

    async def drowsy(seconds: float) -> None:
        await asyncio.sleep(seconds + (0.3 if rng.random() < 0.25 else 0.0))

    rate = 8.0
    fake.per_second_limit = int(rate) + 1
    sends = await two_instances(fake, database_url, sessions, tmp_path, rate, drowsy)
    assert fake.too_many == 0
    assert max(sum(1 for t in sends if start <= t < start + 1.0) for start in sends) <= 9


async def test_a_send_whose_moment_went_by_waits_for_the_next_pass_at_no_extra_transaction(
    fake: FakeTelegram,
    worker: OutboxWorker,
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
) -> None:
    """The late send is not made; the next pass's claim gives it back and sends it, the
    attempt not counted — no transaction of its own, unlike the re-reservations that were
    reverted for stalling the crash test under load (issue 14)."""
    oversleep = [0.2]

    async def late_once(seconds: float) -> None:
        await asyncio.sleep(seconds + (oversleep.pop() if oversleep else 0.0))

    worker._sleep = late_once
    await queue(sessions, [(401, "on time, or not at all")])
    begins: list[object] = []
    event.listen(engine.sync_engine, "begin", begins.append)
    assert await worker.run_once() == 1
    assert delivered(fake) == {}
    assert len(begins) == 1  # the claim's, which reserved the moment too
    passes = 1
    while not delivered(fake):  # on a loaded machine the next moment may go by as well
        await worker.run_once()  # gives it back, claims it again, sends it
        passes += 1
    assert passes <= 1 + MAX_LATE_TURNS
    assert delivered(fake)[401] == ["on time, or not at all"]
    assert len(begins) == passes + 1  # a claim a pass, and the delivery's record
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None
    assert (row.status, row.attempts) == ("sent", 1)
