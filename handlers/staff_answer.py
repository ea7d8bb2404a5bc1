"""The answer wizard: the text in one or more messages, files, the result, a confirmation."""

from dataclasses import replace

from handlers import answer_control, pending
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.file_checks import take_files
from handlers.filing import text_problem
from handlers.payloads import BACK, CHANGE, CLEAR, CONFIRM, DONE, ChooseResult, UseTemplate
from handlers.pending import Answering
from handlers.render import result_name
from handlers.staff_card import back_to_card, pending_appeal
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.answers import Signatory, heads_a_body, parse_signatory
from reception.classifier import ANSWER_RESULTS, Result
from reception.files import MAX_FILES_PER_APPEAL
from reception.kinds import AppealKind
from reception.roles import Permission
from reception.statuses import Status
from reception.validation import MAX_REASON_CHARS, clean_text
from storage.records import AppealRecord

#: Template buttons shown at once; the rest are listed by /templates.
TEMPLATE_BUTTONS = 8


async def start_answer(ctx: Ctx, appeal: AppealRecord) -> list[Reply]:
    act.require(ctx, Permission.ANSWER)
    act.require_transition(ctx, appeal, Status.ANSWERED)
    pending.keep(ctx, Answering(appeal.id))
    return await ctx.goto(StepName.STAFF_ANSWER)


def answer_so_far(ctx: Ctx) -> str:
    return "\n\n".join(pending.started(ctx, Answering).parts)


