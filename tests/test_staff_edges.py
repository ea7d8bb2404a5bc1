"""Staff edges: /join before the citizen's screens, wrong codes throttled, the last admin stays."""

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import AnswerTemplate, Appeal, AppealEvent, Person
from storage.uow import unit_of_work
from tests.desk_kit import make_staff
from tests.harness import Chat, Clock, file_appeal, onboard


async def invite_operator(admin: Chat) -> str:
    """The one-time code an administrator's /invite gives for a new operator."""
    await admin.send("/invite operator")
    return admin.text.split(": ", 1)[1].split()[0]


async def test_join_works_before_language_and_consent_and_wrong_codes_are_throttled(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    code = await invite_operator(admin)
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
    code = await invite_operator(admin)
    await admin.send(f"/join {code}")
    assert "You are the only administrator" in admin.text
    async with sessions() as session:
        roles = list(await session.scalars(select(Person.role)))
    assert roles.count("admin") == 1


def link_code(chat: Chat) -> str:
    found = re.search(r"/link ([A-Z0-9]{4}-[A-Z0-9]{4})", chat.text)
    assert found is not None, chat.text
    return found[1]


async def roles(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return sorted(await session.scalars(select(Person.role)))


async def test_a_citizen_cannot_take_an_employee_s_role_with_a_link_code(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    citizen = Chat(conversation, "attacker")
    await onboard(citizen)
    operator = Chat(conversation, "op-1")
    await make_staff(operator, sessions, "operator")
    await citizen.send("/link")
    await operator.send(f"/link {link_code(citizen)}")
    assert "staff are not linked with codes: the administrator manages them" in operator.text
    assert "Yes, link my accounts" not in operator.buttons
    assert await roles(sessions) == ["citizen", "operator"]
    await citizen.send("/queue")
    assert "Awaiting triage" not in citizen.text
    await operator.send("/link")
    assert "the administrator manages them" in operator.text
    assert "Your code" not in operator.text


async def test_a_link_code_cannot_remove_the_last_admin(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    executor = Chat(conversation, "exec-1")
    await make_staff(executor, sessions, "executor", "zhkh")
    citizen = Chat(conversation, "cit-1")
    await onboard(citizen)
    await citizen.send("/link")
    await admin.send(f"/link {link_code(citizen)}")
    assert "the administrator manages them" in admin.text
    assert await roles(sessions) == ["admin", "citizen", "executor"]
    await admin.send("/queue")
    assert "Awaiting triage" in admin.text


async def test_a_former_employee_who_joined_with_a_code_can_link_as_a_citizen(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    code = await invite_operator(admin)
    employee = Chat(conversation, "op-a", locale_hint="en")
    await employee.send(f"/join {code}")
    await employee.send("/templates add Thanks: Thank you for your appeal.")
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AnswerTemplate)) == 1
    async with unit_of_work(sessions) as uow:
        person = await uow.session.scalar(select(Person).where(Person.role == "operator"))
        assert person is not None
        await uow.staff.set_role(person.id, "citizen", None)
    await employee.send("/start")
    if "I agree" in employee.buttons:
        await employee.tap("I agree")
    other = Chat(conversation, "op-b", channel="viber")
    await onboard(other)
    await other.send("/link")
    await employee.send(f"/link {link_code(other)}")  # the one who joined is the one merged away
    await employee.tap("Yes, link my accounts")
    assert "this messenger is linked to your data" in employee.text
    assert await roles(sessions) == ["admin", "citizen"]


async def test_an_employee_who_joined_never_sees_the_citizen_s_screens(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    citizen = Chat(conversation, "cit")
    await onboard(citizen)
    await file_appeal(citizen)
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    code = await invite_operator(admin)
    operator = Chat(conversation, "new-op")  # no language hint, no language, no consent
    await operator.send(f"/join {code}")
    await operator.send("/queue")
    await operator.tap("Ш-1")
    assert "Звернення Ш-1" in operator.text
    await operator.tap("Передати")
    assert "Департамент житлово-комунального господарства" in operator.buttons
    await operator.tap("Скасувати")
    await operator.send("/appeal Ш-1")
    await operator.tap("Примітка")
    await operator.send("Перевірити адресу")
    seen = [b for batch in operator.history for reply in batch for b in reply.buttons]
    assert not {"Українська", "English", "Погоджуюся"} & {b.label for b in seen}
    async with sessions() as session:
        notes = list(
            await session.scalars(select(AppealEvent.text).where(AppealEvent.kind == "note"))
        )
        appeals = await session.scalar(select(func.count()).select_from(Appeal))
    assert notes == ["Перевірити адресу"]
    assert appeals == 1
    await operator.send("/lang")
    await operator.tap("English")
    await operator.send("/queue")
    assert "Awaiting triage" in operator.text


async def test_a_ukrainian_employee_joins_with_the_ukrainian_command(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    code = await invite_operator(admin)
    newcomer = Chat(conversation, "new-operator", locale_hint="uk")
    await newcomer.send(f"/долучитися {code}")
    await newcomer.send("/черга")
    assert "Очікують розподілу" in newcomer.text, newcomer.text
