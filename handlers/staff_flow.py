"""Staff commands and the steps that collect their arguments from buttons and messages."""

import re
import secrets
from datetime import date, datetime, timedelta

from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.file_checks import keep_file
from handlers.filing import file_refusal, text_problem
from handlers.payloads import Act, OpenCard
from handlers.render import day, kind_name, result_name, role_name, status_name, topic_name
from handlers.staff_card import card, list_reply, not_found, role_of, visible, visible_by_id
from handlers.throttle import record_wrong_guess, too_many_guesses
from handlers.types import Button, OutgoingFile, Reply
from reception.classifier import ANSWER_RESULTS, Result
from reception.deadlines import Term
from reception.files import MAX_FILES_PER_APPEAL, safe_name
from reception.markers import N_
from reception.reasons import NOT_CONSIDERED_NAMES, NotConsidered
from reception.roles import ROLE_NAMES, Permission, Role, can, is_staff, searches_authors
from reception.statistics import summarise
from reception.statuses import Status
from reception.validation import MAX_REASON_CHARS, clean_text
from storage.records import AppealRecord

INVITE_HOURS = 24
DUE_SOON_DAYS = 3

STAFF_COMMANDS = frozenset(
    {
        "/queue",
        "/appeal",
        "/assign",
        "/take",
        "/answer",
        "/extend",
        "/forward",
        "/return",
        "/reject",
        "/note",
        "/find",
        "/due",
        "/overdue",
        "/stats",
        "/invite",
        "/report",
    }
)

USAGE: dict[str, str] = {
    "/appeal": N_("Usage: /appeal INDEX, for example /appeal Ш-12"),
    "/assign": N_("Usage: /assign INDEX DEPARTMENT [15|30], for example /assign Ш-12 zhkh 30"),
    "/take": N_("Usage: /take INDEX"),
    "/answer": N_("Usage: /answer INDEX, then the text and files of the answer"),
    "/extend": N_("Usage: /extend INDEX DD.MM.YYYY REASON"),
    "/forward": N_("Usage: /forward INDEX BODY; REASON"),
    "/return": N_("Usage: /return INDEX [art7] REASON (art7: lacking data, Art. 7)"),
    "/reject": N_("Usage: /reject INDEX anonymous|repeated|late|incapable [COMMENT]"),
    "/note": N_("Usage: /note INDEX TEXT"),
    "/find": N_("Usage: /find TEXT, PHONE or NAME"),
    "/invite": N_("Usage: /invite operator, /invite admin or /invite executor DEPARTMENT"),
    "/join": N_("Usage: /join CODE"),
    "/stats": N_("Usage: /stats [week|month|quarter|year|all]"),
    "/report": N_("Usage: /report month|quarter|year [previous]"),
}

COMMAND_PERMISSIONS: dict[str, Permission] = {
    "/queue": Permission.VIEW_DEPARTMENT,
    "/appeal": Permission.VIEW_DEPARTMENT,
    "/assign": Permission.TRIAGE,
    "/take": Permission.TAKE,
    "/answer": Permission.ANSWER,
    "/extend": Permission.EXTEND,
    "/forward": Permission.TRIAGE,
    "/return": Permission.TRIAGE,
    "/reject": Permission.TRIAGE,
    "/note": Permission.NOTE,
    "/find": Permission.FIND,
    "/due": Permission.VIEW_DEPARTMENT,
    "/overdue": Permission.VIEW_DEPARTMENT,
    "/stats": Permission.VIEW_DEPARTMENT,
    "/invite": Permission.INVITE,
    "/report": Permission.STATS,
}


def usage(ctx: Ctx, command: str) -> Reply:
    return Reply(ctx._(USAGE[command]))


def scope(ctx: Ctx) -> int | None:
    """None: every department; else only the employee's own."""
    return None if can(role_of(ctx), Permission.VIEW_ALL) else ctx.person.department_id


