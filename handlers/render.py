"""Texts assembled from records: dates, names of codes, appeal lines and cards."""

from collections.abc import Callable
from datetime import UTC, date, datetime

from handlers.speaker import Words
from reception.classifier import (
    AUTHOR_CATEGORIES_BY_CODE,
    RECEIPT_FORM_NAMES,
    RESULT_NAMES,
    TOPICS_BY_CODE,
    ReceiptForm,
    Result,
)
from reception.kinds import KIND_NAMES, RECEIPT_SIGN_NAMES, AppealKind, ReceiptSign
from reception.markers import N_, NC_
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
    "unjoined": N_("left the appeal it was joined to, to be routed on its own"),
    "answered_jointly": N_("answered with the appeal it is joined to"),
}


#: Month names as a date has them ("1 грудня 2026", "1 груд. 2026"): from the catalogues, not
#: Babel's locale data, whose load costs a process ≈ 6 MB for two languages (issue 14).
MONTHS = (
    NC_("in a date", "January"),
    NC_("in a date", "February"),
    NC_("in a date", "March"),
    NC_("in a date", "April"),
    NC_("in a date", "May"),
    NC_("in a date", "June"),
    NC_("in a date", "July"),
    NC_("in a date", "August"),
    NC_("in a date", "September"),
    NC_("in a date", "October"),
    NC_("in a date", "November"),
    NC_("in a date", "December"),
)
SHORT_MONTHS = (
    NC_("short, in a date", "Jan"),
    NC_("short, in a date", "Feb"),
    NC_("short, in a date", "Mar"),
    NC_("short, in a date", "Apr"),
    NC_("short, in a date", "May"),
    NC_("short, in a date", "Jun"),
    NC_("short, in a date", "Jul"),
    NC_("short, in a date", "Aug"),
    NC_("short, in a date", "Sep"),
    NC_("short, in a date", "Oct"),
    NC_("short, in a date", "Nov"),
    NC_("short, in a date", "Dec"),
)


def date_text(pgettext: Callable[[str, str], str], value: date, *, short: bool = False) -> str:
    context, month = (SHORT_MONTHS if short else MONTHS)[value.month - 1]
    return f"{value.day} {pgettext(context, month)} {value.year}"


def day(words: Words, value: date) -> str:
    return date_text(words.pgettext, value)


def moment(words: Words, value: datetime) -> str:
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(words.timezone)
    return f"{day(words, local.date())}, {local:%H:%M}"


def kind_name(words: Words, code: str) -> str:
    return words._(KIND_NAMES[AppealKind(code)])


def topic_name(words: Words, code: str) -> str:
    topic = TOPICS_BY_CODE.get(code)
    return f"{code} {words._(topic.name)}" if topic else code


def status_name(words: Words, code: str) -> str:
    return words._(STATUS_NAMES[Status(code)])


def result_name(words: Words, code: str) -> str:
    return words._(RESULT_NAMES[Result(code)])


def category_name(words: Words, code: str) -> str:
    category = AUTHOR_CATEGORIES_BY_CODE.get(code)
    return words._(category.name) if category else code


def receipt_form_name(words: Words, code: str) -> str:
    try:
        return f"{code} {words._(RECEIPT_FORM_NAMES[ReceiptForm(code)])}"
    except ValueError:
        return code


def receipt_sign_name(words: Words, code: str) -> str:
    try:
        return f"{code} {words._(RECEIPT_SIGN_NAMES[ReceiptSign(code)])}"
    except ValueError:
        return code


def report_label(words: Words, dimension: str, code: str) -> str:
    """A report's row or column: the classifier code with its name ("-" is "not set")."""
    if code == "-":
        return words._("not set")
    if dimension == "kind" and code in {k.value for k in AppealKind}:
        return f"{code} {kind_name(words, code)}"
    if dimension == "topic" and code in TOPICS_BY_CODE:
        return topic_name(words, code)
    if dimension == "result" and code in {r.value for r in Result}:
        return f"{code} {result_name(words, code)}"
    if dimension == "author_category" and code in AUTHOR_CATEGORIES_BY_CODE:
        return f"{code} {category_name(words, code)}"
    if dimension == "receipt_form" and code in {f.value for f in ReceiptForm}:
        return receipt_form_name(words, code)
    if dimension == "status" and code in {s.value for s in Status}:
        return status_name(words, code)
    return code


