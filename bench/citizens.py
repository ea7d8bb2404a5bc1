"""Citizens filing appeals through the real aiogram dispatcher, and a bare echo bot on the same
harness: each citizen feeds its next update once the bot has answered the previous one."""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message, Update

from bench.common import (
    WarningLog,
    bench_settings,
    capture_warnings,
    peak_rss_mb,
    percentile,
    reset_database,
    sqlite_url,
)
from tests.fake_telegram import TOKEN, Call, FakeTelegram

#: Shown to the person: the latency ends at the first of these for the chat.
SHOWN = frozenset({"sendmessage", "editmessagetext"})
FIRST_CITIZEN = 5_000_000_001  # above 32 bits, as real Telegram ids are
WARM_UP_CITIZEN = 4_999_999_999
UPDATE_TIMEOUT = 120.0
REGISTERED = "Реєстраційний індекс"
#: The calls a chat keeps: its next tap reads the buttons of the last replies only. The
#: harness shares the bot's process, and keeping every reply of 1,000 citizens would count
#: its memory as the bot's peak RSS.
CHAT_CALLS_KEPT = 20
#: The fake's record is cut back once it is this long (the calls no update waits for).
FAKE_CALLS_KEPT = 2_000


@dataclass(frozen=True)
class Step:
    kind: Literal["say", "tap"]
    value: str


#: A complete complaint, as tests/test_telegram_citizen.py plays it: 14 updates.
SCRIPT: tuple[Step, ...] = (
    Step("say", "/start"),  # the fake user's language is uk: no language question
    Step("tap", "Погоджуюся"),
    Step("tap", "Нове звернення"),
    Step("tap", "Скарга"),
    Step("tap", "Освітлення вулиць"),
    Step("say", "Другий тиждень не світять ліхтарі біля будинку 35 на вулиці Лесі Українки."),
    Step("tap", "Готово"),
    Step("say", "Пропустити"),  # the share-location keyboard's text button sends its label
    Step("say", "Шевченко Тарас Григорович"),
    Step("say", "м. Луцьк, вул. Лесі Українки, 35"),
    Step("say", "050 123 45 67"),
    Step("tap", "Пропустити"),  # no e-mail
    Step("tap", "Продовжити"),  # no options
    Step("tap", "Надіслати"),
)


@dataclass
class Chat:
    id: int
    calls: list[Call] = field(default_factory=list)

    def last_message_id(self) -> int:
        for call in reversed(self.calls):
            if call.method in SHOWN and isinstance(call.result, dict):
                return int(call.result["message_id"])
        return 1

    def button(self, label: str) -> tuple[str, int]:
        """The callback data and message of the last inline button whose label has `label`."""
        for call in reversed(self.calls):
            markup = call.params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message_id = int(call.result["message_id"]) if call.result else 1
                for row in markup["inline_keyboard"]:
                    for button in row:
                        if label in button["text"]:
                            return str(button.get("callback_data", "")), message_id
                break
        raise LookupError(f"chat {self.id}: no button {label!r}")

    def texts(self) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.calls if c.method in SHOWN]


Tap = Callable[[Chat, str], tuple[str, int]]


def reception_tap(chat: Chat, label: str) -> tuple[str, int]:
    return chat.button(label)


def echo_tap(chat: Chat, label: str) -> tuple[str, int]:
    return label, chat.last_message_id()


