"""The Telegram channel: the bot, long polling or the webhook into the durable inbox, the
commands menu, and replies through the retrying sender."""

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage
from aiogram.types import BotCommand, Update
from aiogram.utils.token import TokenValidationError
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import StartupError
from bot.delivery import DeliveryFailed
from bot.intake import Intake
from bot.settings import Settings
from bot.telegram.inbound import (
    CHANNEL,
    FileIntake,
    from_callback,
    from_message,
    plain_tap,
    plain_text,
)
from bot.telegram.responses import keep_response_classes
from bot.telegram.sender import TelegramSender
from bot.telegram.session import KeptKeyboardsSession
from handlers.citizen_commands import CITIZEN_COMMANDS
from handlers.i18n import LOCALES, Catalogs
from handlers.intake_notes import delay_note, failure_note
from handlers.types import Incoming, MayDownload, Reply
from storage.attachments import AttachmentStore
from storage.inbox import InboxItem, NewUpdate
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name, not a secret
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT_SECONDS = 10
POLL_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


def command_menu(catalogs: Catalogs, locale: str) -> list[BotCommand]:
    """The "/" menu: the citizen commands whose row says so, in the person's language."""
    _ = catalogs.get(locale).gettext
    return [
        BotCommand(command=c.name.removeprefix("/"), description=_(c.menu))
        for c in CITIZEN_COMMANDS.values()
        if c.menu is not None
    ]


def new_update(raw: dict[str, Any]) -> NewUpdate | None:
    """The update as an inbox row, keyed by its sender; None for what the reception does not
    take (groups, channels, bots, other kinds of update)."""
    update_id = raw.get("update_id")
    message = raw.get("message")
    callback = raw.get("callback_query")
    if isinstance(message, dict):
        chat = message.get("chat") or {}
        sender = message.get("from") or {}
        if chat.get("type") != "private" or sender.get("is_bot"):
            return None  # the reception talks to people one to one, never in groups
    elif isinstance(callback, dict):
        sender = callback.get("from") or {}
        chat = (callback.get("message") or {}).get("chat") or {}
        if chat and chat.get("type") != "private":
            return None
    else:
        return None
    if not isinstance(update_id, int) or not isinstance(sender.get("id"), int):
        return None
    return NewUpdate(CHANNEL, str(update_id), str(sender["id"]), raw)


