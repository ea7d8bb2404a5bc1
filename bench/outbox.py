"""The outbox at Telegram's limits: messages queued through storage, drained by the real worker
and the real Telegram sender against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, select

from bench.common import (
    bench_settings,
    capture_warnings,
    peak_rss_mb,
    reset_database,
    sqlite_url,
)
from bot.app import build_app
from bot.dbwatch import DatabaseWatch
from bot.outbox import OutboxWorker
from bot.ratelimit import TELEGRAM_PER_CHAT_SECONDS, TELEGRAM_PER_SECOND
from bot.runner import build_intake
from bot.telegram.sender import TelegramSender
from bot.telegram.service import TelegramChannel
from handlers.types import Reply, reply_to_payload
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage
from storage.uow import unit_of_work
from tests.fake_telegram import TOKEN, FakeTelegram

#: Telegram's own limit, which the worker must stay under (it paces a little below on purpose).
TELEGRAM_LIMIT_PER_SECOND = 30.0
FIRST_CHAT = 6_000_000_001
WINDOW_SECONDS = 1.0
POLL_SECONDS = 0.05


def max_in_window(moments: list[float], window: float = WINDOW_SECONDS) -> int:
    """The most moments within any half-open window [t, t + window)."""
    ordered = sorted(moments)
    best = start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_outbox(database_url: str | None, messages: int, chats: int) -> dict[str, Any]:
    warnings = capture_warnings()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        url = database_url or sqlite_url(Path(tmp) / "reception.db")
        await reset_database(url)
        fake = FakeTelegram()
        await fake.start()
        try:
            app = await build_app(bench_settings(url, Path(tmp) / "attachments", fake.url, TOKEN))
            try:
                channel = TelegramChannel(
                    app.settings,
                    build_intake(app, DatabaseWatch()),
                    app.sessions,
                    app.attachments,
                    app.catalogs,
                )
                # The second instance: its own engine (connections) and its own Bot session.
                engine = create_engine(url)
                bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))
                second = TelegramSender(bot, app.attachments, channel.mark_unreachable)
                try:
                    result = await _drain(
                        [
                            (app.sessions, channel.outbox_sender),
                            (create_sessionmaker(engine), second),
                        ],
                        fake,
                        messages,
                        chats,
                    )
                finally:
                    await channel.stop()
                    await bot.session.close()
                    await engine.dispose()
            finally:
                await app.close()
        finally:
            await fake.stop()
    return result | {"peak_rss_mb": peak_rss_mb(), **warnings.summary()}


async def _drain(
    instances: list[tuple[Any, TelegramSender]], fake: FakeTelegram, messages: int, chats: int
) -> dict[str, Any]:
    sessions = instances[0][0]
    # Telegram refuses a bot's 31st message within a second with 429: the fake does too.
    fake.per_second_limit = int(TELEGRAM_LIMIT_PER_SECOND)
    now = datetime.now(UTC)
    async with unit_of_work(sessions) as uow:
        accounts = [
            (await uow.people.account("telegram", str(FIRST_CHAT + n), now))[0]
            for n in range(chats)
        ]
    started = time.perf_counter()
    async with unit_of_work(sessions) as uow:
        for number in range(messages):
            account = accounts[number % chats]
            await uow.outbox.enqueue(
                channel="telegram",
                recipient=str(account.id),
                kind="bench",
                payload=reply_to_payload(Reply(f"Повідомлення № {number + 1}")),
                now=now,
                person_id=account.person_id,
            )
    enqueue_s = time.perf_counter() - started

    wanted = {str(FIRST_CHAT + n) for n in range(chats)}

    def delivered() -> list[Any]:
        return [
            c
            for c in fake.calls
            if c.method == "sendmessage"
            and c.result is not None
            and str(c.params.get("chat_id")) in wanted
        ]

    workers = [OutboxWorker(pool, {"telegram": sender}, None) for pool, sender in instances]
    stop = asyncio.Event()
    began = time.monotonic()
    tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
    patience = messages / TELEGRAM_PER_SECOND * 3 + 60
    try:
        for _ in range(int(patience / POLL_SECONDS)):
            if len(delivered()) >= messages or any(task.done() for task in tasks):
                break
            await asyncio.sleep(POLL_SECONDS)
        drained_at = time.monotonic()
        async with sessions() as session:  # the last rows are marked sent after their send
            for _ in range(100):
                pending = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status != "sent")
                )
                await session.rollback()
                if not pending:
                    break
                await asyncio.sleep(POLL_SECONDS)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(asyncio.gather(*tasks), 30)
    calls = delivered()
    moments = [c.at for c in calls]
    per_chat: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for call in calls:
        per_chat[str(call.params["chat_id"])].append((call.at, str(call.params.get("text", ""))))
    gaps = [
        later[0] - earlier[0]
        for sent in per_chat.values()
        for earlier, later in itertools.pairwise(sent)
    ]
    in_order = all(
        [int(text.rsplit(" ", 1)[-1]) for _, text in sent]
        == sorted(int(text.rsplit(" ", 1)[-1]) for _, text in sent)
        for sent in per_chat.values()
    )
    ordered = sorted(moments)
    spacing = [b - a for a, b in itertools.pairwise(ordered)]
    span = (max(moments) - began) if moments else 0.0
    return {
        "messages": messages,
        "chats": chats,
        "instances": len(instances),
        "refused_429": fake.too_many,
        "enqueue_s": enqueue_s,
        "delivered": len(calls),
        "not_sent_in_db": int(pending or 0),
        "drain_s": drained_at - began,
        "per_second": len(calls) / span if span > 0 else 0.0,
        # Judged against Telegram's own limit; the worker paces a little below it on purpose.
        "limit_per_second": TELEGRAM_LIMIT_PER_SECOND,
        "max_in_1s": max_in_window(moments),
        "min_gap_per_chat_s": min(gaps) if gaps else None,
        "min_gap_ms": min(spacing) * 1000 if spacing else None,
        "median_gap_ms": statistics.median(spacing) * 1000 if spacing else None,
        "per_chat_limit_s": TELEGRAM_PER_CHAT_SECONDS,
        "in_order": in_order,
    }
