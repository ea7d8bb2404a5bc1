"""The answer's way to the citizen: the executor submits it; under the CNAP's control (Lutsk's
order, the setting `answer_control`) it waits "on review" until an operator approves it or
returns it for rework. What the citizen finally reads carries what Art. 15 and 19 require: the
result, a refusal's grounds and how to appeal it (Art. 16: a complaint to the higher body, or
court), the signatory, and the outgoing number and date."""

from handlers import notices
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.duty import today
from handlers.types import OutgoingFile, Reply
from reception.answers import AnswerProblem, Signatory, answer_problem
from reception.classifier import Result
from reception.roles import Permission
from reception.statuses import IN_WORK_STATUSES, STATUS_NAMES, Status
from storage.records import AppealChanges, AppealRecord

#: The history line of the executor's answer; with control on it is internal until approved.
SUBMITTED = "answered"
APPROVED = "approved"
REWORK = "rework"


def refuse_problem(ctx: Ctx, problem: AnswerProblem) -> act.ActionRefused:
    if problem is AnswerProblem.NO_GROUNDS:
        text = ctx._(
            "A refusal cannot be sent without its grounds (Art. 15, 19 of the Law): state why "
            "the request is refused."
        )
    elif problem is AnswerProblem.SIGNATORY_NOT_HEAD:
        text = ctx._(
            "An answer to a complaint is signed by the head of the body or a deputy (Art. 15 of "
            "the Law): give such a signatory."
        )
    else:
        text = ctx._("The answer needs a signatory: a name and a position.")
    return act.ActionRefused(Reply(text))


def signatory_of(appeal: AppealRecord) -> Signatory | None:
    if not appeal.signatory_name or not appeal.signatory_position:
        return None
    return Signatory(appeal.signatory_name, appeal.signatory_position)


async def submit(
    ctx: Ctx,
    appeal: AppealRecord,
    text: str,
    result: Result,
    file_ids: list[int],
    grounds: str | None,
    signatory: Signatory,
) -> Reply:
    """The executor's answer: on review under control, else straight to the citizen."""
    act.require(ctx, Permission.ANSWER)
    problem = answer_problem(appeal.kind, result, grounds, signatory)
    if problem is not None:
        raise refuse_problem(ctx, problem)
    control = ctx.config.answer_control
    target = Status.ON_REVIEW if control else Status.ANSWERED
    act.require_transition(ctx, appeal, target)
    await ctx.uow.staff.set_signatory(ctx.person.id, signatory.name, signatory.position)
    refusal = grounds.strip() if result is Result.REFUSED and grounds else None
    changes = AppealChanges(
        answer_text=text,
        result=result.value,
        refusal_grounds=refusal,
        signatory_name=signatory.name,
        signatory_position=signatory.position,
        executor_id=appeal.executor_id or ctx.person.id,
    )
    if not control:
        changes.update(sent_now(ctx, appeal))
    event = await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        target,
        act.by_employee(ctx, SUBMITTED, data={"result": result.value}, internal=control),
        **changes,
    )
    if file_ids:
        await ctx.uow.appeals.link_attachments(file_ids, appeal.id, event.id, ctx.person.id)
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    if not control:
        left = await send_to_citizen(ctx, updated, event.id, event.id)
        return Reply(
            ctx._("The answer to appeal {index} is sent to the citizen.").format(
                index=appeal.reg_index
            )
            + not_answered_jointly(ctx, left)
        )

    await notices.publish(ctx, notices.AnswerOnReview(updated))
    return Reply(
        ctx._(
            "The answer to appeal {index} is sent to the citizens' appeals department for "
            "review; the citizen receives it once it is approved."
        ).format(index=appeal.reg_index)
    )


def require_on_review(ctx: Ctx, appeal: AppealRecord) -> None:
    if appeal.status != Status.ON_REVIEW.value:
        raise act.ActionRefused(
            Reply(
                ctx._("Appeal {index} has no answer awaiting review; it is {status}.").format(
                    index=appeal.reg_index, status=ctx._(STATUS_NAMES[Status(appeal.status)])
                )
            )
        )


