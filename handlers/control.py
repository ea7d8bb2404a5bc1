"""Deadline control, run by the scheduler with `now` as an argument: reminders before due dates,
escalation of overdue appeals, the operators' daily digest, closing unrated answers. Each effect
is claimed in the database first, so two workers never do it twice."""

from datetime import date, timedelta

from handlers import notices, notify
from handlers.duty import Duty, today
from handlers.render import day, topic_name
from handlers.types import Reply
from reception.deadlines import forward_due, return_due
from reception.roles import Role
from reception.statuses import Status
from storage.listings import (
    AwaitingTriageFrom,
    DueBetween,
    Listing,
    Overdue,
    RegisteredSince,
)
from storage.records import AppealRecord, NewEvent

LIST_IN_DIGEST = 10


async def remind(ctx: Duty) -> int:
    """Executors and their department's mailbox, N days before each due date."""
    now_day = today(ctx)
    sent = 0
    for days in ctx.config.reminder_days:
        after = 0
        # A batch at a time (issue 14); every appeal of a batch is claimed or was sent, so the
        # next batch starts after the last id.
        while due := await ctx.uow.control.due_in(now_day, days, after):
            after = due[-1].id
            for appeal in due:
                if await ctx.uow.control.claim_reminder(
                    appeal.id, f"due{days}", appeal.due_on, ctx.now
                ):
                    sent += 1
                    await notices.publish(ctx, notices.DueSoon(appeal, days))
    return sent


async def escalate_overdue(ctx: Duty) -> int:
    """Operators learn at once of an appeal past its due date."""
    sent = 0
    after: tuple[date, int] | None = None
    while late := await ctx.uow.control.unreported_overdue(today(ctx), after):
        after = (late[-1].due_on, late[-1].id)
        for appeal in late:
            if await ctx.uow.control.claim_reminder(appeal.id, "overdue", appeal.due_on, ctx.now):
                sent += 1
                await notices.publish(ctx, notices.Overdue(appeal))
    return sent


async def digest(ctx: Duty) -> bool:
    """Once a day, from the digest time on, each operator gets the day's picture."""
    local = ctx.now.astimezone(ctx.config.calendar.timezone)
    if local.time() < ctx.config.digest_time:
        return False
    day_of = local.date()
    if not await ctx.uow.control.claim_run("digest", day_of.isoformat(), ctx.now):
        return False
    # Counted in SQL, and only the rows shown read (issue 14: the first pass of the day read
    # every overdue and waiting appeal at 10^6 stored).
    listed: list[Listing] = [
        RegisteredSince(ctx.now - timedelta(days=1)),
        DueBetween(day_of, day_of + timedelta(days=3), None),
        Overdue(day_of, None),
    ]
    new, soon, overdue = [
        (
            await ctx.uow.control.count(listing),
            await ctx.uow.control.first(listing, LIST_IN_DIGEST),
        )
        for listing in listed
    ]
    # Art. 7 and 5: the terms to forward and to return, counted by the work calendar per day
    # received.
    cal = ctx.config.calendar
    by_day = await ctx.uow.control.waiting_by_day(day_of)
    forward_late = await _waiting(ctx, [(d, n) for d, n in by_day if forward_due(d, cal) < day_of])
    return_late = await _waiting(
        ctx, [(d, n) for d, n in by_day if return_due(d, cal, lacking_data=False) < day_of]
    )
    undelivered = await ctx.uow.control.undelivered_since(ctx.now - timedelta(days=1))
    people = await ctx.uow.staff.of_roles((Role.OPERATOR.value, Role.ADMIN.value))
    for person in people:
        view = ctx.speakers.of(person.locale)
        sections = [
            (view._("New in the last 24 hours: {count}"), new),
            (view._("Due within 3 days: {count}"), soon),
            (view._("Overdue: {count}"), overdue),
            (
                view._(
                    "Awaiting triage for over 5 days (the term to forward has passed): {count}"
                ),
                forward_late,
            ),
            (
                view._(
                    "Awaiting triage for over 10 days (the term to return has passed): {count}"
                ),
                return_late,
            ),
        ]
        lines = [view._("Daily digest for {date}").format(date=day(view, day_of))]
        for title, (count, appeals) in sections:
            lines.append("")
            lines.append(title.format(count=count))
            lines += [
                f"  {a.reg_index} · {topic_name(view, a.topic)} · {day(view, a.due_on)}"
                for a in appeals
            ]
        if undelivered:
            lines += [
                "",
                view._(
                    "Messages that could not be delivered in the last 24 hours (the person blocked "
                    "the bot or left the messenger): {count}"
                ).format(count=undelivered),
            ]
        await notify.to_person(ctx, person.id, "staff:digest", Reply("\n".join(lines)), None)
    return True


async def _waiting(ctx: Duty, days: list[tuple[date, int]]) -> tuple[int, list[AppealRecord]]:
    """How many appeals await triage received on the days (with their counts, oldest first),
    and the first of them: read from the fewest oldest days that hold enough."""
    shown: list[date] = []
    listed = 0
    for received, count in days:
        if listed >= LIST_IN_DIGEST:
            break
        shown.append(received)
        listed += count
    first = await ctx.uow.control.first(AwaitingTriageFrom(tuple(shown)), LIST_IN_DIGEST)
    return sum(n for _, n in days), first


async def close_unrated(ctx: Duty) -> int:
    """An answer left unrated for the set number of days closes the appeal."""
    limit = ctx.now - timedelta(days=ctx.config.auto_close_days)
    closed = 0
    for appeal in await ctx.uow.control.answered_before(limit):
        await ctx.uow.appeals.transition(
            appeal.id,
            Status.ANSWERED,
            Status.CLOSED,
            NewEvent("closed", None, "system", ctx.now),
            closed_at=ctx.now,
        )
        await notices.publish(
            ctx, notices.AppealClosed(appeal, unrated_days=ctx.config.auto_close_days)
        )
        closed += 1
    return closed
