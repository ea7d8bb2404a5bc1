"""Correcting one's saved details from /mydata (Law No. 2297-VI, Art. 8): the same questions and
checks as filing; registered appeals keep the details they were filed with."""

from handlers.context import Ctx
from handlers.details import read_email, read_name, read_phone, read_residence
from handlers.kept import Kept
from handlers.my_data import my_data_reply
from handlers.payloads import BACK, SKIP, Back, CorrectDetail, Detail, Skip
from handlers.steps import StepName
from handlers.types import Ask, Button, Reply
from reception.validation import ResidenceProblem, check_residence, clean_text

#: A settlement typed alone, kept until the street comes (as in filing).
KEPT_RESIDENCE = Kept.CORRECT_RESIDENCE

STEP_OF: dict[Detail, StepName] = {
    Detail.NAME: StepName.CORRECT_NAME,
    Detail.RESIDENCE: StepName.CORRECT_RESIDENCE,
    Detail.PHONE: StepName.CORRECT_PHONE,
    Detail.EMAIL: StepName.CORRECT_EMAIL,
}


def _back(ctx: Ctx) -> Button:
    return Button(ctx._("Back"), BACK)


def _asked(ctx: Ctx, question: str, current: str | None) -> str:
    if not current:
        return question
    return question + "\n\n" + ctx._("Now: {value}").format(value=current)


async def _saved(ctx: Ctx, values: dict[str, str | None], detail: Detail) -> list[Reply]:
    await ctx.uow.people.correct(ctx.person.id, values, ctx.now)
    await ctx.uow.identity.record_event(
        ctx.person.id, "corrected", ctx.now, {"detail": detail.value}
    )
    ctx.person = await ctx.uow.people.get(ctx.person.id)
    ctx.state.step = StepName.MENU
    return [
        Reply(
            ctx._(
                "Corrected. Appeals you file from now on carry the new details. Registered "
                "appeals keep the details they were filed with: if the executor should know of "
                "the change, add it to the appeal under “My appeals”."
            )
        ),
        await my_data_reply(ctx),
    ]


async def _to_my_data(ctx: Ctx) -> list[Reply]:
    ctx.state.step = StepName.MENU
    return [await my_data_reply(ctx)]


async def ask_correct(ctx: Ctx) -> Reply:
    return Reply(
        ctx._("Which detail would you like to correct?"),
        (
            Button(ctx._("Name"), CorrectDetail(Detail.NAME).pack()),
            Button(ctx._("Place of residence"), CorrectDetail(Detail.RESIDENCE).pack()),
            Button(ctx._("Phone"), CorrectDetail(Detail.PHONE).pack()),
            Button(ctx._("E-mail"), CorrectDetail(Detail.EMAIL).pack()),
            _back(ctx),
        ),
    )


async def answer_correct(ctx: Ctx) -> list[Reply] | None:
    if Back.parse(ctx.incoming.action):
        return await _to_my_data(ctx)
    chosen = CorrectDetail.parse(ctx.incoming.action)
    if chosen is None:
        return None
    return await ctx.goto(STEP_OF[chosen.detail])


async def ask_correct_name(ctx: Ctx) -> Reply:
    person = ctx.person
    current = " ".join(p for p in (person.surname, person.given_name, person.patronymic) if p)
    return Reply(
        _asked(
            ctx,
            ctx._("Please type your surname, first name and patronymic as they should be."),
            current,
        ),
        (_back(ctx),),
    )


async def answer_correct_name(ctx: Ctx) -> list[Reply] | None:
    if Back.parse(ctx.incoming.action):
        return await ctx.goto(StepName.CORRECT)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    name = read_name(ctx, ctx.incoming.text)
    if isinstance(name, Reply):
        return await ctx.ask_again(name)
    values: dict[str, str | None] = {
        "surname": name.surname,
        "given_name": name.given_name,
        "patronymic": name.patronymic,
    }
    return await _saved(ctx, values, Detail.NAME)


async def ask_correct_residence(ctx: Ctx) -> Reply:
    return Reply(
        _asked(
            ctx,
            ctx._("Please type your place of residence: settlement, street, house and flat."),
            ctx.person.residence,
        ),
        (_back(ctx),),
    )


async def answer_correct_residence(ctx: Ctx) -> list[Reply] | None:
    if Back.parse(ctx.incoming.action):
        return await ctx.goto(StepName.CORRECT)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    kept = ctx.state.data.get(KEPT_RESIDENCE)
    residence = read_residence(ctx, ctx.incoming.text, kept)
    if isinstance(residence, Reply):
        if check_residence(ctx.incoming.text) is ResidenceProblem.NO_STREET:
            typed = clean_text(ctx.incoming.text).replace("\n", ", ")
            ctx.state.data[KEPT_RESIDENCE] = f"{kept}, {typed}" if kept else typed
        return await ctx.ask_again(residence)
    ctx.state.data.pop(KEPT_RESIDENCE, None)
    return await _saved(ctx, {"residence": residence}, Detail.RESIDENCE)


async def ask_correct_phone(ctx: Ctx) -> Reply:
    return Reply(
        _asked(
            ctx,
            ctx._(
                "Please share your phone number with the button below, or type it, for example "
                "050 123 45 67."
            ),
            ctx.person.phone,
        ),
        (_back(ctx),),
        ask=Ask.CONTACT,
        ask_label=ctx._("Share my number"),
    )


async def answer_correct_phone(ctx: Ctx) -> list[Reply] | None:
    if Back.parse(ctx.incoming.action):
        return await ctx.goto(StepName.CORRECT)
    phone = await read_phone(ctx)
    if phone is None:
        return None
    if isinstance(phone, Reply):
        return await ctx.ask_again(phone)
    return await _saved(ctx, {"phone": phone}, Detail.PHONE)


async def ask_correct_email(ctx: Ctx) -> Reply:
    buttons = (Button(ctx._("Remove the e-mail"), SKIP), _back(ctx))
    return Reply(
        _asked(ctx, ctx._("Please type your e-mail address."), ctx.person.email),
        buttons if ctx.person.email else (_back(ctx),),
    )


async def answer_correct_email(ctx: Ctx) -> list[Reply] | None:
    if Back.parse(ctx.incoming.action):
        return await ctx.goto(StepName.CORRECT)
    if Skip.parse(ctx.incoming.action):
        return await _saved(ctx, {"email": None}, Detail.EMAIL)
    if ctx.incoming.action or not ctx.incoming.text:
        return None
    email = read_email(ctx, ctx.incoming.text)
    if isinstance(email, Reply):
        return await ctx.ask_again(email)
    return await _saved(ctx, {"email": email}, Detail.EMAIL)
