"""Staff commands: one row each in `STAFF_COMMANDS` — name, permission, usage, help line, the
card button that starts it, and the function that runs it. The help, the permission check, the
card's argument steps and the tests all read the table; adding a command is one row, one function
and the catalogue entries."""

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from handlers import answer_control
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.payloads import CardAction
from handlers.render import day, kind_name, role_name, status_name, topic_name
from handlers.staff_answer import start_answer
from handlers.staff_card import card, list_reply, not_found, role_of, visible
from handlers.throttle import record_wrong_guess, too_many_guesses
from handlers.types import OutgoingFile, Reply
from reception.deadlines import Term
from reception.markers import N_
from reception.reasons import NotConsidered
from reception.roles import ROLE_NAMES, Permission, Role, can, searches_authors
from reception.statistics import summarise
from reception.statuses import IN_WORK_STATUSES
from reception.validation import MAX_REASON_CHARS, clean_text
from storage.records import AppealRecord

INVITE_HOURS = 24
DUE_SOON_DAYS = 3

Run = Callable[[Ctx, "StaffCommand", str], Awaitable[list[Reply]]]
RunOnAppeal = Callable[[Ctx, "StaffCommand", AppealRecord, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class StaffCommand:
    """One staff command. Exactly one of `run` (takes the arguments) and `on_appeal` (takes the
    appeal named by the first argument, already checked to be visible, and the rest) is set."""

    name: str
    permission: Permission
    help: str
    usage: str | None = None
    run: Run | None = None
    on_appeal: RunOnAppeal | None = None
    #: The card button that starts it and asks for the rest in a step.
    card_action: CardAction | None = None

    def usage_reply(self, ctx: Ctx) -> list[Reply]:
        return [Reply(ctx._(self.usage or self.help))]


def scope(ctx: Ctx) -> int | None:
    """None: every department; else only the employee's own."""
    return None if can(role_of(ctx), Permission.VIEW_ALL) else ctx.person.department_id


def bounded(run: RunOnAppeal) -> RunOnAppeal:
    """For the commands whose remaining words are a date, a body, a reason or a note: cleaned,
    and refused when too long to keep."""

    async def checked(
        ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str
    ) -> list[Reply]:
        rest = clean_text(rest)
        if len(rest) > MAX_REASON_CHARS:
            return [
                Reply(
                    ctx._("Please keep it within {limit} characters.").format(
                        limit=MAX_REASON_CHARS
                    )
                )
            ]
        return await run(ctx, command, appeal, rest)

    return checked


# --- the functions the rows run ----------------------------------------------------------------


async def queue(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    if can(role_of(ctx), Permission.TRIAGE):
        appeals = await ctx.uow.appeals.queue()
        return [
            list_reply(ctx, ctx._("Awaiting triage (privileged first, then the oldest):"), appeals)
        ]
    department = ctx.person.department_id
    found = [
        a
        for a in await ctx.uow.appeals.due_between(date.min, date.max, department, 100)
        if a.status in IN_WORK_STATUSES
    ]
    return [list_reply(ctx, ctx._("Your department's appeals in work:"), found)]


async def due(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    first = act.today(ctx)
    appeals = await ctx.uow.appeals.due_between(
        first, first + timedelta(days=DUE_SOON_DAYS), scope(ctx)
    )
    return [list_reply(ctx, ctx._("Due within 3 days:"), appeals)]


async def overdue(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    appeals = await ctx.uow.appeals.overdue(act.today(ctx), scope(ctx))
    return [list_reply(ctx, ctx._("Past their due date:"), appeals)]


async def find(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    if len(arguments) < 2:
        return command.usage_reply(ctx)
    found = await ctx.uow.appeals.search(
        arguments[:100], scope(ctx), author_fields=searches_authors(role_of(ctx))
    )
    return [list_reply(ctx, ctx._("Found:"), found)]


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


async def stats(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = arguments.split()
    today = act.today(ctx)
    span = period(today, words[0].lower() if words else "month")
    if span is None or len(words) > 1:
        return command.usage_reply(ctx)
    first, last = span
    rows = await ctx.uow.reports.rows(first, last, scope(ctx))
    summary = summarise(rows, today)
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
    lines += [
        f"  {d if d != '-' else ctx._('not assigned')}: {n}"
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
        key = store.save_bytes(reports.chart(summary, title, ctx.locale))
        files = (
            OutgoingFile(key, f"stats-{first.isoformat()}-{last.isoformat()}.png", "image/png"),
        )
    return [Reply("\n".join(lines), files=files)]


async def report(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = arguments.split()
    previous = len(words) == 2 and words[1].lower() == "previous"
    if not words or len(words) > 2 or (len(words) == 2 and not previous):
        return command.usage_reply(ctx)
    span = period(act.today(ctx), words[0].lower(), previous)
    if span is None or words[0].lower() in ("all", "week"):
        return command.usage_reply(ctx)
    first, last = span
    reports, store = ctx.config.reports, ctx.config.files
    if reports is None or store is None:
        return [Reply(ctx._("Reports are not available in this installation."))]
    rows = await ctx.uow.reports.rows(first, last)
    data = reports.workbook(rows, first, last, ctx.locale)
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


async def assign(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    words = rest.split()
    # Art. 7 part 4, Art. 15: an assignment the law frowns on is made only when confirmed.
    confirmed = len(words) > 1 and words[-1].lower() == "confirm"
    if confirmed:
        words = words[:-1]
    if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("15", "30")):
        return command.usage_reply(ctx)
    department = await ctx.uow.departments.by_code(words[0].lower())
    if department is None or not department.active:
        codes = ", ".join(d.code for d in await ctx.uow.departments.all())
        return [
            Reply(
                ctx._("There is no department {code}. The codes are: {codes}").format(
                    code=words[0][:40], codes=codes
                )
            )
        ]
    term = Term(words[1]) if len(words) == 2 else ctx.config.default_term
    return [await act.assign(ctx, appeal, department, term, confirmed=confirmed)]


def parse_date(text: str) -> date | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


async def show(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await card(ctx, appeal)]


async def take(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await act.take(ctx, appeal)]


async def answer(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return await start_answer(ctx, appeal)


async def close(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await act.close(ctx, appeal)]


@bounded
async def extend(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    first, _, reason = rest.partition(" ")
    new_due = parse_date(first)
    if new_due is None or not reason.strip():
        return command.usage_reply(ctx)
    return [await act.extend(ctx, appeal, new_due, reason.strip())]


@bounded
async def forward(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    body, _, reason = rest.partition(";")
    if not body.strip() or not reason.strip():
        return command.usage_reply(ctx)
    return [await act.forward(ctx, appeal, body.strip(), reason.strip())]


@bounded
async def send_back(
    ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str
) -> list[Reply]:
    ground, _, explanation = rest.partition(" ")
    if ground.lower() == "art7":
        if not explanation.strip():
            return command.usage_reply(ctx)
        return [await act.send_back(ctx, appeal, explanation.strip(), lacking_data=True)]
    return [await act.send_back(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


@bounded
async def reject(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    code, _, comment = rest.partition(" ")
    if code not in {reason.value for reason in NotConsidered}:
        return command.usage_reply(ctx)
    reason = NotConsidered(code)
    comment = comment.strip()
    first, _, after = comment.partition(" ")
    if reason is NotConsidered.REPEATED:
        # Art. 8: the earlier appeal is named, and must be one this employee can see.
        earlier = await visible(ctx, first) if first else None
        if first and earlier is None:
            return [not_found(ctx, first)]
        return [await act.reject(ctx, appeal, reason, after.strip(), earlier=earlier)]
    if reason is NotConsidered.LATE and parse_date(first) is not None:
        return [await act.reject(ctx, appeal, reason, after.strip(), learned=parse_date(first))]
    return [await act.reject(ctx, appeal, reason, comment)]


async def review(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    appeals = await ctx.uow.appeals.on_review()
    return [list_reply(ctx, ctx._("Answers awaiting review (the oldest first):"), appeals)]


async def approve(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await answer_control.approve(ctx, appeal)]


@bounded
async def rework(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await answer_control.rework(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


@bounded
async def note(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await act.note(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


async def invite(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = arguments.split()
    role = words[0].lower() if words else ""
    if role not in ("operator", "admin", "executor") or (role == "executor") != (len(words) == 2):
        return command.usage_reply(ctx)
    department_id = None
    if role == "executor":
        department = await ctx.uow.departments.by_code(words[1].lower())
        if department is None or not department.active:
            codes = ", ".join(d.code for d in await ctx.uow.departments.all())
            return [
                Reply(
                    ctx._("There is no department {code}. The codes are: {codes}").format(
                        code=words[1][:40], codes=codes
                    )
                )
            ]
        department_id = department.id
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    await ctx.uow.staff.create_invite(
        code, role, department_id, ctx.person.id, ctx.now, ctx.now + timedelta(hours=INVITE_HOURS)
    )
    return [
        Reply(
            ctx._(
                "A one-time code for a new {role}: {code}\nIt is valid for 24 hours. The employee sends "
                "/join {code} to this bot from Telegram or Viber."
            ).format(role=ctx._(ROLE_NAMES[Role(role)]), code=code)
        )
    ]


async def join(ctx: Ctx, arguments: str) -> list[Reply]:
    code = arguments.strip()
    if not re.fullmatch(r"[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){2}", code):
        return [Reply(ctx._(JOIN_USAGE))]
    if await too_many_guesses(ctx, "join", code):
        return [
            Reply(
                ctx._(
                    "Too many wrong codes. Please wait an hour or ask the administrator for help."
                )
            )
        ]
    granted = await ctx.uow.staff.redeem_invite(code, ctx.person.id, ctx.now)
    if granted is None:
        await record_wrong_guess(ctx, "join", code)
        return [
            Reply(
                ctx._(
                    "This code is not valid or has expired. Ask the administrator for a new one."
                )
            )
        ]
    role, department_id = granted
    if role != Role.ADMIN.value and await ctx.uow.staff.is_last_admin(ctx.person.id):
        # The code is spent either way; the reception keeps its only administrator.
        return [
            Reply(
                ctx._(
                    "You are the only administrator, so your role cannot change. Make another "
                    "administrator first."
                )
            )
        ]
    await ctx.uow.staff.set_role(ctx.person.id, role, department_id)
    ctx.person = await ctx.uow.people.get(ctx.person.id)
    ctx.state.step = "menu"
    return [Reply(ctx._("Welcome to the reception's staff.") + "\n\n" + staff_help(ctx))]


#: /join is for anyone holding an invitation code, so it is not a staff command.
JOIN_USAGE = N_("Usage: /join CODE")

#: In the order of the help.
STAFF_COMMANDS: dict[str, StaffCommand] = {
    command.name: command
    for command in (
        StaffCommand(
            "/queue",
            Permission.VIEW_DEPARTMENT,
            N_("/queue — appeals waiting for you"),
            run=queue,
        ),
        StaffCommand(
            "/appeal",
            Permission.VIEW_DEPARTMENT,
            N_("/appeal INDEX — an appeal's card, history and actions"),
            N_("Usage: /appeal INDEX, for example /appeal Ш-12"),
            on_appeal=show,
        ),
        StaffCommand(
            "/find",
            Permission.FIND,
            N_("/find TEXT — search by index, name, phone or words"),
            N_("Usage: /find TEXT, PHONE or NAME"),
            run=find,
        ),
        StaffCommand("/due", Permission.VIEW_DEPARTMENT, N_("/due — due within 3 days"), run=due),
        StaffCommand(
            "/overdue",
            Permission.VIEW_DEPARTMENT,
            N_("/overdue — past their due date"),
            run=overdue,
        ),
        StaffCommand(
            "/stats",
            Permission.VIEW_DEPARTMENT,
            N_("/stats [week|month|quarter|year|all] — figures and a chart"),
            N_("Usage: /stats [week|month|quarter|year|all]"),
            run=stats,
        ),
        StaffCommand(
            "/note",
            Permission.NOTE,
            N_("/note INDEX TEXT — an internal note"),
            N_("Usage: /note INDEX TEXT"),
            on_appeal=note,
            card_action=CardAction.NOTE,
        ),
        StaffCommand(
            "/take",
            Permission.TAKE,
            N_("/take INDEX — take an appeal of your department into work"),
            N_("Usage: /take INDEX"),
            on_appeal=take,
            card_action=CardAction.TAKE,
        ),
        StaffCommand(
            "/answer",
            Permission.ANSWER,
            N_("/answer INDEX — answer: the text, files, the result"),
            N_("Usage: /answer INDEX, then the text and files of the answer"),
            on_appeal=answer,
            card_action=CardAction.ANSWER,
        ),
        StaffCommand(
            "/assign",
            Permission.TRIAGE,
            N_("/assign INDEX DEPARTMENT [15|30] [confirm] — send to a department with a term"),
            N_(
                "Usage: /assign INDEX DEPARTMENT [15|30] [confirm], for example /assign Ш-12 "
                "zhkh 30"
            ),
            on_appeal=assign,
            card_action=CardAction.ASSIGN,
        ),
        StaffCommand(
            "/extend",
            Permission.EXTEND,
            N_("/extend INDEX DD.MM.YYYY REASON — extend (45 days from receipt at most)"),
            N_("Usage: /extend INDEX DD.MM.YYYY REASON"),
            on_appeal=extend,
            card_action=CardAction.EXTEND,
        ),
        StaffCommand(
            "/forward",
            Permission.TRIAGE,
            N_("/forward INDEX BODY; REASON — forward by competence (Art. 7)"),
            N_("Usage: /forward INDEX BODY; REASON"),
            on_appeal=forward,
            card_action=CardAction.FORWARD,
        ),
        StaffCommand(
            "/return",
            Permission.TRIAGE,
            N_(
                "/return INDEX [art7] REASON — return to the author (Art. 5 within 10 days; "
                "art7: lacking data, within 5 days)"
            ),
            N_("Usage: /return INDEX [art7] REASON (art7: lacking data, Art. 7)"),
            on_appeal=send_back,
            card_action=CardAction.RETURN,
        ),
        StaffCommand(
            "/reject",
            Permission.TRIAGE,
            N_(
                "/reject INDEX anonymous|repeated EARLIER|late [DD.MM.YYYY]|incapable [COMMENT] "
                "— not to consider (the closed list of Art. 8)"
            ),
            N_(
                "Usage: /reject INDEX anonymous|repeated EARLIER|late [DD.MM.YYYY]|incapable "
                "[COMMENT]"
            ),
            on_appeal=reject,
            card_action=CardAction.REJECT,
        ),
        StaffCommand(
            "/review",
            Permission.REVIEW,
            N_("/review — answers awaiting your review before the citizen sees them"),
            run=review,
        ),
        StaffCommand(
            "/approve",
            Permission.REVIEW,
            N_("/approve INDEX — approve the answer and send it to the citizen"),
            N_("Usage: /approve INDEX"),
            on_appeal=approve,
            card_action=CardAction.APPROVE,
        ),
        StaffCommand(
            "/rework",
            Permission.REVIEW,
            N_("/rework INDEX REASON — return the answer to the executor for rework"),
            N_("Usage: /rework INDEX REASON"),
            on_appeal=rework,
            card_action=CardAction.REWORK,
        ),
        StaffCommand(
            "/close",
            Permission.TRIAGE,
            N_("/close INDEX — close an answered appeal the citizen has not rated"),
            N_("Usage: /close INDEX"),
            on_appeal=close,
        ),
        StaffCommand(
            "/report",
            Permission.STATS,
            N_("/report month|quarter|year [previous] — a spreadsheet for the council"),
            N_("Usage: /report month|quarter|year [previous]"),
            run=report,
        ),
        StaffCommand(
            "/invite",
            Permission.INVITE,
            N_(
                "/invite operator | admin | executor DEPARTMENT — a one-time code for a new employee"
            ),
            N_("Usage: /invite operator, /invite admin or /invite executor DEPARTMENT"),
            run=invite,
        ),
    )
}


def for_card_action(action: CardAction) -> StaffCommand:
    return next(c for c in STAFF_COMMANDS.values() if c.card_action is action)


def staff_help(ctx: Ctx) -> str:
    role = role_of(ctx)
    lines = [ctx._("You work in the reception as: {role}.").format(role=role_name(ctx, role))]
    lines += [ctx._(c.help) for c in STAFF_COMMANDS.values() if can(role, c.permission)]
    return "\n".join(lines)


async def run_command(ctx: Ctx, name: str, arguments: str) -> list[Reply]:
    ctx.state.step = "menu"
    command = STAFF_COMMANDS[name]
    if not can(role_of(ctx), command.permission):
        return [Reply(ctx._("Your role does not allow this."))]
    arguments = arguments.strip()
    try:
        if command.run is not None:
            return await command.run(ctx, command, arguments)
        assert command.on_appeal is not None
        words = arguments.split()
        if not words:
            return command.usage_reply(ctx)
        appeal = await visible(ctx, words[0])
        if appeal is None:
            return [not_found(ctx, words[0])]
        return await command.on_appeal(ctx, command, appeal, arguments[len(words[0]) :].strip())
    except act.ActionRefused as refused:
        return [refused.reply]
