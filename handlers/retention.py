"""After the record-keeping term (Instruction No. 348: appeals are kept 5 years — an unverified
item, so the setting RETENTION_YEARS), finished appeals lose their author's data, text, place
and files; the codes stay for statistics (Law No. 2297-VI, Art. 15: data are kept no longer
than their purpose needs)."""

from datetime import date

from handlers.duty import Duty, today


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
    if ctx.config.files is not None:
        for key in keys:
            ctx.config.files.delete(key)
    return count
