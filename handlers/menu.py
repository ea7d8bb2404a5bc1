"""The main menu, help and the personal-data export."""

from handlers.context import Ctx
from handlers.render import moment
from handlers.types import Button, Reply


def menu_buttons(ctx: Ctx) -> tuple[Button, ...]:
    new_label = ctx._("Continue the draft") if ctx.has_draft else ctx._("New appeal")
    return (
        Button(new_label, "m:new"),
        Button(ctx._("My appeals"), "m:my"),
        Button(ctx._("Help"), "m:help"),
    )


async def ask_menu(ctx: Ctx) -> Reply:
    return Reply(ctx._("What would you like to do?"), menu_buttons(ctx))


async def answer_menu(ctx: Ctx) -> list[Reply] | None:
    return None


def help_reply(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "Here you can file an appeal to {council} — a proposal, an application or a "
            "complaint — and follow it to the answer.\n\n"
            "/new — file a new appeal\n"
            "/my — my appeals: status, history, answers; add information or withdraw\n"
            "/cancel — stop what you are doing and return to the menu (a draft is kept)\n"
            "/lang — change the language\n"
            "/mydata — what personal data we hold about you\n"
            "/help — this help\n\n"
            "Under the law an appeal is considered within one month of receipt, or within 15 "
            "days if it needs no additional study; the term may be extended, but never beyond "
            "45 days. Consideration is free of charge."
        ).format(council=ctx.config.council_name(ctx.locale)),
        menu_buttons(ctx),
    )


async def my_data_reply(ctx: Ctx) -> Reply:
    person = await ctx.uow.people.get(ctx.person.id)
    accounts = await ctx.uow.people.accounts_of(person.id)
    consent = await ctx.uow.people.consent(person.id)
    appeals = await ctx.uow.appeals.count_of_author(person.id)
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
            channels=", ".join(sorted({a.channel for a in accounts}))
        ),
        ctx._("Appeals filed: {count}").format(count=appeals),
    ]
    if consent is not None:
        given, version, at = consent
        template = (
            ctx._("Consent to processing given on {date} (notice version {version}).")
            if given
            else ctx._("Consent to processing refused on {date} (notice version {version}).")
        )
        lines.append(template.format(date=moment(ctx, at), version=version))
    lines.append(ctx._("Your saved details are replaced when you submit an appeal with new ones."))
    return Reply("\n".join(lines), menu_buttons(ctx))
