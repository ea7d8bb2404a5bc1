"""“Me too”: a citizen whose problem matches an open appeal of another resident nearby may join
it while filing. They still get their own index, due date and every notice; the answer to the
other appeal comes to them as well (see `duplicates`).

The offer never stops the filing: it comes with the next question, and its buttons work until
the appeal is submitted. A person who ignores it files as before."""

from dataclasses import replace

from handlers import duplicates
from handlers.context import Ctx
from handlers.payloads import SimilarAnswer, SimilarChoice
from handlers.types import Button, Reply
from storage.records import AppealRecord


def offer(ctx: Ctx, lead: AppealRecord) -> Reply:
    return Reply(
        ctx._("Other residents have already reported a problem like this nearby:")
        + f"\n{duplicates.described(ctx, lead)}\n\n"
        + ctx._(
            "Is it the same problem? If you join that appeal, the answer to it comes to you "
            "too; you still get your own registration index, due date and every notice. If "
            "not, just go on."
        ),
        (
            Button(ctx._("Yes, the same: join it"), SimilarChoice(SimilarAnswer.JOIN).pack()),
            Button(ctx._("No, mine is different"), SimilarChoice(SimilarAnswer.OWN).pack()),
        ),
    )


async def on_choice(ctx: Ctx, chosen: SimilarChoice) -> list[Reply] | None:
    """A tap on the offer, at any step of the same draft; None when there is no such offer."""
    if not ctx.has_draft or ctx.draft.similar is None:
        return None
    if chosen.answer is SimilarAnswer.JOIN:
        ctx.draft = replace(ctx.draft, joined_to=ctx.draft.similar)
        said = ctx._("Good: your appeal will be joined to it when you submit it.")
    else:
        ctx.draft = replace(ctx.draft, joined_to=None)
        said = ctx._("Understood: your appeal will be considered on its own.")
    return await ctx.ask_again(Reply(said))
