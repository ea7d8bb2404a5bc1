"""The staff's lists and figures: the queue, due and overdue appeals, search, appeals near a
place, paging through them, /stats and the council's /report."""

from datetime import date, timedelta

from handlers.context import Ctx
from handlers.duty import today
from handlers.kept import Kept
from handlers.payloads import ListKind
from handlers.render import day, kind_name, status_name, topic_name
from handlers.staff_card import LIST_LIMIT, list_reply, role_of
from handlers.staff_rows import StaffCommand, scope
from handlers.staff_words import canonical
from handlers.types import OutgoingFile, Reply
from reception.roles import Permission, can, searches_authors
from reception.statistics import summarise
from storage.listings import (
    DueBetween,
    InWork,
    Listing,
    Near,
    OnReview,
    Overdue,
    Queue,
    Search,
)

#: How far around a shared place /find looks.
NEAR_METRES = 300
DUE_SOON_DAYS = 3


async def queue(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    if can(role_of(ctx), Permission.TRIAGE):
        return await show_page(ctx, ListKind.QUEUE, 0)
    return await show_page(ctx, ListKind.IN_WORK, 0)


async def due(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    return await show_page(ctx, ListKind.DUE, 0)


async def overdue(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    return await show_page(ctx, ListKind.OVERDUE, 0)


async def find(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    if len(arguments) < 2:
        return command.usage_reply(ctx)
    # Kept for the "next page" button: a payload has no room for the words searched.
    ctx.state.data[Kept.FOUND] = arguments[:100]
    return await show_page(ctx, ListKind.FOUND, 0)


async def near(ctx: Ctx, latitude: float, longitude: float) -> list[Reply]:
    """A place shared by an employee: the appeals reported around it."""
    if not can(role_of(ctx), Permission.FIND):
        return [Reply(ctx._("Your role does not allow this."))]
    ctx.state.data[Kept.NEAR] = [latitude, longitude]
    return await show_page(ctx, ListKind.NEAR, 0)


async def review(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    return await show_page(ctx, ListKind.REVIEW, 0)


async def show_page(ctx: Ctx, listing: ListKind, number: int) -> list[Reply]:
    """One page of a staff list; the buttons turn to the next and previous pages."""
    first = today(ctx)
    offset = number * LIST_LIMIT
    titles = {
        ListKind.QUEUE: ctx._("Awaiting triage (privileged first, then the oldest):"),
        ListKind.IN_WORK: ctx._("Your department's appeals in work:"),
        ListKind.DUE: ctx._("Due within 3 days:"),
        ListKind.OVERDUE: ctx._("Past their due date:"),
        ListKind.FOUND: ctx._("Found:"),
        ListKind.REVIEW: ctx._("Answers awaiting review (the oldest first):"),
        ListKind.NEAR: ctx._("Appeals within about {metres} m of the place you shared:").format(
            metres=NEAR_METRES
        ),
    }
    near = ctx.state.data.get(Kept.NEAR) or [0.0, 0.0]
    kinds: dict[ListKind, Listing] = {
        ListKind.QUEUE: Queue(),
        ListKind.REVIEW: OnReview(),
        ListKind.IN_WORK: InWork(ctx.person.department_id),
        ListKind.DUE: DueBetween(first, first + timedelta(days=DUE_SOON_DAYS), scope(ctx)),
        ListKind.OVERDUE: Overdue(first, scope(ctx)),
        ListKind.FOUND: Search(
            str(ctx.state.data.get(Kept.FOUND, "")),
            scope(ctx),
            author_fields=searches_authors(role_of(ctx)),
        ),
        ListKind.NEAR: Near(float(near[0]), float(near[1]), NEAR_METRES, scope(ctx)),
    }
    listing_of = kinds.get(listing)
    needs = {ListKind.QUEUE: Permission.TRIAGE, ListKind.REVIEW: Permission.REVIEW}
    if listing_of is None or not can(role_of(ctx), needs.get(listing, Permission.VIEW_DEPARTMENT)):
        return []
    if listing is ListKind.FOUND and len(str(ctx.state.data.get(Kept.FOUND, ""))) < 2:
        return []
    if listing is ListKind.NEAR and Kept.NEAR not in ctx.state.data:
        return []
    page = await ctx.uow.appeals.page(listing_of, offset, LIST_LIMIT)
    return [list_reply(ctx, titles[listing], page, listing)]


def period(today: date, name: str, previous: bool = False) -> tuple[date, date] | None:
    """The calendar period that contains today (or the one before it): first and last day."""
    if name == "all":
        return date(2000, 1, 1), today
    if name == "week":
        first = today - timedelta(days=today.weekday())
        return (
            (first - timedelta(days=7), first - timedelta(days=1)) if previous else (first, today)
        )
    if name == "month":
        first = today.replace(day=1)
        if previous:
            last = first - timedelta(days=1)
            return last.replace(day=1), last
        return first, today
    if name == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if previous:
            last = first - timedelta(days=1)
            return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last
        return first, today
    if name == "year":
        first = date(today.year, 1, 1)
        return (
            (date(today.year - 1, 1, 1), first - timedelta(days=1)) if previous else (first, today)
        )
    return None


def period_words(arguments: str) -> list[str]:
    return [canonical(word) for word in arguments.split()]


async def stats(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = period_words(arguments)
    this_day = today(ctx)
    span = period(this_day, words[0].lower() if words else "month")
    if span is None or len(words) > 1:
        return command.usage_reply(ctx)
    first, last = span
    rows = await ctx.uow.reports.rows(first, last, scope(ctx))
    summary = summarise(rows, this_day)
    title = ctx._("Appeals received from {first} to {last}").format(
        first=day(ctx, first), last=day(ctx, last)
    )
    lines = [title, ctx._("In all: {count}").format(count=summary.total), ""]
    lines.append(ctx._("By status:"))
    lines += [f"  {status_name(ctx, s)}: {n}" for s, n in summary.by_status.items()]
    lines.append(ctx._("By kind:"))
    lines += [f"  {kind_name(ctx, k)}: {n}" for k, n in summary.by_kind.items()]
    lines.append(ctx._("By topic:"))
    lines += [f"  {topic_name(ctx, t)}: {n}" for t, n in list(summary.by_topic.items())[:10]]
    lines.append(ctx._("By department:"))
    names = {d.code: d.name(ctx.locale) for d in await ctx.uow.departments.all()}
    lines += [
        f"  {names.get(d, d) if d != '-' else ctx._('not assigned')}: {n}"
        for d, n in summary.by_department.items()
    ]
    lines.append(ctx._("Overdue now: {count}").format(count=summary.overdue))
    if summary.median_days_to_answer is not None:
        lines.append(
            ctx._("Median days to answer: {days}").format(
                days=f"{summary.median_days_to_answer:g}"
            )
        )
    if summary.average_rating is not None:
        lines.append(
            ctx._("Average rating: {rating}").format(rating=f"{summary.average_rating:g}")
        )
    files: tuple[OutgoingFile, ...] = ()
    reports, store = ctx.config.reports, ctx.config.files
    if reports is not None and store is not None and rows:
        key = store.save_bytes(reports.chart(summary, title, ctx.locale, names))
        files = (
            OutgoingFile(key, f"stats-{first.isoformat()}-{last.isoformat()}.png", "image/png"),
        )
    return [Reply("\n".join(lines), files=files)]


async def report(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = period_words(arguments)
    previous = len(words) == 2 and words[1].lower() == "previous"
    if not words or len(words) > 2 or (len(words) == 2 and not previous):
        return command.usage_reply(ctx)
    span = period(today(ctx), words[0].lower(), previous)
    if span is None or words[0].lower() in ("all", "week"):
        return command.usage_reply(ctx)
    first, last = span
    reports, store = ctx.config.reports, ctx.config.files
    if reports is None or store is None:
        return [Reply(ctx._("Reports are not available in this installation."))]
    rows = await ctx.uow.reports.rows(first, last)
    names = {d.code: d.name(ctx.locale) for d in await ctx.uow.departments.all()}
    data = reports.workbook(rows, first, last, ctx.locale, names)
    name = f"report-{first.isoformat()}-{last.isoformat()}.xlsx"
    file = OutgoingFile(
        store.save_bytes(data),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        len(data),
    )
    return [
        Reply(
            ctx._("The report on appeals received from {first} to {last}: {count} in all.").format(
                first=day(ctx, first), last=day(ctx, last), count=len(rows)
            ),
            files=(file,),
        )
    ]
