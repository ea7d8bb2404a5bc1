"""Wiring monitoring into `run`: which components /readyz expects and how each reports."""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.app import App
from bot.health import Readiness, database_check, outbox_check
from bot.metrics import METRICS, instrument_telegram

#: The deadline-control jobs run every minute; two minutes without a run is not ready.
SCHEDULER = "scheduler"
SCHEDULER_MAX_AGE_SECONDS = 120.0


def readiness_for(app: App, channels: list[str]) -> Readiness:
    readiness = Readiness()
    readiness.add_check("database", database_check(app.sessions))
    readiness.add_check(
        "outbox",
        outbox_check(app.sessions, timedelta(seconds=app.settings.ready_outbox_max_age_seconds)),
    )
    for name in channels:
        readiness.expect(name)
    readiness.expect(SCHEDULER, max_age=SCHEDULER_MAX_AGE_SECONDS)
    return readiness


def polling_task(channel: object) -> "asyncio.Task[Any] | None":
    """A channel's long-polling task, when it polls."""
    task = getattr(channel, "polling_task", None)
    return task if isinstance(task, asyncio.Task) else None


def channel_started(readiness: Readiness, channel: object, name: str) -> None:
    readiness.started(name, polling_task(channel))
    bot = getattr(channel, "bot", None)
    if name == "telegram" and bot is not None:
        instrument_telegram(bot)


def scheduler_ran(readiness: Readiness) -> Callable[[datetime], None]:
    def ran(at: datetime) -> None:
        readiness.heartbeat(SCHEDULER)
        METRICS.scheduler_ran(at)

    return ran