def staff_help(ctx: Ctx) -> str:
    role = role_of(ctx)
    lines = [ctx._("You work in the reception as: {role}.").format(role=role_name(ctx, role))]
    lines.append(
        ctx._(
            "/queue — appeals waiting for you\n/appeal INDEX — an appeal's card, history and "
            "actions\n/find TEXT — search by index, name, phone or words\n/due — due within 3 days\n"
            "/overdue — past their due date\n/stats — figures\n/note INDEX TEXT — an internal note"
        )
    )
    if can(role, Permission.TAKE):
        lines.append(ctx._("/take INDEX — take an appeal of your department into work"))
    if can(role, Permission.ANSWER):
        lines.append(ctx._("/answer INDEX — answer: the text, files, the result"))
    if can(role, Permission.TRIAGE):
        lines.append(
            ctx._(
                "/assign INDEX DEPARTMENT [15|30] — send to a department with a term\n/extend INDEX "
                "DD.MM.YYYY REASON — extend (45 days from receipt at most)\n/forward INDEX BODY; "
                "REASON — forward by competence (Art. 7)\n/return INDEX [art7] REASON — return to "
                "the author (Art. 5 within 10 days; art7: lacking data, within 5 days)\n/reject INDEX anonymous|repeated|late|incapable [COMMENT] — "
                "not to consider (the closed list of Art. 8)"
            )
        )
    if can(role, Permission.STATS):
        lines.append(
            ctx._(
                "/stats [week|month|quarter|year|all] — figures and a chart\n"
                "/report month|quarter|year [previous] — a spreadsheet for the "
                "council"
            )
        )
    if can(role, Permission.INVITE):
        lines.append(
            ctx._(
                "/invite operator | admin | executor DEPARTMENT — a one-time code for "
                "a new employee"
            )
        )
    return "\n".join(lines)


async def run_command(ctx: Ctx, command: str, arguments: str) -> list[Reply]:
    ctx.state.step = "menu"
    permission = COMMAND_PERMISSIONS[command]
    if not can(role_of(ctx), permission):
        return [Reply(ctx._("Your role does not allow this."))]
    try:
        return await _command(ctx, command, arguments.strip())
    except act.ActionRefused as refused:
        return [refused.reply]


async def _command(ctx: Ctx, command: str, arguments: str) -> list[Reply]:
    words = arguments.split()
    if command == "/queue":
        return [await queue(ctx)]
    if command == "/due":
        first = act.today(ctx)
        appeals = await ctx.uow.appeals.due_between(
            first, first + timedelta(days=DUE_SOON_DAYS), scope(ctx)
        )
        return [list_reply(ctx, ctx._("Due within 3 days:"), appeals)]
    if command == "/overdue":
        appeals = await ctx.uow.appeals.overdue(act.today(ctx), scope(ctx))
        return [list_reply(ctx, ctx._("Past their due date:"), appeals)]
    if command == "/stats":
        return await stats(ctx, words)
    if command == "/report":
        return await report(ctx, words)
    if command == "/find":
        if len(arguments) < 2:
            return [usage(ctx, command)]
        found = await ctx.uow.appeals.search(
            arguments[:100], scope(ctx), author_fields=searches_authors(role_of(ctx))
        )
        return [list_reply(ctx, ctx._("Found:"), found)]
    if command == "/invite":
        return [await invite(ctx, words)]
    if not words:
        return [usage(ctx, command)]
    appeal = await visible(ctx, words[0])
    if appeal is None:
        return [not_found(ctx, words[0])]
    rest = arguments[len(words[0]) :].strip()
    if command == "/appeal":
        return [await card(ctx, appeal)]
    if command == "/assign":
        return [await assign_by_words(ctx, appeal, words[1:])]
    if command == "/take":
        return [await act.take(ctx, appeal)]
    if command == "/answer":
        return await start_answer(ctx, appeal)
    return [await with_text(ctx, command, appeal, rest)]


async def queue(ctx: Ctx) -> Reply:
    if can(role_of(ctx), Permission.TRIAGE):
        appeals = await ctx.uow.appeals.queue()
        return list_reply(
            ctx, ctx._("Awaiting triage (privileged first, then the oldest):"), appeals
        )
    department = ctx.person.department_id
    found = [
        a
        for a in await ctx.uow.appeals.due_between(date.min, date.max, department, 100)
        if a.status in ("assigned", "in_progress")
    ]
    return list_reply(ctx, ctx._("Your department's appeals in work:"), found)


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


async def stats(ctx: Ctx, words: list[str]) -> list[Reply]:
    today = act.today(ctx)
    span = period(today, words[0].lower() if words else "month")
    if span is None or len(words) > 1:
        return [usage(ctx, "/stats")]
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


async def report(ctx: Ctx, words: list[str]) -> list[Reply]:
    previous = len(words) == 2 and words[1].lower() == "previous"
    if not words or len(words) > 2 or (len(words) == 2 and not previous):
        return [usage(ctx, "/report")]
    span = period(act.today(ctx), words[0].lower(), previous)
    if span is None or words[0].lower() in ("all", "week"):
        return [usage(ctx, "/report")]
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


