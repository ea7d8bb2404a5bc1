"""Words typed where no question asked for them (at the menu, or before the first screens were
answered) are the person's problem in their own words: offer to file them as an appeal rather
than answer "choose a button". A voice or audio message is the person saying it: at the menu it
is kept and offered the same way; before consent nothing is received, and the offer asks for it
again."""

from dataclasses import replace

from handlers import my_data
from handlers.context import Ctx
from handlers.file_checks import take_files
from handlers.filing import draft_text, start_draft
from handlers.kept import Kept
from handlers.payloads import CONFIRM, MAIN_MENU, Confirm
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.files import MAX_FILES_PER_APPEAL, is_recording
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


def says_it(ctx: Ctx) -> bool:
    """The message is a voice or audio recording (with a caption, perhaps)."""
    files = ctx.incoming.files
    return bool(files) and all(is_recording(file.name) for file in files)


def keep_first_words(ctx: Ctx) -> bool:
    """Before the screens: keep typed words; a recording is only remembered (nothing is
    received before consent), so that the offer asks for it again."""
    kept = keep_words(ctx)
    if says_it(ctx):
        ctx.state.data[Kept.OFFERED_UNHEARD] = True
        return True
    return kept


def offered_files(ctx: Ctx) -> list[int]:
    kept = ctx.state.data.get(Kept.OFFERED_FILES)
    return [i for i in kept if isinstance(i, int)] if isinstance(kept, list) else []


def forget(ctx: Ctx) -> None:
    for key in (OFFERED, Kept.OFFERED_FILES, Kept.OFFERED_UNHEARD):
        ctx.state.data.pop(key, None)


def offer(ctx: Ctx) -> Reply | None:
    text = ctx.state.data.get(OFFERED)
    text = text if isinstance(text, str) else ""
    files = offered_files(ctx)
    unheard = bool(ctx.state.data.get(Kept.OFFERED_UNHEARD))
    if not (text or files or unheard):
        return None
    if text or files:
        question = (
            ctx._("Would you like to add this text to your unfinished appeal?")
            if ctx.has_draft
            else ctx._("Would you like to file an appeal with this text?")
        )
        if not text:
            question = (
                ctx._("Would you like to add your recording to your unfinished appeal?")
                if ctx.has_draft
                else ctx._("Would you like to file an appeal with your recording?")
            )
        lines = [question]
        if text:
            preview = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"
            lines.append(f"«{preview}»")
        if files:
            lines.append(
                ctx.ngettext(
                    "Your recording is kept and goes with the appeal ({count} file).",
                    "Your recordings are kept and go with the appeal ({count} files).",
                    len(files),
                ).format(count=len(files))
            )
    else:
        lines = [
            ctx._(
                "Would you like to file an appeal? Your voice message came before your answer "
                "about personal data, so it was not received: after “Yes”, please send it again "
                "when you are asked to describe the issue."
            )
        ]
    return Reply(
        "\n\n".join(lines),
        (
            Button(ctx._("Yes, file it") if not ctx.has_draft else ctx._("Yes, add it"), CONFIRM),
            Button(ctx._("No"), MAIN_MENU),
        ),
    )


async def take_recording(ctx: Ctx) -> list[Reply]:
    """A recording at the menu: kept (within the file checks) and offered for filing."""
    keep_words(ctx)
    held = offered_files(ctx)
    room = MAX_FILES_PER_APPEAL - len(held) - (len(ctx.draft.attachments) if ctx.has_draft else 0)
    taken = await take_files(ctx, room)
    ctx.state.data[Kept.OFFERED_FILES] = [*held, *taken.ids]
    offered = offer(ctx)
    if offered is None:
        return await ctx.goto(StepName.MENU, *taken.refused)
    return [*taken.refused, offered]


async def answer_menu(ctx: Ctx) -> list[Reply] | None:
    """At the menu: the /mydata buttons; a text or a recording is offered for filing, and a tap
    on “Yes” carries it into a draft."""
    rights = await my_data.answer_menu(ctx)
    if rights is not None:
        return rights
    if Confirm.parse(ctx.incoming.action):
        text = ctx.state.data.get(OFFERED)
        text = text if isinstance(text, str) else ""
        files = tuple(offered_files(ctx))
        unheard = bool(ctx.state.data.get(Kept.OFFERED_UNHEARD))
        forget(ctx)
        if not (text or files or unheard):
            return None
        if not ctx.has_draft:
            start_draft(ctx)
            ctx.draft = replace(
                ctx.draft,
                parts=(text,) if text else (),
                attachments=files,
                recordings=len(files),
            )
            return await ctx.goto(StepName.KIND)
        if text and len(draft_text(ctx)) + len(text) <= MAX_APPEAL_CHARS:
            ctx.draft = replace(ctx.draft, parts=(*ctx.draft.parts, text))
        room = MAX_FILES_PER_APPEAL - len(ctx.draft.attachments)
        ctx.draft = replace(
            ctx.draft,
            attachments=(*ctx.draft.attachments, *files[:room]),
            recordings=ctx.draft.recordings + len(files[:room]),
        )
        return await ctx.goto(StepName.RESUME)
    if not keep_words(ctx):
        return None
    reply = offer(ctx)
    return [reply] if reply is not None else None
