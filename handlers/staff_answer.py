"""The answer wizard: the text in one or more messages, files, the result, a confirmation."""

from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.file_checks import keep_file
from handlers.filing import file_refusal, text_problem
from handlers.payloads import BACK, CONFIRM, DONE, ChooseResult
from handlers.render import result_name
from handlers.staff_card import back_to_card, pending_appeal
from handlers.types import Button, Reply
from reception.classifier import ANSWER_RESULTS, Result
from reception.files import MAX_FILES_PER_APPEAL, safe_name
from reception.roles import Permission
from reception.statuses import Status
from reception.validation import clean_text
from storage.records import AppealRecord


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


def answer_so_far(ctx: Ctx) -> str:
    return "\n\n".join((ctx.state.data.get("pending") or {}).get("parts", []))


async def ask_answer(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    return Reply(
        ctx._(
            "Write the answer to appeal {index}: text in one or more messages, and files if "
            "needed. Then tap “Done”."
        ).format(index=appeal.reg_index if appeal else ""),
        (Button(ctx._("Done"), DONE), Button(ctx._("Cancel"), BACK)),
    )


async def answer_answer(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    pending = ctx.state.data.get("pending") or {}
    if incoming.action == BACK:
        return await back_to_card(ctx)
    if incoming.action == DONE:
        if not answer_so_far(ctx).strip():
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
        problem = text_problem(ctx, text, len(answer_so_far(ctx)))
        if problem:
            replies.append(Reply(problem))
        else:
            pending.setdefault("parts", []).append(text)
    ctx.state.data["pending"] = pending
    return await ctx.ask_again(*replies)


async def ask_result(ctx: Ctx) -> Reply:
    buttons = tuple(
        Button(result_name(ctx, r.value), ChooseResult(r).pack()) for r in ANSWER_RESULTS
    )
    return Reply(
        ctx._("What is the result (classifier 9.x)?"), (*buttons, Button(ctx._("Cancel"), BACK))
    )


async def answer_result(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    if action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseResult.parse(action)
    if chosen is None:
        return None
    ctx.state.data.setdefault("pending", {})["result"] = chosen.result.value
    return await ctx.goto("staff_confirm")


async def ask_confirm(ctx: Ctx) -> Reply:
    pending = ctx.state.data.get("pending") or {}
    appeal = await pending_appeal(ctx)
    text = ctx._("The citizen will receive this answer to appeal {index}:").format(
        index=appeal.reg_index if appeal else ""
    )
    text += "\n\n" + answer_so_far(ctx) + "\n\n"
    text += ctx._("Result: {value}").format(value=result_name(ctx, str(pending.get("result"))))
    text += "\n" + ctx._("Files: {count}").format(count=len(pending.get("files", [])))
    return Reply(text, (Button(ctx._("Send the answer"), CONFIRM), Button(ctx._("Cancel"), BACK)))


async def answer_confirm(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    if ctx.incoming.action != CONFIRM:
        return None
    pending = ctx.state.data.get("pending") or {}
    appeal = await pending_appeal(ctx)
    text = answer_so_far(ctx)
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
