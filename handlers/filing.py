"""Filing a new appeal, one question at a time (Art. 5: what an appeal must contain)."""

import secrets
from dataclasses import replace

from handlers import duplicates, me_too
from handlers.context import Ctx
from handlers.details import read_email, read_name, read_phone, read_residence
from handlers.draft import Draft
from handlers.file_checks import take_files
from handlers.payloads import (
    BACK,
    CLEAR,
    DONE,
    ENTER_NEW,
    NO_PHONE,
    SKIP,
    USE_SAVED,
    ChooseCategory,
    ChooseKind,
    ChoosePrivilege,
    FilingOption,
    ToggleOption,
)
from handlers.render import category_name
from handlers.steps import StepName
from handlers.types import Ask, Button, Reply
from reception.classifier import AUTHOR_CATEGORIES, AUTHOR_CATEGORIES_BY_CODE
from reception.files import (
    MAX_FILES_PER_APPEAL,
)
from reception.kinds import KIND_EXPLANATIONS, KIND_NAMES, AppealKind
from reception.markers import N_
from reception.validation import (
    MAX_APPEAL_CHARS,
    MAX_LOCATION_CHARS,
    MAX_MESSAGE_CHARS,
    NameProblem,
    ResidenceProblem,
    check_residence,
    clean_text,
    full_name,
    has_substance,
    parse_full_name,
)

ORDER = (
    StepName.KIND,
    StepName.TOPIC,
    StepName.TEXT,
    StepName.LOCATION,
    StepName.NAME,
    StepName.RESIDENCE,
    StepName.PHONE,
    StepName.EMAIL,
    StepName.OPTIONS,
    StepName.SUMMARY,
)
#: Art. 10, in the same words wherever the option appears (filing, the summary, Open311).
CONFIDENTIAL_OPTION = N_(
    "Do not disclose my surname, first name, patronymic and place of residence (Art. 10 of "
    "the Law)"
)
CONFIDENTIAL_SUMMARY = N_(
    "Do not disclose my surname, first name, patronymic and place of residence (Art. 10 of "
    "the Law): {value}"
)

MAX_COAUTHORS = 100_000
#: Co-authors named by the author (Art. 5 for a collective appeal): kept to what a card can show.
MAX_NAMED_COAUTHORS = 50
MAX_COAUTHOR_NAMES_CHARS = 5000


def start_draft(ctx: Ctx) -> None:
    ctx.draft = Draft(key=secrets.token_hex(16))


async def advance(ctx: Ctx, current: StepName, *before: Reply) -> list[Reply]:
    """The next question; back to the summary when the person was changing one field."""
    draft = ctx.draft
    if draft.editing:
        return await ctx.goto(StepName.SUMMARY, *before)
    if current == StepName.LOCATION:
        offered = await duplicates.for_draft(ctx)
        ctx.draft = replace(ctx.draft, similar=offered.id if offered else None, joined_to=None)
        if offered is not None:
            before = (*before, me_too.offer(ctx, offered))
    if (
        current == StepName.LOCATION
        and ctx.person.has_profile
        and not draft.surname
        and not draft.on_behalf
    ):
        return await ctx.goto(StepName.PROFILE, *before)
    return await ctx.goto(ORDER[ORDER.index(current) + 1], *before)


def _with_current(ctx: Ctx, text: str, current: str | None) -> str:
    if ctx.draft.on_behalf:
        # An operator registering for a citizen (/register): the questions are the citizen's.
        text = ctx._("For the citizen whose appeal you register:") + "\n" + text
    if not current:
        return text
    return text + "\n\n" + ctx._("Now: {value}").format(value=current)


# --- kind and topic -------------------------------------------------------------------------


async def ask_kind(ctx: Ctx) -> Reply:
    lines = [ctx._("What kind of appeal is it?")]
    for kind in AppealKind:
        lines.append(f"• {ctx._(KIND_NAMES[kind])} — {ctx._(KIND_EXPLANATIONS[kind])}")
    buttons = tuple(
        Button(ctx._(KIND_NAMES[kind]), ChooseKind(kind).pack()) for kind in AppealKind
    )
    return Reply("\n".join(lines), buttons)