def preview(words: Words, text: str) -> str:
    if len(text) <= PREVIEW_CHARS:
        return text
    return words.ngettext(
        "{start}… ({count} character in all)", "{start}… ({count} characters in all)", len(text)
    ).format(start=text[:PREVIEW_CHARS].rstrip(), count=len(text))


def appeal_text(words: Words, appeal: AppealRecord) -> str:
    """The appeal's words; an appeal the person said in a recording has none of its own."""
    return appeal.text or words._(
        "(No text: the appeal was given as a voice recording; listen to the attached file.)"
    )


def local_day(words: Words, value: datetime) -> date:
    return value.astimezone(words.timezone).date()


def shown_day(words: Words, appeal: AppealRecord, value: datetime) -> date:
    """The day shown for something done to an appeal: never before its receipt. An appeal
    filed after hours counts as received the next working day, so what is done to it that
    evening is dated that day too, as its outgoing answer is (see `answer_control.sent_now`)."""
    return max(local_day(words, value), appeal.received_on)


def term_phrase(words: Words, appeal: AppealRecord) -> str:
    """An open appeal's due date; a closed one's closing date (a due date means nothing there)."""
    if is_open(Status(appeal.status)):
        return words._("due {date}").format(date=day(words, appeal.due_on))
    if appeal.closed_at is not None:
        return words._("closed {date}").format(
            date=day(words, shown_day(words, appeal, appeal.closed_at))
        )
    if appeal.answered_at is not None:
        return words._("answered {date}").format(
            date=day(words, shown_day(words, appeal, appeal.answered_at))
        )
    return words._("due {date}").format(date=day(words, appeal.due_on))


def term_line(words: Words, appeal: AppealRecord) -> str:
    """The card's line of the term: "Due by", or when the appeal was closed or answered."""
    if not is_open(Status(appeal.status)):
        if appeal.closed_at is not None:
            return words._("Closed: {date}").format(
                date=day(words, shown_day(words, appeal, appeal.closed_at))
            )
        if appeal.answered_at is not None:
            return words._("Answered: {date}").format(
                date=day(words, shown_day(words, appeal, appeal.answered_at))
            )
    return words._("Due by: {date}").format(date=day(words, appeal.due_on))


def citizen_status_name(words: Words, code: str) -> str:
    return words._(STATUS_NAMES[as_citizen_sees(Status(code))])


def appeal_line(words: Words, appeal: AppealRecord) -> str:
    """A line of the citizen's list of their appeals."""
    return words._("{index} · {kind} · {status} · {term}").format(
        index=appeal.reg_index,
        kind=kind_name(words, appeal.kind),
        status=citizen_status_name(words, appeal.status),
        term=term_phrase(words, appeal),
    )


def event_line(words: Words, event: EventRecord) -> str:
    when = moment(words, event.at)
    if event.kind == "registered":
        what = words._("Registered.")
    elif event.kind == "supplemented":
        what = words._("You added information.")
    elif event.kind == "joined":
        what = words._("Considered together with other residents' appeals about the same problem.")
    elif event.kind == "withdrawn":
        what = words._("You withdrew the appeal.")
    elif event.to_status:
        what = words._("Status: {status}.").format(
            status=citizen_status_name(words, event.to_status)
        )
    else:
        what = words._("Updated.")
    if event.text and event.kind != "registered":
        what = f"{what} {event.text}"
    return f"{when} — {what}"


def event_name(words: Words, kind: str) -> str:
    return words._(EVENT_NAMES[kind]) if kind in EVENT_NAMES else kind


def role_name(words: Words, code: str) -> str:
    if code == "system":
        return words._("the reception")
    try:
        return words._(ROLE_NAMES[Role(code)])
    except ValueError:
        return code