async def assign_by_words(ctx: Ctx, appeal: AppealRecord, words: list[str]) -> Reply:
    if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("15", "30")):
        return usage(ctx, "/assign")
    department = await ctx.uow.departments.by_code(words[0].lower())
    if department is None or not department.active:
        codes = ", ".join(d.code for d in await ctx.uow.departments.all())
        return Reply(
            ctx._("There is no department {code}. The codes are: {codes}").format(
                code=words[0][:40], codes=codes
            )
        )
    term = Term(words[1]) if len(words) == 2 else ctx.config.default_term
    return await act.assign(ctx, appeal, department, term)


def parse_date(text: str) -> date | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


async def with_text(ctx: Ctx, command: str, appeal: AppealRecord, rest: str) -> Reply:
    """The commands whose remaining words are a date, a body, a reason or a note."""
    rest = clean_text(rest)
    if len(rest) > MAX_REASON_CHARS:
        return Reply(
            ctx._("Please keep it within {limit} characters.").format(limit=MAX_REASON_CHARS)
        )
    if command == "/extend":
        first, _, reason = rest.partition(" ")
        new_due = parse_date(first)
        if new_due is None or not reason.strip():
            return usage(ctx, command)
        return await act.extend(ctx, appeal, new_due, reason.strip())
    if command == "/forward":
        body, _, reason = rest.partition(";")
        if not body.strip() or not reason.strip():
            return usage(ctx, command)
        return await act.forward(ctx, appeal, body.strip(), reason.strip())
    if command == "/return":
        ground, _, explanation = rest.partition(" ")
        if ground.lower() == "art7":
            if not explanation.strip():
                return usage(ctx, command)
            return await act.send_back(ctx, appeal, explanation.strip(), lacking_data=True)
        return await act.send_back(ctx, appeal, rest) if rest else usage(ctx, command)
    if command == "/reject":
        code, _, comment = rest.partition(" ")
        if code not in {reason.value for reason in NotConsidered}:
            return usage(ctx, command)
        return await act.reject(ctx, appeal, NotConsidered(code), comment.strip())
    if command == "/note":
        return await act.note(ctx, appeal, rest) if rest else usage(ctx, command)
    return usage(ctx, command)


async def invite(ctx: Ctx, words: list[str]) -> Reply:
    role = words[0].lower() if words else ""
    if role not in ("operator", "admin", "executor") or (role == "executor") != (len(words) == 2):
        return usage(ctx, "/invite")
    department_id = None
    if role == "executor":
        department = await ctx.uow.departments.by_code(words[1].lower())
        if department is None or not department.active:
            codes = ", ".join(d.code for d in await ctx.uow.departments.all())
            return Reply(
                ctx._("There is no department {code}. The codes are: {codes}").format(
                    code=words[1][:40], codes=codes
                )
            )
        department_id = department.id
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    await ctx.uow.staff.create_invite(
        code, role, department_id, ctx.person.id, ctx.now, ctx.now + timedelta(hours=INVITE_HOURS)
    )
    return Reply(
        ctx._(
            "A one-time code for a new {role}: {code}\nIt is valid for 24 hours. The employee sends "
            "/join {code} to this bot from Telegram or Viber."
        ).format(role=ctx._(ROLE_NAMES[Role(role)]), code=code)
    )


async def join(ctx: Ctx, arguments: str) -> list[Reply]:
    code = arguments.strip()
    if not re.fullmatch(r"[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){2}", code):
        return [usage(ctx, "/join")]
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


# --- buttons on cards and the steps that follow ----------------------------------------------


async def on_button(ctx: Ctx, payload: OpenCard | Act) -> list[Reply] | None:
    """A card's button: open the card, or start an action on it."""
    if not is_staff(role_of(ctx)):
        return None
    if isinstance(payload, OpenCard):
        appeal = await visible_by_id(ctx, str(payload.appeal_id))
        if appeal is None:
            return None
        ctx.state.step = "menu"
        return [await card(ctx, appeal)]
    name = payload.action.value
    appeal = await visible_by_id(ctx, str(payload.appeal_id))
    if appeal is None:
        return None
    pending = {"action": name, "appeal_id": appeal.id}
    try:
        if name == "take":
            ctx.state.step = "menu"
            return [await act.take(ctx, appeal)]
        if name == "answer":
            act.require(ctx, Permission.ANSWER)
            return await start_answer(ctx, appeal)
        if name == "assign":
            act.require(ctx, Permission.TRIAGE)
            ctx.state.data["pending"] = pending
            return await ctx.goto("staff_department")
        if name == "reject":
            act.require(ctx, Permission.TRIAGE)
            ctx.state.data["pending"] = pending
            return await ctx.goto("staff_reason")
        if name in ("extend", "forward", "return", "note"):
            act.require(ctx, COMMAND_PERMISSIONS[f"/{name}"])
            ctx.state.data["pending"] = pending
            return await ctx.goto("staff_input")
    except act.ActionRefused as refused:
        return [refused.reply]
    return None


