"""Deadline control, run by the scheduler with `now` as an argument: reminders before due dates,
escalation of overdue appeals, the operators' daily digest, closing unrated answers. Each effect
is claimed in the database first, so two workers never do it twice."""

from datetime import timedelta

from handlers import notices, notify
from handlers.duty import Duty, today
from handlers.render import day, topic_name
from handlers.types import Reply
from reception.deadlines import forward_due, return_due
from reception.roles import Role
from reception.statuses import Status
from storage.records import NewEvent

LIST_IN_DIGEST = 10


async def remind(ctx: Duty) -> int:
    """Executors and their department's mailbox, N days before each due date."""
    now_day = today(ctx)
    due = [a for n in ctx.config.reminder_days for a in await ctx.uow.control.due_in(now_day, n)]
    sent = 0
    for appeal in due:
        left = (appeal.due_on - now_day).days
        if not await ctx.uow.control.claim_reminder(
            appeal.id, f"due{left}", appeal.due_on, ctx.now
        ):
            continue
        sent += 1
        await notices.publish(ctx, notices.DueSoon(appeal, left))
    return sent


async def escalate_overdue(ctx: Duty) -> int:
    """Operators learn at once of an appeal past its due date."""
    sent = 0
    for appeal in await ctx.uow.control.overdue(today(ctx), unreported=True):
        if not await ctx.uow.control.claim_reminder(appeal.id, "overdue", appeal.due_on, ctx.now):
            continue
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
    new = await ctx.uow.control.registered_since(ctx.now - timedelta(days=1))
    soon = await ctx.uow.appeals.due_between(day_of, day_of + timedelta(days=3), None, 1000)
    overdue = await ctx.uow.control.overdue(day_of)
    # Art. 7 and 5: the terms to forward and to return, counted by the work calendar.
    cal = ctx.config.calendar
    waiting = await ctx.uow.control.waiting_since(day_of)
    forward_late = [a for a in waiting if forward_due(a.received_on, cal) < day_of]
    return_late = [
        a for a in waiting if return_due(a.received_on, cal, lacking_data=False) < day_of
    ]
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
        for title, appeals in sections:
            lines.append("")
            lines.append(title.format(count=len(appeals)))
            lines += [
                f"  {a.reg_index} · {topic_name(view, a.topic)} · {day(view, a.due_on)}"
                for a in appeals[:LIST_IN_DIGEST]
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
