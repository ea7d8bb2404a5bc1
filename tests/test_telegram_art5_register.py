"""Art. 5 for everyone and /register, as a citizen in Telegram sees them: the real aiogram bot
over real HTTP against the fake Bot API."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal
from tests.desk_kit import make_staff, register_by_phone
from tests.fake_telegram import FakeTelegram
from tests.harness import Chat
from tests.telegram_kit import TelegramUser, running_bot, telegram_settings
from tests.waits import eventually

USER = 5_000_000_013


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def up_to_the_name(user: TelegramUser) -> None:
    await user.tap("Нове звернення")
    await user.tap("Заява")
    await user.tap("Освітлення вулиць")
    await user.say("Ліхтарі не світять біля будинку вже другий тиждень, просимо полагодити.")
    await user.tap("Готово")
    await user.say("Пропустити")


async def test_art5_in_telegram_a_latin_name_a_kept_settlement_and_answer_me_here_then_register(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        await user.say("/start")
        await user.tap("Погоджуюся")
        await up_to_the_name(user)
        await user.say("Smith John")
        await user.say("Луцьк")
        assert "Ми зберегли «Луцьк»" in user.everything()
        await user.say("вул. Шевченка, 5")
        # Beside "share my number", a text button: no phone, the answer comes to this chat.
        labels = [b["text"] for b in fake.keyboard(USER)]
        assert "Відповісти мені тут" in labels
        await user.say("Відповісти мені тут")
        assert "відповідь надійде сюди, у чат" in user.everything()
        await user.tap("Пропустити")
        await user.tap("Продовжити")
        assert "Автор: Smith John" in user.everything()
        await user.tap("Надіслати")
        assert "Реєстраційний індекс: S-1" in user.everything()

        # Another time the citizen shares their own contact: Telegram vouches for the number.
        await up_to_the_name(user)
        await user.tap("Ввести нові дані")  # the saved details are offered, phone or not
        await user.say("Петренко Олена Іванівна")
        await user.say("Луцьк, вул. Шевченка, 5")
        await user.send(
            contact={"phone_number": "380671234567", "first_name": "Олена", "user_id": USER}
        )
        await user.say("/cancel")

        # A CNAP operator registers the appeal Олена made by phone.
        desk = Conversation(db, ConversationConfig(), Catalogs())
        operator = Chat(desk, "operator-1")
        await make_staff(operator, db, "operator")
        await register_by_phone(operator, "067 123 45 67")
        assert "will follow it there" in operator.text
        await eventually(
            lambda: "зареєструвала ваше звернення, подане телефоном" in user.everything()
        )
        await user.say("/my")
        assert "П-2" in user.last

    async with db() as session:
        forms = [
            (a.reg_index, a.receipt_form, a.phone)
            for a in await session.scalars(select(Appeal).order_by(Appeal.id))
        ]
    assert forms == [("S-1", "1.1", ""), ("П-2", "1.2", "+380671234567")]
