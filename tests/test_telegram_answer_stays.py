"""The council's answer stays in the Telegram chat when the citizen rates it (issue 13, item 9):
the tap removes only the rating buttons and the thanks come as a new message."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.attachments import AttachmentStore
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal
from tests.desk_kit import answer_in_database
from tests.fake_telegram import FakeTelegram
from tests.harness import LIGHTING
from tests.telegram_kit import TelegramUser, running_bot, telegram_settings
from tests.waits import eventually

USER = 5_000_000_301


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_rating_keeps_the_answer_text_and_drops_only_its_buttons(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER, language="en")
    async with running_bot(settings):
        await user.say("/start")
        await user.tap("I agree")
        await user.tap("New appeal")
        await user.tap("Complaint")
        await user.tap("Street lighting")
        await user.say(LIGHTING)
        await user.tap("Done")
        await user.say("Skip")
        await user.say("Шевченко Тарас Григорович")
        await user.say("м. Луцьк, вул. Лесі Українки, 35")
        await user.say("050 123 45 67")
        await user.tap("Skip")
        await user.tap("Continue")
        await user.tap("Submit")
        key = AttachmentStore(settings.attachments_dir).save_bytes(b"%PDF-1.4 act")
        await answer_in_database(
            db, "The lights were repaired.", (key, "act.pdf", "application/pdf", 12)
        )
        await user.say("/my")
        await user.tap("Ш-1")
        shown = [c for c in fake.outgoing(USER) if "The lights were repaired." in str(c.params)]
        message_id = int(shown[-1].result["message_id"])
        async with db() as session:
            appeal_id = (await session.scalars(select(Appeal.id))).one()
        await user.press(f"rate:{appeal_id}:5", message_id)
        await eventually(lambda: "Thank you for your rating." in user.everything())

    edited = [
        c
        for c in fake.calls
        if c.method == "editmessagetext" and int(c.params["message_id"]) == message_id
    ]
    assert edited == []
    dropped = [c for c in fake.calls if c.method == "editmessagereplymarkup"]
    assert [int(c.params["message_id"]) for c in dropped] == [message_id]
    assert "The lights were repaired." in user.everything()
