"""What staff see: an appeal's card within their role, and lists of appeals."""

from handlers import duplicates, pending
from handlers.answer_text import answer_when
from handlers.author import author_as_seen
from handlers.context import Ctx
from handlers.paging import page_buttons, page_line
from handlers.payloads import Act, CardAction, ListKind, OpenCard
from handlers.places import place_lines
from handlers.render import (
    appeal_text,
    category_name,
    day,
    event_name,
    kind_name,
    moment,
    receipt_form_name,
    receipt_sign_name,
    result_name,
    role_name,
    status_name,
    term_line,
    term_phrase,
    topic_name,
)
from handlers.steps import StepName
from handlers.types import Button, OutgoingFile, Reply
from reception.classifier import head_considers
from reception.roles import Permission, Role, can, sees_appeal
from reception.statuses import Status, is_open
from storage.records import AppealPage, AppealRecord, EventRecord

LIST_LIMIT = 20


def role_of(ctx: Ctx) -> Role:
    try:
        return Role(ctx.person.role)
    except ValueError:
        return Role.CITIZEN


async def visible(ctx: Ctx, reference: str) -> AppealRecord | None:
    """The appeal by registration index, if this employee may see it; None either way else,
    so that an appeal of another department is indistinguishable from one that does not exist."""
    appeal = await ctx.uow.appeals.by_index(reference)
    if appeal is None:
        return None
    return appeal if may_see(ctx, appeal) else None


async def visible_by_id(ctx: Ctx, raw_id: str) -> AppealRecord | None:
    if not raw_id.isdecimal() or len(raw_id) > 18:
        return None
    appeal = await ctx.uow.appeals.get(int(raw_id))
    return appeal if appeal is not None and may_see(ctx, appeal) else None


def may_see(ctx: Ctx, appeal: AppealRecord) -> bool:
    role = role_of(ctx)
    if role is Role.CITIZEN:
        return False
    return sees_appeal(
        role,
        is_author=False,
        viewer_department=ctx.person.department_id,
        appeal_department=appeal.department_id,
    )


def not_found(ctx: Ctx, reference: str) -> Reply:
    return Reply(
        ctx._("There is no appeal {index} among those you can see.").format(index=reference[:40])
    )


def category_words(ctx: Ctx, code: str | None) -> str:
    """The citizen's own words for the topic, beside it: “009 Communal services (Street
    lighting)”."""
    category = next((c for c in ctx.config.categories if c.code == code), None)
    return f" ({category.name(ctx.locale)})" if category else ""


def list_reply(ctx: Ctx, title: str, page: AppealPage, listing: ListKind) -> Reply:
    appeals = page.items
    if not appeals:
        return Reply(title + "\n" + ctx._("Nothing here."))
    lines = [title]
    for appeal in appeals[:LIST_LIMIT]:
        mark = "★ " if appeal.privileged else ""
        if head_considers(appeal.author_category):
            mark += ctx._("[the head, Art. 15] ")
        lines.append(
            ctx._("{mark}{index} · {kind} · {status} · {term}").format(
                mark=mark,
                index=appeal.reg_index,
                kind=kind_name(ctx, appeal.kind),
                status=status_name(ctx, appeal.status),
                term=term_phrase(ctx, appeal),
            )
        )
    if page.total > len(appeals):
        lines.append(page_line(ctx, page, LIST_LIMIT))
    buttons = tuple(Button(a.reg_index, OpenCard(a.id).pack()) for a in appeals[:LIST_LIMIT])
    return Reply(
        "\n".join(lines), (*buttons, *page_buttons(ctx, page, listing, LIST_LIMIT)), columns=3
    )


def _event_line(ctx: Ctx, event: EventRecord) -> str:
    parts = [moment(ctx, event.at), role_name(ctx, event.actor_role), event_name(ctx, event.kind)]
    if event.to_status and event.kind != event.to_status:
        parts.append(status_name(ctx, event.to_status))
    if event.data.get("joined_to"):
        parts.append(ctx._("to appeal {index}").format(index=event.data["joined_to"]))
    if event.data.get("earlier"):
        parts.append(ctx._("the earlier appeal {index}").format(index=event.data["earlier"]))
    if event.data.get("authority"):
        # Art. 8: the decision is the head's; the employee records it on that authority.
        parts.append(ctx._("on the authority of {head}").format(head=event.data["authority"]))
    line = " · ".join(parts)
    return f"{line}: {event.text}" if event.text else line


