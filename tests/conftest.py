"""Fixtures: a migrated database (a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
the conversation on it with a clock the test controls, chats that play citizens, and the fake
Telegram Bot API."""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.db import create_engine, create_sessionmaker
from storage.departments import load_departments
from storage.migrate import upgrade
from storage.uow import unit_of_work
from tests.fake_telegram import FakeTelegram
from tests.harness import Chat, Clock

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = ROOT / "config" / "departments.toml"
#: Tuesday 1 December 2026, 10:00 in Kyiv: a working day, within working hours.
WORKDAY_MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake Telegram Bot API on 127.0.0.1, for the bot and the people in a test."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        await reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'reception.db'}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine)
    async with unit_of_work(create_sessionmaker(engine)) as uow:
        await uow.departments.sync(load_departments(DEPARTMENTS))
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def clock() -> Clock:
    return Clock(WORKDAY_MORNING)


@pytest.fixture
def config() -> ConversationConfig:
    return ConversationConfig()


@pytest.fixture
def conversation(
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
) -> Conversation:
    return Conversation(sessions, config, catalogs, clock=clock)


@pytest.fixture
def chat(conversation: Conversation) -> Chat:
    return Chat(conversation, "citizen-1")


@pytest.fixture
def other_chat(conversation: Conversation) -> Chat:
    return Chat(conversation, "citizen-2")
