"""After the answer: the citizen rates it, or says the problem is not solved — which files a
repeated appeal or a complaint linked to the first and puts it back in the operators' queue."""

import secrets

from handlers.context import Ctx
from handlers.filing import text_problem
from handlers.kept import Kept
from handlers.menu import menu_buttons
from handlers.my_appeals import own_appeal
from handlers.payloads import MAIN_MENU, AgainKind, FileAgain, NotSolved, Rate
from handlers.steps import StepName
from handlers.submission import register_appeal, registered_reply
from handlers.types import Button, Reply
from reception.kinds import AppealKind, ReceiptSign
from reception.roles import Role
from reception.statuses import Status
from reception.validation import clean_text, has_substance
from storage.records import AppealRecord, NewAppeal, NewEvent


async def answered_appeal(ctx: Ctx, raw_id: str) -> AppealRecord | None:
    appeal = await own_appeal(ctx, raw_id)
    return appeal if appeal is not None and appeal.status == Status.ANSWERED.value else None


async def on_feedback(ctx: Ctx, payload: Rate | NotSolved) -> list[Reply] | None:
    if isinstance(payload, Rate):
        score = str(payload.score)
        appeal = await answered_appeal(ctx, str(payload.appeal_id))
        if appeal is None:
            return None
        await ctx.uow.appeals.transition(
            appeal.id,
            Status.ANSWERED,
            Status.CLOSED,
            NewEvent("rated", ctx.person.id, Role.CITIZEN.value, ctx.now, text=score),
            rating=payload.score,
            closed_at=ctx.now,
        )
        ctx.state.step = StepName.MENU
        return [
            Reply(
                ctx._("Thank you for your rating. Appeal {index} is closed.").format(
                    index=appeal.reg_index
                ),
                menu_buttons(ctx),
                # The official answer stays in the chat; only its rating buttons go.
                detaches_buttons=True,
            )
        ]
    appeal = await answered_appeal(ctx, str(payload.appeal_id))
    if appeal is None:
        return None
    ctx.state.data[Kept.UNRESOLVED] = appeal.id
    return await ctx.goto(StepName.UNRESOLVED_KIND)


async def ask_unresolved_kind(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "We are sorry the problem is not solved. You may file a repeated appeal on the "
            "same issue, or a complaint about the answer (Art. 16, 17 of the Law), which is "
            "considered by a higher body or official; you keep the right to go to court."
        ),
        (
            Button(ctx._("Repeated appeal"), FileAgain(AgainKind.REPEAT).pack()),
            Button(ctx._("Complaint about the answer"), FileAgain(AgainKind.COMPLAINT).pack()),
            Button(ctx._("Main menu"), MAIN_MENU),
        ),
    )


async def answer_unresolved_kind(ctx: Ctx) -> list[Reply] | None:
    chosen = FileAgain.parse(ctx.incoming.action)
    if chosen is None:
        return None
    ctx.state.data[Kept.UNRESOLVED_KIND] = chosen.kind.value
    return await ctx.goto(StepName.UNRESOLVED_TEXT)


async def ask_unresolved_text(ctx: Ctx) -> Reply:
    return Reply(
        ctx._("Please describe what remains unsolved."), (Button(ctx._("Main menu"), MAIN_MENU),)
    )


async def answer_unresolved_text(ctx: Ctx) -> list[Reply] | None:
    text = clean_text(ctx.incoming.text or "")
    if ctx.incoming.action or not text:
        return None
    problem = text_problem(ctx, text, 0)
    if problem or not has_substance(text):
        return await ctx.ask_again(
            Reply(
                problem
                or ctx._(
                    "Please describe the issue in a few words first: the law requires an appeal to "
                    "state its substance."
                )
            )
        )
    first = await answered_appeal(ctx, str(ctx.state.data.get(Kept.UNRESOLVED, "")))
    if first is None:
        ctx.state.step = StepName.MENU
        return [Reply(ctx._("This action is no longer possible."), menu_buttons(ctx))]
    complaint = ctx.state.data.get(Kept.UNRESOLVED_KIND) == "complaint"
    appeal = await register_appeal(
        ctx,
        NewAppeal.following(
            first,
            author_id=ctx.person.id,
            draft_key=secrets.token_hex(16),
            kind=AppealKind.COMPLAINT.value if complaint else first.kind,
            text=text,
            channel=ctx.account.channel,
            locale=ctx.locale,
            receipt_sign=ReceiptSign.REPEATED.value,
        ),
    )
    await ctx.uow.appeals.transition(
        first.id,
        Status.ANSWERED,
        Status.CLOSED,
        NewEvent("not_resolved", ctx.person.id, Role.CITIZEN.value, ctx.now, appeal.reg_index),
        closed_at=ctx.now,
    )
    for key in (Kept.UNRESOLVED, Kept.UNRESOLVED_KIND):
        ctx.state.data.pop(key, None)
    ctx.state.step = StepName.MENU
    return [registered_reply(ctx, appeal)]