def _language(payload: dict[str, Any]) -> str | None:
    event = payload.get("message") or payload.get("callback_query") or {}
    language = (event.get("from") or {}).get("language_code")
    return language if isinstance(language, str) else None


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        intake: Intake,
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
        keep_response_classes()
        try:
            self.bot = Bot(
                token.get_secret_value(),
                session=KeptKeyboardsSession(api=api) if api else KeptKeyboardsSession(),
            )
        except TokenValidationError:
            raise StartupError(
                "TELEGRAM_BOT_TOKEN is not a bot token (it looks like 123456789:AAE…)"
            ) from None
        self.settings = settings
        self.intake = intake
        self.sessions = sessions
        self.catalogs = catalogs
        self.files = FileIntake(self.bot, attachments, settings.max_file_mb * 1024 * 1024)
        self.sender = TelegramSender(self.bot, attachments, self.mark_unreachable, sleep=sleep)
        self._polling: asyncio.Task[None] | None = None
        #: Taps being answered to Telegram, by callback id, while their step runs.
        self._answering: dict[str, asyncio.Task[None]] = {}
        intake.add(self)

    @property
    def outbox_sender(self) -> TelegramSender:
        return self.sender

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    @property
    def polling_task(self) -> "asyncio.Task[None] | None":
        """The long-polling task in polling mode (readiness watches it)."""
        return self._polling

    async def mark_unreachable(self, chat_id: str) -> None:
        async with unit_of_work(self.sessions) as uow:
            await uow.people.mark_unreachable(CHANNEL, chat_id)

    # --- what the intake asks of a channel ------------------------------------------------

    def reads_at_once(self, payload: dict[str, Any]) -> bool:
        return plain_text(payload) is not None or plain_tap(payload) is not None

    async def parse(self, item: InboxItem, may_download: MayDownload) -> Incoming:
        text = plain_text(item.payload)
        if text is not None:
            return text
        tap = plain_tap(item.payload)
        if tap is not None:
            incoming, callback_id = tap
            self._answer(callback_id)
            return incoming
        update = Update.model_validate(item.payload, context={"bot": self.bot})
        if update.callback_query is not None:
            callback = update.callback_query
            self._answer(callback.id)
            return from_callback(callback, update.update_id)
        message = update.message
        # new_update let through only private messages with a sender, and callbacks.
        assert message is not None
        assert message.from_user is not None
        return await from_message(
            message, message.from_user, update.update_id, self.files, may_download
        )

    def _answer(self, callback_id: str) -> None:
        """The button stops spinning while the step runs: the answer to Telegram is not awaited
        before the tap is stored and handled, so neither the webhook's answer nor the next poll
        waits on a round trip to the Bot API (issue 14); the replies wait for it (`deliver`)."""
        if callback_id in self._answering:
            return
        task = asyncio.create_task(self._answer_now(callback_id))
        self._answering[callback_id] = task
        task.add_done_callback(lambda _: self._answering.pop(callback_id, None))

    async def _answer_now(self, callback_id: str) -> None:
        try:
            await self.bot(AnswerCallbackQuery(callback_query_id=callback_id))
        except TelegramAPIError:
            pass  # too old, or answered already: the replies still come
        except Exception as error:  # nobody awaits this task's outcome
            log.warning("tap not answered: %s", type(error).__name__)

    async def deliver(self, item: InboxItem, replies: list[Reply]) -> None:
        callback = item.payload.get("callback_query") or {}
        answering = self._answering.get(str(callback.get("id")))
        if answering is not None:
            await asyncio.wait({answering})  # the tap is answered before its replies
        edit = (callback.get("message") or {}).get("message_id")
        await self.sender.send(
            item.sender, replies, edit_message_id=edit if isinstance(edit, int) else None
        )

    async def note_delay(self, update: InboxItem | NewUpdate) -> None:
        await self._say_once(update.sender, delay_note(self.catalogs, _language(update.payload)))

    async def note_failure(self, item: InboxItem) -> None:
        await self._say_once(item.sender, failure_note(self.catalogs, _language(item.payload)))

    async def _say_once(self, chat_id: str, reply: Reply) -> None:
        try:
            await self.bot(SendMessage(chat_id=chat_id, text=reply.text))
        except TelegramAPIError as error:
            raise DeliveryFailed(type(error).__name__, permanent=False) from error

    # --- intake: the webhook and long polling ------------------------------------------------

    def register(self, app: web.Application) -> None:
        """Add the webhook route (webhook mode) before the web server starts."""
        if self.webhook_mode:
            app.router.add_post(self.webhook_path, self.webhook)

    @property
    def _secret(self) -> str | None:
        secret = self.settings.telegram_webhook_secret
        return secret.get_secret_value() if secret else None

    async def webhook(self, request: web.Request) -> web.Response:
        """200 only once the update is stored: otherwise Telegram delivers it again later."""
        secret = self._secret
        if secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), secret.encode()
        ):
            return web.Response(status=401)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        new = new_update(raw) if isinstance(raw, dict) else None
        if new is None:
            return web.Response()
        if not await self.intake.accept([new]):
            return web.Response(status=503)
        return web.Response()

    async def _poll(self) -> None:
        """Long polling that moves past an update only once it is stored: the next getUpdates
        call with a higher offset is what tells Telegram it arrived."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.bot(
                    GetUpdates(
                        offset=offset,
                        timeout=POLL_TIMEOUT_SECONDS,
                        allowed_updates=ALLOWED_UPDATES,
                    ),
                    # As aiogram's own polling: the long poll's time on top of the usual limit.
                    request_timeout=int(self.bot.session.timeout + POLL_TIMEOUT_SECONDS),
                )
            except TelegramRetryAfter as error:
                await asyncio.sleep(float(error.retry_after))
                continue
            except TelegramAPIError as error:
                delay = POLL_RETRY_SECONDS[min(failures, len(POLL_RETRY_SECONDS) - 1)]
                failures += 1
                log.warning(
                    "telegram polling failed (%s); again in %ss", type(error).__name__, delay
                )
                await asyncio.sleep(delay)
                continue
            failures = 0
            if not updates:
                continue
            raws = [u.model_dump(mode="json", exclude_none=True, by_alias=True) for u in updates]
            new = [n for n in map(new_update, raws) if n is not None]
            attempt = 0
            while not await self._store(new):
                if self.intake.closing:
                    return  # not stored: Telegram gives them again at the next start
                await asyncio.sleep(POLL_RETRY_SECONDS[min(attempt, len(POLL_RETRY_SECONDS) - 1)])
                attempt += 1
            offset = updates[-1].update_id + 1

    async def _store(self, new: list[NewUpdate]) -> bool:
        try:
            return await self.intake.accept(new)
        except Exception:
            # Not an outage (those return False) but a bug: polling must outlive it.
            log.exception("telegram updates could not be stored")
            return False

    # --- start and stop ---------------------------------------------------------------------

    async def start(self) -> None:
        """Check the token, register the commands, then poll or set the webhook."""
        try:
            me = await self.bot.get_me()
            for locale in LOCALES:
                await self.bot.set_my_commands(
                    command_menu(self.catalogs, locale), language_code=locale
                )
            await self.bot.set_my_commands(command_menu(self.catalogs, self.catalogs.default))
            if self.webhook_mode:
                await self.bot.set_webhook(
                    str(self.settings.telegram_webhook_url),
                    secret_token=self._secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await self.bot.delete_webhook(drop_pending_updates=False)
                self._polling = asyncio.create_task(self._poll())
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
        except AiogramError as error:
            # e.g. a proxy's HTML 502 page where the Bot API's JSON was expected
            await self.bot.session.close()
            raise StartupError(
                f"the Telegram Bot API answered something unexpected ({type(error).__name__}): "
                "check TELEGRAM_API_URL and any proxy on the way"
            ) from None
        log.info(
            "telegram bot @%s serving (%s)",
            me.username,
            "webhook" if self.webhook_mode else "polling",
        )

    @property
    def webhook_path(self) -> str:
        return urlsplit(str(self.settings.telegram_webhook_url)).path or DEFAULT_WEBHOOK_PATH

    async def stop_intake(self) -> None:
        """Take no more updates (a webhook answers 503 through the closing intake)."""
        if self._polling is not None:
            self._polling.cancel()
            try:
                await self._polling
            except asyncio.CancelledError:
                pass
            except Exception as error:  # it had died already: readiness reported it
                log.warning("telegram polling had stopped: %s", type(error).__name__)
            self._polling = None

    async def stop(self) -> None:
        await self.stop_intake()
        # An answer still in flight is of no use once the replies are not sent: it is not
        # waited for, so a Bot API that hangs cannot hold the stop.
        answering = list(self._answering.values())
        for task in answering:
            task.cancel()
        if answering:
            await asyncio.wait(answering)
        await self.bot.session.close()
