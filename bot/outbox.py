"""The outbox worker: delivers what transactions queued, with retries and backoff."""

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
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
from storage.records import AccountRecord
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

BATCH = 50
PARALLEL_SENDS = 16
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
IDLE_SECONDS = 1.0
#: Reservations reach as far ahead as the instances' batches: well under this.
MAX_TURN_WAIT_SECONDS = 5.0
#: A batch's first moment is reserved this far ahead at least, to cover the claim's commit.
TURN_LEAD = timedelta(milliseconds=50)
#: Later than its moment by more than this, a send is not made (see `_send`): pacing at 28/s
#: leaves 71 ms below Telegram's 30 in any second; this takes 40 of them, and the HTTP
#: request's own jitter has the rest.
LATE_TURN = timedelta(milliseconds=40)
#: A message whose moment went by this many times is sent late rather than wait longer for a
#: punctual loop (a machine so busy may see a 429, which is retried like any refusal).
MAX_LATE_TURNS = 2
#: Telegram's one message a second per chat (Viber's is kept alike), whichever instance sends.
RECIPIENT_GAP = timedelta(seconds=1)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** (attempts - 1)), MAX_BACKOFF)


class _MomentGone(Exception):
    """The send's reserved moment went by while it waited: sending now would crowd the moments
    reserved after it into one second."""


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
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sessions = sessions
        self._watch = watch or DatabaseWatch()
        self._lease = lease
        self._messengers = messengers
        self._email = email
        self._clock = clock
        self._sleep = sleep
        self._limits: dict[str, RateLimiter] = {}
        self._parallel = asyncio.Semaphore(PARALLEL_SENDS)
        #: Messages a second per channel, for all instances on the database together.
        self._shared_rates = dict(shared_rates)
        #: Claimed but not sent, their moment gone: given back by the next claim's transaction.
        self._gone: list[OutboxItem] = []
        #: How often each message's moment went by (see MAX_LATE_TURNS).
        self._late_turns: Counter[int] = Counter()

    async def run_once(self, now: datetime | None = None) -> int:
        """Deliver what is due at `now`; the number of rows handled."""
        now = now or self._clock()
        for attempt in (1, 2):
            try:
                # One transaction a pass: the messages whose moment went by go back, the due
                # ones are claimed with their accounts, and their moments reserved on the
                # shared budget — a late send costs no transaction of its own (issue 14).
                async with unit_of_work(self._sessions) as uow:
                    await uow.outbox_queue.give_back(self._gone, now)
                    items = await uow.outbox_queue.claim(now, BATCH, self._lease, RECIPIENT_GAP)
                    accounts = await uow.people.accounts_by_id(
                        [_account_id(item) for item in items if item.channel in self._messengers]
                    )
                    turns = await self._reserve_turns(uow, items, accounts)
                break
            except Conflict:  # the very first reservation, made by two at once
                if attempt == 2:
                    raise
        given_back, self._gone = len(self._gone), []
        # Counts of messages given back that another instance has claimed since are no use.
        self._late_turns = Counter(
            {i.id: self._late_turns[i.id] for i in items if i.id in self._late_turns}
        )
        # One item per recipient per pass (the claim keeps their order): recipients in parallel.
        await asyncio.gather(
            *(
                self._deliver(item, accounts.get(_account_id(item)), turns.get(item.id))
                for item in items
            )
        )
        return len(items) + given_back

    async def _reserve_turns(
        self, uow: UnitOfWork, items: list[OutboxItem], accounts: Mapping[int, AccountRecord]
    ) -> dict[int, datetime]:
        """Each sendable item's moment on its channel's budget shared with the other
        instances, reserved for the whole batch at once, in the claim's order."""
        turns: dict[int, datetime] = {}
        for channel, rate in self._shared_rates.items():
            batch = [
                item
                for item in items
                if item.channel == channel
                and channel in self._messengers
                and _reachable(accounts.get(_account_id(item)))
            ]
            if not batch:
                continue
            interval = timedelta(seconds=1 / rate)
            first = await uow.outbox_queue.reserve(
                channel, len(batch), interval, self._clock, TURN_LEAD
            )
            turns.update({item.id: first + n * interval for n, item in enumerate(batch)})
        return turns

    def _limiter(self, channel: str) -> RateLimiter:
        limiter = self._limits.get(channel)
        if limiter is None:
            rate = self._shared_rates.get(channel)
            limiter = limiter_for(channel) if rate is None else recipient_limiter(channel, rate)
            self._limits[channel] = limiter
        return limiter

    async def _deliver(
        self, item: OutboxItem, account: AccountRecord | None, turn: datetime | None
    ) -> None:
        new_request_id()
        if turn is not None:
            # Waited outside the semaphore, which bounds requests in flight, not sleepers.
            delay = (turn - self._clock()).total_seconds()
            if delay > 0:
                await self._sleep(min(delay, MAX_TURN_WAIT_SECONDS))
        async with self._parallel:
            if turn is None:  # paced locally (email), or about to fail without a send
                await self._limiter(item.channel).wait(item.recipient)
            await self._attempt(item, account, turn)

    async def _attempt(
        self, item: OutboxItem, account: AccountRecord | None, turn: datetime | None
    ) -> None:
        try:
            await self._send(item, account, turn)
        except _MomentGone:
            self._late_turns[item.id] += 1
            self._gone.append(item)
            log.info("outbox %s (%s) missed its moment; sent later", item.id, item.kind)
            return
        except DeliveryFailed as error:
            self._late_turns.pop(item.id, None)
            retry = (
                None
                if error.permanent or item.attempts >= MAX_ATTEMPTS
                else (self._clock() + backoff(item.attempts))
            )
            log.warning("outbox %s (%s) not delivered: %s", item.id, item.kind, error)
            async with unit_of_work(self._sessions) as uow:
                await uow.outbox_queue.failed(item.id, str(error), retry)
            return
        self._late_turns.pop(item.id, None)
        async with unit_of_work(self._sessions) as uow:
            await uow.outbox_queue.sent(item.id, self._clock())
        log.info("outbox %s (%s) delivered on attempt %d", item.id, item.kind, item.attempts)

    async def _send(
        self, item: OutboxItem, account: AccountRecord | None, turn: datetime | None
    ) -> None:
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
        if account is None or account.unreachable:
            raise DeliveryFailed("the person cannot be reached there", permanent=True)
        # Last, right before the send itself. The moments are 1/rate apart, so one second
        # holds a 31st message only when a send goes out later than its moment by more than
        # the pacing's margin while the next go out on time: such a send waits for the next
        # pass, which gives it back and reserves it a new moment in the claim's transaction.
        if (
            turn is not None
            and self._clock() - turn > LATE_TURN
            and self._late_turns[item.id] < MAX_LATE_TURNS
        ):
            raise _MomentGone
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
        if self._gone:  # or they would wait for their lease to end
            try:
                async with unit_of_work(self._sessions) as uow:
                    await uow.outbox_queue.give_back(self._gone, self._clock())
                self._gone = []
            except Exception:
                log.warning("outbox: messages not sent are left to their lease", exc_info=True)


def _account_id(item: OutboxItem) -> int:
    """A messenger's outbox row names its recipient by account id (e-mail's by address)."""
    return int(item.recipient) if item.recipient.isdigit() else -1


def _reachable(account: AccountRecord | None) -> bool:
    return account is not None and not account.unreachable
