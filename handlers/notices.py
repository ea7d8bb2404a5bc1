"""What happened to an appeal, and who is told in what words. An action changes the register and
publishes one of these events; `publish` writes each audience's message to the outbox in their
own language, in the same transaction (DESIGN rule 4). `notify` holds how a message reaches a
person, a role or a department's mailbox; this module holds what each audience reads."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from handlers import notify
from handlers.answer_text import answer_particulars
from handlers.author import author_as_seen
from handlers.duty import Acting
from handlers.payloads import NotSolved, Rate
from handlers.places import place_lines
from handlers.render import appeal_text, day, kind_name, topic_name
from handlers.speaker import Speaker, Words
from handlers.types import Button, OutgoingFile, Reply
from reception.roles import Role
from reception.statuses import Status
from storage.records import AppealRecord, AttachmentRecord, DepartmentRecord


@dataclass(frozen=True)
class AppealRegistered:
    appeal: AppealRecord


@dataclass(frozen=True)
class AppealAssigned:
    appeal: AppealRecord
    department: DepartmentRecord


@dataclass(frozen=True)
class AppealTaken:
    appeal: AppealRecord


@dataclass(frozen=True)
class TermExtended:
    appeal: AppealRecord
    due_on: date
    reason: str


@dataclass(frozen=True)
class AppealClosed:
    """By an operator (`/close`), or by the reception after `unrated_days` without a rating."""

    appeal: AppealRecord
    unrated_days: int | None = None


@dataclass(frozen=True)
class ConsiderationEnded:
    """Forwarded, returned or not considered (Art. 7, 5, 8): the explanation is the action's."""

    appeal: AppealRecord
    status: Status
    explanation: Callable[[Speaker], str]


@dataclass(frozen=True)
class AppealJoined:
    appeal: AppealRecord
    lead: AppealRecord
    department: DepartmentRecord
    tell_author: bool


@dataclass(frozen=True)
class DueSoon:
    """A reminder `days_left` days before the due date (the setting REMINDER_DAYS)."""

    appeal: AppealRecord
    days_left: int


@dataclass(frozen=True)
class Overdue:
    appeal: AppealRecord


@dataclass(frozen=True)
class AnswerOnReview:
    appeal: AppealRecord


@dataclass(frozen=True)
class AnswerReturned:
    appeal: AppealRecord
    reason: str


@dataclass(frozen=True)
class CitizenChanged:
    """Art. 18: the author added information ("supplemented") or withdrew the appeal."""

    appeal: AppealRecord
    kind: str
    text: str | None = None
    files: tuple[AttachmentRecord, ...] = ()


@dataclass(frozen=True)
class AnswerSent:
    appeal: AppealRecord
    files: tuple[OutgoingFile, ...]


Event = (
    AppealRegistered
    | AppealAssigned
    | AppealTaken
    | TermExtended
    | AppealClosed
    | ConsiderationEnded
    | AppealJoined
    | AnswerOnReview
    | AnswerReturned
    | AnswerSent
    | CitizenChanged
    | DueSoon
    | Overdue
)


async def publish(ctx: Acting, event: Event) -> None:
    match event:
        case AppealRegistered(appeal):
            await registered(ctx, appeal)
        case AppealAssigned(appeal, department):
            await assigned(ctx, appeal, department)
        case AppealTaken(appeal):
            await to_citizen(
                ctx,
                appeal,
                "in_progress",
                lambda w: w._("Your appeal {index} is being considered.").format(
                    index=appeal.reg_index
                ),
            )
        case TermExtended(appeal, due_on, reason):
            await to_citizen(
                ctx,
                appeal,
                "extended",
                lambda w: w._(
                    "The term of consideration of your appeal {index} is extended to {due}. "
                    "Reason: {reason}"
                ).format(index=appeal.reg_index, due=day(w, due_on), reason=reason),
            )
        case AppealClosed(appeal, unrated_days):
            await to_citizen(ctx, appeal, "closed", lambda w: closed_text(w, appeal, unrated_days))
        case ConsiderationEnded(appeal, status, explanation):
            await to_citizen(ctx, appeal, status.value, explanation)
        case AppealJoined(appeal, lead, department, tell_author):
            await joined(ctx, appeal, lead, department, tell_author=tell_author)
        case AnswerOnReview(appeal):
            await notify.staff_of(
                ctx, (Role.OPERATOR, Role.ADMIN), None, "review", appeal, on_review(appeal)
            )
        case AnswerReturned(appeal, reason):
            await notify.executors(ctx, appeal, "rework", returned(appeal, reason))
        case AnswerSent(appeal, files):
            await answer_sent(ctx, appeal, files)
        case DueSoon(appeal, days_left):
            await due_soon(ctx, appeal, days_left)
        case Overdue(appeal):
            await overdue(ctx, appeal)
        case CitizenChanged(appeal, kind, text, changed_files):
            await citizen_changed(ctx, appeal, kind, text, changed_files)


async def to_citizen(
    ctx: Acting, appeal: AppealRecord, kind: str, text: Callable[[Speaker], str]
) -> None:
    citizen = await notify.reader(ctx, appeal.author_id)
    await notify.citizen(ctx, appeal, kind, Reply(text(citizen)))


