"""Running the real bot against the fake Bot API, and a Telegram user who taps and types."""

import argparse
import asyncio
import contextlib
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.runner import serve
from bot.settings import Settings
from bot.staff_cli import run_staff
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.waits import POLL_SECONDS, patience

SETTLE_SECONDS = 0.25
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def telegram_settings(
    database_url: str, tmp_path: Path, fake: FakeTelegram, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "attachments_dir": tmp_path / "attachments",
        "telegram_bot_token": TOKEN,
        "telegram_api_url": fake.url,
        "web_host": "127.0.0.1",
        "web_port": free_port(),
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[None]:
    """`python -m bot run` in this process, stopped when the block ends."""
    app = await build_app(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    try:
        await wait_until_serving(task, settings)
        yield
    finally:
        stop.set()
        await task
        await app.close()


async def wait_until_serving(task: asyncio.Task[None], settings: Settings) -> None:
    deadline = time.monotonic() + patience(10)
    while time.monotonic() < deadline:
        if task.done():
            await task  # raises the start-up error
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection(settings.web_host, settings.web_port)
            writer.close()
            return
        await asyncio.sleep(POLL_SECONDS)
    raise TimeoutError("the bot did not start")


class TelegramUser:
    """A person in a private chat with the bot; `deliver` hands an update to the bot."""

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        *,
        language: str = "uk",
        deliver: Callable[[dict[str, Any]], Awaitable[Any]] | None = None,
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.language = language
        self._deliver = deliver

    async def _send(self, update: dict[str, Any]) -> None:
        before = len(self.fake.outgoing(self.id))
        if self._deliver is None:
            self.fake.push(update)
        else:
            await self._deliver(update)
        await self.fake.wait_outgoing(self.id, before + 1)
        # Several messages may answer one update: wait until the bot falls quiet.
        while True:
            count = len(self.fake.outgoing(self.id))
            await asyncio.sleep(patience(SETTLE_SECONDS))
            if len(self.fake.outgoing(self.id)) == count:
                return

    async def say(self, text: str) -> None:
        await self._send(self.fake.text_update(self.id, text, self.language))

    async def tap(self, label: str) -> None:
        for caption, data, message_id in self.fake.buttons(self.id):
            if label in caption:
                await self.press(data, message_id)
                return
        raise AssertionError(f"no button {label!r} in {self.fake.buttons(self.id)}")

    async def press(self, data: str, message_id: int = 1) -> None:
        await self._send(self.fake.callback_update(self.id, data, message_id, self.language))

    async def send(self, **content: Any) -> None:
        await self._send(self.fake.message_update(self.id, self.language, **content))

    @property
    def last(self) -> str:
        return self.fake.texts(self.id)[-1]

    def everything(self) -> str:
        return "\n".join(self.fake.texts(self.id))


async def operator_and_executor(
    settings: Settings, fake: FakeTelegram, operator: int, executor: int
) -> tuple["TelegramUser", "TelegramUser"]:
    """An operator and a housing executor added from the server (as `python -m bot staff add
    --force` before they ever wrote), each then starting in English: no citizen's screens."""
    people = (
        TelegramUser(fake, operator, language="en"),
        TelegramUser(fake, executor, language="en"),
    )
    for person, role, department in zip(
        people, ("operator", "executor"), (None, "zhkh"), strict=True
    ):
        await run_staff(
            settings,
            argparse.Namespace(
                staff_action="add",
                channel="telegram",
                id=str(person.id),
                role=role,
                department=department,
                force=True,
            ),
        )
        await person.say("/start")
    return people


async def file_appeal(user: "TelegramUser", surname: str, *, submit: bool = True) -> None:
    """A whole complaint in Ukrainian, from /start to Submit (or to the summary)."""
    await user.say("/start")
    await user.tap("Погоджуюся")
    await user.tap("Нове звернення")
    await user.tap("Скарга")
    await user.tap("Освітлення вулиць")
    await user.say("Ліхтарі не світять біля будинку вже другий тиждень, просимо полагодити.")
    await user.tap("Готово")
    await user.say("Пропустити")
    await user.say(f"{surname} Тарас Григорович")
    await user.say("м. Луцьк, вул. Лесі Українки, 35")
    await user.say("050 123 45 67")
    await user.tap("Пропустити")
    await user.tap("Продовжити")
    if submit:
        await user.tap("Надіслати")


class BotProcess:
    """`python -m bot run` in a child process, to be killed, stopped and started again."""

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
        return await asyncio.wait_for(self.process.wait(), patience(30))


async def migrate_with_operator(env: dict[str, str], operator: int) -> None:
    """`migrate`, then a Telegram operator added from the server (never seen by the bot yet)."""
    await bot_command(env, "migrate")
    await bot_command(
        env,
        "staff",
        "add",
        "--channel",
        "telegram",
        "--id",
        str(operator),
        "--role",
        "operator",
        "--force",
    )


async def bot_command(env: dict[str, str], *args: str) -> None:
    """`python -m bot ARGS` in a child process, which must succeed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
