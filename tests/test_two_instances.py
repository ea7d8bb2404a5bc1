"""Two `python -m bot run` processes in webhook mode on one database share the work without
doubling anything: indexes stay unique, each update is handled once even when delivered to both,
each outbox row is delivered once, each scheduled job runs once."""

import asyncio
import itertools
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_kit import (
    TelegramUser,
    file_appeal,
    free_port,
    migrate_with_operator,
)
from tests.waits import patience

ROOT = Path(__file__).resolve().parent.parent
SECRET = "two-instances-secret"
OPERATOR = 5_000_000_301
CITIZENS = [5_000_000_310 + n for n in range(6)]


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"instance on {port} did not start")


async def test_two_instances_share_the_work_without_doubling(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "AUTO_MIGRATE": "false",
        "ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "WARNING",
        "DIGEST_TIME": "00:00",
    }
    await migrate_with_operator(env, OPERATOR)
    ports = [free_port(), free_port()]
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env={
                **env,
                "WEB_PORT": str(port),
                "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            },
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for port in ports
    ]
    turns = itertools.count()

    async def balance(update: dict[str, Any]) -> None:
        """A load balancer in front of both; every third update Telegram delivers twice."""
        turn = next(turns)
        targets = [ports[turn % 2]] + ([ports[(turn + 1) % 2]] if turn % 3 == 0 else [])
        async with aiohttp.ClientSession() as session:
            for port in targets:
                async with session.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    data=json.dumps(update),
                    headers={
                        "Content-Type": "application/json",
                        "X-Telegram-Bot-Api-Secret-Token": SECRET,
                    },
                ) as response:
                    assert response.status == 200

    try:
        for port in ports:
            await wait_healthy(port)
        operator = TelegramUser(fake, OPERATOR, deliver=balance)
        await operator.say("/start")  # staff: no language or consent screen
        citizens = [TelegramUser(fake, c, deliver=balance) for c in CITIZENS]
        surnames = ["Шевченко", "Коваль", "Мельник", "Бондар", "Ткач", "Гнатюк"]
        await asyncio.gather(*(file_appeal(u, s) for u, s in zip(citizens, surnames, strict=True)))
        indexes = []
        for user in citizens:
            registered = [t for t in fake.texts(user.id) if "Реєстраційний індекс:" in t]
            assert len(registered) == 1, fake.texts(user.id)[-3:]
            indexes.append(registered[0].split("Реєстраційний індекс: ")[1].split("\n")[0])
        assert sorted(int(i.split("-")[1]) for i in indexes) == [1, 2, 3, 4, 5, 6]

        for _ in range(150):
            announced = [t for t in fake.texts(OPERATOR) if t.startswith("Нове звернення")]
            if len(announced) >= 6:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(patience(3))  # time for a doubled delivery to show itself
        announced = [t for t in fake.texts(OPERATOR) if t.startswith("Нове звернення")]
        assert sorted(announced) == sorted(set(announced))
        assert len(announced) == 6
        digests = [t for t in fake.texts(OPERATOR) if t.startswith("Щоденний огляд")]
        assert len(digests) == 1
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            _, stderr = await asyncio.wait_for(process.communicate(), patience(30))
            assert process.returncode == 0, stderr.decode()[-2000:]
