"""Nothing a citizen sends is lost, and every reply arrives: a messenger API that fails, a
SIGTERM with a reply on the wire, a database locked or gone for a minute (issue 10)."""

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from handlers.payloads import SUBMIT
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal, InboxUpdate
from tests.fake_telegram import TOKEN, Failure, FakeTelegram
from tests.telegram_kit import (
    BotProcess,
    TelegramUser,
    bot_command,
    file_appeal,
    free_port,
    running_bot,
    telegram_settings,
)
from tests.waits import eventually, patience

#: How long the database stays away in the outage tests: a minute, as the issue tried it.
OUTAGE_SECONDS = 60
CITIZENS = [5_000_000_501, 5_000_000_502, 5_000_000_503]
# The first thing a new Ukrainian-speaking Telegram user reads (the language comes from Telegram).
FIRST_QUESTION = "Чи погоджуєтеся Ви на обробку"
DELAYED = "Ми отримали Ваше повідомлення"


def bot_env(database_url: str, fake: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "WARNING",
        "DIGEST_TIME": "23:59",
        "WEB_PORT": str(free_port()),
        **extra,
    }


async def serving(fake: FakeTelegram) -> None:
    """Until a started bot polls (it takes seconds to import)."""
    polls = fake.methods().count("getupdates")
    await eventually(lambda: fake.methods().count("getupdates") > polls, timeout=60)


def log_lines(path: Path, words: str) -> list[str]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            message = str(json.loads(line).get("msg", ""))
        except ValueError:
            continue
        if words in message:
            lines.append(message)
    return lines


async def test_the_registration_index_arrives_though_sendmessage_fails_nine_times(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, CITIZENS[0])
    async with running_bot(settings):
        await file_appeal(user, "Шевченко", submit=False)
        fake.failures["sendmessage"] = [Failure(500, "Internal Server Error")] * 9
        fake.push(fake.callback_update(user.id, SUBMIT))
        await eventually(
            lambda: any("Реєстраційний індекс" in t for t in fake.delivered(user.id)),
            timeout=90,
        )
    assert not fake.failures["sendmessage"]  # all nine failures were met
    registered = [t for t in fake.delivered(user.id) if "Реєстраційний індекс" in t]
    assert len(registered) == 1
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Appeal)) == 1
    await engine.dispose()


@pytest.mark.parametrize("grace", ["30", "1"], ids=["finished-before-exit", "after-restart"])
async def test_sigterm_with_a_reply_in_flight_delivers_it(
    fake: FakeTelegram, database_url: str, tmp_path: Path, grace: str
) -> None:
    env = bot_env(
        database_url, fake, tmp_path, SHUTDOWN_GRACE_SECONDS=grace, OUTBOX_LEASE_SECONDS="2"
    )
    await bot_command(env, "migrate")
    log = (tmp_path / "bot.log").open("ab")
    bot = BotProcess(env, log)
    await bot.start()
    await serving(fake)
    user = CITIZENS[0]
    # The reply is on the wire for 5 s; within a short grace it is cut off and fails.
    fake.holds["sendmessage"] = [(5.0, None if grace == "30" else Failure(502, "Bad Gateway"))]
    fake.push(fake.text_update(user, "/start"))
    await eventually(lambda: fake.in_flight > 0, timeout=60)
    assert await bot.stop() == 0
    if grace == "1":
        assert not any(FIRST_QUESTION in t for t in fake.delivered(user))
        await bot.start()
    await eventually(lambda: any(FIRST_QUESTION in t for t in fake.delivered(user)), timeout=60)
    if grace == "1":
        assert await bot.stop() == 0
    log.close()
    assert sum(FIRST_QUESTION in t for t in fake.delivered(user)) == 1


async def hold_sqlite_lock(path: str, seconds: float) -> asyncio.subprocess.Process:
    """Another process takes SQLite's write lock (as a CLI report or a migration might)."""
    script = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "c.execute('ROLLBACK')\n"
    )
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, path, str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert (await holder.stdout.readline()).strip() == b"locked"
    return holder


class CuttableProxy:
    """A TCP proxy in front of PostgreSQL that can be cut: open connections are reset and new
    ones refused, as when the server restarts or the network drops."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.cut = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        self.sever()
        if self._server is not None:
            self._server.close()

    def sever(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, upstream_writer})

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self._writers.difference_update({writer, upstream_writer})


async def test_a_database_away_for_a_minute_loses_no_message(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    """SQLite: another process holds the write lock for a minute. PostgreSQL: a proxy in front
    of it is cut for a minute. Three citizens write meanwhile; each gets their proper reply
    after recovery, once, and at most one note that it is delayed; the log says once that the
    database is unavailable and once that it is back."""
    url = make_url(database_url)
    proxy: CuttableProxy | None = None
    if url.get_backend_name() == "postgresql":
        proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
        await proxy.start()
        database_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
    env = bot_env(database_url, fake, tmp_path)
    await bot_command(env, "migrate")
    log_path = tmp_path / "bot.log"
    log = log_path.open("ab")
    bot = BotProcess(env, log)
    await bot.start()
    await serving(fake)
    holder = None
    if proxy is not None:
        proxy.cut = True
        proxy.sever()
    else:
        holder = await hold_sqlite_lock(str(url.database), OUTAGE_SECONDS)
    try:
        for user in CITIZENS:
            fake.push(fake.text_update(user, "/start"))
        await asyncio.sleep(OUTAGE_SECONDS)
    finally:
        if proxy is not None:
            proxy.cut = False
        if holder is not None:
            await holder.wait()
    for user in CITIZENS:
        await eventually(
            lambda user=user: any(FIRST_QUESTION in t for t in fake.delivered(user)),  # type: ignore[misc]
            timeout=90,
        )
    await asyncio.sleep(patience(2))  # time for a doubled reply to show itself
    assert await bot.stop() == 0
    log.close()
    if proxy is not None:
        await proxy.stop()
    for user in CITIZENS:
        texts = fake.delivered(user)
        assert sum(FIRST_QUESTION in t for t in texts) == 1, texts
        assert sum(DELAYED in t for t in texts) <= 1, texts
        assert not any("надішліть його ще раз" in t for t in texts)
    assert len(log_lines(log_path, "database unavailable")) == 1, log_path.read_text()[-3000:]
    assert len(log_lines(log_path, "database available again")) == 1
    engine = create_engine(url.render_as_string(hide_password=False))
    async with create_sessionmaker(engine)() as session:
        statuses = (await session.scalars(select(InboxUpdate.status))).all()
    await engine.dispose()
    assert statuses == ["replied"] * len(CITIZENS)


async def test_files_from_someone_who_has_not_consented_never_touch_the_disk(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    """Issue 11: five PDFs sent before consent are not even downloaded."""
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, CITIZENS[1])
    async with running_bot(settings):
        await user.say("/start")
        for number in range(5):
            fake.files[f"pdf-{number}"] = b"%PDF-1.4\n" + b"x" * 1_000_000
            await user.send(
                document={
                    "file_id": f"pdf-{number}",
                    "file_unique_id": f"pdf-{number}",
                    "file_name": f"scan-{number}.pdf",
                    "mime_type": "application/pdf",
                    "file_size": 1_000_009,
                }
            )
    assert "getfile" not in fake.methods()
    stored = tmp_path / "attachments"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
