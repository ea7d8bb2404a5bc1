"""My appeals: the list, the card with its history and answer, adding information, withdrawing."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.types import IncomingFile
from storage.models import AppealEvent, Attachment
from tests.desk_kit import answer_in_database
from tests.harness import Chat, file_appeal, onboard


async def test_the_list_shows_index_kind_status_and_due_date(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/my")
    assert "You have no appeals yet." in chat.text
    await file_appeal(chat)
    await chat.tap("My appeals")
    assert "Ш-1 · Complaint · registered · due 1 January 2027" in chat.text
    await chat.tap("Ш-1")
    assert "Appeal Ш-1" in chat.text
    assert "Status: registered" in chat.text
    assert "1 December 2026, 10:00 — Registered." in chat.text


async def test_information_added_to_an_open_appeal_joins_its_history(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/my")
    await chat.tap("Ш-1")
    await chat.tap("Add information")
    await chat.send_files(
        IncomingFile("pole.jpg", "image/jpeg", 100, storage_key="pole1"),
        text="The pole is also leaning dangerously.",
    )
    assert "The information is added to appeal Ш-1." in chat.text
    assert "You added information. The pole is also leaning dangerously." in chat.text
    async with sessions() as session:
        events = (await session.scalars(select(AppealEvent))).all()
        files = (await session.scalars(select(Attachment))).all()
    assert [e.kind for e in events] == ["registered", "supplemented"]
    assert [(f.name, f.event_id) for f in files] == [("pole.jpg", events[1].id)]


async def test_a_withdrawn_appeal_can_no_longer_be_changed(chat: Chat) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/my")
    await chat.tap("Ш-1")
    add = chat.button_action("Add information")
    await chat.tap("Withdraw the appeal")
    await chat.tap("No")
    assert "Status: registered" in chat.text
    await chat.tap("Withdraw the appeal")
    await chat.tap("Yes, withdraw")
    assert "Appeal Ш-1 is withdrawn." in chat.text
    assert "Status: withdrawn by the author" in chat.text
    assert "Add information" not in chat.buttons
    await chat.press(add)
    assert "no longer under consideration" in chat.text


async def test_the_answer_is_shown_with_its_files(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await answer_in_database(
        sessions,
        "The lights were repaired on 9 December.",
        ("answerkey", "act.pdf", "application/pdf", 10),
    )
    await chat.send("/my")
    await chat.tap("Ш-1")
    assert "Answer of 10 December 2026, 14:00:" in chat.text
    assert "The lights were repaired on 9 December." in chat.text
    assert "Result: resolved positively" in chat.text
    assert [f.name for f in chat.last.files] == ["act.pdf"]
    assert "Withdraw the appeal" not in chat.buttons


async def test_nobody_opens_another_citizens_appeal(chat: Chat, other_chat: Chat) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/my")
    foreign = [chat.button_action("Ш-1"), "add:1", "wd:1"]
    await onboard(other_chat)
    await other_chat.send("/my")
    for action in foreign:
        await other_chat.press(action)
        assert "Шевченко" not in other_chat.text
        assert "Ш-1" not in other_chat.text


async def test_my_data_lists_what_is_held(chat: Chat) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/mydata")
    assert "Name: Шевченко Тарас Григорович" in chat.text
    assert "Phone: +380501234567" in chat.text
    assert "Appeals filed: 1" in chat.text
    assert "Consent given on 1 December 2026, 10:00" in chat.text
