"""Staff edges: /join before the citizen's screens, wrong codes throttled, the last admin stays."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import Person
from tests.desk_kit import make_staff
from tests.harness import Chat, Clock


async def test_join_works_before_language_and_consent_and_wrong_codes_are_throttled(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    await admin.send("/invite operator")
    code = admin.text.split(": ", 1)[1].split()[0]
    newcomer = Chat(conversation, "new-operator", locale_hint="en")
    for n in range(5):
        await newcomer.send(f"/join AAAA-BBBB-{n:04d}")
        assert "This code is not valid" in newcomer.text
    await newcomer.send(f"/join {code}")  # right, but after five wrong ones within the hour
    assert "Too many wrong codes" in newcomer.text
    clock.advance(hours=1, minutes=1)
    await newcomer.send(f"/join {code}")
    assert "Welcome to the reception's staff." in newcomer.text  # no language question first
    await newcomer.send("/queue")
    assert "Awaiting triage" in newcomer.text


async def test_the_last_admin_cannot_demote_themselves_with_a_code(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    await admin.send("/invite operator")
    code = admin.text.split(": ", 1)[1].split()[0]
    await admin.send(f"/join {code}")
    assert "You are the only administrator" in admin.text
    async with sessions() as session:
        roles = list(await session.scalars(select(Person.role)))
    assert roles.count("admin") == 1
