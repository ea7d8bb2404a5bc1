"""`python -m bot run`: every channel the environment configures and the web server (webhooks,
monitoring, the public page and Open311), until SIGINT or SIGTERM. With no channel configured
it serves the web part alone."""

import asyncio
import contextlib
import hashlib
import logging
import signal
from datetime import timedelta
from typing import Protocol

from aiohttp import web

from bot import memory
from bot.app import App
from bot.dbwatch import DatabaseWatch
from bot.delivery import MessengerSender
from bot.email import EmailSender
from bot.intake import Intake
from bot.observe import channel_started, readiness_for, scheduler_ran
from bot.outbox import OutboxWorker
from bot.public_web import register_public
from bot.scheduler import start_scheduler
from bot.signed_files import SignedFiles
from bot.web import WebServer, build_web_app

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    @property
    def outbox_sender(self) -> MessengerSender: ...

    def register(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop_intake(self) -> None: ...

    async def stop(self) -> None: ...


def configured_channels(app: App, intake: Intake) -> list[Channel]:
    settings = app.settings
    channels: list[Channel] = []
    # Each messenger's library is imported only when its token is set: a large import.
    if settings.telegram_bot_token:
        from bot.telegram.service import TelegramChannel

        channels.append(
            TelegramChannel(settings, intake, app.sessions, app.attachments, app.catalogs)
        )
    if settings.viber_auth_token:
        from bot.viber.service import ViberChannel

        channels.append(
            ViberChannel(settings, intake, app.sessions, app.attachments, app.catalogs)
        )
    return channels


def build_intake(app: App, watch: DatabaseWatch) -> Intake:
    settings = app.settings
    return Intake(
        app.sessions,
        app.conversation,
        watch,
        reply_lease=timedelta(seconds=settings.outbox_lease_seconds),
        retention=timedelta(days=settings.inbox_retention_days),
    )


#: A department may open an appeal's files days after the e-mail came.
MAIL_LINK_SECONDS = 14 * 24 * 3600


def mail_file_links(app: App) -> SignedFiles | None:
    """Signed links for the department's e-mail, when the deployment publishes `/files/`."""
    settings = app.settings
    if not settings.files_public_url or settings.files_link_secret is None:
        return None
    secret = hashlib.sha256(
        b"mail-files:" + settings.files_link_secret.get_secret_value().encode()
    ).digest()
    return SignedFiles(
        app.attachments,
        secret,
        settings.files_public_url,
        prefix="/files/mail",
        lifetime_seconds=MAIL_LINK_SECONDS,
    )


async def serve(app: App, stop: asyncio.Event | None = None) -> None:
    settings = app.settings
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    watch = DatabaseWatch()
    intake = build_intake(app, watch)
    channels = configured_channels(app, intake)
    readiness = readiness_for(app, [channel.name for channel in channels])
    web_app = build_web_app(app.engine, readiness=readiness, sessions=app.sessions)
    register_public(web_app, settings, app.sessions, app.catalogs, app.conversation.config)
    for channel in channels:
        channel.register(web_app)
    mail_files = mail_file_links(app)
    if mail_files is not None:
        mail_files.register(web_app)
    server = WebServer(web_app, settings.web_host, settings.web_port)
    await server.start()
    log.info("web server on %s:%s", settings.web_host, settings.web_port)
    started: list[Channel] = []
    background: list[asyncio.Task[None]] = []
    worker_stop = asyncio.Event()
    try:
        # What was stored and not handled before a restart goes first.
        background.append(asyncio.create_task(intake.run_sweeps(stop)))
        for channel in channels:
            await channel.start()
            channel_started(readiness, channel, channel.name)
            started.append(channel)
        worker = OutboxWorker(
            app.sessions,
            {channel.name: channel.outbox_sender for channel in started},
            EmailSender(settings, mail_files)
            if settings.smtp_host and settings.smtp_from
            else None,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            watch=watch,
        )
        worker_task = asyncio.create_task(worker.run(worker_stop))
        background.append(worker_task)
        readiness.started("outbox worker", worker_task)
        scheduler = start_scheduler(
            app.sessions,
            app.conversation.config,
            app.catalogs,
            watch,
            on_run=scheduler_ran(readiness),
        )
        memory.settle()
        await stop.wait()
        scheduler.shutdown(wait=False)
    finally:
        stop.set()
        # Graceful: no new updates; those in hand finish within the grace; then the outbox.
        for channel in started:
            await channel.stop_intake()
        await intake.close(settings.shutdown_grace_seconds)
        worker_stop.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*background, return_exceptions=True),
                settings.shutdown_grace_seconds + 1,
            )
        for task in background:
            task.cancel()
        for channel in reversed(started):
            await channel.stop()
        await server.stop()
