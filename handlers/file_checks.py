"""Every file a person attaches passes the same checks before it is kept: what the channel
found (size, a failed download), what the content is (its first bytes must agree with the
extension), the room left in the appeal, and the person's daily quota. A file that is not kept
is deleted from the disk at once; a kept one is named safely."""

from datetime import timedelta

from handlers.context import Ctx
from handlers.types import IncomingFile
from reception.files import SNIFF_BYTES, FileProblem, content_problem, guess_type, safe_name
from reception.roles import Role, is_staff

QUOTA_WINDOW = timedelta(days=1)


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
