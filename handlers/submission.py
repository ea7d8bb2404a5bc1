"""The summary of a draft, changing any field, and registering the appeal."""

from dataclasses import replace

from handlers import joining, notices, notify
from handlers.context import Ctx
from handlers.draft import Draft
from handlers.duty import Acting
from handlers.filing import (
    CONFIDENTIAL_SUMMARY,
    draft_text,
    start_draft,
    states_substance,
)
from handlers.kept import Kept
from handlers.menu import menu_buttons, menu_of
from handlers.payloads import (
    BACK,
    CANCEL_APPEAL,
    CHANGE_SOMETHING,
    CONFIRM,
    CONTINUE_DRAFT,
    MAIN_MENU,
    RESTART_DRAFT,
    SUBMIT,
    DraftField,
    EditField,
)
from handlers.places import map_link
from handlers.render import category_name, day, kind_name, preview, topic_name
from handlers.speaker import Words
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.classifier import Channel
from reception.deadlines import WorkCalendar, after_hours, due_date, received_on
from reception.kinds import ReceiptSign, Subject
from reception.numbering import format_index
from reception.roles import Role
from reception.validation import full_name
from storage.people import Profile
from storage.records import AppealRecord, NewAppeal, NewEvent


def first_missing(d: Draft) -> StepName | None:
    """The step that asks for the first required detail still missing (Art. 5). The phone may
    be empty (the answer then comes in the chat), but its question must have been answered."""
    checks = (
        (bool(d.kind), StepName.KIND),
        (bool(d.topic), StepName.TOPIC),
        (states_substance(d), StepName.TEXT),
        (bool(d.surname), StepName.NAME),
        (bool(d.residence), StepName.RESIDENCE),
        (d.phone is not None, StepName.PHONE),
    )
    return next((step for given, step in checks if not given), None)


def given(value: str | None) -> str:
    """A detail `first_missing` has checked."""
    if value is None:
        raise ValueError("a required detail of the draft is missing")
    return value


def summary_text(ctx: Ctx) -> str:
    d = ctx.draft
    missing = ctx._("not given")
    yes, no = ctx._("yes"), ctx._("no")
    shared = (
        map_link(d.latitude, d.longitude)
        if d.latitude is not None and d.longitude is not None
        else None
    )
    location = " ".join(part for part in (d.location_text, shared) if part) or missing
    name = full_name(d.surname, d.given_name, d.patronymic) if d.surname else missing
    phone = d.phone or (
        ctx._("not given: the answer comes here in the chat") if d.phone is not None else missing
    )
    lines = [
        ctx._("Please check your appeal before submitting it."),
        "",
        ctx._("Kind: {value}").format(value=kind_name(ctx, d.kind) if d.kind else missing),
        ctx._("Topic: {value}").format(value=topic_name(ctx, d.topic) if d.topic else missing),
        ctx._("Text: {value}").format(
            value=preview(ctx, draft_text(ctx))
            or (ctx._("said in the voice recording") if d.recordings else missing)
        ),
        ctx._("Files: {count}").format(count=len(d.attachments)),
        ctx._("Place of the problem: {value}").format(value=location),
        *(
            [ctx._("Joined to the appeal about the same problem nearby: yes")]
            if d.joined_to
            else []
        ),
        ctx._("Author: {value}").format(value=name),
        ctx._("Place of residence: {value}").format(value=d.residence or missing),
        ctx._("Phone: {value}").format(value=phone),
        ctx._("E-mail: {value}").format(value=d.email or missing),
        ctx._("Collective: {value}").format(
            value=ctx.ngettext(
                "yes, signed by {count} person", "yes, signed by {count} people", d.coauthors
            ).format(count=d.coauthors)
            if d.collective
            else no
        ),
        *([d.coauthor_names] if d.collective and d.coauthor_names else []),
        ctx._(CONFIDENTIAL_SUMMARY).format(value=yes if d.confidential else no),
        ctx._("Publish the text without my name: {value}").format(
            value=yes if d.publish_text else no
        ),
        ctx._("Statutory privileges: {value}").format(
            value=category_name(ctx, d.category) if d.privileged and d.category else no
        ),
    ]
    return "\n".join(lines)


