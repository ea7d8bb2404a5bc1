"""`python -m bot run`: every channel the environment configures, until SIGINT or SIGTERM."""

import asyncio
import contextlib
import logging
import signal

from bot.app import App
from bot.telegram.service import TelegramChannel
from bot.web import WebServer, build_web_app

log = logging.getLogger(__name__)


async def serve(app: App, stop: asyncio.Event | None = None) -> None:
    settings = app.settings
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    web_app = build_web_app(app.engine)
    telegram = (
        TelegramChannel(settings, app.conversation, app.sessions, app.attachments, app.catalogs)
        if settings.telegram_bot_token
        else None
    )
    server = WebServer(web_app, settings.web_host, settings.web_port)
    started: list[TelegramChannel] = []
    try:
        if telegram is not None:
            await telegram.start(web_app)
            started.append(telegram)
        await server.start()
        log.info("web server on %s:%s", settings.web_host, settings.web_port)
        await stop.wait()
    finally:
        for channel in started:
            await channel.stop()
        await server.stop()
