"""One Telegram sender for replies and, later, the outbox: it honours `retry_after` on 429,
retries transient failures, and marks a chat unreachable when the user has blocked the bot."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import FSInputFile

from bot.delivery import DeliveryFailed
from bot.telegram.render import MESSAGE_LIMIT, inline_keyboard, markup
from bot.textsplit import split_text
from handlers.types import Reply
from storage.attachments import AttachmentStore

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 6
MAX_BACKOFF_SECONDS = 30.0
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        attachments: AttachmentStore,
        on_unreachable: Callable[[str], Awaitable[None]],
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._bot = bot
        self._attachments = attachments
        self._on_unreachable = on_unreachable
        self._sleep = sleep
        self._max_attempts = max_attempts

    async def call(self, chat_id: str, method: TelegramMethod[T]) -> T:
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._bot(method)
            except TelegramRetryAfter as error:
                log.info("telegram asks to wait %ss (attempt %s)", error.retry_after, attempt)
                await self._sleep(float(error.retry_after))
            except (TelegramNetworkError, TelegramServerError) as error:
                delay = min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
                log.warning(
                    "telegram transient failure %s; retry in %ss", type(error).__name__, delay
                )
                await self._sleep(delay)
            except TelegramForbiddenError as error:
                # The user blocked the bot or deleted their account: nothing more is sent.
                await self._on_unreachable(chat_id)
                raise DeliveryFailed("forbidden", permanent=True) from error
            except TelegramAPIError as error:
                raise DeliveryFailed(error.message, permanent=True) from error
        raise DeliveryFailed("gave up after retries", permanent=False)

    async def send(
        self, chat_id: str, replies: list[Reply], *, edit_message_id: int | None = None
    ) -> None:
        """Deliver in order, or raise DeliveryFailed."""
        for index, reply in enumerate(replies):
            if index == 0 and edit_message_id is not None and reply.detaches_buttons:
                await self._drop_keyboard(chat_id, edit_message_id)
            if (
                index == 0
                and edit_message_id is not None
                and await self._edit(chat_id, edit_message_id, reply)
            ):
                continue
            await self._send_one(chat_id, reply)

    async def _drop_keyboard(self, chat_id: str, message_id: int) -> None:
        """Only the buttons of the tapped message go; its text and files stay in the chat."""
        with contextlib.suppress(DeliveryFailed):
            await self.call(
                chat_id, EditMessageReplyMarkup(chat_id=chat_id, message_id=message_id)
            )

    async def _edit(self, chat_id: str, message_id: int, reply: Reply) -> bool:
        keyboard = inline_keyboard(reply)
        if not reply.replaces_prompt or reply.ask is not None or len(reply.text) > MESSAGE_LIMIT:
            return False
        try:
            await self.call(
                chat_id,
                EditMessageText(
                    chat_id=chat_id, message_id=message_id, text=reply.text, reply_markup=keyboard
                ),
            )
        except DeliveryFailed as error:
            # "message is not modified" means it already shows this; anything else: send anew.
            return "not modified" in str(error)
        return True

    async def _send_one(self, chat_id: str, reply: Reply) -> None:
        chunks = split_text(reply.text, MESSAGE_LIMIT)
        for number, chunk in enumerate(chunks, start=1):
            last = number == len(chunks)
            await self.call(
                chat_id,
                SendMessage(
                    chat_id=chat_id, text=chunk, reply_markup=markup(reply) if last else None
                ),
            )
        for file in reply.files:
            document = FSInputFile(self._attachments.path(file.storage_key), filename=file.name)
            method: TelegramMethod[Any] = (
                SendPhoto(chat_id=chat_id, photo=document)
                if file.mime in PHOTO_TYPES
                else SendDocument(chat_id=chat_id, document=document)
            )
            await self.call(chat_id, method)
