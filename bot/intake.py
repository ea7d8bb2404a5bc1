"""The durable intake (DESIGN rule 10): updates are stored in the inbox before the messenger is
told they arrived, handled from there in order per person — each exactly once, in the
transaction that carries its effects — and their replies are kept until delivered. A reply that
cannot be sent goes to the outbox. A database outage leaves everything where it is, to be done
when the database is back; the person is told once that the reply is delayed."""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dbwatch import DatabaseWatch, retry_delay
from bot.delivery import DeliveryFailed
from bot.logs import new_request_id
from bot.ordering import KeyedLocks
from handlers.conversation import Conversation, Handled
from handlers.types import Incoming, MayDownload, Reply, reply_from_payload, reply_to_payload
from storage.inbox import InboxItem, NewUpdate
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A handler that raises on the same update this many times has met a bug: the person is told
#: something went wrong, and the update is set aside (kept in the inbox, marked failed).
MAX_HANDLING_ATTEMPTS = 3
SWEEP_SECONDS = 2.0
SWEEP_BATCH = 100
#: An update stored this long ago and not handled is taken up by the sweep: its process died,
#: or the database was away when it came.
STRAY_AFTER = timedelta(seconds=3)
#: How long a person's new update may wait for their previous reply to be delivered and marked
#: before it is stored the usual way: the webhook's answer or the next poll waits for it, and a
#: messenger or database in trouble must not hold them (issue 14).
AT_ONCE_WAIT_SECONDS = 0.5

Key = tuple[str, str]


class IntakeChannel(Protocol):
    """What a messenger channel gives the intake."""

    @property
    def name(self) -> str: ...

    async def parse(self, item: InboxItem, may_download: MayDownload) -> Incoming:
        """The stored update as the conversation's `Incoming`; a file is fetched only when
        `may_download()` says the person may send files now."""

    def reads_at_once(self, payload: dict[str, Any]) -> bool:
        """True when `parse` needs nothing but the update (no file to fetch): such an update
        may be stored and handled in one transaction."""

    async def deliver(self, item: InboxItem, replies: list[Reply]) -> None:
        """Send the replies to the update's sender in order, or raise DeliveryFailed."""

    async def note_delay(self, update: InboxItem | NewUpdate) -> None:
        """Tell the sender, without the database, that the reply is delayed."""

    async def note_failure(self, item: InboxItem) -> None:
        """Tell the sender that their message could not be handled."""


class Stopping(Exception):
    """The reception stops while waiting for the database: the work is left for the next start."""


@dataclass
class _Queue:
    items: deque[InboxItem] = field(default_factory=deque)
    #: Read the database for an earlier update of this person before the queue.
    check_database: bool = False
    task: asyncio.Task[None] | None = None
    #: Its update handled at once is committed: what remains of its task is the delivery.
    committed: bool = False
    #: Set once that update's replies are delivered (or queued) and marked.
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    #: Whether that update is stored, once known.
    storing: asyncio.Future[bool] | None = None