def answer_details(ctx: Ctx, appeal: AppealRecord) -> list[str]:
    """The answer's particulars the law asks for (Art. 15, 19)."""
    lines: list[str] = []
    if appeal.result:
        lines.append(ctx._("Result: {value}").format(value=result_name(ctx, appeal.result)))
    if appeal.refusal_grounds:
        lines.append(
            ctx._("Grounds for the refusal: {grounds}").format(grounds=appeal.refusal_grounds)
        )
    if appeal.signatory_name:
        lines.append(
            ctx._("Signed: {name}, {position}").format(
                name=appeal.signatory_name, position=appeal.signatory_position or ""
            )
        )
    if appeal.outgoing_number and appeal.outgoing_date:
        lines.append(
            ctx._("Outgoing No. {number} of {date}").format(
                number=appeal.outgoing_number, date=day(ctx, appeal.outgoing_date)
            )
        )
    return lines


async def card(ctx: Ctx, appeal: AppealRecord) -> Reply:
    author = author_as_seen(ctx, role_of(ctx), appeal)
    department = (
        await ctx.uow.departments.get(appeal.department_id) if appeal.department_id else None
    )
    lines = [
        ctx._("Appeal {index} · {kind} · {status}").format(
            index=appeal.reg_index,
            kind=kind_name(ctx, appeal.kind),
            status=status_name(ctx, appeal.status),
        ),
        ctx._("Topic: {value}").format(value=topic_name(ctx, appeal.topic))
        + category_words(ctx, appeal.category),
        ctx._("Received: {date}").format(date=day(ctx, appeal.received_on)),
        term_line(ctx, appeal),
        ctx._("Department: {value}").format(
            value=department.name(ctx.locale) if department else ctx._("not assigned yet")
        ),
        ctx._("Author: {value}").format(value=author.name),
        ctx._("Place of residence: {value}").format(value=author.residence),
        ctx._("Phone: {value}").format(
            value=author.phone or ctx._("not given: answer in the messenger or by post")
        ),
        ctx._("Receipt: {form}; {sign}").format(
            form=receipt_form_name(ctx, appeal.receipt_form),
            sign=receipt_sign_name(ctx, appeal.receipt_sign),
        ),
    ]
    if appeal.confidential and author.identity:
        # Art. 10: whoever may see the author must know not to pass it on to the executor.
        lines.insert(
            1,
            "🔒 "
            + ctx._(
                "Confidential: the author asked not to disclose their name, residence and "
                "contacts to the executor (Art. 10)."
            ),
        )
    if (
        appeal.author_id is None
        or await ctx.uow.people.preferred_account(appeal.author_id) is None
    ):
        lines.append(
            ctx._(
                "The citizen cannot be reached in any messenger now (blocked the bot "
                "or left): tell them the answer by e-mail or phone."
            )
        )
    if author.email:
        lines.append(ctx._("E-mail: {value}").format(value=author.email))
    if appeal.coauthors > 1:
        lines.append(
            ctx.ngettext(
                "Collective appeal: {count} co-author",
                "Collective appeal: {count} co-authors",
                appeal.coauthors,
            ).format(count=appeal.coauthors)
        )
        if author.coauthors:
            lines.append(ctx._("Co-authors: {names}").format(names=author.coauthors))
    if appeal.privileged:
        lines.append(
            ctx._("Statutory privileges: {value}").format(
                value=category_name(ctx, appeal.author_category)
                if appeal.author_category
                else ctx._("yes")
            )
        )
    if head_considers(appeal.author_category):
        lines.append(
            ctx._(
                "Art. 15: the author is among those whose appeals the city's head considers "
                "personally; the head's office prepares it ({code})."
            ).format(code=ctx.config.head_office_department)
        )
    events = await ctx.uow.appeals.events(appeal.id, internal=True)
    # The department came from the last assignment or join: its confirmed warnings stay marked.
    placed = [e for e in events if e.kind in ("assigned", "joined")]
    if placed and placed[-1].data.get("contested_body"):
        lines.append(
            "⚠ "
            + ctx._(
                "Assigned, on confirmation, to the body whose decision the complaint contests "
                "(Art. 7 part 4)."
            )
        )
    if placed and placed[-1].data.get("head_office_bypassed"):
        lines.append(
            "⚠ "
            + ctx._(
                "Assigned, on confirmation, past the head's office although the city's head "
                "considers this author's appeals personally (Art. 15)."
            )
        )
    if appeal.parent_id:
        parent = await ctx.uow.appeals.get(appeal.parent_id)
        if parent:
            lines.append(
                ctx._("Repeated; the earlier appeal: {index}").format(index=parent.reg_index)
            )
    lines += place_lines(ctx, appeal)
    same, join_buttons = await duplicates.card_lines(
        ctx, appeal, can(role_of(ctx), Permission.TRIAGE)
    )
    lines += same
    lines += ["", appeal_text(ctx, appeal)]
    if appeal.status == Status.ON_REVIEW.value and appeal.answer_text:
        lines += ["", ctx._("The answer awaiting review:"), appeal.answer_text]
        lines += answer_details(ctx, appeal)
    elif appeal.answer_text and appeal.answered_at:
        lines += [
            "",
            ctx._("Answer of {date}:").format(date=answer_when(ctx, appeal, appeal.answered_at)),
            appeal.answer_text,
        ]
        lines += answer_details(ctx, appeal)
    lines += ["", ctx._("History:")]
    lines += [_event_line(ctx, e) for e in events]
    files = tuple(
        OutgoingFile(a.storage_key, a.name, a.mime, a.size)
        for a in await ctx.uow.appeals.attachments(appeal.id)
    )
    return Reply("\n".join(lines), (*actions(ctx, appeal), *join_buttons), files=files, columns=2)


