"""Anyone sees who holds which appeal and whether it is answered in time; no citizen's personal
datum is published, and a text only where its author chose so and no operator hid it."""

import asyncio
import csv
import io
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.models import Appeal, Department
from tests.desk_kit import answer
from tests.harness import Chat, Clock
from tests.public_kit import (
    CONFIDENTIAL_TEXT,
    HIDDEN_TEXT,
    PERSONAL,
    PUBLISHED_TEXT,
    Register,
    appeal_numbers,
    public_server,
    seed_register,
)
from tests.waits import POLL_SECONDS, patience

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def register(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> Register:
    return await seed_register(conversation, sessions, clock)


async def fetch(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url, headers=headers) as response:
        return response.status, await response.text()


def row_of(html: str, name: str) -> list[str]:
    """The cells of the body table's row whose header names `name`."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f">{name}</a></th>" in row:
            return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    raise AssertionError(f"no row for {name}")


def assert_nothing_personal(text: str) -> None:
    for datum in PERSONAL:
        assert datum not in text, datum


@pytest.mark.usefixtures("register")
async def test_the_figures_per_body_match_the_register(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    async with public_server(sessions, catalogs, config, clock) as base:
        status, html = await fetch(f"{base}/?lang=en&from=2026-12-01&to=2026-12-31")
    assert status == 200
    async with sessions() as session:
        received = dict(
            (
                await session.execute(
                    select(Department.code, func.count())
                    .join(Appeal, Appeal.department_id == Department.id)
                    .group_by(Department.code)
                )
            ).all()
        )
    zhkh = row_of(html, "Department of Housing and Communal Services")
    transport = row_of(html, "Transport and Communications Office")
    unassigned = row_of(html, "not yet assigned")
    # received, answered, answered in time, median days, overdue now, average rating
    assert zhkh == [str(received["zhkh"]), "1", "100%", "2", "0", "4"]
    assert transport == [str(received["transport"]), "1", "100%", "4", "0", "2"]
    assert unassigned == ["2", "0", "—", "—", "0", "—"]
    assert 'lang="en"' in html
    assert "<caption>" in html
    assert 'scope="col"' in html
    assert_nothing_personal(html)


@pytest.mark.usefixtures("register")
async def test_the_list_shows_only_the_texts_their_authors_chose_to_publish(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    numbers = await appeal_numbers(sessions)
    async with public_server(sessions, catalogs, config, clock) as base:
        _, listing = await fetch(f"{base}/appeals", **{"Accept-Language": "uk-UA,uk;q=0.9"})
        pages = {
            index: (await fetch(f"{base}/appeals/{number}?lang=en"))[1]
            for index, number in numbers.items()
        }
        _, csv_text = await fetch(f"{base}/open-data.csv")
    assert 'lang="uk"' in listing
    assert "Звернення до ради" in listing
    for number in numbers.values():
        assert f">{number}</a>" in listing
    assert_nothing_personal(listing)
    for page in pages.values():
        assert_nothing_personal(page)
    assert PUBLISHED_TEXT in pages["Ш-1"]
    assert "50.748, 25.326" in pages["Ш-1"]  # the place, rounded to a street block
    assert CONFIDENTIAL_TEXT not in pages["Ш-2"]
    assert HIDDEN_TEXT not in pages["К-3"]  # the author chose it, an operator hid it
    assert "The text is not published" in pages["К-3"]
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert sorted(r["number"] for r in rows) == sorted(numbers.values())
    by_number = {r["number"]: r for r in rows}
    assert by_number[numbers["Ш-1"]]["text"] == PUBLISHED_TEXT
    assert by_number[numbers["Ш-1"]]["latitude"] == "50.748"
    assert by_number[numbers["Ш-2"]]["text"] == ""
    assert_nothing_personal(csv_text)


@pytest.mark.usefixtures("register")
async def test_an_answer_on_review_is_nowhere_public_until_approved(
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    numbers = await appeal_numbers(sessions)
    await answer(Chat(conversation, "executor-zhkh"), "К-3", "resolved positively")
    async with public_server(sessions, catalogs, config, clock) as base:
        _, csv_text = await fetch(f"{base}/open-data.csv")
        _, page = await fetch(f"{base}/appeals/{numbers['К-3']}?lang=en")
        _, opened = await fetch(f"{base}/open311/v2/requests/{numbers['К-3']}.json")
    row = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["number"] == numbers["К-3"])
    assert (row["answered_on"], row["result"]) == ("", "")
    assert "resolved positively" not in page.lower()
    assert json.loads(opened)[0]["status"] == "open"


async def test_an_appeals_page_shows_who_holds_it_and_since_when(
    register: Register,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    numbers = await appeal_numbers(sessions)
    async with public_server(sessions, catalogs, config, clock) as base:
        status, page = await fetch(f"{base}/appeals/{numbers['К-3']}?lang=en")
        _, answered = await fetch(f"{base}/appeals/{numbers['Ш-1']}?lang=en")
        missing, _ = await fetch(f"{base}/appeals/2026-999?lang=en")
    assert status == 200
    assert missing == 404
    history = re.search(r'<ol id="history"[^>]*>(.*?)</ol>', page, re.S)
    assert history is not None
    lines = re.findall(r"</time> — (.*?)</li>", history.group(1))
    assert lines == [
        "received and registered",
        "assigned to: Department of Housing and Communal Services",
        "taken into work by the body",
        "term extended to 15 Jan 2027",
    ]
    assert "inspection" not in page  # the reason for the extension stays inside
    answered_history = re.search(r'<ol id="history"[^>]*>(.*?)</ol>', answered, re.S)
    assert answered_history is not None
    assert re.findall(r"</time> — (.*?)</li>", answered_history.group(1)) == [
        "received and registered",
        "assigned to: Department of Housing and Communal Services",
        "answered",
        "rated by the author: 4/5",
    ]
    assert "The answer text." not in answered


async def test_the_author_withdraws_publication_and_the_text_goes(
    register: Register,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    numbers = await appeal_numbers(sessions)
    citizen = register.citizen
    await citizen.send("/my")
    await citizen.tap("Ш-1")
    assert "Text on the public page: published without your name" in citizen.text
    await citizen.tap("Stop publishing the text")
    assert "The text of appeal Ш-1 is no longer published." in citizen.text
    async with public_server(sessions, catalogs, config, clock) as base:
        _, page = await fetch(f"{base}/appeals/{numbers['Ш-1']}?lang=en")
    assert PUBLISHED_TEXT not in page
    await citizen.tap("Publish the text without my name")
    await register.operator.send("/hide К-3 off")
    async with public_server(sessions, catalogs, config, clock) as base:
        _, page = await fetch(f"{base}/appeals/{numbers['Ш-1']}?lang=en")
        _, shown_again = await fetch(f"{base}/appeals/{numbers['К-3']}?lang=en")
    assert PUBLISHED_TEXT in page
    assert HIDDEN_TEXT in shown_again
    await citizen.send("/mydata")
    assert "Its text is published without your name." in citizen.text
    await citizen.tap("Stop publishing my texts")
    async with public_server(sessions, catalogs, config, clock) as base:
        _, page = await fetch(f"{base}/appeals/{numbers['Ш-1']}?lang=en")
    assert PUBLISHED_TEXT not in page


@pytest.mark.usefixtures("register")
async def test_publication_turned_off_serves_no_page_and_no_appeals(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    async with public_server(sessions, catalogs, config, clock, publish=False) as base:
        page, _ = await fetch(f"{base}/appeals")
        data, _ = await fetch(f"{base}/open-data.csv")
        api, body = await fetch(f"{base}/open311/v2/requests.json")
    assert (page, data, api) == (404, 404, 404)
    assert '"code": 404' in body


async def test_run_without_a_messenger_token_serves_the_web_part(tmp_path: Path) -> None:
    """A service with no token (standard input not a terminal): the page and Open311 answer."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL")
        or f"sqlite+aiosqlite:///{tmp_path / 'reception.db'}",
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "TELEGRAM_BOT_TOKEN": "",
        "VIBER_AUTH_TOKEN": "",
        "WEB_PORT": str(port),
        "PUBLIC_MAP_TILES": "",
    }
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
        answers: dict[str, int] = {}

        async def serving() -> bool:
            try:
                answers["/"] = (await fetch(f"http://127.0.0.1:{port}/?lang=en"))[0]
            except aiohttp.ClientError:
                return False
            return True

        deadline = asyncio.get_running_loop().time() + patience(60)
        while not await serving():
            assert process.returncode is None, await process.stderr.read()  # type: ignore[union-attr]
            assert asyncio.get_running_loop().time() < deadline, "the web part did not start"
            await asyncio.sleep(POLL_SECONDS * 4)
        services, body = await fetch(f"http://127.0.0.1:{port}/open311/v2/services.json")
        assert answers["/"] == 200
        assert services == 200
        assert '"service_code": "009"' in body
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), patience(30))
    assert "only the web part serves" in stderr.decode()
