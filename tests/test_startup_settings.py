"""Bad or missing settings stop the start with one clear line that names the setting."""

from pathlib import Path

import pytest

from bot.cli import main
from tests.fake_telegram import TOKEN

CASES = [
    ({"TELEGRAM_BOT_TOKEN": "changeme"}, "TELEGRAM_BOT_TOKEN", "placeholder"),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN", "not a bot token"),
    (
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://reception.example.org/tg"},
        "TELEGRAM_WEBHOOK_SECRET",
        "webhook mode",
    ),
    (
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "http://reception.example.org/tg",
            "TELEGRAM_WEBHOOK_SECRET": "abc",
        },
        "TELEGRAM_WEBHOOK_URL",
        "https://",
    ),
    ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE", "unknown time zone"),
    ({"INDEX_TEMPLATE": "{letter}"}, "INDEX_TEMPLATE", "{number}"),
    ({"WEB_PORT": "99999"}, "WEB_PORT", "65535"),
    ({"DEPARTMENTS_FILE": "/no/such/departments.toml"}, "departments.toml", "No such file"),
    # The API is unreachable: 127.0.0.1:9 (discard) refuses at once, nothing leaves the machine.
    (
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:9"},
        "Telegram Bot API",
        "TELEGRAM_API_URL",
    ),
]


@pytest.mark.parametrize(("environment", "names", "says"), CASES)
def test_a_bad_setting_is_one_clear_line(
    environment: dict[str, str],
    names: str,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setenv(
        "DEPARTMENTS_FILE", str(Path(__file__).resolve().parent.parent / "config/departments.toml")
    )
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    # The structured log stream (JSON lines) may say what happened before; the message for the
    # person starting the reception is the one plain line.
    lines = [ln for ln in capsys.readouterr().err.strip().splitlines() if not ln.startswith("{")]
    assert len(lines) == 1, lines
    assert names in lines[0]
    assert says in lines[0]
    for value in environment.values():
        if "TOKEN" in value or value.startswith(TOKEN[:9]):
            assert value not in lines[0]