async def answer_kind(ctx: Ctx) -> list[Reply] | None:
    chosen = ChooseKind.parse(ctx.incoming.action)
    if chosen is None:
        return None
    ctx.draft = replace(ctx.draft, kind=chosen.kind.value)
    return await advance(ctx, StepName.KIND)


async def ask_topic(ctx: Ctx) -> Reply:
    buttons = tuple(
        Button(c.name(ctx.locale), ChooseCategory(c.code).pack()) for c in ctx.config.categories
    )
    return Reply(ctx._("What is your appeal about?"), buttons, columns=2)


async def answer_topic(ctx: Ctx) -> list[Reply] | None:
    chosen = ChooseCategory.parse(ctx.incoming.action)
    category = next(
        (c for c in ctx.config.categories if chosen is not None and c.code == chosen.code), None
    )
    if category is None:
        return None
    # The everyday words the person chose, and the classifier's topic they are filed under.
    ctx.draft = replace(ctx.draft, topic=category.topic, everyday=category.code)
    return await advance(ctx, StepName.TOPIC)


# --- the text and files ---------------------------------------------------------------------


def draft_text(ctx: Ctx) -> str:
    return "\n\n".join(ctx.draft.parts)


def states_substance(draft: Draft) -> bool:
    """Art. 5: the appeal states its issue, in words typed or said in a recording (the law
    allows an oral appeal; a voice message is the person saying it)."""
    return has_substance("\n\n".join(draft.parts)) or draft.recordings > 0


async def ask_text(ctx: Ctx) -> Reply:
    text = draft_text(ctx)
    if text:
        return Reply(
            ctx.ngettext(
                "The text of your appeal so far ({count} character) is kept. Send more text, "
                "photos or documents to add to it, tap “Done” to go on, or “Write again” to "
                "replace the text.",
                "The text of your appeal so far ({count} characters) is kept. Send more text, "
                "photos or documents to add to it, tap “Done” to go on, or “Write again” to "
                "replace the text.",
                len(text),
            ).format(count=len(text)),
            (Button(ctx._("Done"), DONE), Button(ctx._("Write again"), CLEAR)),
        )
    return Reply(
        ctx._(
            "Please describe the issue: what happened, where and since when, and what you ask "
            "for. One message may hold up to {limit} characters; you may send several messages, "
            "photos or documents (PDF, DOC, DOCX, ODT, TXT, JPG, PNG) and voice messages. Tap "
            "“Done” when you have finished."
        ).format(limit=MAX_MESSAGE_CHARS),
        (Button(ctx._("Done"), DONE),),
    )


async def attach_files(ctx: Ctx) -> list[Reply]:
    """Keep each acceptable file with the draft; say which were refused and why."""
    room = MAX_FILES_PER_APPEAL - len(ctx.draft.attachments)
    taken = await take_files(ctx, room, voice_hint=True)
    ctx.draft = replace(
        ctx.draft,
        attachments=(*ctx.draft.attachments, *taken.ids),
        recordings=ctx.draft.recordings + taken.recordings,
    )
    return list(taken.replies)


def text_problem(ctx: Ctx, text: str, total_so_far: int) -> str | None:
    if len(text) > MAX_MESSAGE_CHARS:
        return ctx.ngettext(
            "This message has {count} character, but one message may hold up to {limit}. It "
            "was not added; please send the text in several shorter messages.",
            "This message has {count} characters, but one message may hold up to {limit}. It "
            "was not added; please send the text in several shorter messages.",
            len(text),
        ).format(count=len(text), limit=MAX_MESSAGE_CHARS)
    if total_so_far + len(text) > MAX_APPEAL_CHARS:
        return ctx._(
            "The appeal's text may hold up to {limit} characters in all; this message would "
            "exceed it and was not added. Please state the issue more briefly or attach a "
            "document."
        ).format(limit=MAX_APPEAL_CHARS)
    return None


