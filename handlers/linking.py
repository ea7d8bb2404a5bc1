"""One citizen, two messengers, joined only by proof: a one-time code asked for with /link in
the messenger already known and sent with /link CODE from the other (DESIGN rule 6). Sending a
code joins nothing until the sender confirms, having read what it does: a code sent at someone
else's request would hand them the sender's appeals and details. Staff accounts are never linked
by code: a merge would move a role to whoever asked."""

import re
import secrets
from datetime import timedelta

from handlers.context import Ctx
from handlers.kept import Kept
from handlers.payloads import LinkAnswer, LinkChoice
from handlers.steps import StepName
from handlers.throttle import asked_too_often, record_wrong_guess, too_many_guesses
from handlers.types import Button, Reply, reply_to_payload
from reception.roles import Role
from storage.records import PersonRecord

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


def staff_refusal(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "Accounts of the reception's staff are not linked with codes: the administrator "
            "manages them. Please ask your administrator."
        )
    )


def is_staff_person(person: PersonRecord) -> bool:
    return person.role != Role.CITIZEN.value


async def issue_code(ctx: Ctx) -> Reply:
    if is_staff_person(ctx.person):
        return staff_refusal(ctx)
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
    """A valid code is only checked here; the person is asked to confirm before anything moves."""
    if is_staff_person(ctx.person):
        return staff_refusal(ctx)
    if await too_many_guesses(ctx, "link", code):
        return Reply(
            ctx._("Too many wrong codes. Please wait an hour and ask for a new code with /link.")
        )
    found = await ctx.uow.identity.valid_link_code(code, ctx.now)
    if found is None:
        await record_wrong_guess(ctx, "link", code)
        return invalid(ctx)
    code_id, asker_id = found
    if asker_id == ctx.person.id:
        return Reply(ctx._("This messenger is already linked to your data."))
    if is_staff_person(await ctx.uow.people.get(asker_id)):
        await ctx.uow.identity.spend_link_code(code_id, ctx.now)
        return staff_refusal(ctx)
    ctx.state.data[Kept.LINK_CODE] = code_id
    return Reply(
        ctx._(
            "Please read before you confirm.\n"
            "If you confirm, this messenger account, with its appeals and personal details, will "
            "be joined to the account in the other messenger that asked for this code. Whoever "
            "uses that account will see your appeals and details and act on them.\n"
            "Confirm only if you asked for this code yourself. If someone gave you this code or "
            "asked you to send it, tap “Cancel”, and never send codes at anyone's request."
        ),
        (
            Button(ctx._("Yes, link my accounts"), LinkChoice(LinkAnswer.YES).pack()),
            Button(ctx._("Cancel"), LinkChoice(LinkAnswer.NO).pack()),
        ),
    )


def invalid(ctx: Ctx) -> Reply:
    return Reply(
        ctx._(
            "This code is not valid or has expired. Send /link in the other messenger to get "
            "a new one."
        )
    )


async def on_choice(ctx: Ctx, choice: LinkChoice) -> list[Reply]:
    """The answer to the confirmation: works before the citizen's screens, as /link does."""
    code_id = ctx.state.data.pop(Kept.LINK_CODE, None)
    if not isinstance(code_id, int):
        return [
            Reply(
                ctx._(
                    "There is no link to confirm. To link another messenger, send /link there "
                    "to get a code."
                )
            )
        ]
    if choice.answer is LinkAnswer.NO:
        # A refused code stops working: whoever asked for it cannot have it sent again.
        await ctx.uow.identity.spend_link_code(code_id, ctx.now)
        return [Reply(ctx._("Cancelled: nothing is linked, and this code no longer works."))]
    if is_staff_person(ctx.person):
        return [staff_refusal(ctx)]
    target = await ctx.uow.identity.spend_link_code(code_id, ctx.now)
    if target is None:
        return [invalid(ctx)]
    if target == ctx.person.id:
        return [Reply(ctx._("This messenger is already linked to your data."))]
    asker = await ctx.uow.people.get(target)
    if is_staff_person(asker):
        return [staff_refusal(ctx)]
    await tell_the_asker(ctx, asker)
    await ctx.uow.people.merge(ctx.person.id, target)
    await ctx.uow.identity.record_event(
        target, "linked", ctx.now, {"channel": ctx.account.channel}
    )
    ctx.person = await ctx.uow.people.get(target)
    ctx.account = (await ctx.uow.people.account_by_id(ctx.account.id)) or ctx.account
    if ctx.person.locale:
        ctx.set_locale(ctx.person.locale)
    ctx.state.step = StepName.MENU
    return [
        Reply(
            ctx._(
                "Done: this messenger is linked to your data. Your appeals and answers are now "
                "available here too."
            )
        )
    ]


async def tell_the_asker(ctx: Ctx, asker: PersonRecord) -> None:
    """Every account that asked for the code hears of the link at once, so that a person
    tricked into asking for a code notices and can turn to the reception."""
    speaker = ctx.speakers.of(asker.locale)
    reply = Reply(
        speaker._(
            "Your link code was used: the reception's bot in {channel} is now linked to your "
            "data. If you did not do this yourself, contact the reception at once: {contacts}."
        ).format(
            channel=ctx.account.channel.capitalize(),
            contacts=ctx.config.council_contacts(speaker.locale),
        )
    )
    for account in await ctx.uow.people.accounts_of(asker.id):
        if account.unreachable:
            continue
        await ctx.uow.outbox.enqueue(
            channel=account.channel,
            recipient=str(account.id),
            kind="citizen:linked",
            payload=reply_to_payload(reply),
            now=ctx.now,
            person_id=asker.id,
        )
