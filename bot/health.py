"""Readiness: what `/readyz` answers, from what the moving parts report.

`/livez` says only that the process answers. `/readyz` is ready when every check passes:
- `database`: a `SELECT 1` within a few seconds;
- each expected component (a channel, the scheduler …) reported `started(name)`, its watched
  task (a polling loop) is still running, and, when it has a `max_age`, it reported
  `heartbeat(name)` within that many seconds;
- any check added with `add_check(name, check)`: an async callable that returns None when all
  is well, or one short line saying what is wrong (the outbox's age check is one).

The hooks for the moving parts:
- `expect(name, max_age=None)` before starting a component: /readyz fails until it started;
- `started(name, task=None)` once it serves; with `task` (e.g. Telegram's polling task) it is
  not ready as soon as that task ends, is cancelled or fails;
- `heartbeat(name)` each time it did its work (the scheduler's tick);
- `stopped(name)` when it is stopped on purpose.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import health

Check = Callable[[], Awaitable[str | None]]
DATABASE_TIMEOUT_SECONDS = 5.0


@dataclass
class Component:
    max_age: float | None = None
    is_started: bool = False
    task: asyncio.Task[object] | None = None
    last_beat: float | None = None


@dataclass
class Readiness:
    clock: Callable[[], float] = time.monotonic
    components: dict[str, Component] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)

    def expect(self, name: str, *, max_age: float | None = None) -> None:
        self.components[name] = Component(max_age=max_age)

    def started(self, name: str, task: "asyncio.Task[object] | None" = None) -> None:
        component = self.components.setdefault(name, Component())
        component.is_started = True
        component.task = task

    def heartbeat(self, name: str) -> None:
        component = self.components.setdefault(name, Component())
        component.is_started = True
        component.last_beat = self.clock()

    def stopped(self, name: str) -> None:
        component = self.components.get(name)
        if component is not None:
            component.is_started = False
            component.task = None

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def component_problem(self, name: str) -> str | None:
        component = self.components[name]
        if not component.is_started:
            return "not started"
        task = component.task
        if task is not None and task.done():
            if task.cancelled():
                return "its task was cancelled"
            error = task.exception()
            return f"its task failed: {type(error).__name__}" if error else "its task ended"
        if component.max_age is not None:
            if component.last_beat is None:
                return "has not run yet"
            age = self.clock() - component.last_beat
            if age > component.max_age:
                return f"last ran {age:.0f} s ago (more than {component.max_age:.0f} s)"
        return None

    async def report(self) -> tuple[bool, dict[str, str]]:
        """Whether ready, and each check's result: "ok" or what is wrong."""
        results: dict[str, str] = {}
        for name, check in self.checks.items():
            try:
                problem = await check()
            except Exception as error:  # a failing check is a finding, not a crash
                problem = f"check failed: {type(error).__name__}"
            results[name] = problem or "ok"
        for name in self.components:
            results[name] = self.component_problem(name) or "ok"
        return all(result == "ok" for result in results.values()), results


def database_check(sessions: async_sessionmaker[AsyncSession]) -> Check:
    async def check() -> str | None:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), sessions() as session:
                await health.ping(session)
        except (SQLAlchemyError, OSError, TimeoutError) as error:
            return f"unreachable: {type(error).__name__}"
        return None

    return check


def outbox_check(
    sessions: async_sessionmaker[AsyncSession],
    max_age: timedelta,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Check:
    async def check() -> str | None:
        async with sessions() as session:
            backlog = await health.outbox_backlog(session)
        if backlog.oldest_created_at is None:
            return None
        age = clock() - backlog.oldest_created_at
        if age > max_age:
            return (
                f"the oldest of {backlog.pending} undelivered messages waits "
                f"{age.total_seconds():.0f} s (more than {max_age.total_seconds():.0f} s)"
            )
        return None

    return check
