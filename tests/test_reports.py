"""Reports for the council: the numbers in the bot, the spreadsheet and the open data are right,
and open data carries no personal data."""

import argparse
import csv
import io
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.report_cli import read_open_data, read_rows, write_open_data, write_report
from bot.report_files import ReportFiles
from bot.settings import Settings
from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.attachments import AttachmentStore
from tests.desk_kit import action_of, answer, make_staff, outbox_for
from tests.harness import Chat, Clock, file_appeal, onboard

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "files")


@pytest.fixture
def config(catalogs: Catalogs, store: AttachmentStore) -> ConversationConfig:
    return ConversationConfig(reports=ReportFiles(catalogs), files=store)


@pytest.fixture
async def known_set(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> Chat:
    """Four appeals in December 2026:
    Ш-1 complaint 009, zhkh, answered 9.1 after 2 days, rated 4;
    Ш-2 proposal 003, transport, answered 9.3 after 4 days, rated 2;
    К-3 application 010, zhkh, in progress;  Ш-4 complaint 009, not assigned."""
    operator = Chat(conversation, "operator-1")
    zhkh = Chat(conversation, "executor-zhkh")
    transport = Chat(conversation, "executor-transport")
    await make_staff(operator, sessions, "operator")
    await make_staff(zhkh, sessions, "executor", "zhkh")
    await make_staff(transport, sessions, "executor", "transport")
    citizen = Chat(conversation, "citizen-1")
    other = Chat(conversation, "citizen-2")
    await onboard(citizen)
    await onboard(other)
    await file_appeal(citizen)
    await file_appeal(
        citizen,
        kind="Proposal",
        topic="Public transport",
        text="Please add a bus stop near the new school on Kravchuka St.",
    )
    await file_appeal(
        other,
        kind="Application",
        topic="My building",
        name="Коваль Катерина Іванівна",
        text="The roof of our building leaks during every rain.",
    )
    await file_appeal(citizen)
    await operator.send("/assign Ш-1 zhkh")
    await operator.send("/assign Ш-2 transport")
    await operator.send("/assign К-3 zhkh")
    await zhkh.send("/take К-3")
    clock.advance(days=2)
    await answer(zhkh, "Ш-1", "resolved positively", approver=operator)
    clock.advance(days=2)
    await answer(transport, "Ш-2", "explained", approver=operator)
    for index, score in (("Ш-1", "4"), ("Ш-2", "2")):
        answers = [
            m
            for m in await outbox_for(sessions, citizen.user)
            if index in str(m["text"]) and m["buttons"]
        ]
        await citizen.press(action_of(answers[-1], score))
    return operator


async def test_stats_in_the_bot_with_a_chart(known_set: Chat, store: AttachmentStore) -> None:
    operator = known_set
    await operator.send("/stats month")
    text = operator.text
    assert "Appeals received from 1 December 2026 to 5 December 2026" in text
    assert "In all: 4" in text
    assert "closed: 2" in text
    assert "Complaint: 2" in text
    assert "Department of Housing and Communal Services: 2" in text  # names, not codes
    assert "Median days to answer: 3" in text
    assert "Average rating: 3" in text
    chart = operator.last.files[0]
    assert chart.mime == "image/png"
    assert store.path(chart.storage_key).read_bytes().startswith(b"\x89PNG")
    await operator.send("/stats fortnight")
    assert "Usage: /stats [week|month|quarter|year|all]" in operator.text


async def test_the_months_report_as_a_spreadsheet(known_set: Chat, store: AttachmentStore) -> None:
    operator = known_set
    await operator.send("/report month")
    assert "The report on appeals received from 1 December 2026 to 5 December 2026: 4" in (
        operator.text
    )
    book = load_workbook(io.BytesIO(store.path(operator.last.files[0].storage_key).read_bytes()))
    summary = book["Summary"]
    assert summary["B2"].value == 4
    assert summary["B4"].value == 3
    kinds = book["Kinds (3.x)"]
    header = [c.value for c in kinds[1]]
    assert header == ["Department", "3.1 Proposal", "3.2 Application", "3.3 Complaint", "Total"]
    table = {row[0].value: [c.value for c in row[1:]] for row in kinds.iter_rows(min_row=2)}
    assert table["Department of Housing and Communal Services"] == [0, 1, 1, 2]
    assert table["Transport and Communications Office"] == [1, 0, 0, 1]
    assert table["not assigned"] == [0, 0, 1, 1]
    assert table["Total"] == [1, 1, 2, 4]
    results = {
        row[0].value: [c.value for c in row[1:]]
        for row in book["Results (9.x)"].iter_rows(min_row=1)
    }
    assert results["Department"][:3] == ["9.1 resolved positively", "9.3 explained", "not set"]
    assert results["Total"] == [1, 1, 2, 4]
    # Classifier 858: electronic appeals counted under 1.1 "by post (e-mail)", not 1.6.
    forms = [c.value for c in book["Receipt forms (1.x)"][1]]
    assert forms == ["Department", "1.1 by post (e-mail, electronic)", "Total"]
    await operator.send("/report decade")
    assert "Usage: /report month|quarter|year [previous]" in operator.text


async def test_art8_a_repeated_appeal_is_reported_under_its_sign_2_2(
    known_set: Chat, conversation: Conversation, store: AttachmentStore, clock: Clock
) -> None:
    operator = known_set
    citizen = Chat(conversation, "citizen-1")
    await file_appeal(citizen)  # Ш-5, the same lights as Ш-1, answered on the merits
    clock.advance(days=3)  # filed on Saturday 5 December, it is received on Monday
    await operator.send("/reject Ш-5 repeated Ш-1")
    assert "Appeal Ш-5 will not be considered" in operator.text
    await operator.send("/appeal Ш-5")
    assert "sign: 2.1 → 2.2" in operator.text  # the change is in the history
    await operator.send("/report month")
    book = load_workbook(io.BytesIO(store.path(operator.last.files[0].storage_key).read_bytes()))
    signs = book["Receipt signs (2.x)"]
    header = [c.value for c in signs[1]]
    assert header == ["Department", "2.1", "2.2", "Total"], header
    totals = {row[0].value: [c.value for c in row[1:]] for row in signs.iter_rows(min_row=2)}
    assert totals["Total"] == [4, 1, 5]


async def test_the_command_line_writes_xlsx_and_open_data_without_personal_data(
    known_set: Chat, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        departments_file=ROOT / "config" / "departments.toml",
    )
    base = {"first": date(2026, 12, 1), "last": date(2026, 12, 31), "locale": "en"}
    public = await read_open_data(settings, argparse.Namespace(**base, format="csv"))
    target = tmp_path / "open.csv"
    options = argparse.Namespace(**base, format="csv", output=target)
    said = write_open_data(options, public, ZoneInfo("Europe/Kyiv"))
    assert said.endswith("(4 appeals)")
    content = target.read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(content)))
    assert lines[0][:6] == ["number", "received_on", "kind", "topic", "status", "department"]
    assert sorted(line[2] for line in lines[1:]) == ["3.1", "3.2", "3.3", "3.3"]
    assert {line[-1] for line in lines[1:]} == {""}  # nobody chose to publish a text
    rows, departments = await read_rows(settings, argparse.Namespace(**base, format="xlsx"))
    for personal in ("Шевченко", "Коваль", "+380", "Лесі Українки", "Тарас", "roof", "Ш-1"):
        assert personal not in content
    book_path = tmp_path / "report.xlsx"
    write_report(
        settings, argparse.Namespace(**base, format="xlsx", output=book_path), rows, departments
    )
    book = load_workbook(book_path)
    assert book["Summary"]["B2"].value == 4
    # Each breakdown names the departments as the council knows them, not by their codes.
    first_column = [row[0] for row in book["Kinds (3.x)"].iter_rows(values_only=True)]
    assert "Department of Housing and Communal Services" in first_column
    assert "zhkh" not in first_column
