"""Helpers for the operators' desk: staff accounts and what the outbox holds for a person."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reception.statuses import Status
from storage.models import Appeal, ChannelAccount, OutboxMessage
from storage.records import NewEvent
from storage.uow import unit_of_work
from tests.harness import LIGHTING, Chat, onboard


async def make_staff(
    chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    role: str,
    department: str | None = None,
) -> None:
    """An employee who has talked to the bot once, given a role as `python -m bot staff add`."""
    await onboard(chat)
    async with unit_of_work(sessions) as uow:
        account = await uow.session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_id == chat.user)
        )
        assert account is not None
        department_id = None
        if department:
            found = await uow.departments.by_code(department)
            assert found is not None
            department_id = found.id
        await uow.staff.set_role(account.person_id, role, department_id)


async def outbox_for(
    sessions: async_sessionmaker[AsyncSession], user: str
) -> list[dict[str, Any]]:
    """What is queued for the person behind this chat, oldest first."""
    async with sessions() as session:
        account = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_id == user)
        )
        assert account is not None
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == str(account.id))
            .order_by(OutboxMessage.id)
        )
        return [dict(row.payload, kind=row.kind) for row in rows]


async def emails(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email"))
        )


def action_of(payload: dict[str, Any], label: str) -> str:
    for button_label, action in payload["buttons"]:
        if label in button_label:
            return str(action)
    raise AssertionError(f"no button {label!r} in {payload['buttons']}")


async def answer_in_database(
    sessions: async_sessionmaker[AsyncSession],
    text: str,
    file: tuple[str, str, str, int],
    result: str = "9.1",
) -> None:
    """The only appeal is answered with one file (storage key, name, type, size), as the desk
    would record it: for tests of what the citizen then sees."""
    answered = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    key, name, mime, size = file
    async with unit_of_work(sessions) as uow:
        appeal = (await uow.session.scalars(select(Appeal))).one()
        # The desk's assignment, as a fact of the past; the answer as the desk records it.
        await uow.session.execute(
            update(Appeal).where(Appeal.id == appeal.id).values(status=Status.ASSIGNED.value)
        )
        event = await uow.appeals.transition(
            appeal.id,
            Status.ASSIGNED,
            Status.ANSWERED,
            NewEvent("answered", None, "executor", answered),
            result=result,
            answer_text=text,
            answered_at=answered,
        )
        assert appeal.author_id is not None
        file_id = await uow.appeals.add_attachment(
            appeal.author_id, key, name, mime, size, answered
        )
        await uow.appeals.link_attachments([file_id], appeal.id, event.id, appeal.author_id)


async def register_by_phone(operator: Chat, phone: str) -> None:
    """/register: an operator registers an application received by phone for Петренко."""
    await operator.send("/register")
    await operator.tap("By phone")
    assert "Registering an appeal received by phone" in operator.text
    await operator.tap("Application")
    await operator.tap("Street lighting")
    await operator.send(LIGHTING)
    await operator.tap("Done")
    await operator.tap("Skip")
    assert "For the citizen whose appeal you register:" in operator.text
    await operator.send("Петренко Олена Іванівна")
    await operator.send("Луцьк, вул. Шевченка, 5")
    await operator.send(phone)
    await operator.tap("Skip")
    await operator.tap("Continue")
    await operator.tap("Submit")


#: Who signs the answers in these tests: a head of a body may sign an answer to a complaint too.
SIGNATORY = "Олена Ковальчук; начальник управління"


async def answer(executor: Chat, index: str, result: str, *, approver: Chat | None = None) -> None:
    """The executor answers `index` with `result`, signing it the first time they are asked;
    `approver`, an operator, then approves it for the citizen (CNAP's control)."""
    await executor.send(f"/answer {index}")
    await executor.send("The answer text.")
    await executor.tap("Done")
    await executor.tap(result)
    if "Who signs the answer?" in executor.text:
        await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    if approver is not None:
        await approver.send(f"/approve {index}")
        assert "approved and sent" in approver.text, approver.text