def actions(ctx: Ctx, appeal: AppealRecord) -> tuple[Button, ...]:
    role = role_of(ctx)
    status = Status(appeal.status)
    buttons: list[Button] = []
    if can(role, Permission.REVIEW) and status is Status.ON_REVIEW:
        buttons += [
            Button(ctx._("Approve and send"), Act(CardAction.APPROVE, appeal.id).pack()),
            Button(ctx._("Return for rework"), Act(CardAction.REWORK, appeal.id).pack()),
        ]
    # An answer on review is the operators' to approve or return, not to re-triage.
    triage = is_open(status) and status is not Status.ON_REVIEW
    if can(role, Permission.TRIAGE) and triage:
        buttons.append(Button(ctx._("Assign"), Act(CardAction.ASSIGN, appeal.id).pack()))
    if can(role, Permission.TAKE) and status is Status.ASSIGNED:
        buttons.append(Button(ctx._("Take"), Act(CardAction.TAKE, appeal.id).pack()))
    if can(role, Permission.ANSWER) and status in (Status.ASSIGNED, Status.IN_PROGRESS):
        buttons.append(Button(ctx._("Answer"), Act(CardAction.ANSWER, appeal.id).pack()))
    if can(role, Permission.EXTEND) and is_open(status):
        buttons.append(Button(ctx._("Extend"), Act(CardAction.EXTEND, appeal.id).pack()))
    if can(role, Permission.TRIAGE) and triage:
        buttons += [
            Button(ctx._("Forward"), Act(CardAction.FORWARD, appeal.id).pack()),
            Button(ctx._("Return"), Act(CardAction.RETURN, appeal.id).pack()),
            Button(ctx._("Not to consider"), Act(CardAction.REJECT, appeal.id).pack()),
        ]
    if can(role, Permission.NOTE):
        buttons.append(Button(ctx._("Note"), Act(CardAction.NOTE, appeal.id).pack()))
    if can(role, Permission.CLASSIFY):
        buttons.append(Button(ctx._("Classify"), Act(CardAction.CLASSIFY, appeal.id).pack()))
    return tuple(buttons)


# --- an action started from the card ---------------------------------------------------------


async def pending_appeal(ctx: Ctx) -> AppealRecord | None:
    started = pending.current(ctx)
    return await visible_by_id(ctx, str(started.appeal_id)) if started else None


async def back_to_card(ctx: Ctx) -> list[Reply]:
    appeal = await pending_appeal(ctx)
    pending.drop(ctx)
    ctx.state.step = StepName.MENU
    return [await card(ctx, appeal)] if appeal else [Reply(ctx._("Cancelled."))]
