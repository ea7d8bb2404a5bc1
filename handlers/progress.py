"""“Step 3 of 9” above each question of filing: a person who never read a manual sees how far
they are. A returning citizen whose saved details are used has fewer steps."""

from collections.abc import Awaitable, Callable
from dataclasses import replace

from handlers.context import Ctx
from handlers.filing import ORDER
from handlers.steps import StepName
from handlers.types import Reply

Ask = Callable[[Ctx], Awaitable[Reply]]

#: Filing's questions, the summary not counted.
FULL = tuple(step for step in ORDER if step is not StepName.SUMMARY)
WITH_SAVED_DETAILS = (
    StepName.KIND,
    StepName.TOPIC,
    StepName.TEXT,
    StepName.LOCATION,
    StepName.PROFILE,
    StepName.OPTIONS,
)


def position(ctx: Ctx, step: StepName) -> tuple[int, int] | None:
    saved = ctx.person.has_profile and not ctx.draft.new_details
    order = WITH_SAVED_DETAILS if saved and step in WITH_SAVED_DETAILS else FULL
    if step not in order:
        return None
    return order.index(step) + 1, len(order)


def numbered(step: StepName, ask: Ask) -> Ask:
    """The step's question with its number; none while one field is being changed from the
    summary, where the person is not going through the steps."""

    async def asked(ctx: Ctx) -> Reply:
        reply = await ask(ctx)
        where = position(ctx, step)
        if where is None or ctx.draft.editing:
            return reply
        number, total = where
        line = ctx._("Step {number} of {total}").format(number=number, total=total)
        return replace(reply, text=f"{line}\n{reply.text}")

    return asked
