"""Issue 14: a dialog step costs a fixed, small number of SQL statements, whatever the history
— a citizen notices when each message waits on a dozen round trips to the database."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from handlers.types import Incoming
from storage.inbox import NewUpdate
from storage.uow import unit_of_work
from tests.harness import Chat, Clock, onboard

#: Claim the update, one read of account, person, consent and state, one write of the state,
#: keep the replies; BEGIN is counted, COMMIT is not a statement.
STEADY_STEP_STATEMENTS = 5


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def stored_step(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    conversation: Conversation,
    clock: Clock,
    text: str,
) -> tuple[str, list[str]]:
    """An update through the durable inbox, as a messenger's would come: the replies, and the
    statements its handling ran."""
    async with unit_of_work(sessions) as uow:
        [inbox_id] = await uow.inbox.store(
            [NewUpdate("test", text, "citizen-1", {"text": text})], clock()
        )
    assert inbox_id is not None
    with counted(engine) as statements:
        handled = await conversation.handle_stored(
            inbox_id, Incoming("test", "citizen-1", text=text, locale_hint="uk")
        )
    assert handled is not None
    return "\n".join(reply.text for reply in handled.replies), statements


async def test_a_steady_step_runs_a_fixed_handful_of_statements(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    conversation: Conversation,
    chat: Chat,
    clock: Clock,
) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Communal services")
    for n in range(3):
        clock.advance(seconds=20)
        text, statements = await stored_step(
            engine, sessions, conversation, clock, f"The street lights are off, day {n}."
        )
        assert "Done" in text, text
        assert len(statements) <= STEADY_STEP_STATEMENTS, statements


async def test_the_first_message_after_an_hour_marks_the_account_seen(
    engine: AsyncEngine, conversation: Conversation, chat: Chat, clock: Clock
) -> None:
    await onboard(chat)
    clock.advance(hours=2)
    with counted(engine) as statements:
        await chat.send("/menu")
    assert statements.count("UPDATE") == 2  # last_seen_at, then the state
    clock.advance(minutes=10)
    with counted(engine) as statements:
        await chat.send("/menu")
    assert statements.count("UPDATE") == 1
