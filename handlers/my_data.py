"""The citizen's data rights in the bot (Law No. 2297-VI, Art. 8): see everything held, withdraw
consent, have the data deleted; registered appeals stay for the retention term, then a job
anonymises them."""

from handlers.context import Ctx
from handlers.file_checks import delete_stored
from handlers.menu import menu_buttons
from handlers.payloads import MAIN_MENU, DataRight, MyData
from handlers.places import place_lines
from handlers.render import day, moment, status_name
from handlers.steps import StepName
from handlers.types import Button, Reply

EXCERPT_CHARS = 300
#: Appeals listed in /mydata; /my pages through all of them.
MAX_LISTED = 100


async def my_data_reply(ctx: Ctx) -> Reply:
    """Everything held about the person: details, appeals with their texts and places, files,
    consents, linked accounts and what happened to the data."""
    person = await ctx.uow.people.get(ctx.person.id)
    accounts = await ctx.uow.people.accounts_of(person.id)
    missing = ctx._("not given")
    lines = [
        ctx._("Personal data we hold about you:"),
        ctx._("Name: {name}").format(
            name=" ".join(p for p in (person.surname, person.given_name, person.patronymic) if p)
            or missing
        ),
        ctx._("Place of residence: {residence}").format(residence=person.residence or missing),
        ctx._("Phone: {phone}").format(phone=person.phone or missing),
        ctx._("E-mail: {email}").format(email=person.email or missing),
        ctx._("Messenger accounts: {channels}").format(
            channels=", ".join(sorted({a.channel.capitalize() for a in accounts}))
        ),
    ]
    appeals = await ctx.uow.appeals.of_author(person.id, limit=MAX_LISTED)
    total = (
        len(appeals)
        if len(appeals) < MAX_LISTED
        else await ctx.uow.appeals.count_of_author(person.id)
    )
    lines += ["", ctx._("Appeals filed: {count}").format(count=total)]
    if total > len(appeals):
        lines.append(
            ctx._("The latest {shown} are listed here; /my pages through all of them.").format(
                shown=len(appeals)
            )
        )
    shortened = False
    for appeal in appeals:
        lines.append(
            f"{appeal.reg_index} · {day(ctx, appeal.received_on)} · "
            f"{status_name(ctx, appeal.status)}"
        )
        lines += ["  " + line for line in place_lines(ctx, appeal)]
        if appeal.publish_text:
            lines.append("  " + ctx._("Its text is published without your name."))
        text = appeal.text
        if text:
            shortened = shortened or len(text) > EXCERPT_CHARS
            lines.append(
                "  " + (text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…")
            )
    if shortened:
        lines.append(
            ctx._(
                "Long texts are shortened here (…). For a full copy of everything held about "
                "you, write to the controller: {contacts}."
            ).format(contacts=ctx.config.council_contacts(ctx.locale))
        )
    files = await ctx.uow.data_rights.files(person.id)
    if files:
        lines += ["", ctx._("Files: {names}").format(names=", ".join(f.name for f in files))]
    consents = await ctx.uow.data_rights.consents(person.id)
    if consents:
        lines.append("")
    for consent in consents:
        template = (
            ctx._("Consent given on {date} (notice version {version}, {channel}).")
            if consent.given
            else ctx._(
                "Consent refused or withdrawn on {date} (notice version {version}, {channel})."
            )
        )
        lines.append(
            template.format(
                date=moment(ctx, consent.at),
                version=consent.notice_version,
                channel=consent.channel.capitalize(),
            )
        )
    events = await ctx.uow.identity.events(person.id)
    names = {
        "linked": ctx._("{date}: another messenger was linked with a one-time code ({channel})."),
        "erased": ctx._("{date}: your details and drafts were deleted at your request."),
        "corrected": ctx._("{date}: you corrected your details."),
    }
    for event in events:
        if event.kind in names:
            lines.append(
                names[event.kind].format(
                    date=moment(ctx, event.at),
                    channel=str(event.data.get("channel", "")).capitalize(),
                )
            )
    lines += [
        "",
        ctx._(
            "You may correct your details, withdraw your consent or ask for your data to be "
            "deleted with the buttons below. Registered appeals are kept for {years} years as "
            "the record-keeping rules require, then anonymised."
        ).format(years=ctx.config.retention_years),
    ]
    published = any(appeal.publish_text for appeal in appeals)
    buttons = (
        Button(ctx._("Correct my details"), MyData(DataRight.CORRECT).pack()),
        Button(ctx._("Withdraw consent"), MyData(DataRight.WITHDRAW).pack()),
        Button(ctx._("Delete my data"), MyData(DataRight.ERASE).pack()),
        *(
            (Button(ctx._("Stop publishing my texts"), MyData(DataRight.UNPUBLISH).pack()),)
            if published
            else ()
        ),
        *menu_buttons(ctx),
    )
    return Reply("\n".join(lines), buttons)


async def answer_menu(ctx: Ctx) -> list[Reply] | None:
    """The menu takes the buttons of /mydata; anything else is answered with the menu's hint."""
    request = MyData.parse(ctx.incoming.action)
    if request is None:
        return None
    right = request.right
    if right is DataRight.CORRECT:
        return await ctx.goto(StepName.CORRECT)
    if right is DataRight.WITHDRAW:
        await ctx.uow.people.record_consent(
            ctx.person.id,
            given=False,
            notice_version=ctx.config.notice_version,
            channel=ctx.account.channel,
            locale=ctx.locale,
            now=ctx.now,
        )
        return await ctx.goto(
            StepName.CONSENT,
            Reply(
                ctx._(
                    "Your consent is withdrawn. Your registered appeals are still considered "
                    "and answered: that is the council's duty under the law. To file a new one "
                    "here, agree again."
                )
            ),
        )
    if right is DataRight.UNPUBLISH:
        appeals = await ctx.uow.appeals.of_author(ctx.person.id, limit=1000)
        await ctx.uow.public.set_publish_text(
            [a.id for a in appeals if a.publish_text], False, ctx.now
        )
        return await ctx.goto(
            StepName.MENU, Reply(ctx._("The texts of your appeals are no longer published."))
        )
    if right is DataRight.ERASE:
        return [
            Reply(
                ctx._(
                    "Delete your data? Your saved details, drafts and files not part of a "
                    "registered appeal are deleted at once. Registered appeals are kept for {years} "
                    "years as the record-keeping rules require, then anonymised."
                ).format(years=ctx.config.retention_years),
                (
                    Button(ctx._("Yes, delete"), MyData(DataRight.ERASE_CONFIRMED).pack()),
                    Button(ctx._("No"), MAIN_MENU),
                ),
            )
        ]
    if right is DataRight.ERASE_CONFIRMED:
        keys = await ctx.uow.data_rights.erase(ctx.person.id, ctx.now)
        appeals = await ctx.uow.appeals.of_author(ctx.person.id, limit=1000)
        await ctx.uow.public.set_publish_text([a.id for a in appeals], False, ctx.now)
        ctx.uow.after_commit(lambda: delete_stored(ctx.config.files, keys))
        await ctx.uow.identity.record_event(ctx.person.id, "erased", ctx.now)
        await ctx.uow.people.record_consent(
            ctx.person.id,
            given=False,
            notice_version=ctx.config.notice_version,
            channel=ctx.account.channel,
            locale=ctx.locale,
            now=ctx.now,
        )
        ctx.discard_draft()
        ctx.person = await ctx.uow.people.get(ctx.person.id)
        return await ctx.goto(
            StepName.CONSENT,
            Reply(
                ctx._(
                    "Done: your details, drafts and unregistered files are deleted. Registered "
                    "appeals are kept for the term the law requires and then anonymised."
                )
            ),
        )
    return None
