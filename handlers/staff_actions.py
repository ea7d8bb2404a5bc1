"""What staff do to an appeal. Each action checks the role, the law and the status, writes an
event with its actor, and queues what the citizen, the department and colleagues must learn."""

from collections.abc import Callable
from datetime import date

from handlers import notices
from handlers.context import Ctx
from handlers.duty import today
from handlers.payloads import ClassField
from handlers.render import day, shown_day
from handlers.speaker import Speaker
from handlers.staff_card import role_of
from handlers.types import Reply
from reception.classifier import Result, head_considers
from reception.deadlines import (
    ExtensionProblem,
    Term,
    assignment_due,
    complaint_is_late,
    extension_target,
    forward_due,
    latest_due_by,
    return_due,
)
from reception.kinds import AppealKind, ReceiptSign
from reception.reasons import NOT_CONSIDERED_NAMES, NotConsidered, reason_fits
from reception.roles import Permission, can
from reception.statuses import STATUS_NAMES as STATUS_WORDS
from reception.statuses import Status, can_transition, is_open
from storage.records import AppealChanges, AppealRecord, DepartmentRecord, NewEvent


class ActionRefused(Exception):
    """The action is not allowed; the message says why, in the employee's language."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


def require(ctx: Ctx, permission: Permission) -> None:
    if not can(role_of(ctx), permission):
        raise ActionRefused(Reply(ctx._("Your role does not allow this.")))


def require_transition(ctx: Ctx, appeal: AppealRecord, target: Status) -> None:
    if not can_transition(Status(appeal.status), target):
        raise ActionRefused(
            Reply(
                ctx._("Appeal {index} is {status} now, so this cannot be done.").format(
                    index=appeal.reg_index, status=ctx._(STATUS_WORDS[Status(appeal.status)])
                )
            )
        )


def by_employee(
    ctx: Ctx,
    kind: str,
    *,
    text: str | None = None,
    data: dict[str, object] | None = None,
    internal: bool = False,
) -> NewEvent:
    """The history line of what the employee at hand did now."""
    return NewEvent(kind, ctx.person.id, ctx.person.role, ctx.now, text, data or {}, internal)


class NeedsConfirmation(ActionRefused):
    """Lawful only on purpose: the employee repeats the action with a confirmation. `warning`
    is why, without the typed command that confirms it (the buttons confirm instead)."""

    def __init__(self, reply: Reply, warning: str) -> None:
        super().__init__(reply)
        self.warning = warning


async def extended_to(ctx: Ctx, appeal: AppealRecord) -> date | None:
    """The latest term the head extended the appeal to (Art. 20), if any."""
    dates = [
        date.fromisoformat(str(e.data["to"]))
        for e in await ctx.uow.appeals.events(appeal.id, internal=True)
        if e.kind == "extended" and "to" in e.data
    ]
    return max(dates) if dates else None


async def was_placed(ctx: Ctx, appeal: AppealRecord) -> bool:
    """The appeal was assigned or joined before, so the citizen was told its due date."""
    events = await ctx.uow.appeals.events(appeal.id, internal=True)
    return any(e.kind in ("assigned", "joined") for e in events)


async def contested_department(ctx: Ctx, appeal: AppealRecord) -> int | None:
    """Art. 7 part 4: the body whose answer a complaint contests — the one that answered the
    appeal the complaint was filed about."""
    if appeal.kind != AppealKind.COMPLAINT.value or appeal.parent_id is None:
        return None
    parent = await ctx.uow.appeals.get(appeal.parent_id)
    return None if parent is None else parent.department_id


def heads_own(ctx: Ctx, appeal: AppealRecord) -> bool:
    """Art. 15: the city's head considers it personally, in the head's office (if configured)."""
    return head_considers(appeal.author_category) and bool(ctx.config.head_office_department)


async def assignment_warnings(
    ctx: Ctx, appeal: AppealRecord, department: DepartmentRecord
) -> dict[str, str]:
    """What makes this assignment need a confirmation, by the mark it leaves on the card."""
    warnings: dict[str, str] = {}
    if await contested_department(ctx, appeal) == department.id:
        warnings["contested_body"] = ctx._(
            "Appeal {index} is a complaint about a decision of {department}: Art. 7 part 4 of "
            "the Law forbids sending a complaint for consideration to the body whose decision "
            "it contests."
        ).format(index=appeal.reg_index, department=department.name(ctx.locale))
    office = ctx.config.head_office_department
    if heads_own(ctx, appeal) and department.code != office:
        warnings["head_office_bypassed"] = ctx._(
            "The author of appeal {index} is among those whose appeals the city's head "
            "considers personally (Art. 15); such appeals go to the head's office ({code})."
        ).format(index=appeal.reg_index, code=office)
    return warnings


async def assign(
    ctx: Ctx,
    appeal: AppealRecord,
    department: DepartmentRecord,
    term: Term,
    *,
    confirmed: bool = False,
) -> Reply:
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.ASSIGNED)
    warnings = await assignment_warnings(ctx, appeal, department)
    if warnings and not confirmed:
        warning = "\n".join(warnings.values())
        raise NeedsConfirmation(
            Reply(
                warning
                + "\n"
                + ctx._(
                    "To assign it anyway, confirm: /assign {index} {code} {term} confirm"
                ).format(index=appeal.reg_index, code=department.code, term=term.value)
            ),
            warning,
        )
    # Art. 20: a due date only moves forward; a date in the past is never set.
    dated = assignment_due(
        appeal.received_on,
        term,
        ctx.config.calendar,
        today(ctx),
        await extended_to(ctx, appeal),
        appeal.due_on if await was_placed(ctx, appeal) else None,
    )
    due = dated.due
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.ASSIGNED,
        by_employee(
            ctx,
            "assigned",
            text=department.name(ctx.locale),
            data={
                "department": department.code,
                "term": term.value,
                **{mark: True for mark in warnings},
                **({"late": True} if dated.late else {}),
            },
        ),
        department_id=department.id,
        term=term.value,
        due_on=due,
        executor_id=None,
    )
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    await notices.publish(ctx, notices.AppealAssigned(updated, department))
    reply = ctx._(
        "Appeal {index} is assigned to {department}; the answer is due by {due}."
    ).format(index=appeal.reg_index, department=department.name(ctx.locale), due=day(ctx, due))
    if dated.late:
        reply += "\n" + ctx._(
            "Note: the term under the law ended on {date}; the appeal is already late, so it "
            "is due today. Consider it at once."
        ).format(date=day(ctx, dated.lawful_due))
    # Appeals joined to it while it waited go with it, each with its own due date.
    followers = [
        joined
        for joined in await ctx.uow.appeals.joined_to(appeal.id)
        if Status(joined.status) is Status.REGISTERED
    ]
    assigned: list[str] = []
    for joined in followers:
        # Art. 7 part 4, Art. 15 for each joined appeal too: one that must not go to this
        # body leaves the lead and waits for an operator to route it on its own.
        held = await assignment_warnings(ctx, joined, department)
        if held:
            await ctx.uow.appeals.join_waiting(
                joined.id,
                None,
                by_employee(ctx, "unjoined", data={"joined_to": appeal.reg_index}, internal=True),
            )
            reply += "\n" + ctx._(
                "{index} was joined to it but is not assigned with it: {why} Assign it on its own."
            ).format(index=joined.reg_index, why=" ".join(held.values()))
            continue
        await assign(ctx, joined, department, term, confirmed=True)
        assigned.append(joined.reg_index)
    if assigned:
        reply += "\n" + ctx._("Joined to it and assigned with it: {indexes}.").format(
            indexes=", ".join(assigned)
        )
    return Reply(reply)


async def take(ctx: Ctx, appeal: AppealRecord) -> Reply:
    require(ctx, Permission.TAKE)
    require_transition(ctx, appeal, Status.IN_PROGRESS)
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.IN_PROGRESS,
        by_employee(ctx, "taken"),
        executor_id=ctx.person.id,
    )
    await notices.publish(ctx, notices.AppealTaken(appeal))
    return Reply(
        ctx._("You have taken appeal {index}. Answer it with /answer {index}.").format(
            index=appeal.reg_index
        )
    )


async def extend(ctx: Ctx, appeal: AppealRecord, new_due: date, reason: str) -> Reply:
    require(ctx, Permission.EXTEND)
    if not is_open(Status(appeal.status)):
        require_transition(ctx, appeal, Status.ASSIGNED)
    requested = new_due
    new_due, problem = extension_target(
        appeal.received_on, appeal.due_on, requested, today(ctx), ctx.config.calendar
    )
    if problem is ExtensionProblem.PAST_MAXIMUM:
        raise ActionRefused(
            Reply(
                ctx._(
                    "The law allows no more than 45 days from receipt: appeal {index} may be extended "
                    "to {latest} at the latest."
                ).format(
                    index=appeal.reg_index,
                    latest=day(ctx, latest_due_by(appeal.received_on, ctx.config.calendar)),
                )
            )
        )
    if problem is ExtensionProblem.IN_THE_PAST:
        raise ActionRefused(Reply(ctx._("The new date is in the past.")))
    if problem is ExtensionProblem.NOT_LATER:
        raise ActionRefused(
            Reply(
                ctx._("The new date must be later than the current one, {due}.").format(
                    due=day(ctx, appeal.due_on)
                )
            )
        )
    await ctx.uow.appeals.set_due(appeal.id, new_due, ctx.now)
    await ctx.uow.appeals.add_event(
        appeal.id,
        by_employee(
            ctx,
            "extended",
            text=reason,
            data={"from": appeal.due_on.isoformat(), "to": new_due.isoformat()},
        ),
    )
    await notices.publish(ctx, notices.TermExtended(appeal, new_due, reason))
    reply = ctx._("The term of appeal {index} is extended to {due}; the citizen is told.").format(
        index=appeal.reg_index, due=day(ctx, new_due)
    )
    if new_due != requested:
        reply += "\n" + ctx._(
            "{requested} is a day off, so the term ends on {due} by the work calendar."
        ).format(requested=day(ctx, requested), due=day(ctx, new_due))
    return Reply(reply)


async def conclude(
    ctx: Ctx,
    appeal: AppealRecord,
    target: Status,
    event: NewEvent,
    tell: Callable[[Speaker], str],
    changes: AppealChanges,
) -> str:
    """Consideration ends without an answer on the merits (Art. 7, 5, 8): the status and its
    history line, the citizen told in their words. Returns a line for the employee naming the
    appeals joined to this one, which do not follow it and need a decision of their own."""
    changes["closed_at"] = ctx.now
    await ctx.uow.appeals.transition(appeal.id, Status(appeal.status), target, event, **changes)
    await notices.publish(ctx, notices.ConsiderationEnded(appeal, target, tell))
    joined = [a for a in await ctx.uow.appeals.joined_to(appeal.id) if is_open(Status(a.status))]
    if not joined:
        return ""
    return "\n" + ctx._(
        "Appeals joined to it stay open and need a decision of their own: {indexes}."
    ).format(indexes=", ".join(a.reg_index for a in joined))


async def forward(ctx: Ctx, appeal: AppealRecord, body: str, reason: str) -> Reply:
    """Art. 7: outside the council's competence, forwarded within 5 days, the citizen told."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.FORWARDED)
    late = today(ctx) > forward_due(appeal.received_on, ctx.config.calendar)
    joined = await conclude(
        ctx,
        appeal,
        Status.FORWARDED,
        by_employee(ctx, "forwarded", text=reason, data={"to": body, "late": late}),
        lambda citizen: citizen._(
            "Your appeal {index} concerns matters outside the council's competence and is forwarded "
            "to {body} (Art. 7 of the Law “On Citizens' Appeals”). Reason: {reason}"
        ).format(index=appeal.reg_index, body=body, reason=reason),
        AppealChanges(result=Result.FORWARDED.value),
    )
    reply = ctx._("Appeal {index} is forwarded to {body}; the citizen is told.").format(
        index=appeal.reg_index, body=body
    )
    if late:
        reply += "\n" + ctx._("Note: the 5-day term for forwarding has passed.")
    return Reply(reply + joined)