async def approve(ctx: Ctx, appeal: AppealRecord) -> Reply:
    act.require(ctx, Permission.REVIEW)
    require_on_review(ctx, appeal)
    result = Result(appeal.result) if appeal.result else Result.EXPLAINED
    problem = answer_problem(appeal.kind, result, appeal.refusal_grounds, signatory_of(appeal))
    if problem is not None:
        raise refuse_problem(ctx, problem)
    submitted = [
        e.id for e in await ctx.uow.appeals.events(appeal.id, internal=True) if e.kind == SUBMITTED
    ]
    event = await ctx.uow.appeals.transition(
        appeal.id,
        Status.ON_REVIEW,
        Status.ANSWERED,
        act.by_employee(ctx, APPROVED, data={"result": appeal.result}),
        **sent_now(ctx, appeal),
    )
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    left = await send_to_citizen(ctx, updated, submitted[-1] if submitted else event.id, event.id)
    return Reply(
        ctx._("The answer to appeal {index} is approved and sent to the citizen.").format(
            index=appeal.reg_index
        )
        + not_answered_jointly(ctx, left)
    )


def not_answered_jointly(ctx: Ctx, left: list[str]) -> str:
    if not left:
        return ""
    return "\n" + ctx._(
        "Joined to it but not answered with it, as their kind needs another answer (for "
        "example, a complaint's signatory): {indexes}. Answer them separately."
    ).format(indexes=", ".join(left))


async def rework(ctx: Ctx, appeal: AppealRecord, reason: str) -> Reply:
    act.require(ctx, Permission.REVIEW)
    require_on_review(ctx, appeal)
    target = Status.IN_PROGRESS if appeal.executor_id else Status.ASSIGNED
    await ctx.uow.appeals.transition(
        appeal.id,
        Status.ON_REVIEW,
        target,
        act.by_employee(ctx, REWORK, text=reason, internal=True),
    )

    await notices.publish(ctx, notices.AnswerReturned(appeal, reason))
    return Reply(
        ctx._("The answer to appeal {index} is returned to the executor for rework.").format(
            index=appeal.reg_index
        )
    )


def sent_now(ctx: Ctx, appeal: AppealRecord) -> AppealChanges:
    """What the card records when the answer leaves: the moment (the auto-close counts from
    it) and the outgoing number and date. The outgoing answer carries the appeal's registration
    index (a choice of this reception; Instruction No. 348 leaves the local numbering open).
    An appeal that arrived after hours counts as received the next working day: an answer sent
    that evening is dated that day too, never before its receipt."""
    return AppealChanges(
        answered_at=ctx.now,
        outgoing_number=appeal.reg_index,
        outgoing_date=max(today(ctx), appeal.received_on),
    )


async def send_to_citizen(
    ctx: Ctx, appeal: AppealRecord, files_event: int, answer_event: int
) -> list[str]:
    """The answer leaves the council: it gets its outgoing number and date, its files follow
    it to the history line the citizen sees, and it is queued to the citizen, and to the
    authors of the appeals joined to this one. Returns the joined appeals it could not
    answer (their kind needs another answer)."""
    if files_event != answer_event:
        await ctx.uow.appeals.move_attachments(appeal.id, files_event, answer_event)
    files = tuple(
        OutgoingFile(a.storage_key, a.name, a.mime, a.size)
        for a in await ctx.uow.appeals.attachments(appeal.id)
        if a.event_id == answer_event
    )
    await notices.publish(ctx, notices.AnswerSent(appeal, files))
    return await answer_joined(ctx, appeal, files)


async def answer_joined(
    ctx: Ctx, lead: AppealRecord, files: tuple[OutgoingFile, ...]
) -> list[str]:
    """Each appeal joined to `lead` and still awaiting its answer gets the same answer, under
    its own outgoing number, with the same files; each author rates their own."""
    left: list[str] = []
    result = Result(lead.result or Result.EXPLAINED.value)
    signatory = signatory_of(lead)
    for joined in await ctx.uow.appeals.joined_to(lead.id):
        status = Status(joined.status)
        if status not in IN_WORK_STATUSES:
            continue
        if answer_problem(joined.kind, result, lead.refusal_grounds, signatory) is not None:
            left.append(joined.reg_index)
            continue
        changes = AppealChanges(
            answer_text=lead.answer_text or "",
            result=result.value,
            refusal_grounds=lead.refusal_grounds,
            signatory_name=lead.signatory_name or "",
            signatory_position=lead.signatory_position or "",
            executor_id=lead.executor_id,
        )
        changes.update(sent_now(ctx, joined))
        await ctx.uow.appeals.transition(
            joined.id,
            status,
            Status.ANSWERED,
            act.by_employee(ctx, "answered_jointly", data={"joined_to": lead.reg_index}),
            **changes,
        )
        updated = await ctx.uow.appeals.get(joined.id)
        assert updated is not None
        await notices.publish(ctx, notices.AnswerSent(updated, files))
    return left
