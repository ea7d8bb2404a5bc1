"""Wiring: settings → database, catalogues, the conversation."""

from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
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


def shown_url(url: str) -> str:
    """A database URL fit for a message: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ValueError, SQLAlchemyError):
        return "(unparsable)"


async def ensure_reachable(settings: Settings, engine: AsyncEngine) -> None:
    """Connect once, so that a database that is down or misnamed is one clear line, not a
    driver's traceback. (A dropped PostgreSQL connection may surface as OSError: TECH-NOTES.)"""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        cause = (
            error.orig if isinstance(error, SQLAlchemyError) and hasattr(error, "orig") else error
        )
        raise StartupError(
            f"cannot use the database at DATABASE_URL={shown_url(settings.database_url)} "
            f"({type(cause).__name__}): check that it runs, is reachable and the URL, user "
            "and password are right"
        ) from None


async def migrate(settings: Settings, engine: AsyncEngine) -> None:
    """Bring the schema to the latest revision and the departments in step with their file."""
    entries = load_departments(settings.departments_file or example_departments_file())
    await ensure_reachable(settings, engine)
    await upgrade(engine)
    async with unit_of_work(create_sessionmaker(engine)) as uow:
        await uow.departments.sync(entries)


async def build_app(settings: Settings) -> App:
    try:
        catalogs = settings.catalogs()
    except OSError as error:
        raise StartupError(
            f"{error}: set LOCALES_DIR to a folder with uk/ and en/ catalogues, or unset it"
        ) from None
    engine = create_engine(settings.database_url)
    try:
        if settings.auto_migrate:
            await migrate(settings, engine)
        else:
            await ensure_reachable(settings, engine)
            if not await is_current(engine):
                raise StartupError(
                    "the database schema is not current: run `python -m bot migrate`"
                )
    except BaseException:
        await engine.dispose()
        raise
    sessions = create_sessionmaker(engine)
    attachments = AttachmentStore(settings.attachments_dir)
    config = replace(
        settings.conversation_config(), reports=ReportFiles(catalogs), files=attachments
    )
    conversation = InstrumentedConversation(sessions, config, catalogs)
    return App(settings, engine, sessions, conversation, attachments, catalogs)
