"""A citizen's own appeals: the list, one appeal's card and history, adding, withdrawing."""

from handlers import notices
from handlers.answer_text import answer_particulars, answer_when
from handlers.context import Ctx
from handlers.file_checks import take_files
from handlers.filing import text_problem
from handlers.kept import Kept
from handlers.paging import page_buttons, page_line
from handlers.payloads import (
    BACK,
    CONFIRM,
    MAIN_MENU,
    MY_APPEAL_ACTIONS,
    MY_APPEALS,
    NEW_APPEAL,
    AddInformation,
    ListKind,
    OpenMyAppeal,
    TogglePublication,
    WithdrawAppeal,
)
from handlers.places import place_lines
from handlers.render import (
    appeal_line,
    appeal_text,
    citizen_status_name,
    day,
    event_line,
    kind_name,
    preview,
    term_line,
    topic_name,
)
from handlers.steps import StepName
from handlers.types import Button, OutgoingFile, Reply
from reception.files import MAX_FILES_PER_APPEAL
from reception.roles import Role
from reception.statuses import Status, is_open
from reception.validation import clean_text
from storage.listings import OfAuthor
from storage.records import AppealRecord, NewEvent

LIST_LIMIT = 10


async def ask_my_list(ctx: Ctx) -> Reply:
    number = int(ctx.state.data.get(Kept.MY_PAGE, 0))
    page = await ctx.uow.appeals.page(OfAuthor(ctx.person.id), number * LIST_LIMIT, LIST_LIMIT)
    appeals = page.items
    if not appeals and number > 0:  # the list shrank under an old button
        ctx.state.data[Kept.MY_PAGE] = 0
        return await ask_my_list(ctx)
    if not appeals:
        return Reply(
            ctx._("You have no appeals yet."),
            (Button(ctx._("New appeal"), NEW_APPEAL), Button(ctx._("Main menu"), MAIN_MENU)),
        )
    lines = [ctx._("Your appeals (the latest first); tap one to see its history:")]
    lines += [appeal_line(ctx, appeal) for appeal in appeals]
    if page.total > len(appeals):
        lines.append(page_line(ctx, page, LIST_LIMIT))
    buttons = tuple(
        Button(f"{a.reg_index} · {citizen_status_name(ctx, a.status)}", OpenMyAppeal(a.id).pack())
        for a in appeals
    )
    turns = page_buttons(ctx, page, ListKind.MINE, LIST_LIMIT)
    return Reply("\n".join(lines), (*buttons, *turns, Button(ctx._("Main menu"), MAIN_MENU)))


async def turn_my_page(ctx: Ctx, number: int) -> list[Reply]:
    ctx.state.data[Kept.MY_PAGE] = number
    return await ctx.goto(StepName.MY_LIST)


async def own_appeal(ctx: Ctx, raw_id: str) -> AppealRecord | None:
    """The appeal, if the id is well-formed and the person is its author."""
    if not raw_id.isdecimal() or len(raw_id) > 18:
        return None
    appeal = await ctx.uow.appeals.get(int(raw_id))
    return appeal if appeal is not None and appeal.author_id == ctx.person.id else None


async def answer_my_list(ctx: Ctx) -> list[Reply] | None:
    chosen = OpenMyAppeal.parse(ctx.incoming.action)
    if chosen is None:
        return None
    appeal = await own_appeal(ctx, str(chosen.appeal_id))
    if appeal is None:
        return None
    ctx.state.data[Kept.APPEAL_ID] = appeal.id
    return await ctx.goto(StepName.MY_APPEAL)


async def current_appeal(ctx: Ctx) -> AppealRecord | None:
    return await own_appeal(ctx, str(ctx.state.data.get(Kept.APPEAL_ID, "")))