async def answer_text(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    if incoming.action == CLEAR:
        ctx.draft = replace(ctx.draft, parts=())
        return await ctx.ask_again()
    if incoming.action == SKIP and states_substance(ctx.draft):
        return await advance(ctx, StepName.TEXT)
    if incoming.action == DONE:
        if not has_substance(draft_text(ctx)) and ctx.draft.recordings:
            # The recording is the appeal; a line of text is asked for, not required.
            return [
                Reply(
                    ctx._(
                        "Your recording is the substance of your appeal. A sentence or two of "
                        "text would help to send it to the right body at once: please type it, "
                        "or go on without it."
                    ),
                    (Button(ctx._("Go on without text"), SKIP),),
                )
            ]
        if not has_substance(draft_text(ctx)):
            return await ctx.ask_again(
                Reply(
                    ctx._(
                        "Please describe the issue in a few words first: the law requires an appeal to "
                        "state its substance."
                    )
                )
            )
        return await advance(ctx, StepName.TEXT)
    text = clean_text(incoming.text or "")
    if incoming.action or not (text or incoming.files):
        return None
    replies = await attach_files(ctx)
    if text:
        problem = text_problem(ctx, text, len(draft_text(ctx)))
        if problem:
            replies.append(Reply(problem))
        else:
            ctx.draft = replace(ctx.draft, parts=(*ctx.draft.parts, text))
            replies.append(
                Reply(
                    ctx.ngettext(
                        "Added. The text now has {count} character.",
                        "Added. The text now has {count} characters.",
                        len(draft_text(ctx)),
                    ).format(count=len(draft_text(ctx)))
                )
            )
    last = replies.pop()
    replies.append(
        Reply(
            last.text + "\n" + ctx._("Send more, or tap “Done”."), (Button(ctx._("Done"), DONE),)
        )
    )
    return replies


# --- where the problem is -------------------------------------------------------------------


def current_place(ctx: Ctx) -> str | None:
    """The place as the draft holds it: the address typed, a shared location, or both."""
    shared = ctx._("a shared location") if ctx.draft.latitude is not None else None
    given = [part for part in (ctx.draft.location_text, shared) if part]
    return "; ".join(given) or None


async def ask_location(ctx: Ctx) -> Reply:
    current = current_place(ctx)
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "Where is the problem? Type the address, or share a location. If the place does not "
                "matter, tap “Skip”."
            ),
            current,
        ),
        (Button(ctx._("Skip"), SKIP),),
        ask=Ask.LOCATION,
        ask_label=ctx._("Share the location"),
    )


async def answer_location(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    if incoming.action == SKIP:
        ctx.draft = replace(ctx.draft, location_text=None, latitude=None, longitude=None)
        return await advance(ctx, StepName.LOCATION)
    if incoming.location is not None:
        lat, lon = incoming.location.latitude, incoming.location.longitude
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        # The address typed before is kept beside the point; the next question offers to
        # add or change it, so that words typed now are the address, not the next answer.
        ctx.draft = replace(ctx.draft, latitude=lat, longitude=lon)
        return await ctx.goto(StepName.LOCATION_ADDRESS)
    return await take_address(ctx)


async def take_address(ctx: Ctx) -> list[Reply] | None:
    """A typed address or landmark, kept beside a shared location if there is one."""
    text = clean_text(ctx.incoming.text or "").replace("\n", ", ")
    if ctx.incoming.action or not text:
        return None
    if len(text) > MAX_LOCATION_CHARS:
        return await ctx.ask_again(
            Reply(
                ctx._("The address is too long: please keep it within {limit} characters.").format(
                    limit=MAX_LOCATION_CHARS
                )
            )
        )
    ctx.draft = replace(ctx.draft, location_text=text)
    return await advance(
        ctx,
        StepName.LOCATION,
        Reply(ctx._("The address is saved: {address}").format(address=text)),
    )


async def ask_location_address(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "The location is saved. To make the place easier to find, you may add the "
                "address or a landmark (for example, “by the second entrance of house 5”): type "
                "it, or tap “Continue”."
            ),
            ctx.draft.location_text,
        ),
        (Button(ctx._("Continue"), DONE),),
    )


