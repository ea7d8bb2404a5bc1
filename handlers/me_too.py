"""“Me too”: a citizen whose problem matches an open appeal of another resident nearby may join
it while filing. They still get their own index, due date and every notice; the answer to the
other appeal comes to them as well (see `duplicates`)."""

from dataclasses import replace

from handlers import duplicates
from handlers.context import Ctx
from handlers.filing import advance
from handlers.payloads import SimilarAnswer, SimilarChoice
from handlers.steps import StepName
from handlers.types import Button, Reply


async def ask_similar(ctx: Ctx) -> Reply:
    lead = await ctx.uow.appeals.get(ctx.draft.similar or 0)
    about = duplicates.described(ctx, lead) if lead is not None else ""
    return Reply(
        ctx._("Other residents have already reported a problem like this nearby:")
        + f"\n{about}\n\n"
        + ctx._(
            "Is it the same problem? If you join that appeal, the answer to it comes to you "
            "too; you still get your own registration index, due date and every notice."
        ),
        (
            Button(ctx._("Yes, the same: join it"), SimilarChoice(SimilarAnswer.JOIN).pack()),
            Button(ctx._("No, mine is different"), SimilarChoice(SimilarAnswer.OWN).pack()),
        ),
    )


async def answer_similar(ctx: Ctx) -> list[Reply] | None:
    chosen = SimilarChoice.parse(ctx.incoming.action)
    if chosen is None:
        if ctx.incoming.action or not (ctx.incoming.text or ctx.incoming.contact):
            return None
        # Typing on past the offer declines it: the words answer the next question.
        ctx.draft = replace(ctx.draft, joined_to=None)
        asked = await advance(ctx, StepName.SIMILAR)
        return await ctx.steps[ctx.step].answer(ctx) or asked
    if chosen.answer is SimilarAnswer.JOIN:
        ctx.draft = replace(ctx.draft, joined_to=ctx.draft.similar)
        said = ctx._("Good: your appeal will be joined to it when you submit it.")
    else:
        ctx.draft = replace(ctx.draft, joined_to=None)
        said = ctx._("Understood: your appeal will be considered on its own.")
    return await advance(ctx, StepName.SIMILAR, Reply(said))
