"""Staff commands: one row each in `STAFF_COMMANDS` — name, permission, usage, help line, the
card button that starts it, and the function that runs it. The help, the permission check, the
card's argument steps and the tests all read the table; adding a command is one row, one function
and the catalogue entries."""

import re
import secrets
from datetime import date, datetime, timedelta

from handlers import answer_control, joining, staff_templates
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.payloads import CardAction
from handlers.render import role_name
from handlers.staff_answer import start_answer
from handlers.staff_card import card, not_found, role_of, visible
from handlers.staff_classify import start_classify
from handlers.staff_classify import typed as classify_typed
from handlers.staff_lists import due, find, overdue, queue, report, review, stats
from handlers.staff_register import WAY_WORDS
from handlers.staff_register import begin as begin_register
from handlers.staff_rows import StaffCommand, bounded
from handlers.staff_words import canonical
from handlers.steps import StepName
from handlers.throttle import record_wrong_guess, too_many_guesses
from handlers.types import Reply
from reception.deadlines import Term
from reception.markers import N_
from reception.reasons import NotConsidered
from reception.roles import ROLE_NAMES, Permission, Role, can
from storage.records import AppealRecord

INVITE_HOURS = 24

# --- the functions the rows run ----------------------------------------------------------------


async def assign(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    words = rest.split()
    # Art. 7 part 4, Art. 15: an assignment the law frowns on is made only when confirmed.
    confirmed = len(words) > 1 and canonical(words[-1]) == "confirm"
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


async def merge(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    words = rest.split()
    # Art. 7 part 4, Art. 15: a join the law frowns on is made only when confirmed.
    confirmed = len(words) == 2 and canonical(words[1]) == "confirm"
    if confirmed:
        words = words[:1]
    if len(words) != 1:
        return command.usage_reply(ctx)
    lead = await visible(ctx, words[0])
    if lead is None:
        return [not_found(ctx, words[0])]
    return [await joining.join(ctx, appeal, lead, confirmed=confirmed)]


async def classify(
    ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str
) -> list[Reply]:
    if not rest:
        return await start_classify(ctx, appeal)
    done = await classify_typed(ctx, appeal, rest)
    return done if done is not None else command.usage_reply(ctx)


async def register(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    if not arguments:
        return await ctx.goto(StepName.STAFF_REGISTER_WAY)
    way = WAY_WORDS.get(canonical(arguments.strip()))
    return await begin_register(ctx, way) if way else command.usage_reply(ctx)


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
    if canonical(ground) == "art7":
        if not explanation.strip():
            return command.usage_reply(ctx)
        return [await act.send_back(ctx, appeal, explanation.strip(), lacking_data=True)]
    return [await act.send_back(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


@bounded
async def reject(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    code, _, comment = rest.partition(" ")
    code = canonical(code)
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
        # Art. 17: the day the author learned of the decision, then the decision's own day.
        second, _, rest_comment = after.strip().partition(" ")
        decided = parse_date(second)
        if decided is None:
            rest_comment = after
        return [
            await act.reject(
                ctx,
                appeal,
                reason,
                rest_comment.strip(),
                learned=parse_date(first),
                decided=decided,
            )
        ]
    return [await act.reject(ctx, appeal, reason, comment)]


async def approve(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await answer_control.approve(ctx, appeal)]


@bounded
async def rework(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await answer_control.rework(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


@bounded
async def note(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    return [await act.note(ctx, appeal, rest)] if rest else command.usage_reply(ctx)


async def templates(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    sees_all = can(role_of(ctx), Permission.VIEW_ALL)
    return await staff_templates.templates(ctx, sees_all, arguments, command.usage or command.help)


async def invite(ctx: Ctx, command: StaffCommand, arguments: str) -> list[Reply]:
    words = arguments.split()
    role = canonical(words[0]) if words else ""
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
    ctx.state.step = StepName.MENU
    return [Reply(ctx._("Welcome to the reception's staff.") + "\n\n" + staff_help(ctx))]


async def hide(ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str) -> list[Reply]:
    """Keep an appeal's text off the public page whatever the author chose (it may name
    someone, for one); `off` shows it again."""
    words = [canonical(word) for word in rest.split()]
    if words not in ([], ["off"]):
        return command.usage_reply(ctx)
    hidden = not words
    await ctx.uow.public.set_text_hidden(appeal.id, hidden, ctx.now)
    await ctx.uow.appeals.add_event(
        appeal.id, act.by_employee(ctx, "text_hidden", data={"hidden": hidden}, internal=True)
    )
    said = (
        ctx._("The text of {index} is hidden from the public page.")
        if hidden
        else ctx._(
            "The text of {index} may be shown on the public page again, if its author chose so."
        )
    )
    return [Reply(said.format(index=appeal.reg_index))]


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
            aliases=("/черга",),
            run=queue,
        ),
        StaffCommand(
            "/appeal",
            Permission.VIEW_DEPARTMENT,
            N_("/appeal INDEX — an appeal's card, history and actions"),
            N_("Usage: /appeal INDEX, for example /appeal Ш-12"),
            aliases=("/звернення",),
            on_appeal=show,
        ),
        StaffCommand(
            "/find",
            Permission.FIND,
            N_(
                "/find TEXT — search by index, name, phone, words or address; share a location "
                "to see the appeals around it"
            ),
            N_("Usage: /find TEXT, PHONE or NAME"),
            aliases=("/пошук",),
            run=find,
        ),
        StaffCommand(
            "/due",
            Permission.VIEW_DEPARTMENT,
            N_("/due — due within 3 days"),
            aliases=("/строки",),
            run=due,
        ),
        StaffCommand(
            "/overdue",
            Permission.VIEW_DEPARTMENT,
            N_("/overdue — past their due date"),
            aliases=("/прострочені",),
            run=overdue,
        ),
        StaffCommand(
            "/stats",
            Permission.VIEW_DEPARTMENT,
            N_("/stats [week|month|quarter|year|all] — figures and a chart"),
            N_("Usage: /stats [week|month|quarter|year|all]"),
            aliases=("/статистика",),
            run=stats,
        ),
        StaffCommand(
            "/templates",
            Permission.ANSWER,
            N_("/templates — answer templates: /templates add TITLE: TEXT, /templates delete N"),
            N_("Usage: /templates, /templates add TITLE: TEXT or /templates delete NUMBER"),
            aliases=("/шаблони",),
            run=templates,
        ),
        StaffCommand(
            "/note",
            Permission.NOTE,
            N_("/note INDEX TEXT — an internal note"),
            N_("Usage: /note INDEX TEXT"),
            aliases=("/нотатка",),
            on_appeal=note,
            card_action=CardAction.NOTE,
        ),
        StaffCommand(
            "/take",
            Permission.TAKE,
            N_("/take INDEX — take an appeal of your department into work"),
            N_("Usage: /take INDEX"),
            aliases=("/взяти",),
            on_appeal=take,
            card_action=CardAction.TAKE,
        ),
        StaffCommand(
            "/answer",
            Permission.ANSWER,
            N_("/answer INDEX — answer: the text, files, the result"),
            N_("Usage: /answer INDEX, then the text and files of the answer"),
            aliases=("/відповісти",),
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
            aliases=("/призначити",),
            on_appeal=assign,
            card_action=CardAction.ASSIGN,
        ),
        StaffCommand(
            "/merge",
            Permission.TRIAGE,
            N_(
                "/merge INDEX EARLIER — join an appeal to an open one about the same problem: "
                "one answer reaches both authors"
            ),
            N_("Usage: /merge INDEX EARLIER [confirm], for example /merge Ш-14 К-9"),
            aliases=("/приєднати",),
            on_appeal=merge,
        ),
        StaffCommand(
            "/extend",
            Permission.EXTEND,
            N_("/extend INDEX DD.MM.YYYY REASON — extend (45 days from receipt at most)"),
            N_("Usage: /extend INDEX DD.MM.YYYY REASON"),
            aliases=("/продовжити",),
            on_appeal=extend,
            card_action=CardAction.EXTEND,
        ),
        StaffCommand(
            "/forward",
            Permission.TRIAGE,
            N_("/forward INDEX BODY; REASON — forward by competence (Art. 7)"),
            N_("Usage: /forward INDEX BODY; REASON"),
            aliases=("/переслати",),
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
            aliases=("/повернути",),
            on_appeal=send_back,
            card_action=CardAction.RETURN,
        ),
        StaffCommand(
            "/reject",
            Permission.TRIAGE,
            N_(
                "/reject INDEX anonymous|repeated EARLIER|late [LEARNED [DECIDED]]|incapable "
                "[COMMENT] — not to consider (the closed list of Art. 8)"
            ),
            N_(
                "Usage: /reject INDEX anonymous|repeated EARLIER|late [LEARNED [DECIDED]]|"
                "incapable [COMMENT]; for a late complaint (Art. 17) LEARNED is the day the "
                "author learned of the decision, DECIDED the day it was taken, as DD.MM.YYYY"
            ),
            aliases=("/нерозглядати",),
            on_appeal=reject,
            card_action=CardAction.REJECT,
        ),
        StaffCommand(
            "/review",
            Permission.REVIEW,
            N_("/review — answers awaiting your review before the citizen sees them"),
            aliases=("/перевірка",),
            run=review,
        ),
        StaffCommand(
            "/approve",
            Permission.REVIEW,
            N_("/approve INDEX — approve the answer and send it to the citizen"),
            N_("Usage: /approve INDEX"),
            aliases=("/схвалити",),
            on_appeal=approve,
            card_action=CardAction.APPROVE,
        ),
        StaffCommand(
            "/rework",
            Permission.REVIEW,
            N_("/rework INDEX REASON — return the answer to the executor for rework"),
            N_("Usage: /rework INDEX REASON"),
            aliases=("/доопрацювати",),
            on_appeal=rework,
            card_action=CardAction.REWORK,
        ),
        StaffCommand(
            "/close",
            Permission.TRIAGE,
            N_("/close INDEX — close an answered appeal the citizen has not rated"),
            N_("Usage: /close INDEX"),
            aliases=("/закрити",),
            on_appeal=close,
        ),
        StaffCommand(
            "/classify",
            Permission.CLASSIFY,
            N_(
                "/classify INDEX [kind|topic|form|sign|category CODE] — correct the classifier "
                "codes (Classifier 858)"
            ),
            N_(
                "Usage: /classify INDEX, or /classify INDEX kind|topic|form|sign|category CODE, "
                "for example /classify Ш-12 form 1.2"
            ),
            aliases=("/класифікувати",),
            on_appeal=classify,
            card_action=CardAction.CLASSIFY,
        ),
        StaffCommand(
            "/register",
            Permission.REGISTER,
            N_(
                "/register [phone|person|post] — register an appeal received by phone, in "
                "person or by post for a citizen"
            ),
            N_("Usage: /register, or /register phone, /register person, /register post"),
            aliases=("/зареєструвати",),
            run=register,
        ),
        StaffCommand(
            "/hide",
            Permission.TRIAGE,
            N_("/hide INDEX [off] — hide an appeal's text from the public page (off: show it)"),
            N_("Usage: /hide INDEX, or /hide INDEX off"),
            aliases=("/приховати",),
            on_appeal=hide,
        ),
        StaffCommand(
            "/report",
            Permission.STATS,
            N_("/report month|quarter|year [previous] — a spreadsheet for the council"),
            N_("Usage: /report month|quarter|year [previous]"),
            aliases=("/звіт",),
            run=report,
        ),
        StaffCommand(
            "/invite",
            Permission.INVITE,
            N_(
                "/invite operator | admin | executor DEPARTMENT — a one-time code for a new employee"
            ),
            N_("Usage: /invite operator, /invite admin or /invite executor DEPARTMENT"),
            aliases=("/запросити",),
            run=invite,
        ),
    )
}


def for_card_action(action: CardAction) -> StaffCommand:
    return next(c for c in STAFF_COMMANDS.values() if c.card_action is action)


#: Each alias and the command it names.
ALIASES: dict[str, str] = {
    alias: command.name for command in STAFF_COMMANDS.values() for alias in command.aliases
}


def help_line(ctx: Ctx, command: StaffCommand) -> str:
    """The command as the help shows it: a Ukrainian help names the Ukrainian command with
    Ukrainian arguments; the English one adds the Ukrainian aliases after it."""
    line = ctx._(command.help)
    if line.startswith(command.aliases):
        return line
    return line + "".join(f" · {alias}" for alias in command.aliases)


def staff_help(ctx: Ctx) -> str:
    role = role_of(ctx)
    lines = [ctx._("You work in the reception as: {role}.").format(role=role_name(ctx, role))]
    lines += [help_line(ctx, c) for c in STAFF_COMMANDS.values() if can(role, c.permission)]
    lines.append(
        ctx._(
            "An appeal's card has buttons for every action: send only the index, for example "
            "/assign Ш-12, and choose the rest with buttons."
        )
    )
    return "\n".join(lines)


def asks_by_buttons(name: str, arguments: str) -> tuple[CardAction, str] | None:
    """A command given only an index, whose other arguments are a closed choice: the card's
    button steps ask for them, so nobody types a code from memory."""
    command = STAFF_COMMANDS.get(name)
    words = arguments.split()
    if command is None or command.card_action is None or len(words) != 1:
        return None
    if command.card_action in (CardAction.TAKE, CardAction.ANSWER):
        return None  # these need nothing more, or ask for it themselves
    return command.card_action, words[0]


async def run_command(ctx: Ctx, name: str, arguments: str) -> list[Reply]:
    ctx.state.step = StepName.MENU
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
