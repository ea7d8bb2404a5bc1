"""Wiring: settings → database, catalogues, the conversation."""

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import InstrumentedConversation
from bot.report_files import ReportFiles
from bot.settings import Settings
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.attachments import AttachmentStore
from storage.db import create_engine, create_sessionmaker
from storage.departments import example_departments_file, load_departments
from storage.migrate import is_current, upgrade
from storage.uow import unit_of_work


class StartupError(RuntimeError):
    """A problem the person starting the reception can fix; its message is one clear line."""


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    conversation: Conversation
    attachments: AttachmentStore
    catalogs: Catalogs

    async def close(self) -> None:
        await self.engine.dispose()


async def migrate(settings: Settings, engine: AsyncEngine) -> None:
    """Bring the schema to the latest revision and the departments in step with their file."""
    entries = load_departments(settings.departments_file or example_departments_file())
    await upgrade(engine)
    async with unit_of_work(create_sessionmaker(engine)) as uow:
        await uow.departments.sync(entries)


async def build_app(settings: Settings) -> App:
    engine = create_engine(settings.database_url)
    if settings.auto_migrate:
        await migrate(settings, engine)
    elif not await is_current(engine):
        await engine.dispose()
        raise StartupError("the database schema is not current: run `python -m bot migrate`")
    sessions = create_sessionmaker(engine)
    catalogs = settings.catalogs()
    attachments = AttachmentStore(settings.attachments_dir)
    config = replace(
        settings.conversation_config(), reports=ReportFiles(catalogs), files=attachments
    )
    conversation = InstrumentedConversation(sessions, config, catalogs)
    return App(settings, engine, sessions, conversation, attachments, catalogs)
