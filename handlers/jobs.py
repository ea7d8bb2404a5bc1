"""The reception's scheduled work: what each control job does is in `control`, `retention` and
`throttle`; `bot/scheduler.py` only decides when they run."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from handlers import control, retention, throttle
from handlers.config import ConversationConfig
from handlers.duty import Duty
from handlers.i18n import Catalogs
from storage.uow import UnitOfWork

Job = Callable[[Duty], Awaitable[int | bool]]

JOBS: tuple[tuple[str, Job], ...] = (
    ("remind", control.remind),
    ("overdue", control.escalate_overdue),
    ("digest", control.digest),
    ("close_unrated", control.close_unrated),
    ("anonymise", retention.anonymise_expired),
    # After the anonymising: a person whose last appeal has just lost its author goes too.
    ("forget_idle_people", retention.forget_idle_people),
    ("forget_sent_messages", retention.forget_sent_messages),
    ("forget_draft_files", retention.forget_draft_files),
    ("forget_attempts", throttle.forget_old_attempts),
)


async def run_job(
    job: Job, uow: UnitOfWork, config: ConversationConfig, catalogs: Catalogs, now: datetime
) -> int:
    """One job in one unit of work; how many things it did."""
    return int(await job(Duty.of(uow, config, catalogs, now)))