async def send_back(
    ctx: Ctx, appeal: AppealRecord, reason: str, *, lacking_data: bool = False
) -> Reply:
    """Returned to the author with an explanation: within 10 days when it does not meet Art. 5,
    within 5 when it lacks the data needed for a decision (Art. 7)."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.RETURNED)
    term = return_due(appeal.received_on, ctx.config.calendar, lacking_data=lacking_data)
    late = today(ctx) > term
    joined = await conclude(
        ctx,
        appeal,
        Status.RETURNED,
        by_employee(
            ctx,
            "returned",
            text=reason,
            data={"late": late, "ground": "art7" if lacking_data else "art5"},
        ),
        lambda citizen: citizen._(
            "Your appeal {index} is returned to you with an explanation: {reason}\nYou may file it "
            "again with what is missing."
        ).format(index=appeal.reg_index, reason=reason),
        AppealChanges(result=Result.RETURNED.value),
    )
    reply = ctx._("Appeal {index} is returned to the author.").format(index=appeal.reg_index)
    if late:
        reply += "\n" + ctx._("Note: the term for a return ({date}) has passed.").format(
            date=day(ctx, term)
        )
    return Reply(reply + joined)


#: Art. 8: "resolved on the merits" — an answer that resolved, refused or explained.
MERITS_RESULTS = frozenset({Result.RESOLVED.value, Result.REFUSED.value, Result.EXPLAINED.value})


def check_earlier(ctx: Ctx, appeal: AppealRecord, earlier: AppealRecord | None) -> AppealRecord:
    """Art. 8: a repeated appeal is one from the same person on an issue already resolved on
    the merits; the earlier appeal must be named, and it must be such."""
    if earlier is None:
        raise ActionRefused(
            Reply(
                ctx._(
                    "Name the earlier appeal of the same author that was resolved on the merits: "
                    "/reject {index} repeated EARLIER-INDEX [COMMENT]"
                ).format(index=appeal.reg_index)
            )
        )
    if earlier.id == appeal.id or earlier.author_id != appeal.author_id:
        raise ActionRefused(
            Reply(
                ctx._("Appeal {earlier} is not an earlier appeal of the same author.").format(
                    earlier=earlier.reg_index
                )
            )
        )
    if earlier.status not in (Status.ANSWERED.value, Status.CLOSED.value) or (
        earlier.result not in MERITS_RESULTS
    ):
        raise ActionRefused(
            Reply(
                ctx._(
                    "Appeal {earlier} was not resolved on the merits, so the new one is not a "
                    "repeated appeal under Art. 8."
                ).format(earlier=earlier.reg_index)
            )
        )
    return earlier


async def check_late(
    ctx: Ctx, appeal: AppealRecord, learned: date | None, decided: date | None
) -> tuple[date, date | None]:
    """Art. 8, 17: only a complaint is late, and only past its terms: a month from when the
    author learned of the decision, and a year from the decision itself. For a complaint about
    an answer given here both dates default to that answer's day. Returns the dates used."""
    if not reason_fits(NotConsidered.LATE, appeal.kind):
        raise ActionRefused(
            Reply(
                ctx._(
                    "Only a complaint can be left unconsidered as filed late (Art. 8, 17); appeal "
                    "{index} is not a complaint."
                ).format(index=appeal.reg_index)
            )
        )
    if (learned is None or decided is None) and appeal.parent_id is not None:
        parent = await ctx.uow.appeals.get(appeal.parent_id)
        if parent is not None and parent.answered_at is not None:
            answered = parent.outgoing_date or shown_day(ctx, parent, parent.answered_at)
            learned = learned or answered
            decided = decided or answered
    if learned is None:
        raise ActionRefused(
            Reply(
                ctx._(
                    "Give the date the author learned of the decision, and the date of the "
                    "decision if known: /reject {index} late DD.MM.YYYY [DD.MM.YYYY] [COMMENT]"
                ).format(index=appeal.reg_index)
            )
        )
    if decided is not None and decided > learned:
        raise ActionRefused(
            Reply(ctx._("The decision cannot be dated after the day the author learned of it."))
        )
    if not complaint_is_late(appeal.received_on, learned, decided):
        within = ctx._(
            "The complaint was filed within the terms of Art. 17: a month from {date}, when the "
            "author learned of the decision."
        ).format(date=day(ctx, learned))
        if decided is not None:
            within += " " + ctx._("It is also within a year of the decision of {date}.").format(
                date=day(ctx, decided)
            )
        raise ActionRefused(Reply(within))
    return learned, decided


