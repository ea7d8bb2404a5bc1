"""An operator's and an executor's day in Telegram: sixty appeals paged with buttons, commands
typed in Ukrainian, an answer started from the department's template."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, create_sessionmaker
from tests.desk_kit import SIGNATORY
from tests.fake_telegram import FakeTelegram
from tests.telegram_kit import (
    TelegramUser,
    file_appeal,
    operator_and_executor,
    running_bot,
    telegram_settings,
)
from tests.test_paging import copies_of_the_appeal
from tests.waits import eventually

CITIZEN, OPERATOR, EXECUTOR = 5_000_000_401, 5_000_000_402, 5_000_000_403


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_sixty_appeals_paged_ukrainian_commands_and_a_template_answer(
    telegram: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, telegram)
    async with running_bot(settings):
        operator, executor = await operator_and_executor(settings, telegram, OPERATOR, EXECUTOR)
        citizen = TelegramUser(telegram, CITIZEN)
        await file_appeal(citizen, "Шевченко")
        await copies_of_the_appeal(db, 59)
        # The operators' notice of the new appeal comes through the outbox: not in between.
        await eventually(lambda: "New appeal Ш-1" in operator.everything())

        await operator.say("/черга")
        assert "Page 1 of 3 · 60 appeals in all" in operator.last
        await operator.tap("Next ▶")
        assert "Page 2 of 3" in operator.last
        assert "Ш-21 ·" in operator.last
        await operator.tap("Ш-21")
        assert "Appeal Ш-21" in operator.last

        await operator.say("/призначити Ш-1 zhkh")
        assert "is assigned to" in operator.last
        # The executors' notice comes through the outbox: let it land before their commands.
        await eventually(lambda: "Appeal Ш-1 is assigned" in executor.everything())
        await executor.say("/шаблони додати Lights repaired: The street lights were repaired.")
        assert "is added" in executor.last
        await executor.say("/відповісти Ш-1")
        await executor.tap("Lights repaired")
        assert "The street lights were repaired." in executor.everything()
        await executor.tap("Done")
        await executor.tap("resolved positively")
        await executor.say(SIGNATORY)
        await executor.tap("Send the answer")
        await eventually(lambda: "awaits your review" in operator.everything())
        await operator.say("/схвалити Ш-1")
        assert "approved and sent" in operator.everything()
        await eventually(lambda: "The street lights were repaired." in citizen.everything())
