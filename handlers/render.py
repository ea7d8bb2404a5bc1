"""Texts assembled from records: dates, names of codes, appeal lines and cards."""

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from handlers.context import Ctx
from reception.classifier import (
    AUTHOR_CATEGORIES_BY_CODE,
    RECEIPT_FORM_NAMES,
    RESULT_NAMES,
    TOPICS_BY_CODE,
    ReceiptForm,
    Result,
)
from reception.kinds import KIND_NAMES, RECEIPT_SIGN_NAMES, AppealKind, ReceiptSign
from reception.markers import N_
from reception.roles import ROLE_NAMES, Role
from reception.statuses import STATUS_NAMES, Status, as_citizen_sees, is_open
from storage.records import AppealRecord, EventRecord

PREVIEW_CHARS = 600

EVENT_NAMES: dict[str, str] = {
    "registered": N_("registered"),
    "supplemented": N_("information added"),
    "withdrawn": N_("withdrawn"),
    "assigned": N_("assigned"),
    "taken": N_("taken into work"),
    "answered": N_("answered"),
    "extended": N_("term extended"),
    "forwarded": N_("forwarded"),
    "returned": N_("returned"),
    "not_considered": N_("not considered"),
    "note": N_("note"),
    "rated": N_("rated"),
    "not_resolved": N_("not resolved: a new appeal filed"),
    "closed": N_("closed"),
    "reclassified": N_("reclassified"),
    "publication": N_("the author changed the publication of the text"),
    "text_hidden": N_("the text's publication changed by an operator"),
    "approved": N_("answer approved and sent"),
    "rework": N_("answer returned for rework"),
    "joined": N_("joined to an appeal about the same problem"),
    "answered_jointly": N_("answered with the appeal it is joined to"),
}


def day(ctx: Ctx, value: date) -> str:
    return format_date(value, "d MMMM y", locale=ctx.locale)


def moment(ctx: Ctx, value: datetime) -> str:
    return format_datetime(
        value, "d MMMM y, HH:mm", tzinfo=ctx.config.calendar.timezone, locale=ctx.locale
    )


def kind_name(ctx: Ctx, code: str) -> str:
    return ctx._(KIND_NAMES[AppealKind(code)])


def topic_name(ctx: Ctx, code: str) -> str:
    topic = TOPICS_BY_CODE.get(code)
    return f"{code} {ctx._(topic.name)}" if topic else code


def status_name(ctx: Ctx, code: str) -> str:
    return ctx._(STATUS_NAMES[Status(code)])


def result_name(ctx: Ctx, code: str) -> str:
    return ctx._(RESULT_NAMES[Result(code)])


def category_name(ctx: Ctx, code: str) -> str:
    category = AUTHOR_CATEGORIES_BY_CODE.get(code)
    return ctx._(category.name) if category else code


def receipt_form_name(ctx: Ctx, code: str) -> str:
    try:
        return f"{code} {ctx._(RECEIPT_FORM_NAMES[ReceiptForm(code)])}"
    except ValueError:
        return code


def receipt_sign_name(ctx: Ctx, code: str) -> str:
    try:
        return f"{code} {ctx._(RECEIPT_SIGN_NAMES[ReceiptSign(code)])}"
    except ValueError:
        return code


def preview(ctx: Ctx, text: str) -> str:
    if len(text) <= PREVIEW_CHARS:
        return text
    return ctx.ngettext(
        "{start}… ({count} character in all)", "{start}… ({count} characters in all)", len(text)
    ).format(start=text[:PREVIEW_CHARS].rstrip(), count=len(text))


def local_day(ctx: Ctx, value: datetime) -> date:
    return value.astimezone(ctx.config.calendar.timezone).date()


def term_phrase(ctx: Ctx, appeal: AppealRecord) -> str:
    """An open appeal's due date; a closed one's closing date (a due date means nothing there)."""
    if is_open(Status(appeal.status)):
        return ctx._("due {date}").format(date=day(ctx, appeal.due_on))
    if appeal.closed_at is not None:
        return ctx._("closed {date}").format(date=day(ctx, local_day(ctx, appeal.closed_at)))
    if appeal.answered_at is not None:
        return ctx._("answered {date}").format(date=day(ctx, local_day(ctx, appeal.answered_at)))
    return ctx._("due {date}").format(date=day(ctx, appeal.due_on))


def term_line(ctx: Ctx, appeal: AppealRecord) -> str:
    """The card's line of the term: "Due by", or when the appeal was closed or answered."""
    if not is_open(Status(appeal.status)):
        if appeal.closed_at is not None:
            return ctx._("Closed: {date}").format(date=day(ctx, local_day(ctx, appeal.closed_at)))
        if appeal.answered_at is not None:
            return ctx._("Answered: {date}").format(
                date=day(ctx, local_day(ctx, appeal.answered_at))
            )
    return ctx._("Due by: {date}").format(date=day(ctx, appeal.due_on))


def citizen_status_name(ctx: Ctx, code: str) -> str:
    return ctx._(STATUS_NAMES[as_citizen_sees(Status(code))])


def appeal_line(ctx: Ctx, appeal: AppealRecord) -> str:
    """A line of the citizen's list of their appeals."""
    return ctx._("{index} · {kind} · {status} · {term}").format(
        index=appeal.reg_index,
        kind=kind_name(ctx, appeal.kind),
        status=citizen_status_name(ctx, appeal.status),
        term=term_phrase(ctx, appeal),
    )


def event_line(ctx: Ctx, event: EventRecord) -> str:
    when = moment(ctx, event.at)
    if event.kind == "registered":
        what = ctx._("Registered.")
    elif event.kind == "supplemented":
        what = ctx._("You added information.")
    elif event.kind == "joined":
        what = ctx._("Considered together with other residents' appeals about the same problem.")
    elif event.kind == "withdrawn":
        what = ctx._("You withdrew the appeal.")
    elif event.to_status:
        what = ctx._("Status: {status}.").format(status=citizen_status_name(ctx, event.to_status))
    else:
        what = ctx._("Updated.")
    if event.text and event.kind != "registered":
        what = f"{what} {event.text}"
    return f"{when} — {what}"


def event_name(ctx: Ctx, kind: str) -> str:
    return ctx._(EVENT_NAMES[kind]) if kind in EVENT_NAMES else kind


def role_name(ctx: Ctx, code: str) -> str:
    if code == "system":
        return ctx._("the reception")
    try:
        return ctx._(ROLE_NAMES[Role(code)])
    except ValueError:
        return code