@dataclass
class Harness:
    fake: FakeTelegram
    #: Hands one update to the bot; returns when the bot has answered it.
    submit: Callable[[dict[str, Any]], Awaitable[None]]
    tap: Tap
    statements: list[int] = field(default_factory=lambda: [0])
    commits: list[int] = field(default_factory=lambda: [0])
    latencies: list[float] = field(default_factory=list)
    handling: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    updates: int = 0
    late_starts: list[float] = field(default_factory=list)
    #: Calls cut from the start of the fake's record, and where each waiting update's begin.
    dropped: int = 0
    marks: dict[int, int] = field(default_factory=dict)

    async def feed(self, chat: Chat, raw: dict[str, Any], due: float | None = None) -> None:
        """`due`: when the citizen meant to send it (open loop); the latency counts from then,
        so time spent waiting behind a slow bot is not hidden (no coordinated omission)."""
        mark = self.dropped + len(self.fake.calls)
        self.marks[raw["update_id"]] = mark
        started = time.monotonic() if due is None else due
        try:
            await asyncio.wait_for(self.submit(raw), UPDATE_TIMEOUT)
        finally:
            del self.marks[raw["update_id"]]
        finished = time.monotonic()
        if due is not None:
            self.late_starts.append(max(0.0, started - due))
        since = self.fake.calls[mark - self.dropped :]
        mine = [c for c in since if str(c.params.get("chat_id")) == str(chat.id)]
        chat.calls = [*chat.calls, *mine][-CHAT_CALLS_KEPT:]
        self._forget_calls()
        shown = [c.at for c in mine if c.method in SHOWN]
        self.updates += 1
        self.handling.append(finished - started)
        if shown:
            self.latencies.append(shown[0] - started)
        else:
            self.failures.append(f"chat {chat.id}: no reply to update {raw['update_id']}")

    def _forget_calls(self) -> None:
        if len(self.fake.calls) < FAKE_CALLS_KEPT:
            return
        oldest = min(self.marks.values(), default=self.dropped + len(self.fake.calls))
        cut = oldest - self.dropped
        del self.fake.calls[:cut]
        self.dropped += cut

    def update_for(self, chat: Chat, step: Step) -> dict[str, Any]:
        if step.kind == "say":
            return self.fake.text_update(chat.id, step.value)
        data, message_id = self.tap(chat, step.value)
        return self.fake.callback_update(chat.id, data, message_id)

    async def play(self, chat_id: int) -> Chat:
        chat = Chat(chat_id)
        for step in SCRIPT:
            await self.feed(chat, self.update_for(chat, step))
        return chat

    async def play_on_schedule(
        self, chat_id: int, first: float, interval: float, until: float
    ) -> None:
        """One citizen of the open-loop case: the next step of the complaint every `interval`
        seconds from `first`, whatever the bot does; a step the bot has not yet answered
        delays the next one (a person reads before tapping), and that delay counts in its
        latency. Starts the complaint again after the last step."""
        chat = Chat(chat_id)
        due = first
        step = 0
        while due < until:
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                await self.feed(chat, self.update_for(chat, SCRIPT[step]), due=due)
            except Exception as error:  # reported; the citizen goes on with the next step
                self.failures.append(f"chat {chat_id}: {type(error).__name__}: {error}"[:300])
            step = (step + 1) % len(SCRIPT)
            due += interval

    async def play_safely(self, chat_id: int) -> Chat | None:
        try:
            return await self.play(chat_id)
        except Exception as error:  # a failed citizen is reported, the others go on
            self.failures.append(f"chat {chat_id}: {type(error).__name__}: {error}"[:300])
            return None

    def reset(self) -> None:
        self.late_starts.clear()
        self.statements[0] = 0
        self.commits[0] = 0
        self.latencies.clear()
        self.handling.clear()
        self.failures.clear()
        self.updates = 0


def echo_dispatcher() -> Dispatcher:
    """The framework floor: a message is answered with its own text, a tap with a message."""
    router = Router(name="echo")

    @router.message()
    async def on_message(message: Message) -> None:
        await message.answer(message.text or "…")

    @router.callback_query()
    async def on_callback(callback: CallbackQuery, bot: Bot) -> None:
        await callback.answer()
        if callback.message is not None:
            await bot.send_message(callback.message.chat.id, callback.data or "…")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


@contextlib.asynccontextmanager
async def fake_bot_api() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@contextlib.asynccontextmanager
async def reception_harness(
    fake: FakeTelegram, database_url: str, workdir: Path
) -> AsyncIterator[tuple[Harness, Callable[[], Any]]]:
    """The reception as `python -m bot run` wires it, without polling: each update goes in as
    the webhook would hand it over (`Intake.accept`: stored, then handled in the background,
    the replies sent), and counts as answered when its replies were sent."""
    # Imported here, so that the echo bot's process holds aiogram and nothing of ours.
    from sqlalchemy import event, func, select

    from bot import memory
    from bot.app import build_app
    from bot.dbwatch import DatabaseWatch
    from bot.runner import build_intake
    from bot.telegram.service import TelegramChannel, new_update
    from storage.models import Appeal

    await reset_database(database_url)
    app = await build_app(bench_settings(database_url, workdir / "attachments", fake.url, TOKEN))
    try:
        intake = build_intake(app, DatabaseWatch())
        channel = TelegramChannel(
            app.settings, intake, app.sessions, app.attachments, app.catalogs
        )
        memory.settle()  # as `python -m bot run` does once started
        answered: dict[str, asyncio.Future[None]] = {}
        deliver = channel.deliver

        async def delivered(item: Any, replies: Any) -> None:
            await deliver(item, replies)
            waiting = answered.pop(item.sender, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(None)

        channel.deliver = delivered  # type: ignore[method-assign]

        async def submit(raw: dict[str, Any]) -> None:
            new = new_update(raw)
            assert new is not None
            waiting = answered[new.sender] = asyncio.get_running_loop().create_future()
            if not await intake.accept([new]):
                raise RuntimeError("the intake refused an update")
            await waiting

        try:

            async def filed() -> int:
                async with app.sessions() as session:
                    return int(await session.scalar(select(func.count()).select_from(Appeal)) or 0)

            harness = Harness(fake, submit, reception_tap)

            def count(*_: Any) -> None:
                harness.statements[0] += 1

            def count_commit(*_: Any) -> None:
                harness.commits[0] += 1

            event.listen(app.engine.sync_engine, "before_cursor_execute", count)
            event.listen(app.engine.sync_engine, "commit", count_commit)
            yield harness, filed
        finally:
            intake.closing = True
            await channel.stop()
    finally:
        await app.close()


@contextlib.asynccontextmanager
async def echo_harness(fake: FakeTelegram) -> AsyncIterator[tuple[Harness, Callable[[], Any]]]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))
    try:

        async def filed() -> int:
            return 0

        dispatcher = echo_dispatcher()

        async def submit(raw: dict[str, Any]) -> None:
            await dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

        yield Harness(fake, submit, echo_tap), filed
    finally:
        await bot.session.close()


