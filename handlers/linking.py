"""One citizen, two messengers, joined only by proof: a one-time code asked for with /link in
the messenger already known and sent with /link CODE from the other (DESIGN rule 6)."""

import re
import secrets
from datetime import timedelta

from handlers.context import Ctx
from handlers.steps import StepName
from handlers.throttle import asked_too_often, record_wrong_guess, too_many_guesses
from handlers.types import Reply

LINK_CODE_MINUTES = 10
#: Codes a person may ask for in an hour: each new one voids the last, so more only help a
#: person being talked into reading codes out.
MAX_CODES_PER_HOUR = 5
#: No 0/O, 1/I/L: a code is read from one screen and typed on another.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"[{ALPHABET}]{{4}}-?[{ALPHABET}]{{4}}")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _canonical(code: str) -> str:
    return code.strip().upper().replace("-", "")


async def link(ctx: Ctx, arguments: str) -> list[Reply]:
    code = arguments.strip()
    if not code:
        return [await issue_code(ctx)]
    if not CODE_PATTERN.fullmatch(code.upper()):
        return [
            Reply(
                ctx._("Usage: /link to get a code here, then /link CODE in the other messenger.")
            )
        ]
    return [await redeem(ctx, _canonical(code))]


async def issue_code(ctx: Ctx) -> Reply:
    if await asked_too_often(ctx, "link_issue", MAX_CODES_PER_HOUR):
        return Reply(
            ctx._(
                "You have asked for many codes within the hour. Please use the last one, or ask "
                "again in an hour."
            )
        )
    code = new_code()
    await ctx.uow.identity.create_link_code(
        ctx.person.id,
        _canonical(code),
        ctx.now,
        ctx.now + timedelta(minutes=LINK_CODE_MINUTES),
    )
    return Reply(
        ctx._(
            "Your code to link another messenger: {code}\n"
            "Within {minutes} minutes, open the reception's bot in the other messenger (Telegram "
            "or Viber) and send: /link {code}\n"
            "Never give this code to anyone: whoever sends it would see your appeals and personal "
            "data."
        ).format(code=code, minutes=LINK_CODE_MINUTES)
    )


async def redeem(ctx: Ctx, code: str) -> Reply:
    if await too_many_guesses(ctx, "link", code):
        return Reply(
            ctx._("Too many wrong codes. Please wait an hour and ask for a new code with /link.")
        )
    target = await ctx.uow.identity.redeem_link_code(code, ctx.now)
    if target is None:
        await record_wrong_guess(ctx, "link", code)
        return Reply(
            ctx._(
                "This code is not valid or has expired. Send /link in the other messenger to get "
                "a new one."
            )
        )
    if target == ctx.person.id:
        return Reply(ctx._("This messenger is already linked to your data."))
    source = ctx.person.id
    await ctx.uow.people.merge(source, target)
    await ctx.uow.identity.record_event(
        target, "linked", ctx.now, {"channel": ctx.account.channel}
    )
    ctx.person = await ctx.uow.people.get(target)
    ctx.account = (await ctx.uow.people.account_by_id(ctx.account.id)) or ctx.account
    if ctx.person.locale:
        ctx.set_locale(ctx.person.locale)
    ctx.state.step = StepName.MENU
    return Reply(
        ctx._(
            "Done: this messenger is linked to your data. Your appeals and answers are now "
            "available here too."
        )
    )
