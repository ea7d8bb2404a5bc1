"""APScheduler 3 in `run`: a few interval jobs that scan the database for what is due. Jobs are
not persisted (its SQLAlchemy store is synchronous and pickles); each run takes `now`, and every
effect is claimed in the database, so two instances never do one thing twice."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dbwatch import DatabaseWatch
from handlers.config import ConversationConfig
from handlers.i18n import Catalogs
from handlers.jobs import JOBS, run_job
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

CONTROL_EVERY_SECONDS = 60


async def run_control(
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    now: datetime,
    watch: DatabaseWatch | None = None,
) -> dict[str, int]:
    """Every control job once at `now`, each in its own transaction. While the database is
    away the jobs wait for the next tick: each claims its effects, so nothing is missed."""
    watch = watch or DatabaseWatch()
    done: dict[str, int] = {}
    for name, job in JOBS:
        try:
            async with unit_of_work(sessions) as uow:
                done[name] = await run_job(job, uow, config, catalogs, now)
            watch.ok()
        except Exception as error:
            if watch.failed(error):
                break
            log.exception("control job %s failed", name)
    return done


def start_scheduler(
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    watch: DatabaseWatch,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    *,
    on_run: Callable[[datetime], None] | None = None,
) -> AsyncIOScheduler:
    async def tick() -> None:
        now = clock()
        await run_control(sessions, config, catalogs, now, watch)
        if on_run is not None:  # readiness and metrics: the scheduler is alive
            on_run(now)

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        seconds=CONTROL_EVERY_SECONDS,
        id="control",
        max_instances=1,
        coalesce=True,
        next_run_time=clock(),
    )
    scheduler.start()
    return scheduler
