"""After the record-keeping term (Instruction No. 348: appeals are kept 5 years — an unverified
item, so the setting RETENTION_YEARS), finished appeals lose their author's data, text, place
and files; the codes stay for statistics (Law No. 2297-VI, Art. 15: data are kept no longer
than their purpose needs)."""

from datetime import date, datetime, timedelta

from handlers.duty import Duty, today
from handlers.file_checks import delete_stored


def retention_cutoff(day: date, years: int) -> date:
    """Appeals received before this day have been kept `years` full years."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def anonymise_expired(ctx: Duty) -> int:
    count, keys = await ctx.uow.data_rights.anonymise_received_before(
        retention_cutoff(today(ctx), ctx.config.retention_years), ctx.now
    )
    ctx.uow.after_commit(lambda: delete_stored(ctx.config.files, keys))
    return count


async def once_a_day(ctx: Duty, job: str) -> bool:
    """The forgetting jobs scan whole tables: once a day is soon enough for terms of days and
    years, and keeps the scheduler's minute cheap."""
    return await ctx.uow.control.claim_run(job, today(ctx).isoformat(), ctx.now)


async def forget_idle_people(ctx: Duty) -> int:
    """A citizen with no appeal left and silent for the whole term: nothing needs their
    details any more."""
    if not await once_a_day(ctx, "forget_idle_people"):
        return 0
    cutoff = retention_cutoff(today(ctx), ctx.config.retention_years)
    before = datetime.combine(cutoff, datetime.min.time(), ctx.config.calendar.timezone)
    return await ctx.uow.data_rights.forget_idle_people(before, ctx.now)


async def forget_sent_messages(ctx: Duty) -> int:
    if not await once_a_day(ctx, "forget_sent_messages"):
        return 0
    return await ctx.uow.data_rights.forget_settled_messages(
        ctx.now - timedelta(days=ctx.config.outbox_retention_days)
    )


async def forget_draft_files(ctx: Duty) -> int:
    if not await once_a_day(ctx, "forget_draft_files"):
        return 0
    keys = await ctx.uow.data_rights.forget_draft_files(
        ctx.now - timedelta(days=ctx.config.draft_file_days)
    )
    ctx.uow.after_commit(lambda: delete_stored(ctx.config.files, keys))
    return len(keys)