async def registered(ctx: Acting, appeal: AppealRecord) -> None:
    def build(view: Speaker) -> Reply:
        text = view._("New appeal {index}: {kind}, {topic}. Due by {due}.").format(
            index=appeal.reg_index,
            kind=kind_name(view, appeal.kind),
            topic=topic_name(view, appeal.topic),
            due=day(view, appeal.due_on),
        )
        if appeal.privileged:
            text += "\n" + view._("The author has statutory privileges: consider it first.")
        return Reply(text, (notify.appeal_button(view, appeal),))

    await notify.staff_of(ctx, (Role.OPERATOR, Role.ADMIN), None, "new", appeal, build)


def email_body(words: Words, appeal: AppealRecord, department: DepartmentRecord) -> str:
    """The card for the department's mailbox: no more personal data than an executor sees."""
    author = author_as_seen(words, Role.EXECUTOR, appeal)
    lines = [
        words._("Appeal {index} is assigned to {department} for consideration.").format(
            index=appeal.reg_index, department=department.name(words.locale)
        ),
        words._("Kind: {value}").format(value=kind_name(words, appeal.kind)),
        words._("Topic: {value}").format(value=topic_name(words, appeal.topic)),
        words._("Received: {date}").format(date=day(words, appeal.received_on)),
        words._("Due by: {date}").format(date=day(words, appeal.due_on)),
        words._("Author: {value}").format(value=author.name),
        words._("Place of residence: {value}").format(value=author.residence),
        *place_lines(words, appeal),
        "",
        appeal_text(words, appeal),
        "",
        words._("Work on the appeal and answer it in the reception's bot: /appeal {index}").format(
            index=appeal.reg_index
        ),
    ]
    return "\n".join(lines)


async def assigned(ctx: Acting, appeal: AppealRecord, department: DepartmentRecord) -> None:
    """The citizen, the department's executors and the department's mailbox."""
    await to_citizen(
        ctx,
        appeal,
        "assigned",
        lambda w: w._(
            "Your appeal {index} has been sent for consideration to {department}. The answer is "
            "due by {due}."
        ).format(
            index=appeal.reg_index,
            department=department.name(w.locale),
            due=day(w, appeal.due_on),
        ),
    )

    def for_executor(view: Speaker) -> Reply:
        return Reply(
            view._(
                "Appeal {index} is assigned to your department; the answer is due by {due}."
            ).format(index=appeal.reg_index, due=day(view, appeal.due_on)),
            (notify.appeal_button(view, appeal),),
        )

    await notify.staff_of(ctx, (Role.EXECUTOR,), department.id, "assigned", appeal, for_executor)
    mail = ctx.speakers.official()
    await notify.department_email(
        ctx,
        department,
        appeal,
        mail._("Appeal {index}: {topic}").format(
            index=appeal.reg_index, topic=topic_name(mail, appeal.topic)
        ),
        email_body(mail, appeal, department),
        "assigned",
        await ctx.uow.appeals.attachments(appeal.id),
    )


def closed_text(words: Words, appeal: AppealRecord, unrated_days: int | None) -> str:
    if unrated_days is None:
        return words._(
            "Consideration of your appeal {index} is completed and the appeal is closed. If the "
            "problem is not solved, you may file a repeated appeal or a complaint about the "
            "answer."
        ).format(index=appeal.reg_index)
    return words.ngettext(
        "Appeal {index} is closed: the answer was not rated within {count} day. If the problem "
        "is not solved, you may file a repeated appeal or a complaint about the answer.",
        "Appeal {index} is closed: the answer was not rated within {count} days. If the "
        "problem is not solved, you may file a repeated appeal or a complaint about the answer.",
        unrated_days,
    ).format(index=appeal.reg_index, count=unrated_days)


async def joined(
    ctx: Acting,
    appeal: AppealRecord,
    lead: AppealRecord,
    department: DepartmentRecord,
    *,
    tell_author: bool,
) -> None:
    if tell_author:
        await to_citizen(
            ctx,
            appeal,
            "joined",
            lambda w: w._(
                "Your appeal {index} is considered together with other residents' appeals about "
                "the same problem, by {department}. You will receive the answer here; your "
                "appeal keeps its index and its due date, {due}."
            ).format(
                index=appeal.reg_index,
                department=department.name(w.locale),
                due=day(w, appeal.due_on),
            ),
        )

    def for_executor(view: Speaker) -> Reply:
        return Reply(
            view._(
                "Appeal {index} is joined to {lead} about the same problem: the answer to {lead} "
                "reaches both authors."
            ).format(index=appeal.reg_index, lead=lead.reg_index),
            (notify.appeal_button(view, appeal),),
        )

    await notify.staff_of(ctx, (Role.EXECUTOR,), department.id, "joined", appeal, for_executor)


def on_review(appeal: AppealRecord) -> Callable[[Speaker], Reply]:
    def build(view: Speaker) -> Reply:
        return Reply(
            view._(
                "The answer to appeal {index} awaits your review: /approve {index} sends it to "
                "the citizen, /rework {index} REASON returns it to the executor."
            ).format(index=appeal.reg_index),
            (notify.appeal_button(view, appeal),),
        )

    return build


