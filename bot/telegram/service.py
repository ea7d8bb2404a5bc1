"""The Telegram channel: the bot, its dispatcher, polling or webhook, the commands menu."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiogram import BaseMiddleware, Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import BotCommand, CallbackQuery, Message, TelegramObject, Update
from aiogram.utils.token import TokenValidationError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import StartupError
from bot.delivery import DeliveryFailed
from bot.logs import new_request_id
from bot.ordering import KeyedLocks
from bot.settings import Settings
from bot.telegram.inbound import CHANNEL, FileIntake, from_callback, from_message
from bot.telegram.sender import TelegramSender
from handlers.conversation import Conversation
from handlers.i18n import LOCALES, Catalogs
from handlers.types import Reply
from storage.attachments import AttachmentStore
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram/webhook"


class PerUserOrder(BaseMiddleware):
    """Updates from one user are handled one after another, in order; others run alongside.
    (aiogram's SimpleEventIsolation keeps a lock per user forever; this one lets go.)"""

    def __init__(self) -> None:
        self._locks = KeyedLocks()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        new_request_id()
        user = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        async with self._locks.hold(int(user.id)):
            return await handler(event, data)


def command_menu(catalogs: Catalogs, locale: str) -> list[BotCommand]:
    _ = catalogs.get(locale).gettext
    return [
        BotCommand(command="start", description=_("Start or continue")),
        BotCommand(command="new", description=_("File a new appeal")),
        BotCommand(command="my", description=_("My appeals")),
        BotCommand(command="help", description=_("Help")),
        BotCommand(command="lang", description=_("Change the language")),
        BotCommand(command="cancel", description=_("Stop and return to the menu")),
    ]


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        sessions: async_sessionmaker[AsyncSession],
        attachments: AttachmentStore,
        catalogs: Catalogs,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        token = settings.telegram_bot_token
        if token is None:
            raise StartupError("TELEGRAM_BOT_TOKEN is not set")
        api = (
            TelegramAPIServer.from_base(settings.telegram_api_url)
            if settings.telegram_api_url
            else None
        )
        try:
            self.bot = Bot(
                token.get_secret_value(),
                session=AiohttpSession(api=api) if api else AiohttpSession(),
            )
        except TokenValidationError:
            raise StartupError(
                "TELEGRAM_BOT_TOKEN is not a bot token (it looks like 123456789:AAE…)"
            ) from None
        self.settings = settings
        self.conversation = conversation
        self.sessions = sessions
        self.catalogs = catalogs
        self.files = FileIntake(self.bot, attachments, settings.max_file_mb * 1024 * 1024)
        self.sender = TelegramSender(self.bot, attachments, self.mark_unreachable, sleep=sleep)
        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware(PerUserOrder())
        self.dispatcher.include_router(self.build_router())
        self._polling: asyncio.Task[None] | None = None

    @property
    def outbox_sender(self) -> TelegramSender:
        return self.sender

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    def build_router(self) -> Router:
        router = Router(name="telegram-citizen")
        router.message.register(self.on_message)
        router.callback_query.register(self.on_callback)
        return router

    async def mark_unreachable(self, chat_id: str) -> None:
        async with unit_of_work(self.sessions) as uow:
            await uow.people.mark_unreachable(CHANNEL, chat_id)

    async def on_message(self, message: Message, event_update: Update) -> None:
        user = message.from_user
        if user is None or user.is_bot or message.chat.type != "private":
            return  # the reception talks to people one to one, never in groups
        incoming = await from_message(message, user, event_update.update_id, self.files)
        await self._deliver(str(message.chat.id), await self.conversation.handle(incoming))

    async def on_callback(self, callback: CallbackQuery, event_update: Update) -> None:
        try:
            message = callback.message
            if message is None or message.chat.type != "private":
                return
            incoming = from_callback(callback, event_update.update_id)
            replies = await self.conversation.handle(incoming)
            await self._deliver(str(message.chat.id), replies, edit=message.message_id)
        finally:
            # Always answered, so the button never keeps spinning.
            try:
                await callback.answer()
            except TelegramAPIError as error:
                log.info("callback answer failed: %s", type(error).__name__)

    async def _deliver(
        self, chat_id: str, replies: list[Reply], *, edit: int | None = None
    ) -> None:
        try:
            await self.sender.send(chat_id, replies, edit_message_id=edit)
        except DeliveryFailed as error:
            log.warning("telegram reply not delivered: %s", error)

    def register(self, app: web.Application) -> None:
        """Add the webhook route (webhook mode) before the web server starts."""
        if self.webhook_mode:
            SimpleRequestHandler(
                dispatcher=self.dispatcher, bot=self.bot, secret_token=self._secret
            ).register(app, path=self.webhook_path)

    @property
    def _secret(self) -> str | None:
        secret = self.settings.telegram_webhook_secret
        return secret.get_secret_value() if secret else None

    async def start(self) -> None:
        """Check the token, register the commands, then poll or set the webhook."""
        try:
            me = await self.bot.get_me()
            for locale in LOCALES:
                await self.bot.set_my_commands(
                    command_menu(self.catalogs, locale), language_code=locale
                )
            await self.bot.set_my_commands(command_menu(self.catalogs, self.catalogs.default))
            updates = self.dispatcher.resolve_used_update_types()
            if self.webhook_mode:
                await self.bot.set_webhook(
                    str(self.settings.telegram_webhook_url),
                    secret_token=self._secret,
                    allowed_updates=updates,
                )
            else:
                await self.bot.delete_webhook(drop_pending_updates=False)
                self._polling = asyncio.create_task(
                    self.dispatcher.start_polling(
                        self.bot,
                        handle_signals=False,
                        close_bot_session=False,
                        allowed_updates=updates,
                    )
                )
        except TelegramUnauthorizedError:
            await self.bot.session.close()
            raise StartupError(
                "Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather"
            ) from None
        except TelegramNetworkError:
            await self.bot.session.close()
            raise StartupError(
                "cannot reach the Telegram Bot API: check the network and TELEGRAM_API_URL"
            ) from None
        log.info(
            "telegram bot @%s serving (%s)",
            me.username,
            "webhook" if self.webhook_mode else "polling",
        )

    @property
    def webhook_path(self) -> str:
        return urlsplit(str(self.settings.telegram_webhook_url)).path or DEFAULT_WEBHOOK_PATH

    async def stop(self) -> None:
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling had already stopped
                await self.dispatcher.stop_polling()
            await self._polling
        await self.bot.session.close()
