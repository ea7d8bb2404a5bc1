"""The commands anyone may type, one row each: the name, the Ukrainian words for it, the line
the messenger's command menu shows (none: not in the menu), and what it does. The staff's
commands are `staff_commands.STAFF_COMMANDS`."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import linking, staff_card, staff_commands
from handlers.context import Ctx
from handlers.filing import start_draft
from handlers.flow import FILING_STEPS
from handlers.kept import Kept
from handlers.menu import help_reply
from handlers.my_data import my_data_reply
from handlers.offer import forget
from handlers.steps import StepName
from handlers.types import Reply
from reception.markers import N_
from reception.roles import is_staff

Run = Callable[[Ctx, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class CitizenCommand:
    name: str
    run: Run
    aliases: tuple[str, ...] = ()
    #: The command menu's description (Telegram's "/" list); None keeps it out of the menu.
    menu: str | None = None


async def start(ctx: Ctx, arguments: str) -> list[Reply]:
    if ctx.has_draft:
        return await ctx.goto(StepName.RESUME)
    return await ctx.goto(
        StepName.MENU,
        Reply(
            ctx._("Welcome to the internet reception of {council}.").format(
                council=ctx.config.council_name(ctx.locale)
            )
        ),
    )


async def new(ctx: Ctx, arguments: str) -> list[Reply]:
    if ctx.has_draft:
        return await ctx.goto(StepName.RESUME)
    start_draft(ctx)
    return await ctx.goto(StepName.KIND)


async def cancel(ctx: Ctx, arguments: str) -> list[Reply]:
    if ctx.state.step in FILING_STEPS:
        return await ctx.goto(
            StepName.MENU,
            Reply(
                ctx._("Stopped. Your draft is kept: tap “Continue the draft” when you are ready.")
            ),
        )
    return await ctx.goto(StepName.MENU)


async def my(ctx: Ctx, arguments: str) -> list[Reply]:
    ctx.state.data[Kept.MY_PAGE] = 0
    return await ctx.goto(StepName.MY_LIST)


async def menu(ctx: Ctx, arguments: str) -> list[Reply]:
    forget(ctx)
    return await ctx.goto(StepName.MENU)


async def help_(ctx: Ctx, arguments: str) -> list[Reply]:
    ctx.state.step = StepName.MENU
    if is_staff(staff_card.role_of(ctx)):
        return [help_reply(ctx), Reply(staff_commands.staff_help(ctx))]
    return [help_reply(ctx)]


async def my_data(ctx: Ctx, arguments: str) -> list[Reply]:
    ctx.state.step = StepName.MENU
    return [await my_data_reply(ctx)]


async def language(ctx: Ctx, arguments: str) -> list[Reply]:
    """Change the language and come back to where the person was."""
    if ctx.state.step != StepName.LANGUAGE:
        ctx.state.data[Kept.RETURN_TO] = ctx.state.step
    return await ctx.goto(StepName.LANGUAGE)


async def join(ctx: Ctx, arguments: str) -> list[Reply]:
    return await staff_commands.join(ctx, arguments)


async def link(ctx: Ctx, arguments: str) -> list[Reply]:
    return await linking.link(ctx, arguments)


#: In the order of the messenger's command menu.
CITIZEN_COMMANDS: dict[str, CitizenCommand] = {
    command.name: command
    for command in (
        CitizenCommand("/start", start, ("/старт",), N_("Start or continue")),
        CitizenCommand("/new", new, ("/нове",), N_("File a new appeal")),
        CitizenCommand("/my", my, ("/мої",), N_("My appeals")),
        CitizenCommand("/help", help_, ("/довідка",), N_("Help")),
        CitizenCommand("/lang", language, ("/мова",), N_("Change the language")),
        CitizenCommand("/cancel", cancel, ("/скасувати",), N_("Stop and return to the menu")),
        CitizenCommand("/menu", menu, ("/меню",)),
        CitizenCommand("/mydata", my_data, ("/моїдані",)),
        # A code that would be lost behind the first screens: these run before them.
        CitizenCommand("/join", join, ("/долучитися",)),
        CitizenCommand("/link", link),
    )
}

#: Each Ukrainian word and the command it names.
CITIZEN_ALIASES: dict[str, str] = {
    alias: command.name for command in CITIZEN_COMMANDS.values() for alias in command.aliases
}

#: Commands that work before the language and consent screens.
BEFORE_SCREENS = frozenset({"/join", "/link"})
