"""An operator joins an appeal to an open one about the same problem (see `duplicates`)."""

from handlers import duplicates, notices
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.duplicates import JOINABLE, LEADS
from handlers.payloads import JoinAnyway, JoinTo
from handlers.staff_card import card, visible_by_id
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.markers import N_
from reception.roles import Permission
from reception.statuses import Status
from storage.records import AppealRecord


def _refused(
    ctx: Ctx, message: str, appeal: AppealRecord, lead: AppealRecord
) -> act.ActionRefused:
    """`message`: a catalogue entry (marked with N_) naming {index} and {lead}."""
    return act.ActionRefused(
        Reply(ctx._(message).format(index=appeal.reg_index, lead=lead.reg_index))
    )


async def join(
    ctx: Ctx, appeal: AppealRecord, lead: AppealRecord, *, confirmed: bool = False
) -> Reply:
    """An operator joins `appeal` to `lead` (or to the appeal `lead` is itself joined to).
    Joining sends the appeal to the lead's department, so the law's checks on an assignment
    (Art. 7 part 4, Art. 15) apply: such a join is made only when confirmed, and marked."""
    act.require(ctx, Permission.TRIAGE)
    if lead.joined_to_id:
        lead = await ctx.uow.appeals.get(lead.joined_to_id) or lead
    if lead.id == appeal.id or appeal.joined_to_id == lead.id:
        raise _refused(ctx, N_("Appeal {index} is already joined to {lead}."), appeal, lead)
    if Status(appeal.status) not in JOINABLE:
        raise _refused(
            ctx,
            N_("Appeal {index} is no longer awaiting an answer: it cannot be joined."),
            appeal,
            lead,
        )
    waiting = Status(lead.status) is Status.REGISTERED
    # An appeal already in work cannot wait for an untriaged lead.
    if (
        Status(lead.status) not in LEADS
        or (waiting and Status(appeal.status) is not Status.REGISTERED)
        or (lead.department_id is None and not waiting)
    ):
        raise _refused(
            ctx,
            N_(
                "Appeal {lead} is not being worked on by a department: assign it first, then join "
                "{index} to it."
            ),
            appeal,
            lead,
        )
    if await ctx.uow.appeals.joined_to(appeal.id):
        raise _refused(
            ctx,
            N_("Other appeals are joined to {index}: join {lead} to {index} instead."),
            appeal,
            lead,
        )
    if waiting:
        # Where it goes is checked when the lead is assigned (`staff_actions.assign`).
        await wait_for(ctx, appeal, lead)
        return Reply(
            ctx._(
                "Appeal {index} is joined to {lead}: when {lead} is assigned, {index} goes to "
                "the same department, and the answer to {lead} reaches its author too. Each "
                "keeps its own index and due date."
            ).format(index=appeal.reg_index, lead=lead.reg_index)
        )
    assert lead.department_id is not None  # refused above when it has none and is not waiting
    department = await ctx.uow.departments.get(lead.department_id)
    assert department is not None
    warnings = await act.assignment_warnings(ctx, appeal, department)
    if warnings and not confirmed:
        warning = "\n".join(warnings.values())
        raise act.NeedsConfirmation(
            Reply(
                warning
                + "\n"
                + ctx._("To join it anyway, confirm: /merge {index} {lead} confirm").format(
                    index=appeal.reg_index, lead=lead.reg_index
                ),
                (
                    Button(
                        ctx._("Join anyway"),
                        JoinAnyway(appeal.id, lead.id).pack(),
                    ),
                ),
            ),
            warning,
        )
    await attach(ctx, appeal, lead, marks=tuple(warnings))
    return Reply(
        ctx._(
            "Appeal {index} is joined to {lead}: the answer to {lead} reaches its author too. "
            "Each keeps its own index and due date."
        ).format(index=appeal.reg_index, lead=lead.reg_index)
    )


async def join_filed(ctx: Ctx, appeal: AppealRecord, lead_id: int) -> AppealRecord:
    """The citizen chose "me too" while filing: joined if that appeal still fits (open, with a
    department, the same topic and place); otherwise it waits for the operators like any other."""
    lead = await ctx.uow.appeals.get(lead_id)
    if lead is None or Status(lead.status) not in LEADS:
        return appeal
    waiting = Status(lead.status) is Status.REGISTERED
    if lead.department_id is None and not waiting:
        return appeal
    if lead.id not in {a.id for a in await duplicates.like(ctx, appeal)}:
        return appeal
    if waiting:
        # Art. 15: an appeal the head considers personally is routed by an operator, never
        # joined by its author; Art. 7 part 4 is checked when the lead is assigned.
        if act.heads_own(ctx, appeal):
            return appeal
        await wait_for(ctx, appeal, lead)
    else:
        assert lead.department_id is not None  # returned above when it has none and is not waiting
        department = await ctx.uow.departments.get(lead.department_id)
        # Art. 7 part 4, Art. 15: where such an appeal may go is an operator's decision.
        if department is None or await act.assignment_warnings(ctx, appeal, department):
            return appeal
        await attach(ctx, appeal, lead, tell_author=False)
    return await ctx.uow.appeals.get(appeal.id) or appeal


async def wait_for(ctx: Ctx, appeal: AppealRecord, lead: AppealRecord) -> None:
    """Joined to a lead not yet assigned: it stays registered, and the lead's assignment
    assigns it too (`staff_actions.assign`)."""
    await ctx.uow.appeals.join_waiting(
        appeal.id,
        lead.id,
        act.by_employee(ctx, "joined", data={"joined_to": lead.reg_index}, internal=False),
    )


async def attach(
    ctx: Ctx,
    appeal: AppealRecord,
    lead: AppealRecord,
    *,
    tell_author: bool = True,
    marks: tuple[str, ...] = (),
) -> None:
    """The appeal goes to the lead's department and executor; its author (unless they chose it
    themselves) and that department's executors are told. `marks`: the warnings confirmed
    (see `assignment_warnings`), kept on the event as on an assignment's."""
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.ASSIGNED,
        act.by_employee(
            ctx,
            "joined",
            data={"joined_to": lead.reg_index, **{mark: True for mark in marks}},
            internal=False,
        ),
        department_id=lead.department_id,
        executor_id=lead.executor_id,
        joined_to_id=lead.id,
    )
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    assert lead.department_id is not None
    department = await ctx.uow.departments.get(lead.department_id)
    assert department is not None
    await notices.publish(ctx, notices.AppealJoined(updated, lead, department, tell_author))


async def on_join(ctx: Ctx, payload: JoinTo) -> list[Reply] | None:
    """The card's "Join to …" button."""
    appeal = await visible_by_id(ctx, str(payload.appeal_id))
    lead = await visible_by_id(ctx, str(payload.lead_id))
    if appeal is None or lead is None:
        return None
    ctx.state.step = StepName.MENU
    try:
        done = await join(ctx, appeal, lead, confirmed=isinstance(payload, JoinAnyway))
    except act.ActionRefused as refused:
        return [refused.reply]
    updated = await ctx.uow.appeals.get(appeal.id)
    return [done, *([await card(ctx, updated)] if updated else [])]
