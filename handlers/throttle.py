"""Codes people type (/join, /link) are throttled: a few wrong guesses per account and per code
an hour, so a code cannot be found by trying (the issue measured 67 tries a second)."""

import hashlib
from datetime import timedelta

from handlers.context import Ctx
from handlers.duty import Duty

GUESS_WINDOW = timedelta(hours=1)
MAX_GUESSES = 5
#: Attempts are kept this long and then forgotten by a scheduled job.
KEEP_ATTEMPTS = timedelta(days=1)


def _keys(ctx: Ctx, code: str) -> tuple[str, str]:
    digest = hashlib.sha256(code.strip().upper().encode()).hexdigest()[:40]
    return f"account:{ctx.account.id}", f"code:{digest}"


async def too_many_guesses(ctx: Ctx, scope: str, code: str) -> bool:
    since = ctx.now - GUESS_WINDOW
    for key in _keys(ctx, code):
        if await ctx.uow.identity.attempts_since(scope, key, since) >= MAX_GUESSES:
            return True
    return False


async def record_wrong_guess(ctx: Ctx, scope: str, code: str) -> None:
    for key in _keys(ctx, code):
        await ctx.uow.identity.record_attempt(scope, key, ctx.now)


async def asked_too_often(ctx: Ctx, scope: str, limit: int) -> bool:
    """The person asked for `scope` `limit` times within the window; else the request counts."""
    return await ctx.uow.identity.over_limit(
        scope, f"person:{ctx.person.id}", limit, ctx.now - GUESS_WINDOW, ctx.now
    )


async def forget_old_attempts(ctx: Duty) -> int:
    return await ctx.uow.identity.forget_attempts_before(ctx.now - KEEP_ATTEMPTS)
