"""What staff do to an appeal. Each action checks the role, the law and the status, writes an
event with its actor, and queues what the citizen, the department and colleagues must learn."""

from datetime import date

from handlers import notify
from handlers.author import author_as_seen
from handlers.context import Ctx
from handlers.payloads import NotSolved, Rate
from handlers.render import day, kind_name, result_name, topic_name
from handlers.staff_card import role_of
from handlers.types import Button, OutgoingFile, Reply
from reception.classifier import Result
from reception.deadlines import (
    ExtensionProblem,
    Term,
    due_date,
    extension_problem,
    forward_due,
    latest_due,
    return_due,
)
from reception.reasons import NOT_CONSIDERED_NAMES, NotConsidered
from reception.roles import Permission, Role, can
from reception.statuses import STATUS_NAMES as STATUS_WORDS
from reception.statuses import Status, can_transition, is_open
from storage.records import AppealRecord, DepartmentRecord, NewEvent


class ActionRefused(Exception):
    """The action is not allowed; the message says why, in the employee's language."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


def today(ctx: Ctx) -> date:
    return ctx.now.astimezone(ctx.config.calendar.timezone).date()


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


def email_body(ctx: Ctx, appeal: AppealRecord, department: DepartmentRecord) -> str:
    """The card for the department's mailbox: no more personal data than an executor sees."""
    author = author_as_seen(ctx, Role.EXECUTOR, appeal)
    lines = [
        ctx._("Appeal {index} is assigned to {department} for consideration.").format(
            index=appeal.reg_index, department=department.name(ctx.locale)
        ),
        ctx._("Kind: {value}").format(value=kind_name(ctx, appeal.kind)),
        ctx._("Topic: {value}").format(value=topic_name(ctx, appeal.topic)),
        ctx._("Received: {date}").format(date=day(ctx, appeal.received_on)),
        ctx._("Due by: {date}").format(date=day(ctx, appeal.due_on)),
        ctx._("Author: {value}").format(value=author.name),
        ctx._("Place of residence: {value}").format(value=author.residence),
        *notify.place_lines(ctx, appeal),
        "",
        appeal.text,
        "",
        ctx._("Work on the appeal and answer it in the reception's bot: /appeal {index}").format(
            index=appeal.reg_index
        ),
    ]
    return "\n".join(lines)


async def assign(
    ctx: Ctx, appeal: AppealRecord, department: DepartmentRecord, term: Term
) -> Reply:
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.ASSIGNED)
    due = due_date(appeal.received_on, term, ctx.config.calendar)
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.ASSIGNED,
        by_employee(
            ctx,
            "assigned",
            text=department.name(ctx.locale),
            data={"department": department.code, "term": term.value},
        ),
        department_id=department.id,
        term=term.value,
        due_on=due,
        executor_id=None,
    )
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        updated,
        "assigned",
        Reply(
            citizen._(
                "Your appeal {index} has been sent for consideration to {department}. The answer is due "
                "by {due}."
            ).format(
                index=appeal.reg_index,
                department=department.name(citizen.locale),
                due=day(citizen, due),
            )
        ),
    )

    def for_executor(view: Ctx) -> Reply:
        return Reply(
            view._(
                "Appeal {index} is assigned to your department; the answer is due by {due}."
            ).format(index=appeal.reg_index, due=day(view, due)),
            (notify.appeal_button(view, updated),),
        )

    await notify.staff_of(ctx, (Role.EXECUTOR,), department.id, "assigned", updated, for_executor)
    mail = ctx.speaking("uk")
    await notify.department_email(
        ctx,
        department,
        updated,
        mail._("Appeal {index}: {topic}").format(
            index=appeal.reg_index, topic=topic_name(mail, appeal.topic)
        ),
        email_body(mail, updated, department),
        "assigned",
        await ctx.uow.appeals.attachments(appeal.id),
    )
    return Reply(
        ctx._("Appeal {index} is assigned to {department}; the answer is due by {due}.").format(
            index=appeal.reg_index, department=department.name(ctx.locale), due=day(ctx, due)
        )
    )


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
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        appeal,
        "in_progress",
        Reply(
            citizen._("Your appeal {index} is being considered.").format(index=appeal.reg_index)
        ),
    )
    return Reply(
        ctx._("You have taken appeal {index}. Answer it with /answer {index}.").format(
            index=appeal.reg_index
        )
    )


async def answer(
    ctx: Ctx, appeal: AppealRecord, text: str, result: Result, file_ids: list[int]
) -> Reply:
    require(ctx, Permission.ANSWER)
    require_transition(ctx, appeal, Status.ANSWERED)
    event_id = (
        await ctx.uow.appeals.transition(
            appeal.id,
            Status(appeal.status),
            Status.ANSWERED,
            by_employee(ctx, "answered", data={"result": result.value}),
            answer_text=text,
            result=result.value,
            answered_at=ctx.now,
            executor_id=appeal.executor_id or ctx.person.id,
        )
    ).id
    if file_ids:
        await ctx.uow.appeals.link_attachments(file_ids, appeal.id, event_id, ctx.person.id)
    files = tuple(
        OutgoingFile(a.storage_key, a.name, a.mime, a.size)
        for a in await ctx.uow.appeals.attachments(appeal.id)
        if a.event_id == event_id
    )
    citizen = await notify.reader(ctx, appeal.author_id)
    rating = tuple(Button(str(n), Rate(appeal.id, n).pack()) for n in range(1, 6))
    await notify.citizen(
        ctx,
        appeal,
        "answered",
        Reply(
            citizen._(
                "The answer to your appeal {index}:\n\n{text}\n\nResult: {result}\n\n"
                "Please rate the answer from 1 to 5, or tell us if the problem is not "
                "solved."
            ).format(index=appeal.reg_index, text=text, result=result_name(citizen, result.value)),
            (*rating, Button(citizen._("The problem is not solved"), NotSolved(appeal.id).pack())),
            files=files,
            columns=5,
        ),
    )
    return Reply(
        ctx._("The answer to appeal {index} is sent to the citizen.").format(
            index=appeal.reg_index
        )
    )