def returned(appeal: AppealRecord, reason: str) -> Callable[[Speaker], Reply]:
    def build(view: Speaker) -> Reply:
        return Reply(
            view._(
                "The citizens' appeals department returned your answer to appeal {index} for "
                "rework: {reason}\nAnswer again with /answer {index}."
            ).format(index=appeal.reg_index, reason=reason),
            (notify.appeal_button(view, appeal),),
        )

    return build


def answer_message(view: Words, appeal: AppealRecord, body: str | None, higher_body: str) -> str:
    """The answer as the citizen reads it, in their language (Art. 15, 16, 19)."""
    parts = [
        view._("The answer to your appeal {index}:").format(index=appeal.reg_index),
        appeal.answer_text or "",
        *answer_particulars(view, appeal, body, higher_body),
        view._("Please rate the answer from 1 to 5, or tell us if the problem is not solved."),
    ]
    return "\n\n".join(parts)


async def answer_sent(ctx: Acting, appeal: AppealRecord, files: tuple[OutgoingFile, ...]) -> None:
    citizen = await notify.reader(ctx, appeal.author_id)
    department = (
        await ctx.uow.departments.get(appeal.department_id) if appeal.department_id else None
    )
    rating = tuple(Button(str(n), Rate(appeal.id, n).pack()) for n in range(1, 6))
    await notify.citizen(
        ctx,
        appeal,
        "answered",
        Reply(
            answer_message(
                citizen,
                appeal,
                department.name(citizen.locale) if department else None,
                ctx.config.higher_body(citizen.locale),
            ),
            (*rating, Button(citizen._("The problem is not solved"), NotSolved(appeal.id).pack())),
            files=files,
            columns=5,
        ),
    )


async def citizen_changed(
    ctx: Acting,
    appeal: AppealRecord,
    kind: str,
    text: str | None = None,
    files: Sequence[AttachmentRecord] = (),
) -> None:
    """Art. 18: the citizen added information, or withdrew the appeal. The executor (or the
    department's executors) and the operators are told, and the department's mailbox."""

    def build(view: Speaker) -> Reply:
        if kind == "withdrawn":
            line = view._("The citizen withdrew appeal {index}: it is no longer considered.")
        else:
            line = view.ngettext(
                "The citizen added information to appeal {index} ({count} file).",
                "The citizen added information to appeal {index} ({count} files).",
                len(files),
            )
        message = line.format(index=appeal.reg_index, count=len(files))
        if text:
            message += "\n\n" + text
        return Reply(message, (notify.appeal_button(view, appeal),))

    await notify.staff_of(ctx, (Role.OPERATOR, Role.ADMIN), None, kind, appeal, build)
    if appeal.department_id is None:
        return
    await notify.executors(ctx, appeal, kind, build)
    department = await ctx.uow.departments.get(appeal.department_id)
    if department is not None:
        mail = ctx.speakers.official()
        await notify.department_email(
            ctx,
            department,
            appeal,
            mail._("Appeal {index}: {what}").format(
                index=appeal.reg_index,
                what=mail._("withdrawn") if kind == "withdrawn" else mail._("information added"),
            ),
            build(mail).text,
            kind,
            files,
        )


async def due_soon(ctx: Acting, appeal: AppealRecord, left: int) -> None:
    """The executor (or the department's executors) and the department's mailbox."""

    def build(view: Speaker) -> Reply:
        return Reply(
            view.ngettext(
                "Reminder: appeal {index} is due in {count} day, on {due}.",
                "Reminder: appeal {index} is due in {count} days, on {due}.",
                left,
            ).format(index=appeal.reg_index, count=left, due=day(view, appeal.due_on)),
            (notify.appeal_button(view, appeal),),
        )

    await notify.executors(ctx, appeal, "reminder", build)
    department = (
        await ctx.uow.departments.get(appeal.department_id) if appeal.department_id else None
    )
    if department is None:
        return
    mail = ctx.speakers.official()
    await notify.department_email(
        ctx,
        department,
        appeal,
        mail._("Reminder: appeal {index} is due on {due}").format(
            index=appeal.reg_index, due=day(mail, appeal.due_on)
        ),
        build(mail).text
        + "\n\n"
        + mail._(
            "Work on the appeal and answer it in the reception's bot: /appeal {index}"
        ).format(index=appeal.reg_index),
        "reminder",
    )


async def overdue(ctx: Acting, appeal: AppealRecord) -> None:
    """The operators, and the executors of the department it is assigned to."""

    def build(view: Speaker) -> Reply:
        return Reply(
            view._("Appeal {index} is overdue: it was due on {due}.").format(
                index=appeal.reg_index, due=day(view, appeal.due_on)
            ),
            (notify.appeal_button(view, appeal),),
        )

    await notify.staff_of(ctx, (Role.OPERATOR, Role.ADMIN), None, "overdue", appeal, build)
    if appeal.department_id:
        await notify.staff_of(
            ctx, (Role.EXECUTOR,), appeal.department_id, "overdue", appeal, build
        )