async def reject(
    ctx: Ctx,
    appeal: AppealRecord,
    reason: NotConsidered,
    comment: str,
    *,
    earlier: AppealRecord | None = None,
    learned: date | None = None,
    decided: date | None = None,
) -> Reply:
    """Art. 8: not considered, only for a reason from its closed list, each checked as the law
    has it. The decision is the head's (Art. 8): the record says who took it on whose
    authority."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.NOT_CONSIDERED)
    data: dict[str, object] = {
        "reason": reason.value,
        "authority": ctx.config.head_title_uk,
    }
    changes = AppealChanges(result=Result.STOPPED.value)
    if reason is NotConsidered.REPEATED:
        linked = check_earlier(ctx, appeal, earlier)
        data["earlier"] = linked.reg_index
        changes["parent_id"] = linked.id
        if appeal.receipt_sign != ReceiptSign.REPEATED.value:
            # Instruction No. 348: the card's receipt sign says so, and reports count it as 2.2.
            await ctx.uow.appeals.reclassify(
                appeal.id,
                {"receipt_sign": ReceiptSign.REPEATED.value},
                by_employee(
                    ctx,
                    "reclassified",
                    text=f"{ClassField.SIGN.value}: {appeal.receipt_sign} → "
                    f"{ReceiptSign.REPEATED.value}",
                    data={
                        "field": ClassField.SIGN.value,
                        "from": appeal.receipt_sign,
                        "to": ReceiptSign.REPEATED.value,
                    },
                    internal=True,
                ),
            )
    if reason is NotConsidered.LATE:
        learned, decided = await check_late(ctx, appeal, learned, decided)
        data["learned"] = learned.isoformat()
        if decided is not None:
            data["decided"] = decided.isoformat()

    def explanation(citizen: Speaker) -> str:
        lines = [
            citizen._("Your appeal {index} will not be considered: {reason}.").format(
                index=appeal.reg_index, reason=citizen._(NOT_CONSIDERED_NAMES[reason])
            )
        ]
        if earlier is not None and reason is NotConsidered.REPEATED:
            lines.append(citizen._("The earlier appeal: {index}.").format(index=earlier.reg_index))
        lines.append(
            citizen._("The decision is taken on the authority of {head}.").format(
                head=ctx.config.head_title(citizen.locale)
            )
        )
        return "\n".join([*lines, *([comment] if comment else [])])

    joined = await conclude(
        ctx,
        appeal,
        Status.NOT_CONSIDERED,
        by_employee(ctx, "not_considered", text=comment or None, data=data),
        explanation,
        changes,
    )
    return Reply(
        ctx._("Appeal {index} will not be considered; the citizen is told.").format(
            index=appeal.reg_index
        )
        + joined
    )


async def note(ctx: Ctx, appeal: AppealRecord, text: str) -> Reply:
    require(ctx, Permission.NOTE)
    await ctx.uow.appeals.add_event(appeal.id, by_employee(ctx, "note", text=text, internal=True))
    return Reply(
        ctx._("The note is added to appeal {index}; the citizen does not see it.").format(
            index=appeal.reg_index
        )
    )


async def close(ctx: Ctx, appeal: AppealRecord) -> Reply:
    """An answered appeal the citizen never rated: the operator closes it, as the automatic close
    after the set number of days would, and the citizen is told."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.CLOSED)
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.CLOSED,
        by_employee(ctx, "closed"),
        closed_at=ctx.now,
    )
    await notices.publish(ctx, notices.AppealClosed(appeal))
    return Reply(
        ctx._("Appeal {index} is closed; the citizen is told.").format(index=appeal.reg_index)
    )
