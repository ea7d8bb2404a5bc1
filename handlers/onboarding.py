"""First contact: the language, then the personal-data notice and consent."""

from handlers.context import Ctx
from handlers.types import Button, Reply
from reception.markers import N_

LANGUAGE_NAMES = {"uk": N_("Ukrainian"), "en": N_("English")}


async def ask_language(ctx: Ctx) -> Reply:
    # Shown before anyone has chosen, so it speaks both languages at once.
    prompts = [
        ctx.catalogs.get(locale).gettext("Please choose your language.")
        for locale in LANGUAGE_NAMES
    ]
    buttons = tuple(
        Button(ctx.catalogs.get(locale).gettext(name), f"lang:{locale}")
        for locale, name in LANGUAGE_NAMES.items()
    )
    return Reply("\n".join(dict.fromkeys(prompts)), buttons, columns=2)


async def answer_language(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action or ""
    locale = action.removeprefix("lang:")
    if not action.startswith("lang:") or locale not in LANGUAGE_NAMES:
        return None
    ctx.set_locale(locale)
    await ctx.uow.people.set_locale(ctx.person.id, locale, ctx.now)
    done = Reply(ctx._("The language is set: English."))
    if not await has_consent(ctx):
        return await ctx.goto("consent", done)
    return_to = ctx.state.data.pop("return_to", None)
    return await ctx.goto(return_to if return_to in ctx.steps else "menu", done)


async def has_consent(ctx: Ctx) -> bool:
    latest = await ctx.uow.people.consent(ctx.person.id)
    return latest is not None and latest[0] and latest[1] == ctx.config.notice_version


async def ask_consent(ctx: Ctx) -> Reply:
    text = ctx._(
        "Before you file an appeal, please read how your personal data are handled.\n\n"
        "Who processes them: {council}.\n"
        "What is collected: your surname, first name and patronymic, place of residence, phone "
        "number and, if you give it, e-mail, and what you write in the appeal.\n"
        "Why: to register and consider your appeal under the Law of Ukraine “On Citizens' "
        "Appeals” and to send you the answer.\n"
        "Who receives them: the executive bodies of the council that your appeal is sent to for "
        "consideration. You may ask that your name and address are not disclosed to them.\n"
        "Your rights (Law of Ukraine “On Personal Data Protection”): to know what data are held "
        "about you and to get them (the /mydata command), to have them corrected or deleted, to "
        "object to their processing, to withdraw consent for the future, and to complain to the "
        "Ukrainian Parliament Commissioner for Human Rights or to a court.\n\n"
        "Do you agree to the processing of your personal data for these purposes?"
    ).format(council=ctx.config.council_name(ctx.locale))
    return Reply(
        text,
        (Button(ctx._("I agree"), "consent:yes"), Button(ctx._("I do not agree"), "consent:no")),
    )


async def answer_consent(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action
    if action not in ("consent:yes", "consent:no"):
        return None
    given = action == "consent:yes"
    await ctx.uow.people.record_consent(
        ctx.person.id,
        given=given,
        notice_version=ctx.config.notice_version,
        channel=ctx.account.channel,
        locale=ctx.locale,
        now=ctx.now,
    )
    if given:
        return await ctx.goto(
            "menu",
            Reply(
                ctx._("Thank you. Welcome to the internet reception of {council}.").format(
                    council=ctx.config.council_name(ctx.locale)
                )
            ),
        )
    return [
        Reply(
            ctx._(
                "We respect your decision. Without consent to the processing of personal data "
                "an appeal cannot be registered: the law requires the author's name, place of "
                "residence and contact details. We have kept only the fact of your refusal.\n\n"
                "If you change your mind, tap “I agree”."
            ),
            (Button(ctx._("I agree"), "consent:yes"),),
        )
    ]
