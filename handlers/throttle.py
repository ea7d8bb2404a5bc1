"""Codes people type (/join, /link) are throttled: a few wrong guesses per account and per code
an hour, so a code cannot be found by trying (the issue measured 67 tries a second)."""

import hashlib
from datetime import timedelta

from handlers.context import Ctx

GUESS_WINDOW = timedelta(hours=1)
MAX_GUESSES = 5


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
