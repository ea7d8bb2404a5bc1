"""A message that meets a bug in the reception is tried again, and after three tries the person
is told it could not be processed; the update is kept, marked failed, and the person's next
message is answered as usual. Texts and taps are stored and handled in one transaction
(issue 14): a bug there must take the same way as one in a stored update."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import handlers.conversation
from bot.intake import MAX_HANDLING_ATTEMPTS
from handlers.context import Ctx
from handlers.types import Reply
from storage.db import create_engine
from storage.models import InboxUpdate
from tests.fake_telegram import FakeTelegram
from tests.telegram_kit import TelegramUser, running_bot, telegram_settings
from tests.waits import eventually

CITIZEN = 5_000_000_801
TRIGGER = "Ліхтар біля будинку 35"
FAILED = "Перепрошуємо, це повідомлення не вдалося опрацювати"


async def test_a_text_that_meets_a_bug_is_tried_three_times_then_the_person_is_told(
    fake: FakeTelegram, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[str] = []
    dispatch = handlers.conversation.dispatch

    async def buggy(ctx: Ctx) -> list[Reply]:
        if ctx.incoming.text == TRIGGER:
            tries.append(ctx.incoming.text)
            raise RuntimeError("a bug")
        return await dispatch(ctx)

    monkeypatch.setattr(handlers.conversation, "dispatch", buggy)
    user = TelegramUser(fake, CITIZEN)
    async with running_bot(telegram_settings(database_url, tmp_path, fake)):
        await user.say("/start")
        fake.push(fake.text_update(CITIZEN, TRIGGER))
        await eventually(lambda: any(FAILED in text for text in fake.texts(CITIZEN)), 30)
        assert [FAILED in text for text in fake.texts(CITIZEN)].count(True) == 1
        assert len(tries) == MAX_HANDLING_ATTEMPTS

        await user.say("/start")
        assert "Чи погоджуєтеся" in user.last  # the next message is answered as usual

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows: list[Any] = list(
                await connection.execute(select(InboxUpdate.status, InboxUpdate.attempts))
            )
    finally:
        await engine.dispose()
    assert sorted(status for status, _ in rows) == ["failed", "replied", "replied"]
    assert max(attempts for _, attempts in rows) == MAX_HANDLING_ATTEMPTS
