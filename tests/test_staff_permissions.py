"""Every command and button × every role × an appeal of another department or citizen:
nothing leaks and nothing changes."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from handlers.staff_commands import STAFF_COMMANDS
from storage.models import Appeal, AppealEvent, Invite, OutboxMessage
from tests.desk_kit import make_staff
from tests.harness import LIGHTING, Chat, file_appeal, onboard

SECRETS = ("Шевченко", "+380501234567", "street lights", "Лесі Українки")

COMMANDS = [
    "/queue",
    "/appeal {index}",
    "/assign {index} zhkh 15",
    "/merge {index} {index}",
    "/take {index}",
    "/answer {index}",
    "/extend {index} 10.01.2027 reason",
    "/forward {index} Body; reason",
    "/return {index} reason",
    "/reject {index} repeated",
    "/note {index} hello",
    "/templates",
    "/close {index}",
    "/classify {index}",
    "/classify {index} form 1.2",
    "/register phone",
    "/hide {index}",
    "/review",
    "/approve {index}",
    "/rework {index} the grounds are missing",
    "/find Шевченко",
    "/find +380501234567",
    "/due",
    "/overdue",
    "/stats",
    "/report month",
    "/invite operator",
    "/invite executor zhkh",
]
BUTTONS = [
    "so:{id}",
    "sa:assign:{id}",
    "sa:take:{id}",
    "sa:answer:{id}",
    "sa:extend:{id}",
    "sa:forward:{id}",
    "sa:return:{id}",
    "sa:reject:{id}",
    "sa:note:{id}",
    "sa:classify:{id}",
    "cc:1.2",
    "sa:approve:{id}",
    "sa:rework:{id}",
    "ap:{id}",
    "add:{id}",
    "wd:{id}",
    "pub:{id}",
    "rate:{id}:5",
    "unres:{id}",
    "pg:queue:1",
    "jn:{id}:{id}",
]


def test_every_staff_command_is_tried() -> None:
    """A new row in the command table is covered here without anyone remembering to."""
    assert {template.split()[0] for template in COMMANDS} == set(STAFF_COMMANDS)


async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> tuple[Any, ...]:
    async with sessions() as session:
        appeals = [
            (a.status, a.department_id, a.due_on, a.executor_id, a.rating, a.result)
            for a in await session.scalars(select(Appeal).order_by(Appeal.id))
        ]
        counts = []
        for model in (AppealEvent, OutboxMessage, Invite):
            counts.append(await session.scalar(select(func.count()).select_from(model)))
    return tuple(appeals), tuple(counts)


@pytest.fixture
async def foreign_appeal(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, int]:
    """An appeal by citizen-1, assigned to the social-policy department."""
    author = Chat(conversation, "citizen-1")
    operator = Chat(conversation, "operator-1")
    await onboard(author)
    await file_appeal(author, text=LIGHTING)
    await make_staff(operator, sessions, "operator")
    await operator.send("/assign Ш-1 social 30")
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
    return appeal.reg_index, appeal.id


@pytest.mark.parametrize(("role", "department"), [("citizen", None), ("executor", "zhkh")])
async def test_no_command_or_button_leaks_or_changes_a_foreign_appeal(
    role: str,
    department: str | None,
    foreign_appeal: tuple[str, int],
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    index, appeal_id = foreign_appeal
    outsider = Chat(conversation, f"outsider-{role}")
    if role == "citizen":
        await onboard(outsider)
    else:
        await make_staff(outsider, sessions, role, department)
    before = await snapshot(sessions)
    for template in COMMANDS:
        replies = await outsider.send(template.format(index=index))
        seen = "\n".join(r.text for r in replies)
        for secret in SECRETS:
            assert secret not in seen, (role, template, secret)
        assert all(not r.files for r in replies), (role, template)
        # Step-by-step actions must not have started either: the next text is harmless.
        await outsider.send("/cancel")
    for template in BUTTONS:
        replies = await outsider.press(template.format(id=appeal_id))
        seen = "\n".join(r.text for r in replies)
        for secret in SECRETS:
            assert secret not in seen, (role, template, secret)
        await outsider.send("/cancel")
    assert await snapshot(sessions) == before


async def test_an_operator_cannot_use_a_citizens_own_buttons(
    foreign_appeal: tuple[str, int],
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _, appeal_id = foreign_appeal
    operator = Chat(conversation, "operator-1")
    before = await snapshot(sessions)
    for template in ("ap:{id}", "add:{id}", "wd:{id}", "rate:{id}:1", "unres:{id}"):
        await operator.press(template.format(id=appeal_id))
        await operator.send("/cancel")
    assert await snapshot(sessions) == before


async def test_an_executor_cannot_triage_even_in_their_own_department(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    author = Chat(conversation, "citizen-1")
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-1")
    await onboard(author)
    await file_appeal(author)
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await operator.send("/assign Ш-1 zhkh")
    before = await snapshot(sessions)
    for command in (
        "/assign Ш-1 social",
        "/merge Ш-1 Ш-1",
        "/forward Ш-1 X; y",
        "/return Ш-1 x",
        "/reject Ш-1 late",
        "/extend Ш-1 20.12.2026 x",
        "/invite operator",
    ):
        await executor.send(command)
        assert "Your role does not allow this." in executor.text, command
    assert await snapshot(sessions) == before
    await executor.send("/appeal Ш-1")
    assert "Шевченко" in executor.text  # their own department's appeal, not confidential