class Intake:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        conversation: Conversation,
        watch: DatabaseWatch,
        *,
        reply_lease: timedelta,
        retention: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._conversation = conversation
        self._watch = watch
        self._reply_lease = reply_lease
        self._retention = retention
        self._clock = clock
        self._channels: dict[str, IntakeChannel] = {}
        self._queues: dict[Key, _Queue] = {}
        self._locks = KeyedLocks()
        self._delivering: set[int] = set()
        #: Accounts whose replies went to the outbox: later replies queue behind them.
        self._behind: set[int] = set()
        #: People told that their reply is delayed, during the current outage.
        self._noted: set[Key] = set()
        #: Updates whose replies were delivered in this turn of the event loop, to be marked
        #: in one transaction, and that transaction's outcome.
        self._marks: list[int] = []
        self._marked: asyncio.Future[None] | None = None
        self._marking: set[asyncio.Task[None]] = set()
        self._parsed: dict[int, Incoming] = {}
        #: Tasks of queues a later update handled at once replaced, still delivering.
        self._retired: set[asyncio.Task[None]] = set()
        self.closing = False
        watch.on_back(self._noted.clear)

    def add(self, channel: IntakeChannel) -> None:
        self._channels[channel.name] = channel

    # --- intake -------------------------------------------------------------------------------

    async def accept(self, updates: list[NewUpdate]) -> bool:
        """Store the updates, then handle them in the background. False when they could not be
        stored (the database is away, or the reception is stopping): the caller must not
        acknowledge them, so that the messenger delivers them again."""
        if not updates:
            return True
        if self.closing:
            return False
        if len(updates) == 1:
            at_once = self._at_once(updates[0])
            if at_once is not None:
                return await asyncio.shield(at_once)
        for new in updates:
            queue = self._queues.get((new.channel, new.sender))
            if queue is not None and queue.storing is not None and not queue.storing.done():
                # The person's update before this one is yet to be stored with its step: this
                # one must come after it in the inbox, or it would be handled first.
                await asyncio.shield(queue.storing)
        return await self._store(updates)

    async def _store(self, updates: list[NewUpdate], *, tried: bool = False) -> bool:
        """`tried`: handling them at once met a bug, which counts as their first attempt."""
        now = self._clock()
        try:
            async with unit_of_work(self._sessions) as uow:
                ids = await uow.inbox.store(updates, now)
                for item_id in ids if tried else ():
                    if item_id is not None:
                        await uow.inbox.count_attempt(item_id)
        except Exception as error:
            if not self._watch.failed(error):
                raise
            for new in updates:
                await self._note_delay_once(new)
            return False
        self._watch.ok()
        for new, item_id in zip(updates, ids, strict=True):
            if item_id is not None:  # None: a replay of an update stored before
                self._enqueue(InboxItem(item_id, new.channel, new.sender, new.payload, 0, now))
        return True

    def _at_once(self, new: NewUpdate) -> asyncio.Future[bool] | None:
        """An update of a person with nothing else in hand here is stored and handled in one
        transaction, its replies then delivered as any other's; what `accept` returns is
        known once that transaction ends. None when the update takes the usual way."""
        key = (new.channel, new.sender)
        channel = self._channels.get(new.channel)
        if channel is None or not channel.reads_at_once(new.payload):
            return None
        before = self._queues.get(key)
        after: asyncio.Event | None = None
        if before is not None:
            # Only a queue whose own update is committed and which has nothing else in hand:
            # this person answered while the replies were still being sent or marked (a
            # reply is often read before its mark is written). The lock keeps the order.
            if before.items or not before.committed or before.task is None:
                return None
            after = before.settled
            self._retired.add(before.task)
            before.task.add_done_callback(self._retired.discard)
        # The queue, made before anything is awaited, keeps this person's later updates
        # behind this one: they join it and are handled once its replies are delivered.
        queue = self._queues[key] = _Queue()
        stored = queue.storing = asyncio.get_running_loop().create_future()
        queue.task = asyncio.create_task(
            self._handle_at_once(key, queue, channel, new, stored, after)
        )
        return stored

    async def _handle_at_once(
        self,
        key: Key,
        queue: _Queue,
        channel: IntakeChannel,
        new: NewUpdate,
        stored: asyncio.Future[bool],
        after: asyncio.Event | None,
    ) -> None:
        """`after`: the person's previous reply, still on its way when this update came."""
        try:
            if after is not None and not await _settles(after):
                # Stored now and handled from the queue in its turn, so that the webhook or
                # the poll is answered while that reply waits for the messenger or database.
                stored.set_result(await self._store([new]))
            else:
                async with self._locks.hold(key):
                    try:
                        await self._take_at_once(queue, channel, new, stored)
                    finally:
                        queue.settled.set()
        except Stopping:
            pass  # the replies are kept in the inbox, and delivered at the next start
        except Exception:
            log.exception("%s update could not be handled at once", new.channel)
        finally:
            if not stored.done():
                stored.set_result(False)
        await self._drain(key, queue)

    async def _take_at_once(
        self,
        queue: _Queue,
        channel: IntakeChannel,
        new: NewUpdate,
        stored: asyncio.Future[bool],
    ) -> None:
        handled = await self._store_and_handle(channel, new, stored)
        if handled is not None:
            assert handled.inbox_id is not None
            queue.committed = True
            now = self._clock()
            item = InboxItem(handled.inbox_id, new.channel, new.sender, new.payload, 1, now)
            await self._deliver(channel, item, handled)

    async def _store_and_handle(
        self, channel: IntakeChannel, new: NewUpdate, stored: asyncio.Future[bool]
    ) -> Handled | None:
        """The update stored and handled in one transaction, or stored the usual way when
        that cannot be (then None); `stored` is told whether it is stored."""
        new_request_id()
        now = self._clock()
        try:
            incoming = await channel.parse(
                InboxItem(0, new.channel, new.sender, new.payload, 0, now), self._no_files
            )
            handled = await self._conversation.handle_new(new, incoming)
        except Exception as error:
            if self._watch.failed(error):
                await self._note_delay_once(new)
                stored.set_result(False)
                return None
            # A bug: stored the usual way, where it is tried again and the tries are counted.
            log.exception("%s update failed", new.channel)
            stored.set_result(await self._store([new], tried=True))
            return None
        if handled is None:
            stored.set_result(await self._store([new]))
            return None
        self._watch.ok()
        stored.set_result(True)
        return handled

    @staticmethod
    async def _no_files(_: str) -> bool:
        raise AssertionError("an update read at once has no files")

    async def handle_now(self, new: NewUpdate) -> list[Reply] | None:
        """Store and handle one update at once, for a messenger that takes the reply in the
        response (Viber's welcome). None for a replay, or when an earlier update waits."""
        if self.closing:
            return None
        now = self._clock()
        async with unit_of_work(self._sessions) as uow:
            ids = await uow.inbox.store([new], now)
        if ids[0] is None:
            return None
        item = InboxItem(ids[0], new.channel, new.sender, new.payload, 0, now)
        channel = self._channels[new.channel]
        async with self._locks.hold((new.channel, new.sender)):
            handled = await self._conversation.handle_stored(
                item.id, await channel.parse(item, self._may_download(item))
            )
            if handled is None:
                self._enqueue(item)
                return None
            await self._replied(item.id)
        return handled.replies

    def _enqueue(self, item: InboxItem) -> None:
        queue = self._queue((item.channel, item.sender))
        queue.items.append(item)

    def _queue(self, key: Key) -> _Queue:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = _Queue()
            queue.task = asyncio.create_task(self._drain(key, queue))
        return queue

    # --- handling -----------------------------------------------------------------------------

    async def _drain(self, key: Key, queue: _Queue) -> None:
        """Handle one person's updates one after another, in the order they arrived."""
        failures = 0
        try:
            async with self._locks.hold(key):
                while not self.closing:
                    try:
                        item = await self._next(key, queue)
                        if item is None:
                            return
                        outcome = await self._handle(item)
                    except Exception as error:
                        if not self._watch.failed(error):
                            # A bug: leave the rest to the sweep rather than spin on it.
                            log.exception("%s inbox queue stopped", key[0])
                            return
                        failures += 1
                        await asyncio.sleep(retry_delay(failures))
                        continue
                    if outcome == "outage":
                        failures += 1
                        await asyncio.sleep(retry_delay(failures))
                        continue
                    failures = 0
                    self._settled(queue, item.id, outcome)
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]

    @staticmethod
    def _settled(queue: _Queue, item_id: int, outcome: str) -> None:
        came_from_queue = bool(queue.items) and queue.items[0].id == item_id
        if came_from_queue:
            queue.items.popleft()
        # "skipped": an earlier update of this person waits in the database (from before a
        # restart, or another instance's) and goes first; after one from the database, the
        # database is read again for the next such update.
        queue.check_database = outcome == "skipped" or not came_from_queue

    async def _next(self, key: Key, queue: _Queue) -> InboxItem | None:
        if queue.check_database:
            async with unit_of_work(self._sessions) as uow:
                earliest = await uow.inbox.earliest_received(*key)
            queue.check_database = False
            if earliest is None:
                queue.items.clear()  # all handled already, here or elsewhere
            return earliest
        return queue.items[0] if queue.items else None

    async def _handle(self, item: InboxItem) -> str:
        """One update: "handled", "skipped" (not this call's), "outage" or "failed"."""
        new_request_id()
        channel = self._channels[item.channel]
        incoming = self._parsed.get(item.id)
        if incoming is None:
            try:
                incoming = await channel.parse(item, self._may_download(item))
            except Exception as error:
                if self._watch.failed(error):
                    return "outage"
                log.exception("%s update %s could not be read", item.channel, item.id)
                await self._give_up(channel, item)
                return "failed"
            self._parsed[item.id] = incoming
        try:
            handled = await self._conversation.handle_stored(item.id, incoming)
        except Exception as error:
            if self._watch.failed(error):
                await self._note_delay_once(item)
                return "outage"
            log.exception("%s update %s failed", item.channel, item.id)
            return await self._count_failure(channel, item)
        self._parsed.pop(item.id, None)
        self._watch.ok()
        if handled is None:
            return "skipped"
        await self._deliver(channel, item, handled)
        return "handled"

    def _may_download(self, item: InboxItem) -> MayDownload:
        def ask(name: str) -> Awaitable[bool]:
            return self._conversation.takes_files(item.channel, item.sender, name)

        return ask

    async def _count_failure(self, channel: IntakeChannel, item: InboxItem) -> str:
        async with unit_of_work(self._sessions) as uow:
            attempts = await uow.inbox.count_attempt(item.id)
        if attempts < MAX_HANDLING_ATTEMPTS:
            return "outage"  # the same again after a pause
        await self._give_up(channel, item)
        return "failed"

    async def _give_up(self, channel: IntakeChannel, item: InboxItem) -> None:
        incoming = self._parsed.pop(item.id, None)
        async with unit_of_work(self._sessions) as uow:
            await uow.inbox.give_up(item.id, self._clock())
        if incoming is not None:
            # Downloaded for a step that never ran: nobody keeps them.
            await self._conversation.discard_files(incoming)
        try:
            await channel.note_failure(item)
        except DeliveryFailed as error:
            log.info("failure note not sent: %s", error)

    async def _note_delay_once(self, update: InboxItem | NewUpdate) -> None:
        key = (update.channel, update.sender)
        channel = self._channels.get(update.channel)
        if key in self._noted or channel is None:
            return
        self._noted.add(key)
        try:
            await channel.note_delay(update)
        except DeliveryFailed as error:  # best effort: the reply itself comes later
            log.info("delay note not sent: %s", error)

    # --- delivery -----------------------------------------------------------------------------

    async def _deliver(self, channel: IntakeChannel, item: InboxItem, handled: Handled) -> None:
        if not handled.replies:
            await self._replied(item.id)
            return
        self._delivering.add(item.id)
        try:
            if handled.account_id in self._behind and await self._still_behind(
                channel.name, handled.account_id
            ):
                await self._to_outbox(item.id, channel.name, handled.account_id, handled.replies)
                return
            try:
                await channel.deliver(item, handled.replies)
            except DeliveryFailed as error:
                if error.permanent:
                    log.info("%s reply not deliverable: %s", channel.name, error)
                    await self._replied(item.id)
                else:
                    log.warning("%s reply queued for a later try: %s", channel.name, error)
                    await self._to_outbox(
                        item.id, channel.name, handled.account_id, handled.replies
                    )
                return
            await self._replied(item.id)
        finally:
            self._delivering.discard(item.id)

    async def _still_behind(self, channel: str, account_id: int) -> bool:
        async def check(uow: UnitOfWork) -> bool:
            return await uow.outbox_queue.has_pending(channel, str(account_id))

        behind = await self._persist(check)
        if not behind:
            self._behind.discard(account_id)
        return behind

    async def _to_outbox(
        self, item_id: int, channel: str, account_id: int, replies: list[Reply]
    ) -> None:
        """The replies go to the outbox, which keeps each chat's order, and the update is done,
        in one transaction."""

        async def move(uow: UnitOfWork) -> None:
            await _queue_replies(uow, channel, account_id, replies, self._clock())
            await uow.inbox.replied([item_id])

        await self._persist(move)
        self._behind.add(account_id)

    async def _replied(self, item_id: int) -> None:
        """The update's replies reached the person. The marks of the replies delivered in the
        same turn of the event loop share one transaction: under load a commit per update was a
        fifth of the reception's CPU (issue 14). The mark is still written before the next
        update of the same person is taken up."""
        self._marks.append(item_id)
        if self._marked is None:
            self._marked = asyncio.get_running_loop().create_future()
            task = asyncio.create_task(self._write_marks(self._marked))
            self._marking.add(task)
            task.add_done_callback(self._marking.discard)
        await asyncio.shield(self._marked)

    async def _write_marks(self, marked: asyncio.Future[None]) -> None:
        await asyncio.sleep(0)  # the deliveries finished in this turn join the batch
        ids, self._marks, self._marked = self._marks, [], None

        async def record(uow: UnitOfWork) -> None:
            await uow.inbox.replied(ids)

        try:
            await self._persist(record)
        except asyncio.CancelledError:
            marked.cancel()
            raise
        except Exception as error:  # each waiter raises it, as its own write would have
            marked.set_exception(error)
            marked.exception()  # retrieved here too: a waiter may have stopped waiting
        else:
            marked.set_result(None)

    async def _persist(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in a transaction, waiting for the database while it is away. When the
        reception stops meanwhile, the work is left undone: the reply is then delivered again
        at the next start (the one at-least-once window)."""
        attempt = 0
        while True:
            try:
                async with unit_of_work(self._sessions) as uow:
                    result = await work(uow)
            except Exception as error:
                if not self._watch.failed(error):
                    raise
                if self.closing:
                    raise Stopping from error
                attempt += 1
                await asyncio.sleep(retry_delay(attempt))
                continue
            self._watch.ok()
            return result

    # --- the sweep ----------------------------------------------------------------------------

    async def sweep(self) -> None:
        """Take up what no handler in this process holds — updates stored before a restart, by
        an instance that died, or while the database was away — and replies whose delivery was
        cut off; forget finished updates after the retention term."""
        now = self._clock()
        async with unit_of_work(self._sessions) as uow:
            waiting = await uow.inbox.waiting_senders(now - STRAY_AFTER, SWEEP_BATCH)
        for key in waiting:
            if key[0] in self._channels and not self.closing:
                # Its task starts after this line: the first thing it reads is the database.
                self._queue(key).check_database = True
        async with unit_of_work(self._sessions) as uow:
            for item in await uow.inbox.undelivered(now - self._reply_lease, SWEEP_BATCH):
                if item.id in self._delivering or item.replies is None:
                    continue
                replies = [reply_from_payload(r) for r in item.replies.get("replies", [])]
                account_id = int(item.replies["account"])
                await _queue_replies(uow, item.channel, account_id, replies, now)
                await uow.inbox.replied([item.id])
                self._behind.add(account_id)
            await uow.inbox.prune(now - self._retention)

    async def run_sweeps(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set() and not self.closing:
            try:
                await self.sweep()
                self._watch.ok()
                failures = 0
            except Exception as error:
                if not self._watch.failed(error):
                    log.exception("inbox sweep failed")
                failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SWEEP_SECONDS + retry_delay(failures))

    # --- stopping -----------------------------------------------------------------------------

    async def close(self, grace: float) -> None:
        """Stop taking updates, and let those being handled and sent finish within `grace`
        seconds; what does not finish stays in the inbox for the next start."""
        self.closing = True
        tasks = [q.task for q in self._queues.values() if q.task is not None]
        tasks.extend(self._retired)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if pending:
            log.warning("%d people's updates left for the next start", len(pending))


async def _settles(event: asyncio.Event) -> bool:
    try:
        await asyncio.wait_for(event.wait(), AT_ONCE_WAIT_SECONDS)
    except TimeoutError:
        return False
    return True


async def _queue_replies(
    uow: UnitOfWork, channel: str, account_id: int, replies: list[Reply], now: datetime
) -> None:
    for reply in replies:
        await uow.outbox.enqueue(
            channel=channel,
            recipient=str(account_id),
            kind="reply",
            payload=reply_to_payload(reply),
            now=now,
        )
