"""Words typed where no question asked for them (at the menu, or before the first screens were
answered) are the person's problem in their own words: offer to file them as an appeal rather
than answer "choose a button"."""

from dataclasses import replace

from handlers import my_data
from handlers.context import Ctx
from handlers.filing import draft_text, start_draft
from handlers.kept import Kept
from handlers.payloads import CONFIRM, MAIN_MENU, Confirm
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.validation import MAX_APPEAL_CHARS, clean_text, has_substance

OFFERED = Kept.OFFERED
PREVIEW_CHARS = 200


def keep_words(ctx: Ctx) -> bool:
    """Keep a substantive text the person typed, to offer it once the screens are passed."""
    text = clean_text(ctx.incoming.text or "")
    if ctx.incoming.action or text.startswith("/") or not has_substance(text):
        return False
    kept = str(ctx.state.data.get(OFFERED, ""))
    joined = f"{kept}\n\n{text}" if kept else text
    if len(joined) <= MAX_APPEAL_CHARS:
        ctx.state.data[OFFERED] = joined
    return True


def offer(ctx: Ctx) -> Reply | None:
    text = ctx.state.data.get(OFFERED)
    if not isinstance(text, str) or not text:
        return None
    preview = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"
    question = (
        ctx._("Would you like to add this text to your unfinished appeal?")
        if ctx.has_draft
        else ctx._("Would you like to file an appeal with this text?")
    )
    return Reply(
        f"{question}\n\n«{preview}»",
        (
            Button(ctx._("Yes, file it") if not ctx.has_draft else ctx._("Yes, add it"), CONFIRM),
            Button(ctx._("No"), MAIN_MENU),
        ),
    )


async def answer_menu(ctx: Ctx) -> list[Reply] | None:
    """At the menu: the /mydata buttons; a text is offered for filing, and a tap on “Yes”
    carries it into a draft."""
    rights = await my_data.answer_menu(ctx)
    if rights is not None:
        return rights
    if Confirm.parse(ctx.incoming.action):
        text = ctx.state.data.pop(OFFERED, None)
        if not isinstance(text, str) or not text:
            return None
        if not ctx.has_draft:
            start_draft(ctx)
            ctx.draft = replace(ctx.draft, parts=(text,))
            return await ctx.goto(StepName.KIND)
        if len(draft_text(ctx)) + len(text) <= MAX_APPEAL_CHARS:
            ctx.draft = replace(ctx.draft, parts=(*ctx.draft.parts, text))
        return await ctx.goto(StepName.RESUME)
    if not keep_words(ctx):
        return None
    reply = offer(ctx)
    return [reply] if reply is not None else None
