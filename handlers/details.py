"""A person's details (Art. 5) read from what they sent, with one wording per problem: filing
and the correction of details in /mydata ask the same way and refuse the same way."""

from handlers.context import Ctx
from handlers.phones import normalize_phone
from handlers.types import Reply
from reception.validation import (
    MAX_RESIDENCE_CHARS,
    FullName,
    NameProblem,
    ResidenceProblem,
    check_residence,
    clean_text,
    normalize_email,
    parse_full_name,
)


def read_name(ctx: Ctx, text: str) -> FullName | Reply:
    result = parse_full_name(text)
    if not isinstance(result, NameProblem):
        return result
    messages = {
        NameProblem.PARTS: ctx._(
            "Please type your name in one to four words: the surname first, then the first "
            "name and the patronymic if you have one, separated by spaces."
        ),
        NameProblem.CHARACTERS: ctx._(
            "A name may contain only letters, an apostrophe and a hyphen. Please type it again."
        ),
        NameProblem.MIXED_SCRIPTS: ctx._(
            "Your name seems to mix Latin and Cyrillic letters. Please type it in one alphabet."
        ),
        NameProblem.TOO_LONG: ctx._(
            "Each part of the name may be up to 60 letters long. Please type it again."
        ),
    }
    return Reply(messages[result])


def read_residence(ctx: Ctx, text: str, kept: str | None = None) -> str | Reply:
    """The residence, or why not. `kept` is what the person typed before when it named only
    the settlement: "Луцьк", then "вул. Шевченка, 5", is one address."""
    result = check_residence(text)
    if kept:
        joined = check_residence(f"{kept}, {text}")
        if not isinstance(joined, ResidenceProblem):
            result = joined
    if not isinstance(result, ResidenceProblem):
        return result
    if result is ResidenceProblem.NO_STREET:
        typed = clean_text(text).replace("\n", ", ")
        return Reply(
            ctx._(
                "Thank you. To write to you, the address needs the street and the house as "
                "well as the settlement. We have kept “{typed}”: please send the street, "
                "house and flat."
            ).format(typed=f"{kept}, {typed}" if kept else typed)
        )
    messages = {
        ResidenceProblem.TOO_SHORT: ctx._(
            "That is too short for an address. Please type the settlement, street and house."
        ),
        ResidenceProblem.TOO_LONG: ctx._(
            "That is too long for an address: please keep it within {limit} characters."
        ).format(limit=MAX_RESIDENCE_CHARS),
        ResidenceProblem.NO_LETTERS: ctx._(
            "Please type the address in words: settlement, street, house and flat."
        ),
    }
    return Reply(messages[result])


async def read_phone(ctx: Ctx, *, on_behalf: bool = False) -> str | Reply | None:
    """The phone from a shared contact or typed text; None when the message holds neither.
    `on_behalf`: an operator registering someone else's appeal shares that person's contact."""
    incoming = ctx.incoming
    if incoming.contact is not None:
        if incoming.contact.own is False and not on_behalf:
            return Reply(
                ctx._("This is someone else's contact. Please share your own number or type it.")
            )
        phone = normalize_phone(incoming.contact.phone)
        if phone is None:
            return Reply(
                ctx._(
                    "This does not look like a valid phone number. Please type a number we can "
                    "call back: 050 123 45 67, or with the country code, such as +48 …"
                )
            )
        if incoming.contact.own and not on_behalf:
            # Telegram vouches the number is the sender's. It is recorded, never used to join
            # accounts: only a /link code does that (DESIGN rule 6).
            await ctx.uow.people.set_verified_phone(ctx.account.id, phone)
        # A contact the messenger cannot vouch for (any Viber contact) is just a typed number:
        # it fills this person's phone and nothing else.
        return phone
    if incoming.text and not incoming.action:
        phone = normalize_phone(incoming.text)
        if phone is None:
            return Reply(
                ctx._(
                    "That does not look like a valid phone number. Please type it as "
                    "050 123 45 67 or +380 50 123 45 67; a number abroad with its country code."
                )
            )
        return phone
    return None


def read_email(ctx: Ctx, text: str) -> str | Reply:
    email = normalize_email(text)
    if email is None:
        return Reply(
            ctx._(
                "That does not look like an e-mail address. Please type it as name@example.com, "
                "or tap “Skip”."
            )
        )
    return email
