"""The whole cycle across channels: a citizen files in Telegram, an operator assigns from
Telegram, the department's mailbox gets the card over real SMTP, an executor answers from Viber,
the operator returns the answer for rework once and then approves it (the citizen sees nothing
before), the citizen receives the refusal with its grounds, the way to appeal and the signatory,
says it did not solve the problem, and the repeated appeal is back in the operators' queue."""

import argparse
import re
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiosmtpd.controller import Controller

from bot.staff_cli import run_staff
from tests.desk_kit import SIGNATORY
from tests.fake_telegram import FakeTelegram
from tests.fake_viber import VIBER_TOKEN, FakeViber, ViberUser
from tests.telegram_kit import TelegramUser, free_port, running_bot, telegram_settings
from tests.waits import eventually

ROOT = Path(__file__).resolve().parent.parent
CITIZEN = 5_000_000_101
OPERATOR = 5_000_000_102
EXECUTOR = "EXECUTORviber01="
MAILBOX = "zhkh@lutsk.example.org"


class Sink:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeViber]]:
    telegram, viber = FakeTelegram(), FakeViber()
    await telegram.start()
    await viber.start()
    yield telegram, viber
    await telegram.stop()
    await viber.stop()


def departments_file(tmp_path: Path) -> Path:
    text = (ROOT / "config" / "departments.toml").read_text(encoding="utf-8")
    text = text.replace(
        'email = "zhkh.placeholder@example.invalid"\nemail_is_placeholder = true',
        f'email = "{MAILBOX}"\nemail_is_placeholder = false',
    )
    path = tmp_path / "departments.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_from_telegram_through_email_and_viber_back_to_the_queue(
    fakes: tuple[FakeTelegram, FakeViber],
    smtp: tuple[Sink, int],
    database_url: str,
    tmp_path: Path,
) -> None:
    telegram, viber = fakes
    sink, smtp_port = smtp
    port = free_port()
    settings = telegram_settings(
        database_url,
        tmp_path,
        telegram,
        web_port=port,
        viber_auth_token=VIBER_TOKEN,
        viber_api_url=viber.api_url,
        viber_webhook_url=f"http://127.0.0.1:{port}/viber/webhook",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_from="reception@lutsk.example.org",
        smtp_starttls=False,
        departments_file=departments_file(tmp_path),
        # The department's e-mail carries signed links to the files (bot/signed_files.py).
        files_public_url=f"http://127.0.0.1:{port}",
        files_link_secret="mail-links-signing-secret-0123456789",
    )
    async with running_bot(settings):
        for channel, user, role, department in (
            ("telegram", str(OPERATOR), "operator", None),
            ("viber", EXECUTOR, "executor", "zhkh"),
        ):
            said = await run_staff(
                settings,
                argparse.Namespace(
                    staff_action="add",
                    channel=channel,
                    id=user,
                    role=role,
                    department=department,
                    force=True,  # they have not written to the bot yet
                ),
            )
            assert said == f"{channel}:{user} is now {role}"

        # Employees never see the citizen's language and consent screens.
        operator = TelegramUser(telegram, OPERATOR, language="uk")
        await operator.say("/start")

        executor = ViberUser(viber, str(settings.viber_webhook_url), EXECUTOR)
        await executor.open_chat()

        citizen = TelegramUser(telegram, CITIZEN, language="en")
        await citizen.say("/start")
        await citizen.tap("I agree")
        await citizen.tap("New appeal")
        await citizen.tap("Complaint")
        await citizen.tap("Street lighting")
        await citizen.say("The street lights near Lesi Ukrainky St. 35 have been off for weeks.")
        photo = b"\xff\xd8\xff" + b"2" * 4000
        telegram.files["photo-2"] = photo
        await citizen.send(
            photo=[
                {
                    "file_id": "photo-2",
                    "file_unique_id": "u2",
                    "width": 800,
                    "height": 600,
                    "file_size": len(photo),
                }
            ]
        )
        await citizen.tap("Done")
        await citizen.send(location={"latitude": 50.7472, "longitude": 25.3254})
        await citizen.tap("Continue")
        await citizen.say("Шевченко Тарас Григорович")
        await citizen.say("м. Луцьк, вул. Лесі Українки, 35")
        await citizen.send(
            contact={"phone_number": "+380501234567", "first_name": "Тарас", "user_id": CITIZEN}
        )
        await citizen.tap("Skip")
        await citizen.tap("Continue")
        await citizen.tap("Submit")
        assert "Registration index: Ш-1" in citizen.everything()

        await eventually(lambda: "Нове звернення Ш-1" in "\n".join(telegram.texts(OPERATOR)))
        await operator.say("/queue")
        assert "Ш-1 · Скарга · зареєстровано" in operator.last
        await operator.say("/assign Ш-1 zhkh 15")
        assert "Звернення Ш-1" in operator.last

        await eventually(lambda: len(sink.messages) == 1)
        mail = message_from_bytes(sink.messages[0].content, policy=policy.default)
        assert sink.messages[0].rcpt_tos == [MAILBOX]
        assert "Ш-1" in str(mail["Subject"])
        body = mail.get_body()
        assert body is not None
        assert "Шевченко Тарас Григорович" in body.get_content()
        # Everyone told (issue 13): where the problem is, on a map, and the files by link.
        assert "openstreetmap.org/?mlat=50.747200&mlon=25.325400" in body.get_content()
        links = re.findall(r"photo-u2\.jpg: (http://\S+)", body.get_content())
        assert len(links) == 1
        assert f"127.0.0.1:{port}/files/mail/" in links[0]
        async with aiohttp.ClientSession() as web, web.get(links[0]) as response:
            assert response.status == 200
            assert await response.read() == photo
        async with aiohttp.ClientSession() as web, web.get(links[0] + "0") as response:
            assert response.status == 403
        await eventually(lambda: "has been sent for consideration" in citizen.everything())
        await eventually(lambda: any("Ш-1" in str(m.get("text")) for m in viber.sent_to(EXECUTOR)))

        await executor.say("/answer Ш-1")
        await executor.say("Ліхтарі полагоджено 3 грудня, освітлення відновлено.")
        await executor.tap("Готово")
        await executor.tap("вирішено позитивно")
        await executor.say(SIGNATORY)  # asked once, remembered for the next answers
        await executor.tap("Надіслати відповідь")
        assert "на перевірку до відділу звернень громадян" in executor.last

        # The CNAP's control: the operator reads the answer first and returns it once.
        await eventually(lambda: "очікує Вашої перевірки" in "\n".join(telegram.texts(OPERATOR)))
        await operator.say("/review")
        assert "Ш-1 · Скарга · відповідь на перевірці" in operator.last
        await operator.say("/rework Ш-1 Бракує підстав: освітлення відновлено не повністю.")
        assert "повернуто виконавцеві на доопрацювання" in operator.last
        await eventually(
            lambda: "повернув Вашу відповідь на звернення Ш-1" in executor.everything()
        )
        assert "Бракує підстав" in executor.everything()

        await executor.say("/answer Ш-1")
        await executor.say("Заміна опор на вулиці не передбачена бюджетом 2026 року.")
        await executor.tap("Готово")
        await executor.tap("відмовлено")
        await executor.say("Кошти на заміну опор освітлення у 2026 році не передбачено.")
        assert "Підписав(-ла): Олена Ковальчук, начальник управління" in executor.last
        await executor.tap("Надіслати відповідь")
        # The operators' notice of the second answer comes through the outbox: wait for it, so
        # that it does not land between the card and the tap below.
        await eventually(
            lambda: "\n".join(telegram.texts(OPERATOR)).count("очікує Вашої перевірки") == 2
        )

        before = len(telegram.texts(OPERATOR))
        await operator.say("/appeal Ш-1")
        # The card, then the answer's file as a document of its own.
        assert "Відповідь, що очікує перевірки:" in "\n".join(telegram.texts(OPERATOR)[before:])
        await operator.tap("Погодити й надіслати")
        assert "погоджено й надіслано громадянинові" in operator.last

        # Nothing of either version reached the citizen before the approval.
        await eventually(lambda: "Grounds for the refusal" in citizen.everything())
        seen = citizen.everything()
        assert "Ліхтарі полагоджено 3 грудня" not in seen
        assert "Заміна опор на вулиці не передбачена бюджетом 2026 року." in seen
        assert "Кошти на заміну опор освітлення у 2026 році не передбачено." in seen
        assert "How to appeal: you may file a complaint about this decision with the Mayor" in seen
        assert "or go to court" in seen
        assert "Signed: Олена Ковальчук, начальник управління" in seen
        assert "Outgoing No. Ш-1 of" in seen

        await citizen.tap("The problem is not solved")
        await citizen.tap("Complaint about the answer")
        await citizen.say("Only two of the five lights work; the rest are still dark.")
        assert "Registration index: Ш-2" in citizen.last

        await eventually(lambda: "Нове звернення Ш-2" in "\n".join(telegram.texts(OPERATOR)))
        await operator.say("/queue")
        assert "Ш-2 · Скарга · зареєстровано" in operator.last
        assert "Ш-1 ·" not in operator.last
        # Art. 7 part 4: not to the body whose answer the complaint contests, unless confirmed.
        await operator.say("/assign Ш-2 zhkh")
        assert "частина четверта статті 7" in operator.last
