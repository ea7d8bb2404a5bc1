"""First contact: the language, then the personal-data notice and consent."""

from dataclasses import replace

from handlers.context import Ctx
from handlers.kept import Kept
from handlers.offer import forget, offer
from handlers.payloads import AGREE, DISAGREE, MORE_ABOUT_DATA, ChooseLanguage
from handlers.steps import StepName
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
        Button(ctx.catalogs.get(locale).gettext(name), ChooseLanguage(locale).pack())
        for locale, name in LANGUAGE_NAMES.items()
    )
    return Reply("\n".join(dict.fromkeys(prompts)), buttons, columns=2)


async def answer_language(ctx: Ctx) -> list[Reply] | None:
    chosen = ChooseLanguage.parse(ctx.incoming.action)
    locale = chosen.locale if chosen is not None else ""
    if locale not in LANGUAGE_NAMES:
        return None
    await set_language(ctx, locale)
    done = Reply(ctx._("The language is set: English."))
    if not await has_consent(ctx):
        return await ctx.goto(StepName.CONSENT, done)
    return_to = ctx.state.data.pop(Kept.RETURN_TO, None)
    back = StepName(return_to) if return_to in set(StepName) else StepName.MENU
    return await ctx.goto(back, done)


async def set_language(ctx: Ctx, locale: str) -> None:
    ctx.set_locale(locale)
    await ctx.uow.people.set_locale(ctx.person.id, locale, ctx.now)
    ctx.person = replace(ctx.person, locale=ctx.locale)
    ctx.state.data.pop(Kept.NOTICE_SEEN, None)  # the notice is shown again in the new language


async def never_answered(ctx: Ctx) -> bool:
    """No consent given or refused yet: after a refusal nothing the person types is kept."""
    return await ctx.uow.people.consent(ctx.person.id) is None


async def has_consent(ctx: Ctx) -> bool:
    latest = await ctx.uow.people.consent(ctx.person.id)
    return latest is not None and latest[0] and latest[1] == ctx.config.notice_version


async def ask_consent(ctx: Ctx) -> Reply:
    buttons = (
        Button(ctx._("I agree"), AGREE),
        Button(ctx._("I do not agree"), DISAGREE),
        Button(ctx._("More"), MORE_ABOUT_DATA),
    )
    if ctx.state.data.get(Kept.NOTICE_SEEN) == ctx.config.notice_version:
        # The notice once is enough: asked again, the person gets one line and the buttons.
        return Reply(
            ctx._(
                "Do you agree to the processing of your personal data? Without your consent the "
                "reception cannot register an appeal here; “More” shows the notice in full."
            ),
            buttons,
        )
    ctx.state.data[Kept.NOTICE_SEEN] = ctx.config.notice_version
    # Law No. 2297-VI, Art. 12: who, what, why, to whom, the rights — short first, in full on
    # the "More" button. Processing appeals is the council's duty under Law No. 393/96-ВР
    # (Art. 11 of 2297-VI lists it beside consent); consent is asked for what goes beyond it.
    text = ctx._(
        "Before you file an appeal: {council} processes your personal data to register and "
        "consider your appeal and to answer it — its duty under the Law of Ukraine “On "
        "Citizens' Appeals”. We ask your consent for what goes beyond that duty: your "
        "statutory privileges (they may be health data), the location of the problem and the "
        "files you attach. Appeals are kept for {years} years, then anonymised. You may see, "
        "correct and delete your data with /mydata.\n\n"
        "Do you agree to the processing of your personal data for these purposes?"
    ).format(council=ctx.config.council_name(ctx.locale), years=ctx.config.retention_years)
    return Reply(text, buttons)


def full_notice(ctx: Ctx) -> str:
    return ctx._(
        "How your personal data are handled (Law of Ukraine “On Personal Data Protection”).\n\n"
        "Controller: {council}; contacts: {contacts}.\n"
        "Legal basis: registering and considering appeals is the council's duty under the Law "
        "of Ukraine “On Citizens' Appeals” (Art. 11 of the Law on personal data protection). "
        "Your consent is asked for the data that go beyond that duty.\n"
        "What is processed: surname, first name and patronymic; place of residence; phone "
        "number; e-mail if you give it; the text of the appeal and what you add to it; the "
        "location of the problem; attached files; statutory privileges (they may be health "
        "data); your messenger account identifiers; the history of your consents.\n"
        "Who receives them: the executive bodies of the council your appeal is sent to. At "
        "your request your name, residence and contacts are not disclosed to them (Art. 10 of "
        "the Law on appeals).\n"
        "How long: registered appeals are kept for {years} years as the record-keeping rules "
        "require, then anonymised; drafts and your saved details are deleted when you ask, "
        "and your details also once no appeal of yours is left and you have not written for "
        "{years} years; files of drafts never filed are deleted after {draft_days} days, "
        "copies of the messages sent after {outbox_days} days.\n"
        "Your rights: /mydata shows everything held about you, and its buttons correct your "
        "details, withdraw your consent and delete your data. To object to the processing, to "
        "get a copy of your data or for any other request, write to the controller: "
        "{contacts}. You may also complain to the Ukrainian Parliament Commissioner for Human "
        "Rights or to a court."
    ).format(
        council=ctx.config.council_name(ctx.locale),
        contacts=ctx.config.council_contacts(ctx.locale),
        years=ctx.config.retention_years,
        draft_days=ctx.config.draft_file_days,
        outbox_days=ctx.config.outbox_retention_days,
    )


async def answer_consent(ctx: Ctx) -> list[Reply] | None:
    action = ctx.incoming.action
    if action == MORE_ABOUT_DATA:
        return [
            Reply(
                full_notice(ctx),
                (
                    Button(ctx._("I agree"), AGREE),
                    Button(ctx._("I do not agree"), DISAGREE),
                ),
            )
        ]
    if action not in (AGREE, DISAGREE):
        return None
    given = action == AGREE
    await ctx.uow.people.record_consent(
        ctx.person.id,
        given=given,
        notice_version=ctx.config.notice_version,
        channel=ctx.account.channel,
        locale=ctx.locale,
        now=ctx.now,
    )
    if given:
        welcome = Reply(
            ctx._("Thank you. Welcome to the internet reception of {council}.").format(
                council=ctx.config.council_name(ctx.locale)
            )
        )
        offered = offer(ctx)
        if offered is not None:  # the person wrote their problem before the screens
            ctx.state.step = StepName.MENU
            return [welcome, offered]
        return await ctx.goto(StepName.MENU, welcome)
    forget(ctx)
    return [
        Reply(
            ctx._(
                "We respect your decision. Without consent the reception in the messenger cannot "
                "register an appeal. We have stored your messenger account, the language you "
                "chose and your refusal, nothing else.\n\n"
                "You can file an appeal another way: {offline}.\n\n"
                "If you change your mind, tap “I agree”."
            ).format(offline=ctx.config.offline_filing(ctx.locale)),
            (Button(ctx._("I agree"), AGREE),),
        )
    ]
