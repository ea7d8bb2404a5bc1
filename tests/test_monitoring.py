"""What the city's monitoring sees: /livez, /readyz that notices a dead polling task and an
unreachable database and recovers with it, and /metrics in Prometheus's format."""

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import runner
from bot.app import App, build_app
from bot.intake import Intake
from bot.runner import configured_channels, serve
from bot.settings import Settings
from tests.fake_telegram import Failure, FakeTelegram
from tests.telegram_kit import (
    TelegramUser,
    free_port,
    running_bot,
    telegram_settings,
    wait_until_serving,
)

USER = 6_100_000_001
#: Generous: the machine running the tests may be busy.
PATIENCE_SECONDS = 30.0


async def get(settings: Settings, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{settings.web_port}{path}") as response,
    ):
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def eventually(probe: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(int(PATIENCE_SECONDS / 0.1)):
        if await probe():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("did not happen in time")


async def readiness(settings: Settings) -> tuple[int, dict[str, Any]]:
    status, body = await get(settings, "/readyz")
    assert isinstance(body, dict)
    return status, body


async def ready(settings: Settings) -> bool:
    return (await readiness(settings))[0] == 200


async def not_ready(settings: Settings) -> bool:
    return (await readiness(settings))[0] == 503


def samples(page: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(page: str, name: str, **labels: str) -> float:
    return samples(page).get((name, frozenset(labels.items())), 0.0)


async def test_ready_when_polling_and_not_when_the_polling_task_dies(
    fake: FakeTelegram, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels: list[Any] = []

    def keep(app: App, intake: Intake) -> list[Any]:
        channels.extend(configured_channels(app, intake))
        return channels

    monkeypatch.setattr(runner, "configured_channels", keep)
    settings = telegram_settings(database_url, tmp_path, fake)
    async with running_bot(settings):
        assert await get(settings, "/livez") == (200, {"status": "alive"})
        await eventually(lambda: ready(settings))
        _, body = await readiness(settings)
        assert body["status"] == "ready"
        assert set(body["checks"]) == {
            "database",
            "outbox",
            "telegram",
            "scheduler",
            "outbox worker",
        }
        assert (await get(settings, "/healthz"))[0] == 200

        [channel] = channels
        channel.polling_task.cancel()
        await eventually(lambda: not_ready(settings))
        _, body = await readiness(settings)
        assert body["status"] == "not ready"
        assert body["checks"]["telegram"] == "its task was cancelled"
        assert body["checks"]["database"] == "ok"
        assert (await get(settings, "/healthz"))[0] == 503
        assert (await get(settings, "/livez"))[0] == 200


async def test_metrics_count_a_handled_update_and_a_429(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, fake)
    fake.failures["sendmessage"] = [Failure(429, "Too Many Requests: retry after 1", 1)]
    async with running_bot(settings):
        status, before = await get(settings, "/metrics")
        assert status == 200
        await TelegramUser(fake, USER).say("/start")
        status, after = await get(settings, "/metrics")
    handled = ("pryimalnia_updates_total", {"channel": "telegram", "outcome": "ok"})
    assert value(after, handled[0], **handled[1]) == value(before, handled[0], **handled[1]) + 1
    count = "pryimalnia_update_handling_seconds_count"
    assert value(after, count, channel="telegram") == value(before, count, channel="telegram") + 1
    limited = "pryimalnia_rate_limited_total"
    assert (
        value(after, limited, channel="telegram") == value(before, limited, channel="telegram") + 1
    )
    assert value(after, "pryimalnia_outbox_pending") == 0
    assert value(after, "pryimalnia_appeals_overdue") == 0
    assert value(after, "pryimalnia_scheduler_last_run_timestamp_seconds") > 0
    names = {family.name for family in text_string_to_metric_families(after)}
    assert {
        "pryimalnia_updates",
        "pryimalnia_update_handling_seconds",
        "pryimalnia_rate_limited",
        "pryimalnia_outbox_pending",
        "pryimalnia_outbox_oldest_pending_age_seconds",
        "pryimalnia_appeals",
        "pryimalnia_appeals_overdue",
        "pryimalnia_scheduler_last_run_timestamp_seconds",
    } <= names


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the database is made unreachable by moving its SQLite file away",
)
async def test_not_ready_while_the_database_is_unreachable_and_ready_after(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{folder / 'reception.db'}",
        attachments_dir=tmp_path / "attachments",
        web_host="127.0.0.1",
        web_port=free_port(),
    )
    app = await build_app(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    try:
        await wait_until_serving(task, settings)
        await eventually(lambda: ready(settings))
        folder.rename(tmp_path / "away")
        await app.engine.dispose()  # the open connection would still reach the moved file
        await eventually(lambda: not_ready(settings))
        _, body = await readiness(settings)
        assert body["checks"]["database"].startswith("unreachable")
        status, page = await get(settings, "/metrics")  # counters still served
        assert status == 200
        assert "pryimalnia_updates" in page
        (tmp_path / "away").rename(folder)
        await eventually(lambda: ready(settings))
    finally:
        stop.set()
        await task
        await app.close()


async def test_a_viber_too_many_requests_is_counted() -> None:
    from viberbot.api.messages.text_message import TextMessage

    from bot.metrics import METRICS
    from bot.viber.client import TOO_MANY_REQUESTS, ViberApiError, ViberClient
    from tests.fake_viber import VIBER_TOKEN, FakeViber

    viber = FakeViber()
    await viber.start()
    try:
        viber.receiver_status["busy-user"] = TOO_MANY_REQUESTS
        client = ViberClient(VIBER_TOKEN, "Приймальня", None, viber.api_url)
        before = METRICS.rate_limits.labels(channel="viber")._value.get()
        with pytest.raises(ViberApiError) as raised:
            await client.send("busy-user", [TextMessage(text="Добрий день")])
        assert raised.value.transient
        assert METRICS.rate_limits.labels(channel="viber")._value.get() == before + 1
    finally:
        await viber.stop()