async def answer_location_address(ctx: Ctx) -> list[Reply] | None:
    incoming = ctx.incoming
    if incoming.action == DONE:
        return await advance(ctx, StepName.LOCATION)
    if incoming.location is not None:
        lat, lon = incoming.location.latitude, incoming.location.longitude
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        ctx.draft = replace(ctx.draft, latitude=lat, longitude=lon)
        return await ctx.ask_again()
    return await take_address(ctx)


# --- who the author is ----------------------------------------------------------------------


async def ask_profile(ctx: Ctx) -> Reply:
    person = ctx.person
    lines = [
        ctx._("Shall we use your details from the previous appeal?"),
        full_name(person.surname, person.given_name, person.patronymic),
        person.residence or "",
        person.phone or ctx._("no phone: the answer comes here in the chat"),
    ]
    if person.email:
        lines.append(person.email)
    return Reply(
        "\n".join(lines),
        (
            Button(ctx._("Yes, use them"), USE_SAVED),
            Button(ctx._("Enter new details"), ENTER_NEW),
        ),
    )


async def answer_profile(ctx: Ctx) -> list[Reply] | None:
    person = ctx.person
    if ctx.incoming.action == USE_SAVED:
        ctx.draft = replace(
            ctx.draft,
            surname=person.surname,
            given_name=person.given_name or "",
            patronymic=person.patronymic or "",
            residence=person.residence,
            phone=person.phone or "",
            email=person.email,
        )
        return await ctx.goto(StepName.OPTIONS)
    if ctx.incoming.action == ENTER_NEW:
        ctx.draft = replace(ctx.draft, new_details=True)
        return await ctx.goto(StepName.NAME)
    return None


def _draft_name(ctx: Ctx) -> str | None:
    draft = ctx.draft
    if not draft.surname:
        return None
    return full_name(draft.surname, draft.given_name, draft.patronymic)


async def ask_name(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "Please type your surname, first name and patronymic (if you have one), for "
                "example: Шевченко Тарас Григорович, or Smith John. The law does not allow "
                "anonymous appeals to be considered."
            ),
            _draft_name(ctx),
        )
    )


async def answer_name(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    result = read_name(ctx, ctx.incoming.text)
    if isinstance(result, Reply):
        return await ctx.ask_again(result)
    ctx.draft = replace(
        ctx.draft,
        surname=result.surname,
        given_name=result.given_name,
        patronymic=result.patronymic,
    )
    return await advance(ctx, StepName.NAME)


async def ask_residence(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "Please type your place of residence: settlement, street, house and flat. The law "
                "requires it; an appeal without it is not considered."
            ),
            ctx.draft.residence,
        )
    )


async def answer_residence(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    kept = ctx.draft.residence_part
    result = read_residence(ctx, ctx.incoming.text, kept)
    if isinstance(result, Reply):
        if check_residence(ctx.incoming.text) is ResidenceProblem.NO_STREET:
            typed = clean_text(ctx.incoming.text).replace("\n", ", ")
            ctx.draft = replace(ctx.draft, residence_part=f"{kept}, {typed}" if kept else typed)
        return await ctx.ask_again(result)
    ctx.draft = replace(ctx.draft, residence_part=None)
    ctx.draft = replace(ctx.draft, residence=result)
    return await advance(ctx, StepName.RESIDENCE)


#: The phone step's button for "no phone": the answer comes in this chat (Art. 5 accepts the
#: messenger as the contact of an electronic appeal).


async def ask_phone(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "Please share your phone number with the button below, or type it, for example "
                "050 123 45 67 or +48 512 345 678. A phone is not required: tap “Answer me "
                "here” and the answer will come in this chat."
            ),
            ctx.draft.phone,
        ),
        (
            Button(
                ctx._("No phone: answer by post")
                if ctx.draft.on_behalf
                else ctx._("Answer me here"),
                NO_PHONE,
            ),
        ),
        ask=Ask.CONTACT,
        ask_label=ctx._("Share my number"),
    )