async def ask_my_appeal(ctx: Ctx) -> Reply:
    appeal = await current_appeal(ctx)
    if appeal is None:
        return await ask_my_list(ctx)
    lines = [
        ctx._("Appeal {index}").format(index=appeal.reg_index),
        ctx._("Kind: {value}").format(value=kind_name(ctx, appeal.kind)),
        ctx._("Topic: {value}").format(value=topic_name(ctx, appeal.topic)),
        ctx._("Status: {value}").format(value=citizen_status_name(ctx, appeal.status)),
        ctx._("Received: {date}").format(date=day(ctx, appeal.received_on)),
        term_line(ctx, appeal),
        ctx._("Text: {value}").format(value=preview(ctx, appeal_text(ctx, appeal))),
        *place_lines(ctx, appeal),
        "",
        ctx._("History:"),
    ]
    events = await ctx.uow.appeals.events(appeal.id, internal=False)
    lines += [event_line(ctx, event) for event in events]
    files: tuple[OutgoingFile, ...] = ()
    if appeal.answer_text and appeal.answered_at:
        department = (
            await ctx.uow.departments.get(appeal.department_id) if appeal.department_id else None
        )
        lines += [
            "",
            ctx._("Answer of {date}:").format(date=answer_when(ctx, appeal, appeal.answered_at)),
            appeal.answer_text,
            *answer_particulars(
                ctx,
                appeal,
                department.name(ctx.locale) if department else None,
                ctx.config.higher_body(ctx.locale),
            ),
        ]
        answer_events = {e.id for e in events if e.kind in ("answered", "approved")}
        files = tuple(
            OutgoingFile(a.storage_key, a.name, a.mime, a.size)
            for a in await ctx.uow.appeals.attachments(appeal.id)
            if a.event_id in answer_events
        )
    buttons: list[Button] = []
    if is_open(Status(appeal.status)):
        buttons += [
            Button(ctx._("Add information"), AddInformation(appeal.id).pack()),
            Button(ctx._("Withdraw the appeal"), WithdrawAppeal(appeal.id).pack()),
        ]
    lines.insert(
        7,
        ctx._("Text on the public page: {value}").format(
            value=ctx._("published without your name")
            if appeal.publish_text
            else ctx._("not published")
        ),
    )
    buttons.append(
        Button(
            ctx._("Stop publishing the text")
            if appeal.publish_text
            else ctx._("Publish the text without my name"),
            TogglePublication(appeal.id).pack(),
        )
    )
    buttons += [Button(ctx._("All my appeals"), MY_APPEALS), Button(ctx._("Main menu"), MAIN_MENU)]
    return Reply("\n".join(lines), tuple(buttons), files=files)


async def answer_my_appeal(ctx: Ctx) -> list[Reply] | None:
    chosen = next(
        (p for kind in MY_APPEAL_ACTIONS if (p := kind.parse(ctx.incoming.action)) is not None),
        None,
    )
    if chosen is None:
        return None
    appeal = await own_appeal(ctx, str(chosen.appeal_id))
    if appeal is None:
        return None
    ctx.state.data[Kept.APPEAL_ID] = appeal.id
    if isinstance(chosen, OpenMyAppeal):
        return await ctx.goto(StepName.MY_APPEAL)
    if isinstance(chosen, TogglePublication):
        return await toggle_publication(ctx, appeal)
    if not is_open(Status(appeal.status)):
        return await ctx.goto(
            StepName.MY_APPEAL,
            Reply(ctx._("This appeal is no longer under consideration, so it cannot be changed.")),
        )
    return await ctx.goto(
        StepName.ADD_INFO if isinstance(chosen, AddInformation) else StepName.WITHDRAW
    )


async def ask_add_info(ctx: Ctx) -> Reply:
    appeal = await current_appeal(ctx)
    return Reply(
        ctx._(
            "Send the additional information for appeal {index}: text, photos or documents."
        ).format(index=appeal.reg_index if appeal else ""),
        (Button(ctx._("Back"), BACK),),
    )


