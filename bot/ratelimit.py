"""Spacing sends to a messenger's limits: so many a second overall, one a while per recipient."""

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

# Telegram: about 30 messages a second across chats and one a second per chat (TECH-NOTES);
# paced a little below, so that timing jitter never fits a 31st into one second.
TELEGRAM_PER_SECOND = 28.0
TELEGRAM_PER_CHAT_SECONDS = 1.0
# Viber publishes no overall rate; one a second per user keeps bursts polite.
VIBER_PER_SECOND = 28.0
VIBER_PER_USER_SECONDS = 1.0
EMAIL_PER_SECOND = 5.0


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        per_recipient_seconds: float = 0.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / per_second
        self._per_recipient = per_recipient_seconds
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf
        self._last: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, recipient: str) -> None:
        """Return when a message to `recipient` may go out."""
        async with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._last.get(recipient, -math.inf) + self._per_recipient)
            self._next = slot + self._interval
            self._last[recipient] = slot
            if len(self._last) > 10_000:  # forget recipients who are long past their spacing
                horizon = now - self._per_recipient
                self._last = {k: v for k, v in self._last.items() if v > horizon}
        delay = slot - self._clock()
        if delay > 0:
            await self._sleep(delay)


#: The messengers whose overall rate every instance on one database shares (issue 14): the
#: outbox workers reserve their sends' moments in the database (`OutboxQueue.reserve`).
SHARED_PER_SECOND = {"telegram": TELEGRAM_PER_SECOND, "viber": VIBER_PER_SECOND}
PER_RECIPIENT_SECONDS = {"telegram": TELEGRAM_PER_CHAT_SECONDS, "viber": VIBER_PER_USER_SECONDS}


def recipient_limiter(channel: str, per_second: float) -> RateLimiter:
    """The local pace of a channel whose overall rate the shared budget sets."""
    return RateLimiter(per_second, PER_RECIPIENT_SECONDS.get(channel, 0.0))


def limiter_for(channel: str) -> RateLimiter:
    if channel == "telegram":
        return RateLimiter(TELEGRAM_PER_SECOND, TELEGRAM_PER_CHAT_SECONDS)
    if channel == "viber":
        return RateLimiter(VIBER_PER_SECOND, VIBER_PER_USER_SECONDS)
    return RateLimiter(EMAIL_PER_SECOND)
