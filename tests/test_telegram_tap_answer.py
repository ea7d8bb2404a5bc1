"""A tap is answered to Telegram while its step runs (issue 14): the tap is stored and handled
without waiting on that round trip to the Bot API, and its replies still come after the answer,
so the button has stopped spinning when they arrive."""

import asyncio
from pathlib import Path

from sqlalchemy import select

from storage.db import create_engine, create_sessionmaker
from storage.inbox import RECEIVED
from storage.models import InboxUpdate
from tests.fake_telegram import Call, FakeTelegram
from tests.telegram_kit import TelegramUser, running_bot, telegram_settings
from tests.waits import POLL_SECONDS, eventually, patience

USER = 5_000_000_401


async def test_a_tap_is_handled_while_telegram_is_slow_to_take_its_answer(
    database_url: str, tmp_path: Path, fake: FakeTelegram
) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    user = TelegramUser(fake, USER)
    try:
        async with running_bot(telegram_settings(database_url, tmp_path, fake)):
            await user.say("/start")
            [(_, data, message_id)] = [b for b in fake.buttons(USER) if "Погоджуюся" in b[0]]
            before = len(fake.outgoing(USER))
            hold = patience(4)
            fake.holds["answercallbackquery"] = [(hold, None)]
            tap = fake.push(fake.callback_update(USER, data, message_id))

            handled: list[str] = []

            async def look() -> None:
                async with sessions() as session:
                    status = await session.scalar(
                        select(InboxUpdate.status).where(
                            InboxUpdate.update_id == str(tap["update_id"])
                        )
                    )
                if status is not None and status != RECEIVED:
                    handled.append(status)

            def answers() -> list[Call]:
                return [c for c in fake.calls if c.method == "answercallbackquery"]

            await eventually(lambda: len(answers()) == 1)
            [answer] = answers()
            while not handled:
                assert answer.result is None, "the step waited for Telegram's answer"
                await look()
                await asyncio.sleep(POLL_SECONDS)

            await fake.wait_outgoing(USER, before + 1, timeout=patience(15))
            reply = fake.outgoing(USER)[before]
            assert reply.at >= answer.at + hold  # the replies came after the answer
            assert answer.result is True
    finally:
        await engine.dispose()
