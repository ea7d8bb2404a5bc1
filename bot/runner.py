"""`python -m bot run`: every channel the environment configures, until SIGINT or SIGTERM."""

import asyncio
import contextlib
import logging
import signal
from datetime import timedelta
from typing import Protocol

from aiohttp import web

from bot.app import App
from bot.delivery import MessengerSender
from bot.email import EmailSender
from bot.observe import channel_started, readiness_for, scheduler_ran
from bot.outbox import OutboxWorker
from bot.scheduler import start_scheduler
from bot.telegram.service import TelegramChannel
from bot.viber.service import ViberChannel
from bot.web import WebServer, build_web_app

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    @property
    def outbox_sender(self) -> MessengerSender: ...

    def register(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def configured_channels(app: App) -> list[Channel]:
    settings = app.settings
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        channels.append(
            TelegramChannel(
                settings, app.conversation, app.sessions, app.attachments, app.catalogs
            )
        )
    if settings.viber_auth_token:
        channels.append(ViberChannel(settings, app.conversation, app.sessions, app.attachments))
    return channels


async def serve(app: App, stop: asyncio.Event | None = None) -> None:
    settings = app.settings
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    channels = configured_channels(app)
    readiness = readiness_for(app, [channel.name for channel in channels])
    web_app = build_web_app(app.engine, readiness=readiness, sessions=app.sessions)
    for channel in channels:
        channel.register(web_app)
    server = WebServer(web_app, settings.web_host, settings.web_port)
    await server.start()
    log.info("web server on %s:%s", settings.web_host, settings.web_port)
    started: list[Channel] = []
    worker_task: asyncio.Task[None] | None = None
    try:
        for channel in channels:
            await channel.start()
            channel_started(readiness, channel, channel.name)
            started.append(channel)
        worker = OutboxWorker(
            app.sessions,
            {channel.name: channel.outbox_sender for channel in started},
            EmailSender(settings) if settings.smtp_host and settings.smtp_from else None,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        worker_task = asyncio.create_task(worker.run(stop))
        readiness.started("outbox worker", worker_task)
        scheduler = start_scheduler(
            app.sessions, app.conversation.config, app.catalogs, on_run=scheduler_ran(readiness)
        )
        await stop.wait()
        scheduler.shutdown(wait=False)
    finally:
        stop.set()
        if worker_task is not None:
            await worker_task
        for channel in reversed(started):
            await channel.stop()
        await server.stop()
