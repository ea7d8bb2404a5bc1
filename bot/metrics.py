"""Prometheus metrics, served at `/metrics`.

One `Metrics` a process (`METRICS`), with its own registry so that nothing else registered in
the process leaks into the page. Counters are bumped by hooks the moving parts call:

- `update_handled(channel, outcome, seconds)`: every incoming update once it is handled
  (`InstrumentedConversation` does it for every channel that goes through the conversation);
- `rate_limited(channel)`: the messenger answered 429 (`instrument_telegram` catches Telegram's);
- `scheduler_ran(timestamp)`: each run of the deadline-control jobs.

The register's gauges (outbox backlog, appeals by status, overdue) are read from the database at
each scrape by `refresh`.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import current_channel
from handlers.conversation import Conversation, Handled
from handlers.types import Incoming
from storage import health
from storage.inbox import NewUpdate

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
Outcome = Literal["ok", "error"]
#: Seconds; a dialog step takes tens of milliseconds, a slow one on a busy database seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "pryimalnia_updates",
            "Incoming updates handled, by channel and outcome.",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pryimalnia_update_handling_seconds",
            "Time to handle one incoming update, by channel.",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rate_limits = Counter(
            "pryimalnia_rate_limited",
            "Answers 429 (too many requests) from a messenger, by channel.",
            ["channel"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "pryimalnia_outbox_pending",
            "Messages in the outbox not yet delivered.",
            registry=self.registry,
        )
        self.outbox_oldest_age = Gauge(
            "pryimalnia_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered outbox message (0 when there is none).",
            registry=self.registry,
        )
        self.appeals = Gauge(
            "pryimalnia_appeals",
            "Appeals in the register, by status.",
            ["status"],
            registry=self.registry,
        )
        self.overdue = Gauge(
            "pryimalnia_appeals_overdue",
            "Appeals in work past their due date.",
            registry=self.registry,
        )
        self.scheduler_last_run = Gauge(
            "pryimalnia_scheduler_last_run_timestamp_seconds",
            "When the deadline-control jobs last ran (Unix time; 0 before the first run).",
            registry=self.registry,
        )

    # hooks ---------------------------------------------------------------------------------

    def update_handled(self, channel: str, outcome: Outcome, seconds: float) -> None:
        self.updates.labels(channel=channel, outcome=outcome).inc()
        self.latency.labels(channel=channel).observe(seconds)

    def rate_limited(self, channel: str) -> None:
        self.rate_limits.labels(channel=channel).inc()

    def scheduler_ran(self, at: datetime) -> None:
        self.scheduler_last_run.set(at.timestamp())

    # the page ------------------------------------------------------------------------------

    async def refresh(
        self, sessions: async_sessionmaker[AsyncSession], now: datetime | None = None
    ) -> None:
        """Read the register's gauges from the database."""
        now = now or datetime.now(UTC)
        async with sessions() as session:
            backlog = await health.outbox_backlog(session)
            by_status = await health.appeals_by_status(session)
            overdue = await health.overdue_count(session, now.date())
        self.outbox_pending.set(backlog.pending)
        oldest = backlog.oldest_created_at
        self.outbox_oldest_age.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        self.appeals.clear()
        for status, count in by_status.items():
            self.appeals.labels(status=status).set(count)
        self.overdue.set(overdue)

    def render(self) -> bytes:
        return generate_latest(self.registry)


METRICS = Metrics()


class InstrumentedConversation(Conversation):
    """The conversation, counting and timing every update it handles, per channel."""

    metrics: Metrics = METRICS

    async def _handle(
        self, incoming: Incoming, inbox_id: int | None, new: NewUpdate | None = None
    ) -> Handled | None:
        current_channel.set(incoming.channel)
        started = time.perf_counter()
        outcome: Outcome = "error"
        try:
            handled = await super()._handle(incoming, inbox_id, new)
            outcome = "ok"
            return handled
        finally:
            seconds = time.perf_counter() - started
            self.metrics.update_handled(incoming.channel, outcome, seconds)
            log.info(
                "update finished",
                extra={
                    "event": "update_handled",
                    "channel": incoming.channel,
                    "outcome": outcome,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )


def instrument_telegram(bot: "Bot", metrics: Metrics = METRICS) -> None:
    """Count Telegram's 429s (aiogram raises TelegramRetryAfter; the sender waits and retries)."""
    from aiogram.exceptions import TelegramRetryAfter

    async def count_retry_after(
        make_request: Callable[..., Awaitable[Any]], bot: Any, method: Any
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            metrics.rate_limited("telegram")
            raise

    bot.session.middleware(count_retry_after)
