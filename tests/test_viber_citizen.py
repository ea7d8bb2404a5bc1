"""A citizen in Viber: the real viberbot SDK and aiohttp webhook, over real HTTP, against a fake
Viber API; signed callbacks as Viber sends them."""

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from storage.attachments import AttachmentStore
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal, Attachment, ChannelAccount, Person
from tests.desk_kit import answer_in_database
from tests.fake_telegram import FakeTelegram
from tests.fake_viber import VIBER_TOKEN, FakeViber, ViberUser, sign
from tests.telegram_kit import TelegramUser, free_port, running_bot, telegram_settings
from tests.waits import eventually, patience

VIBER_ID = "01234567890A="
OTHER_ID = "98765432100B="
TG_USER = 5_000_000_002


@pytest.fixture
async def viber() -> AsyncIterator[FakeViber]:
    server = FakeViber()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def viber_settings(database_url: str, tmp_path: Path, viber: FakeViber, **more: Any) -> Settings:
    port = free_port()
    values: dict[str, Any] = {
        "database_url": database_url,
        "attachments_dir": tmp_path / "attachments",
        "viber_auth_token": VIBER_TOKEN,
        "viber_api_url": viber.api_url,
        "viber_webhook_url": f"http://127.0.0.1:{port}/viber/webhook",
        "web_host": "127.0.0.1",
        "web_port": port,
        **more,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def file_by_keyboard(user: ViberUser) -> None:
    await user.tap("Нове звернення")
    await user.tap("Скарга")
    await user.tap("Освітлення вулиць")
    await user.say("Другий тиждень не світять ліхтарі біля будинку 35 на вулиці Лесі Українки.")
    await user.tap("Готово")
    await user.send({"type": "location", "location": {"lat": 50.7472, "lon": 25.3254}})
    await user.tap("Продовжити")
    await user.say("Шевченко Тарас Григорович")
    await user.say("м. Луцьк, вул. Лесі Українки, 35")
    await user.share_phone("380501234567")
    await user.tap("Пропустити")
    await user.tap("Продовжити")
    await user.tap("Надіслати")


async def test_a_citizen_files_an_appeal_entirely_by_keyboard(
    viber: FakeViber,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = viber_settings(database_url, tmp_path, viber)
    async with running_bot(settings):
        # The web server answers before the channel has registered its webhook: wait for it.
        await eventually(
            lambda: [e for e, _ in viber.requests][:2] == ["get_account_info", "set_webhook"]
        )
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        welcome = await user.open_chat()
        # Viber says the person reads Ukrainian: the notice comes at once, with no question.
        assert "Мову встановлено" in welcome["text"]
        assert welcome["keyboard"]["Type"] == "keyboard"
        await user.tap("Погоджуюся")
        await file_by_keyboard(user)
        assert "Реєстраційний індекс: Ш-1" in user.everything()
        phone_prompt = next(
            b
            for b in viber.sent_to(VIBER_ID)
            if any(
                k["ActionType"] == "share-phone" for k in b.get("keyboard", {}).get("Buttons", [])
            )
        )
        assert phone_prompt["min_api_version"] == 3
        location_prompt = next(
            b
            for b in viber.sent_to(VIBER_ID)
            if any(
                k["ActionType"] == "location-picker"
                for k in b.get("keyboard", {}).get("Buttons", [])
            )
        )
        assert "Пропустити" in [k["Text"] for k in location_prompt["keyboard"]["Buttons"]]
        assert all(b["auth_token"] == VIBER_TOKEN for b in viber.sent_to(VIBER_ID))
        await user.say("/my")
        assert "Ш-1 · Скарга · зареєстровано" in user.last
    async with db() as session:
        appeal = (await session.scalars(select(Appeal))).one()
        account = (await session.scalars(select(ChannelAccount))).one()
    assert appeal.channel == "viber"
    assert account.verified_phone is None  # Viber vouches for no number (DESIGN rule 6)


async def test_typing_works_where_the_share_button_does_not(
    viber: FakeViber, database_url: str, tmp_path: Path
) -> None:
    """Desktop Viber has no share-phone: the number is typed."""
    settings = viber_settings(database_url, tmp_path, viber)
    async with running_bot(settings):
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        await user.open_chat()
        await user.tap("Погоджуюся")
        await user.tap("Нове звернення")
        await user.tap("Заява")
        await user.tap("Мій будинок")
        await user.say("Прошу відремонтувати дах над під'їздом, тече під час дощу.")
        await user.tap("Готово")
        await user.tap("Пропустити")
        await user.say("Косач Лариса Петрівна")
        await user.say("м. Луцьк, вул. Шопена, 12")
        await user.say("067 111 22 33")
        assert "Номер телефону збережено: +380671112233" in user.everything()


async def file_in_telegram(tg: TelegramUser, phone: str = "+380501234567") -> None:
    await tg.say("/start")
    await tg.tap("Погоджуюся")
    await tg.tap("Нове звернення")
    await tg.tap("Скарга")
    await tg.tap("Освітлення вулиць")
    await tg.say("Не працює ліфт у під'їзді з понеділка, мешканці похилого віку.")
    await tg.tap("Готово")
    await tg.say("Пропустити")
    await tg.say("Мельник Ганна Петрівна")
    await tg.say("м. Луцьк, вул. Лесі Українки, 35")
    await tg.send(contact={"phone_number": phone, "first_name": "Ганна", "user_id": TG_USER})
    await tg.tap("Пропустити")
    await tg.tap("Продовжити")
    await tg.tap("Надіслати")
    assert "Реєстраційний індекс: М-1" in tg.everything()


def both_channels(
    database_url: str, tmp_path: Path, viber: FakeViber, telegram: FakeTelegram
) -> Settings:
    base = viber_settings(database_url, tmp_path, viber)
    return telegram_settings(
        database_url,
        tmp_path,
        telegram,
        web_port=base.web_port,
        viber_auth_token=VIBER_TOKEN,
        viber_api_url=viber.api_url,
        viber_webhook_url=base.viber_webhook_url,
    )


async def test_someone_elses_contact_in_viber_takes_over_nothing(
    viber: FakeViber,
    telegram: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    """Issue 11, point 1: at the phone step an attacker in Viber shares the victim's contact card
    (Viber echoes the share-phone tracking data); before, the accounts were merged and the
    attacker saw the victim's data and appeals."""
    settings = both_channels(database_url, tmp_path, viber, telegram)
    async with running_bot(settings):
        victim = TelegramUser(telegram, TG_USER)
        await file_in_telegram(victim)
        attacker = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        await attacker.open_chat()
        await attacker.tap("Погоджуюся")
        await file_by_keyboard(attacker)  # shares +380501234567, the victim's number
        await attacker.say("/mydata")
        await attacker.say("/my")
        seen = attacker.everything()
        assert "Мельник" not in seen
        assert "Ганна" not in seen
        assert "М-1" not in seen
        assert "Ш-2" in seen  # the attacker's own appeal, under the name they typed
        await victim.say("/my")
        assert "Ш-2" not in victim.last
    async with db() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        authors = set((await session.scalars(select(Appeal.author_id))).all())
    assert people == 2
    assert len(authors) == 2


async def test_one_citizen_links_telegram_and_viber_with_a_one_time_code(
    viber: FakeViber,
    telegram: FakeTelegram,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = both_channels(database_url, tmp_path, viber, telegram)
    async with running_bot(settings):
        tg = TelegramUser(telegram, TG_USER)
        await file_in_telegram(tg)
        vb = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        await vb.open_chat()
        await vb.tap("Погоджуюся")
        await vb.say("/my")
        assert "М-1" not in vb.last
        await tg.say("/link")
        code = re.search(r"/link ([A-Z0-9]{4}-[A-Z0-9]{4})", tg.last)
        assert code is not None
        await vb.say(f"/link {code[1]}")
        assert "Підтверджуйте, лише якщо" in vb.last  # nothing is linked before it
        await vb.tap("Так, прив")
        assert "прив'язано" in vb.last or "привʼязано" in vb.last
        # The Telegram account that asked for the code hears of it at once.
        await eventually(lambda: "бот приймальні в Viber тепер" in tg.everything())
        await vb.say("/my")
        assert "М-1" in vb.last
        await vb.say(f"/link {code[1]}")  # single use
        assert "недійсний" in vb.last
        await tg.say("/mydata")
        assert "viber" in tg.last.lower()
    async with db() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        authors = set((await session.scalars(select(Appeal.author_id))).all())
    assert people == 1
    assert len(authors) == 1


async def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(
    viber: FakeViber,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = viber_settings(database_url, tmp_path, viber)
    async with running_bot(settings):
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        body = user.message_body({"type": "text", "text": "/start"})
        assert (await user.post(body, signature="0" * 64))[0] == 403
        assert (await user.post(body, signature=None))[0] == 403
        raw = json.dumps(body).encode()
        assert (await user.post(raw, signature=sign(raw, "another-token")))[0] == 403
        await asyncio.sleep(patience(0.2))
    assert viber.sent_to(VIBER_ID) == []
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelAccount)) == 0


async def test_replays_malformed_bodies_and_odd_events_get_200_and_are_handled_once(
    viber: FakeViber,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = viber_settings(database_url, tmp_path, viber)
    async with running_bot(settings):
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        await user.send({"type": "text", "text": "/start"}, token=777)
        count = len(viber.sent_to(VIBER_ID))
        await user.send({"type": "text", "text": "/start"}, token=777, expect_reply=False)
        for odd in (
            b"{not json",
            b"[]",
            b'{"event": "message"}',
            json.dumps({"event": "brand_new_event", "timestamp": 1}).encode(),
            json.dumps(
                {"event": "failed", "timestamp": 1, "message_token": 1, "user_id": VIBER_ID}
            ).encode(),
            json.dumps(
                {
                    "event": "message",
                    "message_token": 5,
                    "sender": {"id": 5},
                    "message": {"type": "text"},
                }
            ).encode(),
        ):
            status, _ = await user.post(odd)
            assert status == 200, odd
        await asyncio.sleep(patience(0.5))
        assert len(viber.sent_to(VIBER_ID)) == count
        status, _ = await user.post(
            {"event": "delivered", "timestamp": 1, "message_token": 2, "user_id": VIBER_ID}
        )
        assert status == 200
        status, _ = await user.post(
            {"event": "unsubscribed", "timestamp": 1, "message_token": 3, "user_id": VIBER_ID}
        )
        assert status == 200
    async with db() as session:
        account = (await session.scalars(select(ChannelAccount))).one()
    assert account.unreachable
    assert account.last_delivered_at is not None


async def test_an_api_timeout_for_one_user_does_not_stall_another(
    viber: FakeViber, database_url: str, tmp_path: Path
) -> None:
    settings = viber_settings(database_url, tmp_path, viber, viber_timeout_seconds=2)
    viber.slow_receivers[VIBER_ID] = 5
    async with running_bot(settings):
        slow = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        quick = ViberUser(viber, str(settings.viber_webhook_url), OTHER_ID)
        await slow.send({"type": "text", "text": "/start"}, expect_reply=False)
        started = time.monotonic()
        await quick.send({"type": "text", "text": "/start"})
        assert time.monotonic() - started < 1.5
        assert "Чи погоджуєтеся Ви" in quick.everything()


async def test_pictures_come_in_and_answer_files_go_out_through_signed_urls(
    viber: FakeViber,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = viber_settings(database_url, tmp_path, viber)
    viber.media["pole.jpg"] = b"\xff\xd8\xff" + b"2" * 4000
    async with running_bot(settings):
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID, language="en")
        await user.open_chat()
        await user.tap("I agree")
        await user.tap("New appeal")
        await user.tap("Complaint")
        await user.tap("Street lighting")
        await user.send(
            {
                "type": "picture",
                "text": "The pole",
                "media": f"{viber.url}/media/pole.jpg",
                "size": 4003,
                "file_name": "pole.jpg",
            }
        )
        assert "File “pole.jpg” is attached." in user.everything()
        await user.send(
            {
                "type": "file",
                "media": f"{viber.url}/media/big.pdf",
                "size": 30 * 1024 * 1024,
                "file_name": "big.pdf",
            }
        )
        assert "File “big.pdf” is larger than 10 MB" in user.everything()
        await user.send({"type": "sticker", "sticker_id": 40100})
        assert "Stickers cannot be read here." in user.everything()

        await user.say("The street light on the pole has been off for two weeks.")
        await user.tap("Done")
        await user.tap("Skip")
        await user.say("Шевченко Тарас Григорович")
        await user.say("м. Луцьк, вул. Лесі Українки, 35")
        await user.say("0501234567")
        await user.tap("Skip")
        await user.tap("Continue")
        await user.tap("Submit")
        key = AttachmentStore(settings.attachments_dir).save_bytes(b"%PDF-1.4 answer")
        await answer_in_database(
            db, "Explained.", (key, "answer.pdf", "application/pdf", 15), result="9.3"
        )
        await user.say("/my")
        await user.tap("Ш-1")
        sent = viber.sent_to(VIBER_ID)[-1]
        assert sent["type"] == "file"
        assert sent["file_name"] == "answer.pdf"
        assert "keyboard" in sent  # the actions stay under the last message
        url = sent["media"]
        assert url.startswith(f"http://127.0.0.1:{settings.web_port}/files/")
        async with aiohttp.ClientSession() as client:
            async with client.get(url) as response:
                assert response.status == 200
                assert await response.read() == b"%PDF-1.4 answer"
            async with client.get(url.replace("signature=", "signature=0")) as response:
                assert response.status == 403
            async with client.get(url.replace("expires=", "expires=1")) as response:
                assert response.status == 403


async def test_words_at_first_contact_and_a_recording_at_the_menu_are_offered_in_viber(
    viber: FakeViber,
    database_url: str,
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
) -> None:
    settings = viber_settings(database_url, tmp_path, viber)
    viber.media["voice.m4a"] = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 3000
    async with running_bot(settings):
        await eventually(
            lambda: [e for e, _ in viber.requests][:2] == ["get_account_info", "set_webhook"]
        )
        user = ViberUser(viber, str(settings.viber_webhook_url), VIBER_ID)
        await user.open_chat()
        # Before answering the notice the person just writes their problem.
        await user.say("У підʼїзді на Рівненській, 5 не світить лампочка вже тиждень")
        assert "Ваш текст збережено" in user.everything()
        await user.tap("Погоджуюся")
        assert "Бажаєте подати звернення з цим текстом?" in user.last
        await user.tap("Так, подати")
        await user.tap("Скарга")
        await user.tap("Освітлення вулиць")
        assert "текст звернення (60 символів) збережено" in user.last
        # Back at the menu, a recording is offered for the unfinished appeal.
        await user.say("/меню")
        await user.send(
            {
                "type": "file",
                "media": f"{viber.url}/media/voice.m4a",
                "size": 3012,
                "file_name": "voice.m4a",
            }
        )
        assert "Бажаєте додати цей запис до Вашого незавершеного звернення?" in user.last
        await user.tap("Так, додати")
        assert "Кількість файлів: 1" in user.last
        await user.tap("Продовжити")  # the unfinished appeal, where it was left
        assert "текст звернення (60 символів) збережено" in user.last
    async with db() as session:
        names = list(await session.scalars(select(Attachment.name)))
    assert names == ["voice.m4a"]