async def answer_add_info(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    appeal = await current_appeal(ctx)
    if appeal is None or incoming.action == BACK:
        return await ctx.goto(StepName.MY_APPEAL)
    if incoming.action or not (incoming.text or incoming.files):
        return None
    if not is_open(Status(appeal.status)):
        return await ctx.goto(
            StepName.MY_APPEAL,
            Reply(ctx._("This appeal is no longer under consideration, so it cannot be changed.")),
        )
    text = clean_text(incoming.text or "")
    problem = text_problem(ctx, text, 0) if text else None
    if problem:
        return await ctx.ask_again(Reply(problem))
    replies: list[Reply] = []
    stored = len(await ctx.uow.appeals.attachments(appeal.id))
    taken = await take_files(ctx, MAX_FILES_PER_APPEAL - stored)
    accepted = list(taken.ids)
    replies += taken.refused
    if not text and not accepted:
        return await ctx.ask_again(*replies)
    event = await ctx.uow.appeals.add_event(
        appeal.id,
        NewEvent(
            "supplemented",
            ctx.person.id,
            Role.CITIZEN.value,
            ctx.now,
            text or None,
            {"files": len(accepted)},
        ),
    )
    if accepted:
        await ctx.uow.appeals.link_attachments(accepted, appeal.id, event.id, ctx.person.id)
    added = [a for a in await ctx.uow.appeals.attachments(appeal.id) if a.event_id == event.id]
    await notices.publish(
        ctx, notices.CitizenChanged(appeal, "supplemented", text or None, tuple(added))
    )
    replies.append(
        Reply(ctx._("The information is added to appeal {index}.").format(index=appeal.reg_index))
    )
    return await ctx.goto(StepName.MY_APPEAL, *replies)


async def ask_withdraw(ctx: Ctx) -> Reply:
    appeal = await current_appeal(ctx)
    return Reply(
        ctx._("Withdraw appeal {index}? It will no longer be considered.").format(
            index=appeal.reg_index if appeal else ""
        ),
        (Button(ctx._("Yes, withdraw"), CONFIRM), Button(ctx._("No"), BACK)),
    )


async def answer_withdraw(ctx: Ctx) -> list[Reply] | None:
    appeal = await current_appeal(ctx)
    if appeal is None or ctx.incoming.action == BACK:
        return await ctx.goto(StepName.MY_APPEAL)
    if ctx.incoming.action != CONFIRM:
        return None
    if not is_open(Status(appeal.status)):
        return await ctx.goto(
            StepName.MY_APPEAL,
            Reply(ctx._("This appeal is no longer under consideration, so it cannot be changed.")),
        )
    await ctx.uow.appeals.transition(
        appeal.id,
        Status(appeal.status),
        Status.WITHDRAWN,
        NewEvent("withdrawn", ctx.person.id, Role.CITIZEN.value, ctx.now),
        closed_at=ctx.now,
    )
    await notices.publish(ctx, notices.CitizenChanged(appeal, "withdrawn"))
    return await ctx.goto(
        StepName.MY_APPEAL,
        Reply(ctx._("Appeal {index} is withdrawn.").format(index=appeal.reg_index)),
    )


async def toggle_publication(ctx: Ctx, appeal: AppealRecord) -> list[Reply]:
    """The author's choice to show the text on the public page without their name; they may
    change it either way at any time."""
    publish = not appeal.publish_text
    await ctx.uow.public.set_publish_text([appeal.id], publish, ctx.now)
    await ctx.uow.appeals.add_event(
        appeal.id,
        NewEvent(
            "publication",
            ctx.person.id,
            Role.CITIZEN.value,
            ctx.now,
            data={"publish_text": publish},
            internal=True,
        ),
    )
    said = (
        ctx._("The text of appeal {index} is published without your name.")
        if publish
        else ctx._("The text of appeal {index} is no longer published.")
    )
    return await ctx.goto(StepName.MY_APPEAL, Reply(said.format(index=appeal.reg_index)))
