"""The steps that collect a card action's arguments from buttons and messages."""

from dataclasses import replace

from handlers import answer_control, pending
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.payloads import (
    BACK,
    CONFIRM,
    SKIP,
    Act,
    CardAction,
    ChooseDepartment,
    ChooseReason,
    ChooseReturnGround,
    ChooseTerm,
    OpenCard,
    ReturnGround,
)
from handlers.pending import Assigning, Typing
from handlers.staff_answer import start_answer
from handlers.staff_card import back_to_card, card, pending_appeal, role_of, visible_by_id
from handlers.staff_classify import start_classify
from handlers.staff_commands import for_card_action
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.classifier import head_considers
from reception.deadlines import Term
from reception.markers import N_
from reception.reasons import NOT_CONSIDERED_NAMES, NotConsidered
from reception.roles import Permission, is_staff


async def on_button(ctx: Ctx, payload: OpenCard | Act) -> list[Reply] | None:
    """A card's button: open the card, or start an action on it."""
    if not is_staff(role_of(ctx)):
        return None
    if isinstance(payload, OpenCard):
        appeal = await visible_by_id(ctx, str(payload.appeal_id))
        if appeal is None:
            return None
        ctx.state.step = StepName.MENU
        return [await card(ctx, appeal)]
    action = payload.action
    appeal = await visible_by_id(ctx, str(payload.appeal_id))
    if appeal is None:
        return None
    try:
        if action is CardAction.CLASSIFY:
            return await start_classify(ctx, appeal)
        if action is CardAction.TAKE:
            ctx.state.step = StepName.MENU
            return [await act.take(ctx, appeal)]
        if action is CardAction.APPROVE:
            ctx.state.step = StepName.MENU
            return [await answer_control.approve(ctx, appeal)]
        if action is CardAction.ANSWER:
            act.require(ctx, Permission.ANSWER)
            return await start_answer(ctx, appeal)
        if action is CardAction.ASSIGN:
            act.require(ctx, Permission.TRIAGE)
            pending.keep(ctx, Assigning(appeal.id))
            return await ctx.goto(StepName.STAFF_DEPARTMENT)
        if action is CardAction.REJECT:
            act.require(ctx, Permission.TRIAGE)
            pending.keep(ctx, Typing(appeal.id, action.value))
            return await ctx.goto(StepName.STAFF_REASON)
        if action is CardAction.RETURN:
            act.require(ctx, Permission.TRIAGE)
            pending.keep(ctx, Typing(appeal.id, action.value))
            return await ctx.goto(StepName.STAFF_RETURN_GROUND)
        if action in INPUT_PROMPTS:
            act.require(ctx, for_card_action(action).permission)
            pending.keep(ctx, Typing(appeal.id, action.value))
            return await ctx.goto(StepName.STAFF_INPUT)
    except act.ActionRefused as refused:
        return [refused.reply]
    return None


