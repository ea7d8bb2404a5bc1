"""Registration indexes stay unique when 50 citizens press Submit at the same moment."""

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import Appeal
from tests.harness import Chat, file_appeal, onboard

CITIZENS = 50


async def test_fifty_concurrent_submissions_get_fifty_distinct_numbers(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    chats = [Chat(conversation, f"citizen-{n}") for n in range(CITIZENS)]
    for chat in chats:
        await onboard(chat)
        await file_appeal(chat, submit=False)
    submits = [chat.button_action("Submit") for chat in chats]
    await asyncio.gather(*(chat.press(a) for chat, a in zip(chats, submits, strict=True)))

    for chat in chats:
        assert "Your appeal is registered." in chat.text
    async with sessions() as session:
        appeals = (await session.scalars(select(Appeal))).all()
    assert len(appeals) == CITIZENS
    assert sorted(a.number for a in appeals) == list(range(1, CITIZENS + 1))
    assert len({a.reg_index for a in appeals}) == CITIZENS
