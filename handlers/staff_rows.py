"""The shape of a row of the staff commands' table (`staff_commands.STAFF_COMMANDS`) and what
every row's function may lean on: the employee's scope and bounded free text."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.context import Ctx
from handlers.payloads import CardAction
from handlers.staff_card import role_of
from handlers.types import Reply
from reception.roles import Permission, can
from reception.validation import MAX_REASON_CHARS, clean_text
from storage.records import AppealRecord

Run = Callable[[Ctx, "StaffCommand", str], Awaitable[list[Reply]]]
RunOnAppeal = Callable[[Ctx, "StaffCommand", AppealRecord, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class StaffCommand:
    """One staff command. Exactly one of `run` (takes the arguments) and `on_appeal` (takes the
    appeal named by the first argument, already checked to be visible, and the rest) is set."""

    name: str
    permission: Permission
    help: str
    usage: str | None = None
    run: Run | None = None
    on_appeal: RunOnAppeal | None = None
    #: The card button that starts it and asks for the rest in a step.
    card_action: CardAction | None = None
    #: Other names staff may type: Ukrainian words beside the Latin command.
    aliases: tuple[str, ...] = ()

    def usage_reply(self, ctx: Ctx) -> list[Reply]:
        return [Reply(ctx._(self.usage or self.help))]


def scope(ctx: Ctx) -> int | None:
    """None: every department; else only the employee's own."""
    return None if can(role_of(ctx), Permission.VIEW_ALL) else ctx.person.department_id


def bounded(run: RunOnAppeal) -> RunOnAppeal:
    """For the commands whose remaining words are a date, a body, a reason or a note: cleaned,
    and refused when too long to keep."""

    async def checked(
        ctx: Ctx, command: StaffCommand, appeal: AppealRecord, rest: str
    ) -> list[Reply]:
        rest = clean_text(rest)
        if len(rest) > MAX_REASON_CHARS:
            return [
                Reply(
                    ctx._("Please keep it within {limit} characters.").format(
                        limit=MAX_REASON_CHARS
                    )
                )
            ]
        return await run(ctx, command, appeal, rest)

    return checked
