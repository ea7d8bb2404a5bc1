"""Every file a person attaches passes the same checks before it is kept: what the channel
found (size, a failed download), what the content is (its first bytes must agree with the
extension), the room left in the appeal, and the person's daily quota. A file that is not kept
is deleted from the disk at once; a kept one is named safely."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from handlers.context import Ctx
from handlers.types import IncomingFile, Reply
from reception.files import (
    MAX_FILES_PER_APPEAL,
    SNIFF_BYTES,
    FileProblem,
    content_problem,
    guess_type,
    is_recording,
    safe_name,
)
from reception.markers import N_
from reception.roles import Role, is_staff
from storage.attachments import AttachmentStore
from storage.uow import UnitOfWork

QUOTA_WINDOW = timedelta(days=1)
VOICE_ATTACHED = N_(
    "Your recording is attached: the executor will listen to it. If you can, please also type "
    "a sentence or two about the problem: it helps to send the appeal to the right body at once."
)


async def quota_left(ctx: Ctx) -> tuple[int, int]:
    """Files and bytes this person may still attach in the last 24 hours."""
    count, size = await ctx.uow.appeals.uploaded_since(ctx.person.id, ctx.now - QUOTA_WINDOW)
    return ctx.config.max_files_per_day - count, ctx.config.max_bytes_per_day - size


async def keep_file(ctx: Ctx, file: IncomingFile, room: int) -> tuple[int | None, str | None]:
    """The attachment id of a kept file, or the problem (a `FileProblem`) it was refused for.
    `room` is how many more files the appeal may hold."""
    problem = file.problem
    if problem is None and not file.storage_key:
        problem = FileProblem.UNREADABLE
    store = ctx.config.files
    if problem is None and store is not None and file.storage_key:
        problem = content_problem(file.name, store.head(file.storage_key, SNIFF_BYTES))
    if problem is None and room <= 0:
        problem = FileProblem.TOO_MANY
    if problem is None and not is_staff(_role(ctx)):
        files_left, bytes_left = await quota_left(ctx)
        if files_left <= 0 or file.size > bytes_left:
            problem = FileProblem.QUOTA
    if problem is not None or file.storage_key is None:
        if store is not None and file.storage_key:
            store.delete(file.storage_key)
        return None, problem
    name = safe_name(file.name)
    attachment_id = await ctx.uow.appeals.add_attachment(
        ctx.person.id,
        file.storage_key,
        name[:255],
        (guess_type(name) or file.mime)[:120],
        file.size,
        ctx.now,
    )
    return attachment_id, None


def _role(ctx: Ctx) -> Role:
    try:
        return Role(ctx.person.role)
    except ValueError:
        return Role.CITIZEN


@dataclass(frozen=True)
class Taken:
    """The files of one message: the ids of those kept, and a line about each, in order."""

    ids: tuple[int, ...]
    replies: tuple[Reply, ...]
    refused: tuple[Reply, ...]
    #: How many of the kept files are voice or audio recordings.
    recordings: int = 0


async def take_files(ctx: Ctx, room: int, *, voice_hint: bool = False) -> Taken:
    """Every file of the message through `keep_file`, while the appeal has `room` for more;
    with `voice_hint` a citizen's recording is answered with why a written line helps too."""
    ids: list[int] = []
    replies: list[Reply] = []
    refused: list[Reply] = []
    recordings = 0
    for file in ctx.incoming.files:
        kept, problem = await keep_file(ctx, file, room - len(ids))
        name = safe_name(file.name)
        if kept is None:
            refusal = Reply(file_refusal(ctx, name, problem))
            refused.append(refusal)
            replies.append(refusal)
            continue
        ids.append(kept)
        recordings += is_recording(file.name)
        if voice_hint and is_recording(file.name):
            replies.append(Reply(ctx._(VOICE_ATTACHED)))
        else:
            replies.append(Reply(ctx._("File “{name}” is attached.").format(name=name)))
    return Taken(tuple(ids), tuple(replies), tuple(refused), recordings)


def file_refusal(ctx: Ctx, name: str, problem: str | None) -> str:
    limit_mb = ctx.config.max_file_bytes // (1024 * 1024)
    if problem == FileProblem.TOO_LARGE:
        return ctx._(
            "File “{name}” is larger than {limit} MB and was not attached. Please send "
            "a smaller file."
        ).format(name=name, limit=limit_mb)
    if problem == FileProblem.TYPE:
        return ctx._(
            "File “{name}” was not attached: only PDF, DOC, DOCX, ODT, TXT, JPG, PNG "
            "and similar documents and pictures, and voice recordings (OGG, MP3, M4A) are "
            "accepted."
        ).format(name=name)
    if problem == FileProblem.TOO_MANY:
        return ctx._(
            "File “{name}” was not attached: an appeal may have up to {count} files."
        ).format(name=name, count=MAX_FILES_PER_APPEAL)
    if problem == FileProblem.MISMATCH:
        return ctx._(
            "File “{name}” was not attached: its content does not match its extension. Please "
            "send the document itself as PDF, DOC, DOCX, ODT, TXT, JPG or PNG."
        ).format(name=name)
    if problem == FileProblem.QUOTA:
        return ctx._(
            "File “{name}” was not attached: one person may attach up to {count} files and "
            "{size} MB a day. Please send it tomorrow, or bring it to the reception in person."
        ).format(
            name=name,
            count=ctx.config.max_files_per_day,
            size=ctx.config.max_bytes_per_day // (1024 * 1024),
        )
    if problem == FileProblem.EMPTY:
        return ctx._("File “{name}” is empty and was not attached.").format(name=name)
    return ctx._("File “{name}” could not be received. Please try sending it again.").format(
        name=name
    )


def drop_files_of_command(ctx: Ctx) -> Reply:
    """Files whose caption is a command are taken by no step: deleted at once, the person told,
    and the command runs as if typed alone."""
    files = ctx.incoming.files
    store = ctx.config.files
    for file in files:
        if store is not None and file.storage_key:
            store.delete(file.storage_key)
    ctx.incoming = replace(ctx.incoming, files=())
    return Reply(
        ctx.ngettext(
            "The file was not attached: it came with a command. To attach it, send it again "
            "without a command in its caption.",
            "The files were not attached: they came with a command. To attach them, send them "
            "again without a command in their caption.",
            len(files),
        )
    )


def delete_stored(store: AttachmentStore | None, keys: Iterable[str]) -> None:
    """Files whose rows are gone leave the disk (without a store nothing was ever saved)."""
    if store is not None:
        for key in keys:
            store.delete(key)


async def discard_untaken(
    uow: UnitOfWork, store: AttachmentStore | None, files: Sequence[IncomingFile]
) -> None:
    """After a step: a downloaded file that no row keeps belongs to nobody and leaves the disk,
    whatever path the message took (a file is kept only when a step takes it)."""
    keys = [file.storage_key for file in files if file.storage_key]
    if store is None or not keys:
        return
    kept = await uow.appeals.kept_keys(keys)
    delete_stored(store, (key for key in keys if key not in kept))