@contextlib.asynccontextmanager
async def warmed_harness(
    scenario: Literal["reception", "echo"], database_url: str | None, warnings: WarningLog
) -> AsyncIterator[tuple[Harness, Callable[[], Any]]]:
    """The bot of `scenario` against a fresh fake Bot API (on `database_url`, or SQLite in a
    temporary directory), after one citizen played first and not measured: imports, statement
    caches, connections. The counts and the warnings start from zero."""
    with tempfile.TemporaryDirectory(prefix="bench-citizens-") as tmp:
        workdir = Path(tmp)
        url = database_url or sqlite_url(workdir / "reception.db")
        async with fake_bot_api() as fake:
            harness_of = (
                reception_harness(fake, url, workdir)
                if scenario == "reception"
                else echo_harness(fake)
            )
            async with harness_of as (harness, filed):
                await harness.play(WARM_UP_CITIZEN)
                harness.reset()
                warnings.count, warnings.first = 0, []
                yield harness, filed


async def run_citizens(
    scenario: Literal["reception", "echo"], database_url: str | None, citizens: int
) -> dict[str, Any]:
    warnings = capture_warnings()
    async with warmed_harness(scenario, database_url, warnings) as (harness, filed):
        cpu_started = time.process_time()
        started = time.monotonic()
        chats = await asyncio.gather(
            *(harness.play_safely(FIRST_CITIZEN + n) for n in range(citizens))
        )
        wall = time.monotonic() - started
        cpu = time.process_time() - cpu_started
        registered = sum(
            1 for chat in chats if chat is not None and any(REGISTERED in t for t in chat.texts())
        )
        appeals = await filed()
    latencies = [s * 1000 for s in harness.latencies]
    handling = [s * 1000 for s in harness.handling]
    return {
        "scenario": scenario,
        "citizens": citizens,
        "updates": harness.updates,
        "wall_s": wall,
        "updates_per_s": harness.updates / wall if wall > 0 else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "handled_p50_ms": percentile(handling, 0.50),
        "handled_p99_ms": percentile(handling, 0.99),
        "statements_per_update": harness.statements[0] / max(1, harness.updates),
        "transactions_per_update": harness.commits[0] / max(1, harness.updates),
        # The process's CPU: the bot and the fake Bot API it talks to (the echo's has both too).
        "cpu_ms_per_update": cpu * 1000 / max(1, harness.updates),
        "completed": sum(1 for chat in chats if chat is not None),
        "registered": registered,
        "appeals_in_db": appeals - (1 if scenario == "reception" else 0),
        "failures": harness.failures[:5],
        "failure_count": len(harness.failures),
        "peak_rss_mb": peak_rss_mb(),
        **warnings.summary(),
    }


async def run_open_loop(
    scenario: Literal["reception", "echo"],
    database_url: str | None,
    citizens: int,
    interval: float,
    seconds: float,
) -> dict[str, Any]:
    """`citizens` people, each sending one message every `interval` seconds for `seconds`:
    the load is offered whatever the bot's speed, as a city's residents would offer it."""
    warnings = capture_warnings()
    rng = random.Random(1000)  # noqa: S311 - start times, the same in every run
    async with warmed_harness(scenario, database_url, warnings) as (harness, _):
        cpu_started = time.process_time()
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(
            *(
                harness.play_on_schedule(
                    FIRST_CITIZEN + n, started + rng.uniform(0, interval), interval, until
                )
                for n in range(citizens)
            )
        )
        wall = time.monotonic() - started
        cpu = time.process_time() - cpu_started
    latencies = [s * 1000 for s in harness.latencies]
    return {
        "scenario": scenario,
        "citizens": citizens,
        "interval_s": interval,
        "seconds": seconds,
        "offered_per_s": citizens / interval,
        "updates": harness.updates,
        "wall_s": wall,
        "updates_per_s": harness.updates / wall if wall > 0 else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "late_start_p95_ms": percentile([s * 1000 for s in harness.late_starts], 0.95),
        "statements_per_update": harness.statements[0] / max(1, harness.updates),
        "transactions_per_update": harness.commits[0] / max(1, harness.updates),
        "cpu_ms_per_update": cpu * 1000 / max(1, harness.updates),
        "failures": harness.failures[:5],
        "failure_count": len(harness.failures),
        "peak_rss_mb": peak_rss_mb(),
        **warnings.summary(),
    }
