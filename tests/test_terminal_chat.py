"""The terminal chat: a person files an appeal by typing lines, also scripted through stdin."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waits import patience

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = "\n".join(
    [
        "2",  # English
        "1",  # I agree
        "1",  # New appeal
        "3",  # Complaint
        "no idea",  # neither a number nor a label: the hint, then the question again
        "street lighting",  # a button's label typed is a tap
        "The street lights near Lesi Ukrainky St. 35 have been off for two weeks.",
        "/file {photo}",
        "1",  # Done
        "/location 50.7472 25.3254",
        "1",  # Continue without an address
        "Шевченко Тарас Григорович",
        "м. Луцьк, вул. Лесі Українки, 35",
        "/contact +380501234567",
        "1",  # Skip e-mail
        "5",  # Continue (after Collective, Confidential, Privileges, Publish)
        "1",  # Submit
        "/my",
        "",
    ]
)


def run_console(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL")
        or f"sqlite+aiosqlite:///{tmp_path / 'reception.db'}",
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "TELEGRAM_BOT_TOKEN": "",
        "VIBER_AUTH_TOKEN": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "tester"],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=patience(120),
        check=False,
    )


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "lights.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"0" * 1000)
    return path


@pytest.mark.usefixtures("database_url")
def test_an_appeal_filed_from_a_script_on_standard_input(tmp_path: Path, photo: Path) -> None:
    result = run_console(tmp_path, SCRIPT.format(photo=photo))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Please choose your language." in out
    assert "  1) Українська" in out or "  1) Ukrainian" in out
    assert "Please choose the topic with a button." in out
    assert "Topic: 009 Communal services" in out
    assert "File “lights.jpg” is attached." in out
    assert "Files: 1" in out
    assert "openstreetmap.org/?mlat=50.747200&mlon=25.325400" in out
    assert "Registration index: Ш-1" in out
    assert "The answer is due by:" in out
    assert "Ш-1 · Complaint · registered" in out
    assert result.stderr == ""


@pytest.mark.usefixtures("database_url")
def test_the_conversation_survives_between_runs(tmp_path: Path) -> None:
    run_console(tmp_path, "2\n1\n1\n2\n")  # English, agree, New appeal, Application
    result = run_console(tmp_path, "/start\n")
    assert "You have an unfinished appeal." in result.stdout
    assert "Kind: Application" in result.stdout


@pytest.mark.usefixtures("database_url")
def test_a_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    result = run_console(tmp_path, "2\n1\n1\n1\n1\n/file /no/such/file.pdf\n")
    assert "File “file.pdf” could not be received." in result.stdout


def test_a_placeholder_token_stops_the_start_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "your-telegram-token-here",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=patience(60),
        check=False,
        input="",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "placeholder" in lines[0]
    assert "your-telegram-token-here" not in lines[0]
