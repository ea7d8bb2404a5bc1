"""The outbox worker: delivers what transactions queued, with retries and backoff."""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dbwatch import DatabaseWatch, retry_delay
from bot.delivery import DeliveryFailed, MessengerSender
from bot.email import EmailSender
from bot.logs import new_request_id
from bot.ratelimit import SHARED_PER_SECOND, RateLimiter, limiter_for, recipient_limiter
from handlers.notify import EMAIL_CHANNEL
from handlers.types import reply_from_payload
from storage.errors import Conflict
from storage.outbox import LEASE, OutboxItem
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

BATCH = 50
PARALLEL_SENDS = 16
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
IDLE_SECONDS = 1.0
#: Reservations reach as far ahead as the instances' parallel sends: well under this.
MAX_TURN_WAIT_SECONDS = 5.0
#: Telegram's one message a second per chat (Viber's is kept alike), whichever instance sends.
RECIPIENT_GAP = timedelta(seconds=1)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** (attempts - 1)), MAX_BACKOFF)


class OutboxWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        messengers: Mapping[str, MessengerSender],
        email: EmailSender | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        lease: timedelta = LEASE,
        watch: DatabaseWatch | None = None,
        shared_rates: Mapping[str, float] = SHARED_PER_SECOND,
    ) -> None:
        self._sessions = sessions
        self._watch = watch or DatabaseWatch()
        self._lease = lease
        self._messengers = messengers
        self._email = email
        self._clock = clock
        self._limits: dict[str, RateLimiter] = {}
        self._parallel = asyncio.Semaphore(PARALLEL_SENDS)
        #: Messages a second per channel, for all instances on the database together.
        self._shared_rates = dict(shared_rates)

    async def run_once(self, now: datetime | None = None) -> int:
        """Deliver what is due at `now`; the number of rows handled."""
        now = now or self._clock()
        async with unit_of_work(self._sessions) as uow:
            items = await uow.outbox_queue.claim(now, BATCH, self._lease, RECIPIENT_GAP)
        # One item per recipient per pass (the claim keeps their order): recipients in parallel.
        await asyncio.gather(*(self._deliver(item) for item in items))
        return len(items)

    def _limiter(self, channel: str) -> RateLimiter:
        limiter = self._limits.get(channel)
        if limiter is None:
            rate = self._shared_rates.get(channel)
            limiter = limiter_for(channel) if rate is None else recipient_limiter(channel, rate)
            self._limits[channel] = limiter
        return limiter

    async def _deliver(self, item: OutboxItem) -> None:
        new_request_id()
        async with self._parallel:
            await self._limiter(item.channel).wait(item.recipient)
            await self._attempt(item)

    async def _take_turn(self, channel: str) -> None:
        """Wait for this send's moment on the channel's budget shared with the other instances.
        Reserved one send at a time, just before it: an instance that runs late (a busy loop,
        a slow answer) then crowds nobody's reserved moments but its own."""
        rate = self._shared_rates.get(channel)
        if rate is None:
            return
        for attempt in (1, 2):
            try:
                async with unit_of_work(self._sessions) as uow:
                    moment = await uow.outbox_queue.reserve(
                        channel, 1, timedelta(seconds=1 / rate), self._clock()
                    )
                break
            except Conflict:  # the very first reservation, made by two at once
                if attempt == 2:
                    raise
        delay = (moment - self._clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(min(delay, MAX_TURN_WAIT_SECONDS))

    async def _attempt(self, item: OutboxItem) -> None:
        try:
            await self._send(item)
        except DeliveryFailed as error:
            retry = (
                None
                if error.permanent or item.attempts >= MAX_ATTEMPTS
                else (self._clock() + backoff(item.attempts))
            )
            log.warning("outbox %s (%s) not delivered: %s", item.id, item.kind, error)
            async with unit_of_work(self._sessions) as uow:
                await uow.outbox_queue.failed(item.id, str(error), retry)
            return
        async with unit_of_work(self._sessions) as uow:
            await uow.outbox_queue.sent(item.id, self._clock())
        log.info("outbox %s (%s) delivered on attempt %d", item.id, item.kind, item.attempts)

    async def _send(self, item: OutboxItem) -> None:
        if item.channel == EMAIL_CHANNEL:
            if self._email is None:
                raise DeliveryFailed("SMTP is not configured", permanent=False)
            await self._email.send(
                item.recipient,
                str(item.payload.get("subject", "")),
                self._email.body(item.payload),
            )
            return
        sender = self._messengers.get(item.channel)
        if sender is None:
            raise DeliveryFailed(f"no {item.channel} channel running", permanent=False)
        async with unit_of_work(self._sessions) as uow:
            account = await uow.people.account_by_id(int(item.recipient))
        if account is None or account.unreachable:
            raise DeliveryFailed("the person cannot be reached there", permanent=True)
        await self._take_turn(item.channel)  # last, right before the send itself
        await sender.send(account.external_id, [reply_from_payload(item.payload)])

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            pause = IDLE_SECONDS
            try:
                handled = await self.run_once()
                self._watch.ok()
                failures = 0
            except Exception as error:
                handled = 0
                if self._watch.failed(error):
                    failures += 1
                    pause = IDLE_SECONDS + retry_delay(failures)
                else:
                    log.exception("outbox pass failed")
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
