"""/register: an operator registers an appeal received by phone, in person or by post on behalf
of a citizen. The same questions as the citizen's own filing collect the Art. 5 fields; the
receipt form follows from the way in (a setting each, Classifier 858 1.x)."""

from dataclasses import replace

from handlers.context import Ctx
from handlers.filing import start_draft
from handlers.payloads import BACK, ChooseWay
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.classifier import Channel
from reception.markers import N_

#: The ways an operator receives an appeal; electronic ones the citizen files themselves.
WAY_NAMES: dict[Channel, str] = {
    Channel.PHONE: N_("By phone"),
    Channel.IN_PERSON: N_("In person"),
    Channel.POST: N_("By post"),
}
WAY_WORDS: dict[str, Channel] = {
    "phone": Channel.PHONE,
    "person": Channel.IN_PERSON,
    "in_person": Channel.IN_PERSON,
    "post": Channel.POST,
}


async def begin(ctx: Ctx, way: Channel) -> list[Reply]:
    start_draft(ctx)
    ctx.draft = replace(ctx.draft, on_behalf=way.value)
    return await ctx.goto(
        StepName.KIND,
        Reply(
            ctx._(
                "Registering an appeal received {way}. Answer the questions with the "
                "citizen's details; /cancel stops and keeps the draft."
            ).format(way=ctx._(WAY_NAMES[way]).lower())
        ),
    )


async def ask_way(ctx: Ctx) -> Reply:
    buttons = tuple(Button(ctx._(name), ChooseWay(way).pack()) for way, name in WAY_NAMES.items())
    return Reply(ctx._("How was the appeal received?"), (*buttons, Button(ctx._("Cancel"), BACK)))


async def answer_way(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        ctx.state.step = StepName.MENU
        return [Reply(ctx._("Cancelled."))]
    chosen = ChooseWay.parse(ctx.incoming.action)
    if chosen is None or chosen.way not in WAY_NAMES:
        return None
    return await begin(ctx, chosen.way)