async def ask_answer(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    so_far = answer_so_far(ctx)
    if so_far:
        return Reply(
            ctx.ngettext(
                "The answer has {count} character so far. Send more text or files to add to "
                "it, “Write again” to replace it, or “Done”.",
                "The answer has {count} characters so far. Send more text or files to add to "
                "it, “Write again” to replace it, or “Done”.",
                len(so_far),
            ).format(count=len(so_far)),
            (
                Button(ctx._("Done"), DONE),
                Button(ctx._("Write again"), CLEAR),
                Button(ctx._("Cancel"), BACK),
            ),
        )
    templates = (
        await ctx.uow.templates.of_department(appeal.department_id) if appeal is not None else []
    )
    joined = await ctx.uow.appeals.joined_to(appeal.id) if appeal is not None else []
    text = ctx._(
        "Write the answer to appeal {index}: text in one or more messages, and files if "
        "needed. Then tap “Done”."
    ).format(index=appeal.reg_index if appeal else "")
    if joined:
        # The same words go to every joined author: a name or a flat number would disclose them.
        text += "\n" + ctx.ngettext(
            "The answer also goes to the author of {count} appeal joined to this one: do not "
            "address it to one person by name.",
            "The answer also goes to the authors of {count} appeals joined to this one: do not "
            "address it to one person by name.",
            len(joined),
        ).format(count=len(joined))
    return Reply(
        text + ("\n" + ctx._("Or start from a template of your department:") if templates else ""),
        (
            *(Button(t.title, UseTemplate(t.id).pack()) for t in templates[:TEMPLATE_BUTTONS]),
            Button(ctx._("Done"), DONE),
            Button(ctx._("Cancel"), BACK),
        ),
    )


async def answer_answer(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    if incoming.action == BACK:
        return await back_to_card(ctx)
    if incoming.action == DONE:
        if not answer_so_far(ctx).strip():
            return await ctx.ask_again(Reply(ctx._("The answer needs a text.")))
        return await ctx.goto(StepName.STAFF_RESULT)
    if incoming.action == CLEAR:
        pending.keep(ctx, replace(pending.started(ctx, Answering), parts=()))
        return await ctx.ask_again()
    chosen = UseTemplate.parse(incoming.action)
    if chosen is not None:
        template = await ctx.uow.templates.get(chosen.template_id)
        if template is None:
            return None
        pending.keep(ctx, replace(pending.started(ctx, Answering), parts=(template.body,)))
        return await ctx.ask_again(
            Reply(
                ctx._(
                    "The template “{title}” is the answer's text now:\n\n{body}\n\nTo change "
                    "it, tap “Write again” and send the edited text; to add to it, send more."
                ).format(title=template.title, body=template.body)
            )
        )
    if incoming.action or not (incoming.text or incoming.files):
        return None
    replies: list[Reply] = []
    if incoming.files:
        so_far = pending.started(ctx, Answering)
        taken = await take_files(ctx, MAX_FILES_PER_APPEAL - len(so_far.files))
        pending.keep(ctx, replace(so_far, files=(*so_far.files, *taken.ids)))
        replies += taken.replies
    text = clean_text(incoming.text or "")
    if text:
        problem = text_problem(ctx, text, len(answer_so_far(ctx)))
        if problem:
            replies.append(Reply(problem))
        else:
            so_far = pending.started(ctx, Answering)
            pending.keep(ctx, replace(so_far, parts=(*so_far.parts, text)))
            replies.append(Reply(ctx._("Added to the answer.")))
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
    refused = chosen.result is Result.REFUSED
    so_far = pending.started(ctx, Answering)
    grounds = so_far.grounds if refused else None
    pending.keep(ctx, replace(so_far, result=chosen.result.value, grounds=grounds))
    if refused:
        return await ctx.goto(StepName.STAFF_GROUNDS)
    return await after_grounds(ctx)


async def after_grounds(ctx: Ctx) -> list[Reply]:
    """The signatory: asked once, then the one this employee signed with last time."""
    appeal = await pending_appeal(ctx)
    saved = saved_signatory(ctx)
    if saved is not None and appeal is not None and may_sign(appeal, saved):
        signed = (saved.name, saved.position)
        pending.keep(ctx, replace(pending.started(ctx, Answering), signatory=signed))
        return await ctx.goto(StepName.STAFF_CONFIRM)
    return await ctx.goto(StepName.STAFF_SIGNATORY)


def saved_signatory(ctx: Ctx) -> Signatory | None:
    chosen = pending.started(ctx, Answering).signatory
    if chosen is not None:
        return Signatory(*chosen)
    person = ctx.person
    if person.signatory_name and person.signatory_position:
        return Signatory(person.signatory_name, person.signatory_position)
    return None


def may_sign(appeal: AppealRecord, signatory: Signatory) -> bool:
    # Art. 15: a complaint is decided by the head of the body or a deputy.
    return appeal.kind != AppealKind.COMPLAINT.value or heads_a_body(signatory.position)


async def ask_grounds(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "State the grounds for the refusal: the citizen reads them with the answer, and "
            "how to appeal it (Art. 15, 16, 19 of the Law)."
        ),
        (Button(ctx._("Cancel"), BACK),),
    )


async def answer_grounds(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    text = clean_text(ctx.incoming.text or "")
    if ctx.incoming.action or not text:
        return None
    if len(text) > MAX_REASON_CHARS:
        return await ctx.ask_again(
            Reply(
                ctx._("Please keep it within {limit} characters.").format(limit=MAX_REASON_CHARS)
            )
        )
    pending.keep(ctx, replace(pending.started(ctx, Answering), grounds=text))
    return await after_grounds(ctx)


async def ask_signatory(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    text = ctx._(
        "Who signs the answer? Type the name and the position separated by a semicolon, for "
        "example: Olena Kovalchuk; Head of the Department. It is remembered for your next "
        "answers."
    )
    if appeal is not None and appeal.kind == AppealKind.COMPLAINT.value:
        text += "\n" + ctx._(
            "An answer to a complaint is signed by the head of the body or a deputy (Art. 15)."
        )
    return Reply(text, (Button(ctx._("Cancel"), BACK),))


async def answer_signatory(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    signatory = parse_signatory(clean_text(ctx.incoming.text))
    if signatory is None:
        return None
    appeal = await pending_appeal(ctx)
    if appeal is not None and not may_sign(appeal, signatory):
        return await ctx.ask_again(
            Reply(
                ctx._(
                    "An answer to a complaint is signed by the head of the body or a deputy "
                    "(Art. 15 of the Law): give such a signatory."
                )
            )
        )
    signed = (signatory.name, signatory.position)
    pending.keep(ctx, replace(pending.started(ctx, Answering), signatory=signed))
    return await ctx.goto(StepName.STAFF_CONFIRM)


async def ask_confirm(ctx: Ctx) -> Reply:
    so_far = pending.started(ctx, Answering)
    appeal = await pending_appeal(ctx)
    text = ctx._("The citizen will receive this answer to appeal {index}:").format(
        index=appeal.reg_index if appeal else ""
    )
    text += "\n\n" + answer_so_far(ctx) + "\n\n"
    text += ctx._("Result: {value}").format(value=result_name(ctx, str(so_far.result)))
    if so_far.grounds:
        text += "\n" + ctx._("Grounds for the refusal: {grounds}").format(grounds=so_far.grounds)
    signatory = saved_signatory(ctx)
    if signatory is not None:
        text += "\n" + ctx._("Signed: {name}, {position}").format(
            name=signatory.name, position=signatory.position
        )
    text += "\n" + ctx._("Files: {count}").format(count=len(so_far.files))
    if ctx.config.answer_control:
        text += "\n\n" + ctx._(
            "The citizens' appeals department reviews the answer before the citizen receives it."
        )
    return Reply(
        text,
        (
            Button(ctx._("Send the answer"), CONFIRM),
            Button(ctx._("Another signatory"), CHANGE),
            Button(ctx._("Cancel"), BACK),
        ),
    )


async def answer_confirm(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    if ctx.incoming.action == CHANGE:
        return await ctx.goto(StepName.STAFF_SIGNATORY)
    if ctx.incoming.action != CONFIRM:
        return None
    so_far = pending.started(ctx, Answering)
    signatory = saved_signatory(ctx)
    appeal = await pending_appeal(ctx)
    text = answer_so_far(ctx)
    pending.drop(ctx)
    ctx.state.step = StepName.MENU
    if appeal is None or signatory is None:
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        return [
            await answer_control.submit(
                ctx,
                appeal,
                text,
                Result(str(so_far.result)),
                list(so_far.files),
                so_far.grounds,
                signatory,
            )
        ]
    except act.ActionRefused as refused:
        return [refused.reply]