async def pending_appeal(ctx: Ctx) -> AppealRecord | None:
    pending = ctx.state.data.get("pending") or {}
    return await visible_by_id(ctx, str(pending.get("appeal_id", "")))


async def ask_department(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    departments = await ctx.uow.departments.all()
    if appeal is not None:
        # The bodies that usually handle the appeal's topic come first.
        departments.sort(key=lambda d: appeal.topic not in d.topics)
    buttons = tuple(Button(d.name(ctx.locale), f"sd:{d.id}") for d in departments)
    return Reply(
        ctx._("Which department should consider appeal {index}?").format(
            index=appeal.reg_index if appeal else ""
        ),
        (*buttons, Button(ctx._("Cancel"), "back")),
    )


async def answer_department(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == "back":
        return await back_to_card(ctx)
    if not action.startswith("sd:") or not action[3:].isdecimal() or len(action) > 21:
        return None
    department = await ctx.uow.departments.get(int(action[3:]))
    if department is None or not department.active:
        return None
    ctx.state.data.setdefault("pending", {})["department_id"] = department.id
    return await ctx.goto("staff_term")


async def ask_term(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "Which term does the appeal need? Without additional study the law sets 15 days; "
            "otherwise one month."
        ),
        (
            Button(ctx._("15 days"), "term:15"),
            Button(ctx._("One month"), "term:30"),
            Button(ctx._("Cancel"), "back"),
        ),
    )


async def answer_term(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == "back":
        return await back_to_card(ctx)
    if action not in ("term:15", "term:30"):
        return None
    appeal = await pending_appeal(ctx)
    pending = ctx.state.data.pop("pending", {})
    department = await ctx.uow.departments.get(int(pending.get("department_id", 0)))
    ctx.state.step = "menu"
    if appeal is None or department is None:
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        return [await act.assign(ctx, appeal, department, Term(action[5:]))]
    except act.ActionRefused as refused:
        return [refused.reply]


INPUT_PROMPTS = {
    "extend": N_(
        "Type the new date and the reason, for example: 20.01.2027 an on-site inspection is needed"
    ),
    "forward": N_(
        "Type the body and the reason separated by a semicolon, for example: Volyn "
        "Regional State Administration; the issue is within its competence"
    ),
    "return": N_(
        "Type the explanation for the author: what is missing or wrong. Start with "
        "“art7” when the appeal lacks the data needed for a decision (Art. 7)."
    ),
    "note": N_("Type the internal note; the citizen will not see it"),
    "reject": N_("Type a comment for the citizen, or tap “Skip”"),
}


async def ask_input(ctx: Ctx) -> Reply:
    name = str((ctx.state.data.get("pending") or {}).get("action", "note"))
    buttons = (Button(ctx._("Skip"), "skip"),) if name == "reject" else ()
    return Reply(
        ctx._(INPUT_PROMPTS.get(name, INPUT_PROMPTS["note"])),
        (*buttons, Button(ctx._("Cancel"), "back")),
    )


async def answer_input(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == "back":
        return await back_to_card(ctx)
    pending = ctx.state.data.get("pending") or {}
    name = str(pending.get("action", ""))
    skip = ctx.incoming.action == "skip" and name == "reject"
    if not skip and (ctx.incoming.action or not ctx.incoming.text):
        return None
    appeal = await pending_appeal(ctx)
    ctx.state.data.pop("pending", None)
    ctx.state.step = "menu"
    if appeal is None:
        return [Reply(ctx._("This action is no longer possible."))]
    text = "" if skip else (ctx.incoming.text or "")
    if name == "reject":
        text = f"{pending.get('reason', '')} {text}"
    try:
        return [await with_text(ctx, f"/{name}", appeal, text)]
    except act.ActionRefused as refused:
        return [refused.reply]


async def ask_reason(ctx: Ctx) -> Reply:
    buttons = tuple(
        Button(ctx._(NOT_CONSIDERED_NAMES[r]), f"why:{r.value}") for r in NotConsidered
    )
    return Reply(
        ctx._("Why will the appeal not be considered? Art. 8 allows only these reasons."),
        (*buttons, Button(ctx._("Cancel"), "back")),
    )


async def answer_reason(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == "back":
        return await back_to_card(ctx)
    reason = action.removeprefix("why:")
    if not action.startswith("why:") or reason not in {r.value for r in NotConsidered}:
        return None
    ctx.state.data.setdefault("pending", {})["reason"] = reason
    return await ctx.goto("staff_input")


async def back_to_card(ctx: Ctx) -> list[Reply]:
    appeal = await pending_appeal(ctx)
    ctx.state.data.pop("pending", None)
    ctx.state.step = "menu"
    return [await card(ctx, appeal)] if appeal else [Reply(ctx._("Cancelled."))]


# --- answering --------------------------------------------------------------------------------


async def start_answer(ctx: Ctx, appeal: AppealRecord) -> list[Reply]:
    act.require(ctx, Permission.ANSWER)
    act.require_transition(ctx, appeal, Status.ANSWERED)
    ctx.state.data["pending"] = {
        "action": "answer",
        "appeal_id": appeal.id,
        "parts": [],
        "files": [],
    }
    return await ctx.goto("staff_answer")


def answer_text(ctx: Ctx) -> str:
    return "\n\n".join((ctx.state.data.get("pending") or {}).get("parts", []))


async def ask_answer(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    return Reply(
        ctx._(
            "Write the answer to appeal {index}: text in one or more messages, and files if "
            "needed. Then tap “Done”."
        ).format(index=appeal.reg_index if appeal else ""),
        (Button(ctx._("Done"), "done"), Button(ctx._("Cancel"), "back")),
    )


async def answer_answer(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    pending = ctx.state.data.get("pending") or {}
    if incoming.action == "back":
        return await back_to_card(ctx)
    if incoming.action == "done":
        if not answer_text(ctx).strip():
            return await ctx.ask_again(Reply(ctx._("The answer needs a text.")))
        return await ctx.goto("staff_result")
    if incoming.action or not (incoming.text or incoming.files):
        return None
    replies: list[Reply] = []
    for file in incoming.files:
        kept, problem = await keep_file(
            ctx, file, MAX_FILES_PER_APPEAL - len(pending.get("files", []))
        )
        if kept is not None:
            pending.setdefault("files", []).append(kept)
            replies.append(
                Reply(ctx._("File “{name}” is attached.").format(name=safe_name(file.name)))
            )
        else:
            replies.append(Reply(file_refusal(ctx, safe_name(file.name), problem)))
    text = clean_text(incoming.text or "")
    if text:
        problem = text_problem(ctx, text, len(answer_text(ctx)))
        if problem:
            replies.append(Reply(problem))
        else:
            pending.setdefault("parts", []).append(text)
    ctx.state.data["pending"] = pending
    return await ctx.ask_again(*replies)


async def ask_result(ctx: Ctx) -> Reply:
    buttons = tuple(Button(result_name(ctx, r.value), f"result:{r.value}") for r in ANSWER_RESULTS)
    return Reply(
        ctx._("What is the result (classifier 9.x)?"), (*buttons, Button(ctx._("Cancel"), "back"))
    )


async def answer_result(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == "back":
        return await back_to_card(ctx)
    code = action.removeprefix("result:")
    if not action.startswith("result:") or code not in {r.value for r in ANSWER_RESULTS}:
        return None
    ctx.state.data.setdefault("pending", {})["result"] = code
    return await ctx.goto("staff_confirm")


async def ask_confirm(ctx: Ctx) -> Reply:
    pending = ctx.state.data.get("pending") or {}
    appeal = await pending_appeal(ctx)
    text = ctx._("The citizen will receive this answer to appeal {index}:").format(
        index=appeal.reg_index if appeal else ""
    )
    text += "\n\n" + answer_text(ctx) + "\n\n"
    text += ctx._("Result: {value}").format(value=result_name(ctx, str(pending.get("result"))))
    text += "\n" + ctx._("Files: {count}").format(count=len(pending.get("files", [])))
    return Reply(
        text, (Button(ctx._("Send the answer"), "confirm"), Button(ctx._("Cancel"), "back"))
    )


async def answer_confirm(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == "back":
        return await back_to_card(ctx)
    if ctx.incoming.action != "confirm":
        return None
    pending = ctx.state.data.get("pending") or {}
    appeal = await pending_appeal(ctx)
    text = answer_text(ctx)
    ctx.state.data.pop("pending", None)
    ctx.state.step = "menu"
    if appeal is None:
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        return [
            await act.answer(
                ctx,
                appeal,
                text,
                Result(str(pending.get("result"))),
                list(pending.get("files", [])),
            )
        ]
    except act.ActionRefused as refused:
        return [refused.reply]
