"""SIGKILL at random moments while citizens are mid-dialog and notifications are pending: after
each restart no draft, appeal or notification is lost or doubled.

Telegram re-delivers updates a dead bot did not confirm; the bot remembers update ids in the same
transaction as their effect. A notification is at least once by nature (the process may die
between Telegram accepting it and the database recording it), so the killer never strikes while
a message is on the wire: that is the one moment a second copy would be honest."""

import asyncio
import os
import random
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import create_sessionmaker
from storage.models import (
    Appeal,
    ChannelAccount,
    ConversationState,
    OutboxMessage,
    ProcessedUpdate,
)
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_kit import bot_command, free_port

ROOT = Path(__file__).resolve().parent.parent
OPERATOR = 5_000_000_401
CITIZENS = {
    5_000_000_410 + n: surname
    for n, surname in enumerate(["Шевченко", "Коваль", "Мельник", "Бондар"])
}
TEXT = "Ліхтарі не світять біля будинку вже другий тиждень, просимо полагодити."


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


class Bot:
    def __init__(self, env: dict[str, str], log: Any) -> None:
        self.env = env
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self.kills = 0

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self.log,
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills += 1

    async def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 30)


async def test_sigkill_at_random_moments_loses_and_doubles_nothing(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "WARNING",
        "OUTBOX_LEASE_SECONDS": "2",
        "DIGEST_TIME": "23:59",
        "WEB_PORT": str(free_port()),
    }
    for command in (
        ("migrate",),
        (
            "staff",
            "add",
            "--channel",
            "telegram",
            "--id",
            str(OPERATOR),
            "--role",
            "operator",
            "--force",
        ),
    ):
        await bot_command(env, *command)
    # The test only reads: a plain engine, so that its reads never take SQLite's write lock
    # away from the bot (the application's engine begins every transaction IMMEDIATE).
    engine = create_async_engine(database_url)
    sessions = create_sessionmaker(engine)
    log = (tmp_path / "bot.log").open("ab")
    bot = Bot(env, log)
    await bot.start()
    rng = random.Random(20261129)

    async def state_of(user: int) -> tuple[str, dict[str, Any]]:
        async with sessions() as session:
            account = await session.scalar(
                select(ChannelAccount).where(
                    ChannelAccount.channel == "telegram", ChannelAccount.external_id == str(user)
                )
            )
            if account is None:
                return "new", {}
            state = await session.get(ConversationState, account.id)
            return (state.step, dict(state.data)) if state else ("menu", {})

    async def handled(update_id: int) -> bool:
        async with sessions() as session:
            return await session.get(ProcessedUpdate, ("telegram", str(update_id))) is not None

    async def send(user: int, **content: Any) -> None:
        if "data" in content:
            update = fake.callback_update(user, content["data"])
        else:
            update = fake.message_update(user, **content)
        fake.push(update)
        deadline = time.monotonic() + 60
        while not await handled(update["update_id"]):
            assert time.monotonic() < deadline, (tmp_path / "bot.log").read_text()[-3000:]
            await asyncio.sleep(0.05)

    async def citizen(user: int, surname: str) -> None:
        for _ in range(60):
            step, data = await state_of(user)
            draft = data.get("draft") or {}
            if step == "new":
                await send(user, text="/start")
            elif step == "language":
                await send(user, data="lang:uk")
            elif step == "consent":
                await send(user, data="consent:yes")
            elif step == "menu":
                async with sessions() as session:
                    account = await session.scalar(
                        select(ChannelAccount).where(ChannelAccount.external_id == str(user))
                    )
                    assert account is not None
                    done = await session.scalar(
                        select(Appeal).where(Appeal.author_id == account.person_id)
                    )
                if done is not None:
                    return
                await send(user, data="m:new")
            elif step == "resume":
                await send(user, data="resume:continue")
            elif step == "kind":
                await send(user, data="kind:3.3")
            elif step == "topic":
                await send(user, data="topic:009")
            elif step == "text":
                if draft.get("parts"):
                    await send(user, data="done")
                else:
                    await send(user, text=TEXT)
            elif step == "location":
                await send(user, data="skip")
            elif step == "name":
                await send(user, text=f"{surname} Тарас Григорович")
            elif step == "residence":
                await send(user, text="м. Луцьк, вул. Лесі Українки, 35")
            elif step == "phone":
                await send(user, text="050 123 45 67")
            elif step == "email":
                await send(user, data="skip")
            elif step == "options":
                await send(user, data="opt:done")
            elif step == "summary":
                while bot.kills < 2:  # the drafts must have lived through restarts
                    await asyncio.sleep(0.1)
                await send(user, data="submit")
            else:
                raise AssertionError(f"unexpected step {step}")
            await asyncio.sleep(rng.uniform(0.05, 0.4))
        raise AssertionError(f"citizen {user} did not finish")

    async def serving() -> None:
        """Until the bot (which takes seconds to import) asks for updates again."""
        polls = fake.methods().count("getupdates")
        while fake.methods().count("getupdates") <= polls:
            await asyncio.sleep(0.05)

    async def killer(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await serving()
            await asyncio.sleep(rng.uniform(0.05, 1.0))
            if stop.is_set():
                return
            # Never while a message is on the wire (see the module's docstring).
            while fake.in_flight or time.monotonic() - fake.last_answer_at < 0.2:
                await asyncio.sleep(0.01)
            await bot.kill()
            await asyncio.sleep(rng.uniform(0, 0.3))
            await bot.start()

    stop = asyncio.Event()
    killing = asyncio.create_task(killer(stop))
    try:
        await asyncio.gather(*(citizen(u, s) for u, s in CITIZENS.items()))
    finally:
        stop.set()
        await killing
    for _ in range(200):  # the last notifications, after the last lease ends
        async with sessions() as session:
            pending = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
            ).all()
        if not pending:
            break
        await asyncio.sleep(0.1)
    assert await bot.stop() == 0, (tmp_path / "bot.log").read_text()[-3000:]
    log.close()
    assert bot.kills >= 2

    async with sessions() as session:
        appeals = (await session.scalars(select(Appeal).order_by(Appeal.number))).all()
        outbox = (await session.scalars(select(OutboxMessage))).all()
    await engine.dispose()
    assert [a.number for a in appeals] == [1, 2, 3, 4]
    assert sorted(a.surname for a in appeals) == sorted(CITIZENS.values())
    assert all(a.text == TEXT for a in appeals)  # each part appended once, none lost
    assert all(a.phone == "+380501234567" for a in appeals)
    assert len(outbox) == 4
    assert {o.status for o in outbox} == {"sent"}
    announced = [t for t in fake.texts(OPERATOR) if t.startswith("Нове звернення")]
    assert sorted(announced) == sorted(set(announced))
    assert len(announced) == 4
