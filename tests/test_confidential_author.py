"""Art. 10 everywhere: a confidential author is hidden from every role without the right, in
every place an author's data can appear — the card, lists, /find, the department's e-mail, the
XLSX report, the open-data CSV, and another person's /mydata."""

import io
from datetime import UTC, date

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.report_files import ReportFiles, open_data_csv
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.models import Department
from storage.publication import PublicFilter
from storage.uow import unit_of_work
from tests.desk_kit import emails, make_staff
from tests.harness import Chat, file_appeal, onboard

SECRETS = ("Мельник", "Ганна", "+380677654321", "0677654321", "hanna@example.com", "Рівненська")
TEXT = "The lift at Kyivska St. 8 has not worked since Monday; elderly residents are stuck."


@pytest.fixture
async def confidential_appeal(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> Chat:
    async with sessions() as session, session.begin():
        await session.execute(
            update(Department)
            .where(Department.code == "zhkh")
            .values(email="zhkh@lutsk.example.org", email_is_placeholder=False)
        )
    author = Chat(conversation, "author")
    await onboard(author)
    await file_appeal(
        author,
        text=TEXT,
        name="Мельник Ганна Петрівна",
        residence="м. Луцьк, вул. Рівненська, 5",
        phone="067 765 43 21",
        submit=False,
    )
    await author.tap("Change something")
    await author.tap("E-mail")
    await author.send("hanna@example.com")
    await author.tap("Change something")
    await author.tap("Options")
    await author.tap("Confidential")
    await author.tap("Continue")
    await author.tap("Submit")
    assert "М-1" in author.text
    operator = Chat(conversation, "operator-0")
    await make_staff(operator, sessions, "operator")
    await operator.send("/assign М-1 zhkh")
    return author


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.parametrize("role", ["executor", "operator", "admin"])
async def test_every_place_shows_a_confidential_author_only_to_roles_with_the_right(
    role: str,
    confidential_appeal: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    staff = Chat(conversation, f"{role}-1")
    await make_staff(staff, sessions, role, "zhkh" if role == "executor" else None)
    may_see = role != "executor"
    seen: dict[str, str] = {}
    await staff.send("/appeal М-1")
    seen["card"] = staff.text
    await staff.send("/due")
    seen["list"] = staff.text
    for probe in ("Мельник", "0677654321", "+380677654321", "hanna@example"):
        await staff.send(f"/find {probe}")
        seen[f"find {probe}"] = staff.text
    for place, text in seen.items():
        if place.startswith("find"):
            # Found or not, the answer must not depend on a guessed author for this role.
            assert ("М-1" in text) is may_see, place
        elif place == "card":
            assert bool(leaks(text)) is may_see, place
            assert ("Confidential: the author asked" in text) is may_see
        else:
            assert not leaks(text), place
    await staff.send("/find lift at Kyivska")  # the text and the index are searchable by all
    assert "М-1" in staff.text
    await staff.send("/find м-1")
    assert "М-1" in staff.text


async def test_the_email_the_reports_and_another_persons_mydata_hold_no_confidential_author(
    confidential_appeal: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
) -> None:
    body = str((await emails(sessions))[0].payload["body"])
    assert not leaks(body)
    async with unit_of_work(sessions) as uow:
        rows = await uow.reports.rows(date(2026, 1, 1), date(2026, 12, 31))
        public = await uow.public.all(PublicFilter())
    assert rows
    csv_text = open_data_csv(public, UTC)
    assert not leaks(csv_text)
    book = load_workbook(
        io.BytesIO(
            ReportFiles(catalogs).workbook(rows, date(2026, 1, 1), date(2026, 12, 31), "uk", {})
        )
    )
    cells = " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )
    assert not leaks(cells)
    stranger = Chat(conversation, "stranger")
    await onboard(stranger)
    await stranger.send("/mydata")
    await stranger.send("/my")
    assert not leaks(stranger.text)
    assert "М-1" not in stranger.text