async def extend(ctx: Ctx, appeal: AppealRecord, new_due: date, reason: str) -> Reply:
    require(ctx, Permission.EXTEND)
    if not is_open(Status(appeal.status)):
        require_transition(ctx, appeal, Status.ASSIGNED)
    problem = extension_problem(appeal.received_on, appeal.due_on, new_due, today(ctx))
    if problem is ExtensionProblem.PAST_MAXIMUM:
        raise ActionRefused(
            Reply(
                ctx._(
                    "The law allows no more than 45 days from receipt: appeal {index} may be extended "
                    "to {latest} at the latest."
                ).format(
                    index=appeal.reg_index,
                    latest=day(ctx, latest_due(appeal.received_on)),
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
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        appeal,
        "extended",
        Reply(
            citizen._(
                "The term of consideration of your appeal {index} is extended to {due}. Reason: "
                "{reason}"
            ).format(index=appeal.reg_index, due=day(citizen, new_due), reason=reason)
        ),
    )
    return Reply(
        ctx._("The term of appeal {index} is extended to {due}; the citizen is told.").format(
            index=appeal.reg_index, due=day(ctx, new_due)
        )
    )


async def forward(ctx: Ctx, appeal: AppealRecord, body: str, reason: str) -> Reply:
    """Art. 7: outside the council's competence, forwarded within 5 days, the citizen told."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.FORWARDED)
    late = today(ctx) > forward_due(appeal.received_on, ctx.config.calendar)
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.FORWARDED,
        by_employee(ctx, "forwarded", text=reason, data={"to": body, "late": late}),
        result=Result.FORWARDED.value,
        closed_at=ctx.now,
    )
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        appeal,
        "forwarded",
        Reply(
            citizen._(
                "Your appeal {index} concerns matters outside the council's competence and is forwarded "
                "to {body} (Art. 7 of the Law “On Citizens' Appeals”). Reason: {reason}"
            ).format(index=appeal.reg_index, body=body, reason=reason)
        ),
    )
    reply = ctx._("Appeal {index} is forwarded to {body}; the citizen is told.").format(
        index=appeal.reg_index, body=body
    )
    if late:
        reply += "\n" + ctx._("Note: the 5-day term for forwarding has passed.")
    return Reply(reply)


async def send_back(
    ctx: Ctx, appeal: AppealRecord, reason: str, *, lacking_data: bool = False
) -> Reply:
    """Returned to the author with an explanation: within 10 days when it does not meet Art. 5,
    within 5 when it lacks the data needed for a decision (Art. 7)."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.RETURNED)
    term = return_due(appeal.received_on, ctx.config.calendar, lacking_data=lacking_data)
    late = today(ctx) > term
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.RETURNED,
        by_employee(
            ctx,
            "returned",
            text=reason,
            data={"late": late, "ground": "art7" if lacking_data else "art5"},
        ),
        result=Result.RETURNED.value,
        closed_at=ctx.now,
    )
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        appeal,
        "returned",
        Reply(
            citizen._(
                "Your appeal {index} is returned to you with an explanation: {reason}\nYou may file it "
                "again with what is missing."
            ).format(index=appeal.reg_index, reason=reason)
        ),
    )
    reply = ctx._("Appeal {index} is returned to the author.").format(index=appeal.reg_index)
    if late:
        reply += "\n" + ctx._("Note: the term for a return ({date}) has passed.").format(
            date=day(ctx, term)
        )
    return Reply(reply)


async def reject(ctx: Ctx, appeal: AppealRecord, reason: NotConsidered, comment: str) -> Reply:
    """Art. 8: not considered, only for a reason from its closed list."""
    require(ctx, Permission.TRIAGE)
    require_transition(ctx, appeal, Status.NOT_CONSIDERED)
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.NOT_CONSIDERED,
        by_employee(ctx, "not_considered", text=comment or None, data={"reason": reason.value}),
        result=Result.STOPPED.value,
        closed_at=ctx.now,
    )
    citizen = await notify.reader(ctx, appeal.author_id)
    explanation = citizen._("Your appeal {index} will not be considered: {reason}.").format(
        index=appeal.reg_index, reason=citizen._(NOT_CONSIDERED_NAMES[reason])
    )
    if comment:
        explanation += "\n" + comment
    await notify.citizen(ctx, appeal, "not_considered", Reply(explanation))
    return Reply(
        ctx._("Appeal {index} will not be considered; the citizen is told.").format(
            index=appeal.reg_index
        )
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
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(
        ctx,
        appeal,
        "closed",
        Reply(
            citizen._(
                "Consideration of your appeal {index} is completed and the appeal is closed. If "
                "the problem is not solved, you may file a repeated appeal or a complaint about the "
                "answer."
            ).format(index=appeal.reg_index)
        ),
    )
    return Reply(
        ctx._("Appeal {index} is closed; the citizen is told.").format(index=appeal.reg_index)
    )