async def ask_department(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    departments = await ctx.uow.departments.all()
    if appeal is not None:
        # Art. 15: the head's office first for those the head considers personally; then the
        # body the citizen's everyday category names; then the bodies that usually handle the
        # appeal's topic.
        office = (
            ctx.config.head_office_department if head_considers(appeal.author_category) else ""
        )
        suggested = next(
            (c.department for c in ctx.config.categories if c.code == appeal.category), None
        )
        departments.sort(
            key=lambda d: (d.code != office, d.code != suggested, appeal.topic not in d.topics)
        )
    buttons = tuple(Button(d.name(ctx.locale), ChooseDepartment(d.id).pack()) for d in departments)
    return Reply(
        ctx._("Which department should consider appeal {index}?").format(
            index=appeal.reg_index if appeal else ""
        ),
        (*buttons, Button(ctx._("Cancel"), BACK)),
    )


async def answer_department(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseDepartment.parse(action)
    if chosen is None:
        return None
    department = await ctx.uow.departments.get(chosen.department_id)
    if department is None or not department.active:
        return None
    pending.keep(ctx, replace(pending.started(ctx, Assigning), department_id=department.id))
    return await ctx.goto(StepName.STAFF_TERM)


async def ask_term(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "Which term does the appeal need? Without additional study the law sets 15 days; "
            "otherwise one month."
        ),
        (
            Button(ctx._("15 days"), ChooseTerm(Term.FIFTEEN_DAYS).pack()),
            Button(ctx._("One month"), ChooseTerm(Term.ONE_MONTH).pack()),
            Button(ctx._("Cancel"), BACK),
        ),
    )


async def answer_term(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseTerm.parse(action)
    if chosen is None:
        return None
    appeal = await pending_appeal(ctx)
    started = pending.started(ctx, Assigning)
    pending.drop(ctx)
    department = await ctx.uow.departments.get(started.department_id or 0)
    ctx.state.step = StepName.MENU
    if appeal is None or department is None:
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        return [await act.assign(ctx, appeal, department, chosen.term)]
    except act.NeedsConfirmation as warning:
        # Art. 7 part 4, Art. 15: lawful only on purpose — ask before assigning.
        pending.keep(
            ctx,
            replace(
                started,
                appeal_id=appeal.id,
                term=chosen.term.value,
                warning=warning.warning,
            ),
        )
        return await ctx.goto(StepName.STAFF_ASSIGN_CONFIRM)
    except act.ActionRefused as refused:
        return [refused.reply]


async def ask_assign_confirm(ctx: Ctx) -> Reply:
    return Reply(
        pending.started(ctx, Assigning).warning + "\n\n" + ctx._("Assign it anyway?"),
        (Button(ctx._("Assign anyway"), CONFIRM), Button(ctx._("Cancel"), BACK)),
    )


async def answer_assign_confirm(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    if ctx.incoming.action != CONFIRM:
        return None
    appeal = await pending_appeal(ctx)
    started = pending.started(ctx, Assigning)
    pending.drop(ctx)
    department = await ctx.uow.departments.get(started.department_id or 0)
    ctx.state.step = StepName.MENU
    term = started.term or ""
    if appeal is None or department is None or term not in set(Term):
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        return [await act.assign(ctx, appeal, department, Term(term), confirmed=True)]
    except act.ActionRefused as refused:
        return [refused.reply]


INPUT_PROMPTS: dict[CardAction, str] = {
    CardAction.EXTEND: N_(
        "Type the new date and the reason, for example: 20.01.2027 an on-site inspection is needed"
    ),
    CardAction.FORWARD: N_(
        "Type the body and the reason separated by a semicolon, for example: Volyn "
        "Regional State Administration; the issue is within its competence"
    ),
    CardAction.RETURN: N_("Type the explanation for the author: what is missing or wrong."),
    CardAction.NOTE: N_("Type the internal note; the citizen will not see it"),
    CardAction.REWORK: N_("Type what the executor must correct in the answer"),
}
#: After the reason from Art. 8's list, the comment may be skipped.
REJECT_PROMPT = N_("Type a comment for the citizen, or tap “Skip”")
#: Art. 8: a repeated appeal names the earlier one; a late complaint, when its author learned.
REASON_PROMPTS: dict[NotConsidered, str] = {
    NotConsidered.REPEATED: N_(
        "Type the index of the earlier appeal of the same author that was resolved on the "
        "merits, then a comment for the citizen if needed"
    ),
    NotConsidered.LATE: N_(
        "Type the date the author learned of the decision and, if known, the date of the "
        "decision (DD.MM.YYYY; not needed for a complaint about an answer given here), then a "
        "comment for the citizen if needed"
    ),
}


def pending_action(ctx: Ctx) -> CardAction:
    """The card action whose words this step collects (a note when the state lost it)."""
    stored = pending.started(ctx, Typing).action
    return CardAction(stored) if stored in set(CardAction) else CardAction.NOTE


async def ask_input(ctx: Ctx) -> Reply:
    action = pending_action(ctx)
    reason = pending.started(ctx, Typing).reason or ""
    prompt = INPUT_PROMPTS.get(action, REJECT_PROMPT)
    if action is CardAction.REJECT and reason in set(NotConsidered):
        prompt = REASON_PROMPTS.get(NotConsidered(reason), REJECT_PROMPT)
    buttons = (Button(ctx._("Skip"), SKIP),) if action is CardAction.REJECT else ()
    return Reply(
        ctx._(prompt),
        (*buttons, Button(ctx._("Cancel"), BACK)),
    )


async def answer_input(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    started = pending.started(ctx, Typing)
    action = pending_action(ctx)
    skip = ctx.incoming.action == SKIP and action is CardAction.REJECT
    if not skip and (ctx.incoming.action or not ctx.incoming.text):
        return None
    appeal = await pending_appeal(ctx)
    pending.drop(ctx)
    ctx.state.step = StepName.MENU
    if appeal is None:
        return [Reply(ctx._("This action is no longer possible."))]
    text = "" if skip else (ctx.incoming.text or "")
    if action is CardAction.REJECT:
        text = f"{started.reason or ''} {text}"
    if action is CardAction.RETURN and started.reason == ReturnGround.ART7:
        # The typed command's form: the ground's word, then the explanation.
        text = f"{ReturnGround.ART7} {text}"
    command = for_card_action(action)
    assert command.on_appeal is not None
    try:
        return await command.on_appeal(ctx, command, appeal, text)
    except act.ActionRefused as refused:
        return [refused.reply]


async def ask_reason(ctx: Ctx) -> Reply:
    buttons = tuple(
        Button(ctx._(NOT_CONSIDERED_NAMES[r]), ChooseReason(r).pack()) for r in NotConsidered
    )
    return Reply(
        ctx._("Why will the appeal not be considered? Art. 8 allows only these reasons."),
        (*buttons, Button(ctx._("Cancel"), BACK)),
    )


async def answer_reason(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseReason.parse(action)
    if chosen is None:
        return None
    pending.keep(ctx, replace(pending.started(ctx, Typing), reason=chosen.reason.value))
    return await ctx.goto(StepName.STAFF_INPUT)


#: Each ground of a return in the words of the law, with its term.
RETURN_GROUNDS: dict[ReturnGround, str] = {
    ReturnGround.ART5: N_(
        "It does not meet Art. 5 (no name, residence or substance): return within 10 days"
    ),
    ReturnGround.ART7: N_(
        "It lacks the data needed for a decision (Art. 7): return within 5 days"
    ),
}


async def ask_return_ground(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    buttons = tuple(
        Button(ctx._(RETURN_GROUNDS[g]), ChooseReturnGround(g).pack()) for g in ReturnGround
    )
    return Reply(
        ctx._("Why does appeal {index} go back to its author?").format(
            index=appeal.reg_index if appeal else ""
        ),
        (*buttons, Button(ctx._("Cancel"), BACK)),
    )


async def answer_return_ground(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseReturnGround.parse(action)
    if chosen is None:
        return None
    pending.keep(ctx, replace(pending.started(ctx, Typing), reason=chosen.ground.value))
    return await ctx.goto(StepName.STAFF_INPUT)