async def ask_summary(ctx: Ctx) -> Reply:
    ctx.draft = replace(ctx.draft, editing=False)
    return Reply(
        summary_text(ctx),
        (
            Button(ctx._("Submit"), SUBMIT),
            Button(ctx._("Change something"), CHANGE_SOMETHING),
            Button(ctx._("Cancel the appeal"), CANCEL_APPEAL),
        ),
    )


async def answer_summary(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action
    if action == SUBMIT:
        return await submit(ctx)
    if action == CHANGE_SOMETHING:
        return await ctx.goto(StepName.EDIT)
    if action == CANCEL_APPEAL:
        return await ctx.goto(StepName.DISCARD)
    return None


#: Each field the summary lets the citizen change is asked again by the step of the same name.
EDITABLE: dict[DraftField, StepName] = {field: StepName(field.value) for field in DraftField}


async def ask_edit(ctx: Ctx) -> Reply:
    labels = {
        DraftField.KIND: ctx._("Kind"),
        DraftField.TOPIC: ctx._("Topic"),
        DraftField.TEXT: ctx._("Text and files"),
        DraftField.LOCATION: ctx._("Place of the problem"),
        DraftField.NAME: ctx._("Name"),
        DraftField.RESIDENCE: ctx._("Place of residence"),
        DraftField.PHONE: ctx._("Phone"),
        DraftField.EMAIL: ctx._("E-mail"),
        DraftField.OPTIONS: ctx._("Options"),
    }
    buttons = tuple(Button(label, EditField(field).pack()) for field, label in labels.items())
    return Reply(
        ctx._("What would you like to change?"),
        (*buttons, Button(ctx._("Back to the summary"), BACK)),
        columns=2,
    )


async def answer_edit(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await ctx.goto(StepName.SUMMARY)
    chosen = EditField.parse(ctx.incoming.action)
    if chosen is None:
        return None
    ctx.draft = replace(ctx.draft, editing=True)
    return await ctx.goto(EDITABLE[chosen.field])


async def ask_discard(ctx: Ctx) -> Reply:
    return Reply(
        ctx._("Cancel this appeal? Everything you entered in it will be deleted."),
        (
            Button(ctx._("Yes, delete the draft"), CONFIRM),
            Button(ctx._("No, keep it"), BACK),
        ),
    )


async def answer_discard(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == CONFIRM:
        ctx.discard_draft()
        return await ctx.goto(StepName.MENU, Reply(ctx._("The draft is deleted.")))
    if ctx.incoming.action == BACK:
        return await ctx.goto(StepName.SUMMARY)
    return None


async def ask_resume(ctx: Ctx) -> Reply:
    d = ctx.draft
    details = [ctx._("You have an unfinished appeal.")]
    if d.kind:
        details.append(ctx._("Kind: {value}").format(value=kind_name(ctx, d.kind)))
    text = draft_text(ctx)
    if text:
        details.append(ctx._("Text: {value}").format(value=preview(ctx, text)))
    if d.attachments:
        details.append(ctx._("Files: {count}").format(count=len(d.attachments)))
    details.append(ctx._("Would you like to continue it?"))
    return Reply(
        "\n".join(details),
        (
            Button(ctx._("Continue"), CONTINUE_DRAFT),
            Button(ctx._("Delete it and start again"), RESTART_DRAFT),
            Button(ctx._("Main menu"), MAIN_MENU),
        ),
    )


async def answer_resume(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == CONTINUE_DRAFT:
        saved = ctx.state.data.get(Kept.DRAFT_STEP)
        return await ctx.goto(StepName(saved) if saved in set(StepName) else StepName.KIND)
    if ctx.incoming.action == RESTART_DRAFT:
        start_draft(ctx)
        return await ctx.goto(StepName.KIND)
    return None


async def submit(ctx: Ctx) -> list[Reply]:
    d = ctx.draft
    done = await ctx.uow.appeals.by_draft_key(d.key)
    if done is not None:
        ctx.discard_draft()
        return [registered_reply(ctx, done)]
    missing = first_missing(d)
    if missing is not None:
        ctx.draft = replace(ctx.draft, editing=True)
        return await ctx.goto(
            missing, Reply(ctx._("Something required is missing; please fill it in."))
        )
    if d.on_behalf:
        return await submit_on_behalf(ctx)
    new = new_appeal(ctx, ctx.person.id, ctx.account.channel, Channel.ELECTRONIC, ctx.locale)
    appeal = await register_appeal(ctx, replace(new, attachment_ids=tuple(d.attachments)))
    if d.joined_to:
        appeal = await joining.join_filed(ctx, appeal, int(d.joined_to))
    await ctx.uow.people.save_profile(ctx.person.id, draft_profile(ctx), ctx.now)
    ctx.discard_draft()
    ctx.state.step = StepName.MENU
    reply = registered_reply(ctx, appeal)
    if d.joined_to and not appeal.joined_to_id:
        # The appeal chosen is closed, or this one is not for its body (Art. 7 part 4, 15).
        reply = replace(
            reply,
            text=reply.text
            + "\n\n"
            + ctx._(
                "Your appeal could not be joined to the one about the same problem nearby: it "
                "is considered on its own, and the citizens' appeals department decides where "
                "it is sent."
            ),
        )
    return [reply]


def new_appeal(ctx: Ctx, author_id: int, channel: str, form: Channel, locale: str) -> NewAppeal:
    """The draft as the register's card (the files are linked by whoever attached them)."""
    d = ctx.draft
    collective = d.collective
    return NewAppeal(
        draft_key=d.key,
        author_id=author_id,
        kind=given(d.kind),
        subject=(Subject.COLLECTIVE if collective else Subject.INDIVIDUAL).value,
        coauthors=d.coauthors,
        coauthor_names=d.coauthor_names if collective else None,
        topic=given(d.topic),
        category=d.everyday,
        publish_text=d.publish_text,
        text=draft_text(ctx),
        location_text=d.location_text,
        latitude=d.latitude,
        longitude=d.longitude,
        surname=given(d.surname),
        given_name=d.given_name or "",
        patronymic=d.patronymic or "",
        residence=given(d.residence),
        phone=d.phone or "",
        email=d.email,
        confidential=d.confidential,
        privileged=d.privileged,
        author_category=d.category if d.privileged else None,
        channel=channel,
        locale=locale,
        receipt_form=ctx.config.receipt_forms[form].value,
        receipt_sign=ReceiptSign.FIRST.value,
    )


def draft_profile(ctx: Ctx) -> Profile:
    d = ctx.draft
    return Profile(
        given(d.surname),
        d.given_name or "",
        d.patronymic or "",
        given(d.residence),
        d.phone or None,
        d.email,
    )


async def submit_on_behalf(ctx: Ctx) -> list[Reply]:
    """/register: an operator registers an appeal received by phone, in person or by post.
    The citizen follows it in the messenger when the phone given is the one their Telegram
    account shared as its own contact (Telegram vouches for it; nothing else does)."""
    d = ctx.draft
    via = Channel(given(d.on_behalf))
    phone = d.phone or ""
    citizen = await ctx.uow.people.by_verified_phone(phone) if phone else None
    if citizen is not None:
        author_id, locale = citizen.id, citizen.locale or ctx.catalogs.default
    else:
        locale = ctx.catalogs.default
        author_id = (
            await ctx.uow.people.create_without_account(draft_profile(ctx), locale, ctx.now)
        ).id
    appeal = await register_appeal(
        ctx,
        new_appeal(ctx, author_id, via.value, via, locale),
        NewEvent(
            "registered",
            ctx.person.id,
            ctx.person.role,
            ctx.now,
            data={"on_behalf": via.value},
        ),
    )
    attachments = tuple(d.attachments)
    if attachments:
        await ctx.uow.appeals.link_attachments(attachments, appeal.id, None, ctx.person.id)
    lines = [
        ctx._("Appeal {index} is registered for {name}: received {date}, due by {due}.").format(
            index=appeal.reg_index,
            name=full_name(appeal.surname, appeal.given_name, appeal.patronymic),
            date=day(ctx, appeal.received_on),
            due=day(ctx, appeal.due_on),
        )
    ]
    if citizen is not None:
        reader = await notify.reader(ctx, citizen.id)
        await notify.citizen(
            ctx,
            appeal,
            "registered",
            # The citizen's own draft is not known here: the menu offers a new appeal.
            Reply(
                registered_text(reader, appeal, ctx.config.calendar, on_behalf=True),
                menu_of(reader, has_draft=False),
            ),
        )
        lines.append(
            ctx._("The citizen uses the reception's Telegram bot and will follow it there.")
        )
    else:
        lines.append(
            ctx._(
                "The citizen has no messenger account with this phone: tell them the index; "
                "the answer goes by post, e-mail or phone."
            )
        )
    ctx.discard_draft()
    ctx.state.step = StepName.MENU
    return [Reply("\n".join(lines))]


async def register_appeal(
    ctx: Acting, new: NewAppeal, event: NewEvent | None = None
) -> AppealRecord:
    """Number, date and register an appeal, and tell the operators (Instruction No. 348); by
    default the author files it themselves."""
    cal = ctx.config.calendar
    received = received_on(ctx.now, cal)
    term = ctx.config.default_term
    number = await ctx.uow.appeals.next_number(received.year)
    reg_index = format_index(
        ctx.config.index_format,
        surname=new.surname,
        collective=new.subject == Subject.COLLECTIVE.value,
        number=number,
        year=received.year,
    )
    appeal = await ctx.uow.appeals.register(
        new,
        reg_index=reg_index,
        year=received.year,
        number=number,
        term=term.value,
        submitted_at=ctx.now,
        received_on=received,
        due_on=due_date(received, term, cal),
        event=event or NewEvent("registered", new.author_id, Role.CITIZEN.value, ctx.now),
    )
    await notices.publish(ctx, notices.AppealRegistered(appeal))
    return appeal


def registered_reply(ctx: Ctx, appeal: AppealRecord) -> Reply:
    return Reply(registered_text(ctx, appeal, ctx.config.calendar), menu_buttons(ctx))


def registered_text(
    ctx: Words, appeal: AppealRecord, calendar: WorkCalendar, *, on_behalf: bool = False
) -> str:
    head = (
        ctx._(
            "The council's reception registered the appeal you made by phone, in person or by "
            "post. You can follow it here under “My appeals”."
        )
        + "\n\n"
        if on_behalf
        else ""
    )
    text = head + ctx._(
        "Your appeal is registered.\n\n"
        "Registration index: {index}\n"
        "Date of receipt: {received}\n"
        "The answer is due by: {due}\n\n"
        "What happens next: the citizens' appeals department of the CNAP sends your appeal to "
        "the body responsible for the issue and controls that the answer is prepared on time. "
        "You will be told here of every step and will receive the answer in this chat. You may "
        "add information or follow the appeal under “My appeals”.\n\n"
        "Under the law the term is up to one month, or up to 15 days if the issue needs no "
        "additional study; it may be extended, but never beyond 45 days from receipt."
    ).format(
        index=appeal.reg_index,
        received=day(ctx, appeal.received_on),
        due=day(ctx, appeal.due_on),
    )
    if appeal.joined_to_id and appeal.department_id is None:
        # Joined to a report not yet assigned: they go to a department together.
        text += "\n\n" + ctx._(
            "It is joined to the appeal about the same problem nearby: they will be considered "
            "together, and the answer to it will come to you as well."
        )
    elif appeal.joined_to_id:
        text += "\n\n" + ctx._(
            "It is joined to the appeal about the same problem nearby, which a department is "
            "already working on: the answer to it will come to you as well."
        )
    if after_hours(appeal.submitted_at, appeal.received_on, calendar):
        # The receipt date is a later day than the citizen's own: say why (a setting).
        text += "\n\n" + ctx._(
            "Your appeal arrived after working hours, so it is registered as received on "
            "{received}, the next working day."
        ).format(received=day(ctx, appeal.received_on))
    return text
