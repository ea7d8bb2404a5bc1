"""A citizen in Telegram: the real aiogram bot over real HTTP against a fake Bot API."""

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal, Attachment, ChannelAccount
from tests.desk_kit import answer_in_database
from tests.fake_telegram import TOKEN, Failure, FakeTelegram
from tests.telegram_kit import TelegramUser, free_port, running_bot, telegram_settings
from tests.waits import eventually, patience

USER = 5_000_000_001  # above 32 bits, as real Telegram ids are


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def onboard(user: TelegramUser) -> None:
    await user.say("/start")  # Telegram says the person reads Ukrainian: no language question
    await user.tap("Погоджуюся")


async def test_a_citizen_files_an_appeal_by_tapping_and_typing_and_finds_it_after_a_restart(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        commands = [c for c in fake.calls if c.method == "setmycommands"]
        assert {c.params.get("language_code") for c in commands} == {"uk", "en", None}
        await onboard(user)
        await user.tap("Нове звернення")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        await user.say(
            "Другий тиждень не світять ліхтарі біля будинку 35 на вулиці Лесі Українки."
        )
        fake.files["photo-1"] = b"\xff\xd8\xff" + b"1" * 5000
        await user.send(
            photo=[
                {
                    "file_id": "photo-1",
                    "file_unique_id": "u1",
                    "width": 800,
                    "height": 600,
                    "file_size": 5003,
                }
            ],
            caption="Ось фото.",
        )
        assert "Файл «photo-u1.jpg» додано." in user.everything()
        await user.tap("Готово")
        share = fake.keyboard(USER)
        assert share[0]["request_location"] is True
        await user.send(location={"latitude": 50.7472, "longitude": 25.3254})
        await user.tap("Продовжити")
        await user.say("Шевченко Тарас Григорович")
        await user.say("м. Луцьк, вул. Лесі Українки, 35")
        assert fake.keyboard(USER)[0]["request_contact"] is True
        await user.send(
            contact={"phone_number": "380501234567", "first_name": "Тарас", "user_id": USER}
        )
        assert "Номер телефону збережено: +380501234567" in user.everything()
        await user.tap("Пропустити")
        sent_before = len([c for c in fake.calls if c.method == "sendmessage"])
        await user.tap("Конфіденційно")
        # A toggled option updates its own message rather than sending another.
        assert fake.calls[-2].method == "editmessagetext" or fake.calls[-1].method in {
            "editmessagetext",
            "answercallbackquery",
        }
        assert len([c for c in fake.calls if c.method == "sendmessage"]) == sent_before
        await user.tap("Продовжити")
        await user.tap("Надіслати")
        assert "Реєстраційний індекс: Ш-1" in user.everything()
        await user.say("/my")
        assert "Ш-1 · Скарга · зареєстровано" in user.last
        callbacks = [c for c in fake.calls if c.method == "answercallbackquery"]
        assert len(callbacks) == 10  # every tap answered (no language question: Telegram gave it)
        # A new draft, left half-done.
        await user.say("/new")
        await user.tap("Пропозиція")

    async with running_bot(settings):
        await user.say("/start")
        assert "У Вас є незавершене звернення." in user.last
        await user.tap("Продовжити")
        assert "Якої сфери стосується Ваше звернення?" in user.last or fake.buttons(USER)

    async with db() as session:
        appeal = (await session.scalars(select(Appeal))).one()
    assert appeal.channel == "telegram"
    assert appeal.latitude == pytest.approx(50.7472)


async def test_bad_input_in_telegram_gets_a_clear_reply(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        await onboard(user)
        await user.press("kind:3.3")
        assert "Ця кнопка належить до попереднього повідомлення" in user.everything()
        await user.send(
            sticker={
                "file_id": "s1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        )
        assert "Стікери тут не приймаються." in user.everything()
        await user.tap("Нове звернення")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        await user.say("Ліхтар " * 1429)
        assert "не більше ніж 4000" in user.everything()
        await user.send(
            document={
                "file_id": "big",
                "file_unique_id": "big",
                "file_name": "video.pdf",
                "mime_type": "application/pdf",
                "file_size": 20 * 1024 * 1024,
            }
        )
        assert "Файл «video.pdf» більший за 10 МБ" in user.everything()
        assert "getfile" not in fake.methods()
        await user.say("Другий тиждень не світять ліхтарі біля будинку 35.")
        await user.tap("Готово")
        assert [b["text"] for b in fake.keyboard(USER)] == ["Надіслати геопозицію", "Пропустити"]
        await user.say("Пропустити")  # a keyboard button sends its label
        await user.say("Шевченко Тарас Григорович")
        await user.say("м. Луцьк, вул. Лесі Українки, 35")
        await user.send(
            contact={"phone_number": "+380671112233", "first_name": "Інша", "user_id": 777}
        )
        assert "Це контакт іншої особи." in user.everything()


async def test_a_429_is_retried_after_retry_after(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    fake.failures["sendmessage"] = [Failure(429, "Too Many Requests: retry after 1", 1)]
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        await user.say("/start")
    sends = [c for c in fake.calls if c.method == "sendmessage"]
    assert len(sends) == 2
    assert sends[1].at - sends[0].at >= 1.0
    assert sends[0].params["text"] == sends[1].params["text"]


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    fake.blocked_users.add(USER)
    async with running_bot(settings):
        fake.push(fake.text_update(USER, "/start"))
        for _ in range(100):
            async with db() as session:
                account = await session.scalar(select(ChannelAccount))
            if account is not None and account.unreachable:
                break
            await asyncio.sleep(0.05)
    assert account is not None
    assert account.unreachable


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=json.dumps(update), headers={"Content-Type": "application/json", **headers}
        ) as response,
    ):
        return response.status


async def test_webhook_mode_serves_a_citizen_and_refuses_a_wrong_secret(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    hook = f"http://127.0.0.1:{settings.web_port}/telegram/webhook"
    settings = telegram_settings(
        database_url,
        tmp_path,
        fake,
        web_port=settings.web_port,
        telegram_webhook_url=hook,
        telegram_webhook_secret="s3cret-Value_1",
    )

    async def deliver(update: dict[str, Any]) -> None:
        assert await post_update(hook, update, "s3cret-Value_1") == 200

    async with running_bot(settings):
        webhook = [c for c in fake.calls if c.method == "setwebhook"]
        assert webhook[0].params["url"] == hook
        assert webhook[0].params["secret_token"] == "s3cret-Value_1"
        assert "getupdates" not in fake.methods()

        forged = fake.text_update(USER, "/start")
        assert await post_update(hook, forged, "wrong") == 401
        assert await post_update(hook, forged, None) == 401
        async with db() as session:
            assert await session.scalar(select(func.count()).select_from(ChannelAccount)) == 0
        assert fake.outgoing(USER) == []

        user = TelegramUser(fake, USER, deliver=deliver)
        await onboard(user)
        assert "Нове звернення" in [label for label, _, _ in fake.buttons(USER)]
        # Telegram retries a webhook delivery it thinks failed: the replay changes nothing.
        replay = fake.text_update(USER, "/help")
        await user._send(replay)
        count = len(fake.outgoing(USER))
        assert await post_update(hook, replay, "s3cret-Value_1") == 200
        await asyncio.sleep(patience(0.3))
        assert len(fake.outgoing(USER)) == count

        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{settings.web_port}/healthz") as response,
        ):
            assert response.status == 200
            assert await response.json() == {"status": "ok"}


async def test_python_m_bot_run_serves_telegram_and_stops_on_sigterm(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "WEB_PORT": str(free_port()),
        "ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=root,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        # Start-up (imports, migrations, getMe) is not what the first reply's wait measures:
        # on a slow machine it alone took longer than that wait.
        await eventually(lambda: "getupdates" in fake.methods(), timeout=60)
        user = TelegramUser(fake, USER, language="de")
        await user.say("/start")  # a language we do not speak: the question, in both of ours
        assert "Please choose your language." in user.last
        await user.tap("English")
        assert "Do you agree" in user.last
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), patience(30))
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "telegram bot @reception_test_bot serving (polling)" in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


async def test_the_answer_and_its_file_reach_the_citizen_in_telegram(
    fake: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:

    from storage.attachments import AttachmentStore
    from tests.harness import LIGHTING

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
        assert "The lights were repaired." in user.everything()
        documents = [c for c in fake.calls if c.method == "senddocument"]
        assert documents[-1].params["document"] == {"filename": "act.pdf", "size": 12}


async def test_server_errors_are_retried_until_the_message_goes_through(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    fake.failures["sendmessage"] = [
        Failure(500, "Internal Server Error"),
        Failure(502, "Bad Gateway"),
    ]
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        await user.say("/start")
    sends = [c for c in fake.calls if c.method == "sendmessage"]
    assert len(sends) == 3
    assert "Чи погоджуєтеся Ви" in str(sends[-1].params["text"])


async def test_a_voice_message_attaches_and_a_sentence_of_text_is_asked_for(
    fake: FakeTelegram, database_url: str, tmp_path: Path, db: async_sessionmaker[AsyncSession]
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    fake.files["voice-1"] = b"OggS\x00\x02" + b"\x00" * 2000
    async with running_bot(settings):
        await onboard(user)
        await user.tap("Нове звернення")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        await user.send(
            voice={
                "file_id": "voice-1",
                "file_unique_id": "v1",
                "duration": 14,
                "mime_type": "audio/ogg",
                "file_size": 2006,
            }
        )
        assert "Ваш запис додано" in user.everything()
        await user.tap("Готово")  # the recording is the appeal; a sentence is asked for
        assert "Ваш запис — це суть Вашого звернення" in user.last
        await user.say("Не світить ліхтар біля будинку 35 на вулиці Лесі Українки.")
        await user.tap("Готово")
        assert "Де виникла проблема?" in user.last
    async with db() as session:
        names = list(await session.scalars(select(Attachment.name)))
    assert names == ["voice-v1.ogg"]


VOICE = {
    "file_id": "voice-2",
    "file_unique_id": "v2",
    "duration": 20,
    "mime_type": "audio/ogg",
    "file_size": 3006,
}


async def test_a_voice_message_at_the_menu_is_offered_as_an_appeal_and_filed_alone(
    fake: FakeTelegram, database_url: str, tmp_path: Path, db: async_sessionmaker[AsyncSession]
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    fake.files["voice-2"] = b"OggS\x00\x02" + b"\x00" * 3000
    async with running_bot(settings):
        await onboard(user)
        await user.send(voice=VOICE)  # at the menu, as a person says their problem
        assert "Бажаєте подати звернення з цим записом?" in user.last
        assert "Файли можна надсилати" not in user.everything()
        await user.tap("Так, подати")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        await user.tap("Готово")  # no text: the recording alone is the appeal
        await user.tap("Продовжити без тексту")
        await user.say("Пропустити")  # the place
        await user.say("Шевченко Тарас Григорович")
        await user.say("м. Луцьк, вул. Лесі Українки, 35")
        await user.say("050 123 45 67")
        await user.tap("Пропустити")
        await user.tap("Продовжити")
        assert "Текст: у голосовому записі" in user.last
        assert "Кількість файлів: 1" in user.last
        assert (
            "Не розголошувати моє прізвище, ім'я, по батькові та місце проживання "
            "(ст. 10 Закону): ні" in user.last
        )
        await user.tap("Надіслати")
        assert "Ш-1" in user.everything()
    async with db() as session:
        appeal = (await session.scalars(select(Appeal))).one()
        names = list(
            await session.scalars(select(Attachment.name).where(Attachment.appeal_id == appeal.id))
        )
    assert appeal.reg_index == "Ш-1"
    assert names == ["voice-v2.ogg"]


async def test_a_voice_message_before_consent_is_not_received_and_asked_for_again(
    fake: FakeTelegram, database_url: str, tmp_path: Path, db: async_sessionmaker[AsyncSession]
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    fake.files["voice-2"] = b"OggS\x00\x02" + b"\x00" * 3000
    async with running_bot(settings):
        await user.send(voice=VOICE)
        assert "Чи погоджуєтеся Ви" in user.everything()
        await user.tap("Погоджуюся")
        assert "надішліть його ще раз" in user.last
        await user.tap("Так, подати")
        assert "До якого виду належить Ваше звернення?" in user.last
    assert not [c for c in fake.calls if c.method == "getfile"]
    async with db() as session:
        assert list(await session.scalars(select(Attachment.name))) == []


async def test_words_at_first_contact_in_telegram_become_the_appeals_text(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    """No /start, no language question (Telegram says uk): the person just writes."""
    settings = telegram_settings(database_url, tmp_path, fake)
    user = TelegramUser(fake, USER)
    async with running_bot(settings):
        await user.say("У підʼїзді на Рівненській, 5 не світить лампочка вже тиждень")
        said = user.everything()
        assert "оберіть мову" not in said
        assert "Please choose your language" not in said
        assert "Чи погоджуєтеся Ви" in said
        await user.tap("Погоджуюся")
        assert "Бажаєте подати звернення з цим текстом?" in user.everything()
        await user.tap("Так, подати")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        assert "текст звернення (60 символів) збережено" in user.last
