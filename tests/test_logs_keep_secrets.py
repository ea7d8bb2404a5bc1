"""The logs of a whole cycle — a citizen files, an operator assigns, an executor answers, the
citizen receives it — are structured, carry a request id, and hold no token, phone or name."""

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from tests.desk_kit import SIGNATORY
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_kit import TelegramUser, bot_command, free_port, migrate_with_operator
from tests.waits import eventually, patience

ROOT = Path(__file__).resolve().parent.parent
CITIZEN, OPERATOR, EXECUTOR = 5_000_000_201, 5_000_000_202, 5_000_000_203
SECRETS = (
    TOKEN,
    TOKEN.split(":")[1],
    "Шевченко",
    "Тарас",
    "Григорович",
    "501234567",
    "Лесі Українки",
    "Ліхтарі не світять",
)


async def test_a_whole_cycle_logs_nothing_personal(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "WEB_PORT": str(free_port()),
        "ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "DEBUG",
        "LOG_FORMAT": "json",
    }
    await migrate_with_operator(env, OPERATOR)
    await bot_command(
        env,
        "staff",
        "add",
        "--channel",
        "telegram",
        "--id",
        str(EXECUTOR),
        "--role",
        "executor",
        "--department",
        "zhkh",
        "--force",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        staff = []
        for user_id in (OPERATOR, EXECUTOR):
            member = TelegramUser(fake, user_id, language="uk")
            await member.say("/start")  # staff: no language or consent screen
            staff.append(member)
        operator, executor = staff
        citizen = TelegramUser(fake, CITIZEN, language="uk")
        await citizen.say("/start")
        await citizen.tap("Погоджуюся")
        await citizen.tap("Нове звернення")
        await citizen.tap("Скарга")
        await citizen.tap("Освітлення вулиць")
        await citizen.say("Ліхтарі не світять біля будинку 35 на вулиці Лесі Українки.")
        await citizen.tap("Готово")
        await citizen.say("Пропустити")
        await citizen.say("Шевченко Тарас Григорович")
        await citizen.say("м. Луцьк, вул. Лесі Українки, 35")
        await citizen.send(
            contact={"phone_number": "+380501234567", "first_name": "Тарас", "user_id": CITIZEN}
        )
        await citizen.tap("Пропустити")
        await citizen.tap("Продовжити")
        await citizen.tap("Надіслати")
        await operator.say("/assign Ш-1 zhkh")
        await eventually(lambda: any(data == "so:1" for _, data, _ in fake.buttons(EXECUTOR)))
        await executor.say("/answer Ш-1")
        await executor.say("Відповідь: ліхтарі полагоджено.")
        await executor.tap("Готово")
        await executor.tap("вирішено позитивно")
        await executor.say(SIGNATORY)
        await executor.tap("Надіслати відповідь")
        await operator.say("/approve Ш-1")
        await eventually(lambda: "ліхтарі полагоджено" in citizen.everything())
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), patience(30))
    assert process.returncode == 0, stderr.decode()[-2000:]
    lines = stderr.decode().splitlines()
    assert len(lines) > 20
    records = [json.loads(line) for line in lines]
    assert {"ts", "level", "logger", "request_id", "msg"} <= set(records[0])
    handled = [r for r in records if r.get("event") == "update_handled"]
    assert len({r["request_id"] for r in handled}) == len(handled) > 10
    # Values are fields, not text: each handled update has its event, channel and duration.
    finished = [r for r in records if r.get("event") == "update_handled"]
    assert len(finished) == len(handled)
    assert {r["request_id"] for r in finished} == {r["request_id"] for r in handled}
    assert all(r["channel"] == "telegram" and r["duration_ms"] >= 0 for r in finished)
    text = "\n".join(lines)
    for secret in SECRETS:
        assert secret not in text, secret
