"""A draft outlives /cancel, a restart and a double tap; one Submit registers one appeal."""

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.draft import Draft
from handlers.i18n import Catalogs
from handlers.pending import Answering, Typing, from_data
from storage.models import Appeal
from storage.uow import unit_of_work
from tests.conftest import WORKDAY_MORNING
from tests.harness import LIGHTING, Chat, Clock, file_appeal, onboard


async def count_appeals(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Appeal)) or 0)


async def test_cancel_returns_to_the_menu_and_keeps_the_draft(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    await chat.send("/cancel")
    assert "Your draft is kept" in chat.text
    assert "Continue the draft" in chat.buttons
    await chat.tap("Continue the draft")
    assert "You have an unfinished appeal." in chat.text
    assert LIGHTING in chat.text
    await chat.tap("Continue")
    assert "The text of your appeal so far (72 characters) is kept." in chat.text


async def test_start_after_a_restart_offers_to_resume_the_draft(
    chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Proposal")
    await chat.tap("Public transport")
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.send("вул. Кравчука, 40")

    restarted = Chat(
        Conversation(sessions, ConversationConfig(), catalogs, clock=clock), chat.user
    )
    await restarted.send("/start")
    assert "You have an unfinished appeal." in restarted.text
    await restarted.tap("Continue")
    assert "Please type your surname, first name and patronymic" in restarted.text


async def test_starting_again_deletes_the_old_draft(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.send("/new")
    await chat.tap("Delete it and start again")
    assert "What kind of appeal is it?" in chat.text


async def test_a_double_tap_on_submit_registers_one_appeal(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat, submit=False)
    submit = chat.button_action("Submit")
    await chat.press(submit)
    assert "Registration index: Ш-1" in chat.text
    await chat.press(submit)
    assert "That button belongs to an earlier message" in chat.text
    assert await count_appeals(sessions) == 1


async def test_two_simultaneous_submits_register_one_appeal(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat, submit=False)
    submit = chat.button_action("Submit")
    first, second = await asyncio.gather(chat.press(submit), chat.press(submit))
    texts = [r.text for r in first + second]
    assert sum("Registration index: Ш-1" in t for t in texts) == 1
    assert await count_appeals(sessions) == 1


async def test_a_replayed_update_is_stored_and_handled_once(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from handlers.types import Incoming
    from storage.inbox import NewUpdate

    update = NewUpdate("test", "42", "u", {"text": "/start"})
    async with unit_of_work(sessions) as uow:
        first_id, replay_id = await uow.inbox.store([update, update], WORKDAY_MORNING)
    assert first_id is not None
    assert replay_id is None
    incoming = Incoming("test", "u", text="/start", update_id="42")
    first = await conversation.handle_stored(first_id, incoming)
    again = await conversation.handle_stored(first_id, incoming)
    assert first is not None
    assert first.replies
    assert again is None


async def test_changing_the_language_midway_keeps_the_draft(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    await chat.send("/lang")
    await chat.tap("Українська")
    await chat.tap("Готово")
    assert "Де саме" in chat.text or "Пропустити" in chat.buttons


def test_a_draft_saved_by_an_earlier_version_is_read_and_kept_field_by_field() -> None:
    saved = {
        "key": "abc",
        "parts": ["Не світить ліхтар."],
        "attachments": [7],
        "kind": "3.3",
        "phone": "",
        "coauthors": "3",
        "files_heading": "a key no field has any more",
    }
    draft = Draft.from_data(saved)
    assert (draft.parts, draft.attachments, draft.phone, draft.coauthors) == (
        ("Не світить ліхтар.",),
        (7,),
        "",  # the person chose to be answered in the chat
        3,
    )
    assert Draft.from_data(draft.to_data()) == draft
    assert "files_heading" not in draft.to_data()


def test_an_employees_unfinished_action_saved_by_an_earlier_version_is_read() -> None:
    old = {"action": "answer", "appeal_id": 5, "parts": ["Текст."], "files": [3], "result": "9.1"}
    assert from_data(old) == Answering(5, parts=("Текст.",), files=(3,), result="9.1")
    assert from_data({"action": "extend", "appeal_id": 5}) == Typing(5, action="extend")
    assert from_data({"action": "assign", "appeal_id": "5"}) is None  # a forged id