async def answer_phone(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == NO_PHONE:
        ctx.draft = replace(ctx.draft, phone="")
        if ctx.draft.on_behalf:
            return await advance(ctx, StepName.PHONE)
        return await advance(
            ctx,
            StepName.PHONE,
            Reply(ctx._("No phone then: the answer will come here in the chat.")),
        )
    phone = await read_phone(ctx, on_behalf=bool(ctx.draft.on_behalf))
    if phone is None:
        return None
    if isinstance(phone, Reply):
        return await ctx.ask_again(phone)
    ctx.draft = replace(ctx.draft, phone=phone)
    return await advance(
        ctx, StepName.PHONE, Reply(ctx._("The phone number is saved: {phone}").format(phone=phone))
    )


async def ask_email(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "If you would like the answer by e-mail too, type your e-mail address. Otherwise tap "
                "“Skip”: the answer will come here in the chat."
            ),
            ctx.draft.email,
        ),
        (Button(ctx._("Skip"), SKIP),),
    )


async def answer_email(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == SKIP:
        ctx.draft = replace(ctx.draft, email=None)
        return await advance(ctx, StepName.EMAIL)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    email = read_email(ctx, ctx.incoming.text)
    if isinstance(email, Reply):
        return await ctx.ask_again(email)
    ctx.draft = replace(ctx.draft, email=email)
    return await advance(ctx, StepName.EMAIL)


# --- options --------------------------------------------------------------------------------


def _mark(on: bool) -> str:
    return "☑" if on else "☐"


async def ask_options(ctx: Ctx) -> Reply:
    draft = ctx.draft
    collective = draft.collective
    privileged = draft.privileged
    lines = [
        ctx._("A few options; tap one to change it, then “Continue”."),
        f"{_mark(collective)} " + ctx._("Collective appeal (signed by several people)"),
        f"{_mark(bool(draft.confidential))} " + ctx._(CONFIDENTIAL_OPTION),
        "    "
        + ctx._(
            "Only the reception staff who register the appeal will see them; the executive "
            "body that considers it will not."
        ),
        f"{_mark(privileged)} " + ctx._("I belong to a category with statutory privileges"),
        f"{_mark(bool(draft.publish_text))} "
        + ctx._(
            "Publish my appeal's text on the council's public page without my name "
            "(you may withdraw this later)"
        ),
    ]
    if collective:
        lines.append(
            ctx.ngettext(
                "Signed by {count} person, you included",
                "Signed by {count} people, you included",
                draft.coauthors,
            ).format(count=draft.coauthors)
        )
        if draft.coauthor_names:
            lines.append(draft.coauthor_names)
    if privileged and draft.category:
        lines.append(
            ctx._("Category: {category}").format(category=category_name(ctx, draft.category))
        )
    buttons = (
        Button(
            f"{_mark(collective)} " + ctx._("Collective"),
            ToggleOption(FilingOption.COLLECTIVE).pack(),
        ),
        Button(
            f"{_mark(bool(draft.confidential))} " + ctx._("Confidential"),
            ToggleOption(FilingOption.CONFIDENTIAL).pack(),
        ),
        Button(
            f"{_mark(privileged)} " + ctx._("Privileges"),
            ToggleOption(FilingOption.PRIVILEGED).pack(),
        ),
        Button(
            f"{_mark(bool(draft.publish_text))} " + ctx._("Publish the text"),
            ToggleOption(FilingOption.PUBLISH).pack(),
        ),
        Button(ctx._("Continue"), ToggleOption(FilingOption.DONE).pack()),
    )
    return Reply("\n".join(lines), buttons)


async def answer_options(ctx: Ctx) -> list[Reply] | None:
    draft = ctx.draft
    action = ctx.incoming.action
    if action == ToggleOption(FilingOption.COLLECTIVE).pack():
        if draft.collective:
            ctx.draft = replace(ctx.draft, collective=False, coauthors=1, coauthor_names=None)
            return await ctx.ask_again()
        return await ctx.goto(StepName.COAUTHORS)
    if action == ToggleOption(FilingOption.CONFIDENTIAL).pack():
        ctx.draft = replace(ctx.draft, confidential=not draft.confidential)
        return await ctx.ask_again()
    if action == ToggleOption(FilingOption.PUBLISH).pack():
        ctx.draft = replace(ctx.draft, publish_text=not draft.publish_text)
        return await ctx.ask_again()
    if action == ToggleOption(FilingOption.PRIVILEGED).pack():
        if draft.privileged:
            ctx.draft = replace(ctx.draft, privileged=False, category=None)
            return await ctx.ask_again()
        return await ctx.goto(StepName.CATEGORY)
    if action == ToggleOption(FilingOption.DONE).pack():
        ctx.draft = replace(ctx.draft, editing=False)
        return await ctx.goto(StepName.SUMMARY)
    return None


async def ask_coauthors(ctx: Ctx) -> Reply:
    return Reply(
        ctx._("How many people signed the appeal, you included? Type a number from 2."),
        (Button(ctx._("Back"), BACK),),
    )


async def answer_coauthors(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await ctx.goto(StepName.OPTIONS)
    text = clean_text(ctx.incoming.text or "")
    if ctx.incoming.action or not text:
        return None
    # The length is checked first: int() of thousands of digits raises instead of answering.
    if not text.isdecimal() or len(text) > 6 or not 2 <= int(text) <= MAX_COAUTHORS:
        return await ctx.ask_again(
            Reply(
                ctx._("Please type the number of people as digits, from 2 to {limit}.").format(
                    limit=MAX_COAUTHORS
                )
            )
        )
    ctx.draft = replace(ctx.draft, collective=True, coauthors=int(text))
    return await ctx.goto(StepName.COAUTHOR_NAMES)


async def ask_coauthor_names(ctx: Ctx) -> Reply:
    return Reply(
        _with_current(
            ctx,
            ctx._(
                "If you wish, type the names of the other people who signed the appeal, one per "
                "line (surname, first name and patronymic). Otherwise tap “Skip”."
            ),
            ctx.draft.coauthor_names,
        ),
        (Button(ctx._("Skip"), SKIP),),
    )


async def answer_coauthor_names(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == SKIP:
        ctx.draft = replace(ctx.draft, coauthor_names=None)
        return await ctx.goto(StepName.OPTIONS)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    names: list[str] = []
    for line in clean_text(ctx.incoming.text).splitlines():
        if not line.strip():
            continue
        name = parse_full_name(line)
        if isinstance(name, NameProblem):
            return await ctx.ask_again(
                Reply(
                    ctx._(
                        "“{line}” does not look like a name: letters, an apostrophe and a "
                        "hyphen only, up to four words. Please type the names again."
                    ).format(line=line[:100])
                )
            )
        names.append(str(name))
    limit = min(MAX_NAMED_COAUTHORS, int(ctx.draft.coauthors or 2) - 1)
    if not names or len(names) > limit or len("\n".join(names)) > MAX_COAUTHOR_NAMES_CHARS:
        return await ctx.ask_again(
            Reply(
                ctx._("Please type from 1 to {limit} names, one per line, or tap “Skip”.").format(
                    limit=limit
                )
            )
        )
    ctx.draft = replace(ctx.draft, coauthor_names="\n".join(names))
    return await ctx.goto(StepName.OPTIONS)


async def ask_category(ctx: Ctx) -> Reply:
    buttons = tuple(
        Button(ctx._(c.name), ChoosePrivilege(c.code).pack()) for c in AUTHOR_CATEGORIES
    )
    return Reply(
        ctx._(
            "Which category do you belong to? Appeals from people with statutory privileges "
            "are considered first."
        ),
        (*buttons, Button(ctx._("Back"), BACK)),
    )


async def answer_category(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await ctx.goto(StepName.OPTIONS)
    chosen = ChoosePrivilege.parse(ctx.incoming.action)
    if chosen is None or chosen.code not in AUTHOR_CATEGORIES_BY_CODE:
        return None
    ctx.draft = replace(ctx.draft, privileged=True, category=chosen.code)
    return await ctx.goto(StepName.OPTIONS)
