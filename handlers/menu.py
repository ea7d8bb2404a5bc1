"""The main menu, help and the personal-data export."""

from handlers.context import Ctx
from handlers.payloads import HELP, MY_APPEALS, NEW_APPEAL
from handlers.speaker import Words
from handlers.types import Button, Reply


def menu_buttons(ctx: Ctx) -> tuple[Button, ...]:
    return menu_of(ctx, has_draft=ctx.has_draft)


def menu_of(ctx: Words, *, has_draft: bool) -> tuple[Button, ...]:
    new_label = ctx._("Continue the draft") if has_draft else ctx._("New appeal")
    return (
        Button(new_label, NEW_APPEAL),
        Button(ctx._("My appeals"), MY_APPEALS),
        Button(ctx._("Help"), HELP),
    )


async def ask_menu(ctx: Ctx) -> Reply:
    return Reply(ctx._("What would you like to do?"), menu_buttons(ctx))


def help_reply(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "Here you can file an appeal to {council} — a proposal, an application or a "
            "complaint — and follow it to the answer.\n\n"
            "/new — file a new appeal\n"
            "/my — my appeals: status, history, answers; add information or withdraw\n"
            "/cancel — stop what you are doing and return to the menu (a draft is kept)\n"
            "/lang — change the language\n"
            "/mydata — what personal data we hold about you: see, correct or delete it\n"
            "/link — use the reception from another messenger (Telegram or Viber) with the same "
            "appeals\n"
            "/help — this help\n\n"
            "Under the law an appeal is considered within one month of receipt, or within 15 "
            "days if it needs no additional study; the term may be extended, but never beyond "
            "45 days. Consideration is free of charge."
        ).format(council=ctx.config.council_name(ctx.locale)),
        menu_buttons(ctx),
    )
