"""Telegram messages and button taps as the conversation's `Incoming`."""

import io
import logging
from dataclasses import replace
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, User

from handlers.types import Contact, Incoming, IncomingFile, Location, MayDownload
from reception.files import FileProblem, file_problem, guess_type
from storage.attachments import AttachmentStore

log = logging.getLogger(__name__)

CHANNEL = "telegram"
#: The Bot API's getFile refuses files above 20 MB.
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024

UNSUPPORTED_FIELDS = (
    ("sticker", "sticker"),
    ("video_note", "video_note"),
    ("animation", "animation"),
    ("video", "video"),
    ("poll", "poll"),
    ("dice", "other"),
    ("game", "other"),
    ("story", "other"),
)


class FileIntake:
    """Downloads an attached file into the attachment store within the size and type limits."""

    def __init__(self, bot: Bot, store: AttachmentStore, max_bytes: int) -> None:
        self._bot = bot
        self._store = store
        self._max_bytes = min(max_bytes, BOT_API_DOWNLOAD_LIMIT)

    async def take(
        self,
        file_id: str,
        name: str,
        mime: str | None,
        size: int | None,
        may_download: MayDownload,
    ) -> IncomingFile:
        mime = mime or guess_type(name) or "application/octet-stream"
        if not await may_download(name):
            # Not consented, or not at a step that takes files: nothing touches the disk, and
            # the conversation says where files are accepted.
            return IncomingFile(name, mime, size or 0)
        problem = file_problem(name, mime, size if size is not None else 1, self._max_bytes)
        if problem is not None:
            return IncomingFile(name, mime, size or 0, problem=problem)
        try:
            buffer = io.BytesIO()
            await self._bot.download(file_id, destination=buffer)
        except (TelegramAPIError, OSError) as error:
            log.warning("telegram file download failed: %s", type(error).__name__)
            return IncomingFile(name, mime, size or 0, problem=FileProblem.UNREADABLE)
        data = buffer.getvalue()
        problem = file_problem(name, mime, len(data), self._max_bytes)
        if problem is not None:
            return IncomingFile(name, mime, len(data), problem=problem)
        return IncomingFile(name, mime, len(data), storage_key=self._store.save_bytes(data))


def _base(user: User, update_id: int | None) -> Incoming:
    return Incoming(
        channel=CHANNEL,
        external_user_id=str(user.id),
        locale_hint=user.language_code,
        update_id=None if update_id is None else str(update_id),
    )


async def from_message(
    message: Message,
    user: User,
    update_id: int | None,
    files: FileIntake,
    may_download: MayDownload,
) -> Incoming:
    base = _base(user, update_id)
    text = message.text or message.caption
    for field, kind in UNSUPPORTED_FIELDS:
        if getattr(message, field, None) is not None:
            return replace(base, unsupported=kind)
    if message.contact is not None:
        contact = Contact(message.contact.phone_number, own=message.contact.user_id == user.id)
        return replace(base, contact=contact)
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        point = Location(location.latitude, location.longitude)
        return replace(base, location=point)
    attached: list[IncomingFile] = []
    if message.photo:
        photo = message.photo[-1]
        attached.append(
            await files.take(
                photo.file_id,
                f"photo-{photo.file_unique_id}.jpg",
                "image/jpeg",
                photo.file_size,
                may_download,
            )
        )
    if message.voice is not None:
        voice = message.voice
        attached.append(
            await files.take(
                voice.file_id,
                f"voice-{voice.file_unique_id}.ogg",
                "audio/ogg",
                voice.file_size,
                may_download,
            )
        )
    if message.audio is not None:
        audio = message.audio
        attached.append(
            await files.take(
                audio.file_id,
                audio.file_name or f"audio-{audio.file_unique_id}.mp3",
                audio.mime_type,
                audio.file_size,
                may_download,
            )
        )
    if message.document is not None:
        document = message.document
        attached.append(
            await files.take(
                document.file_id,
                document.file_name or "document",
                document.mime_type,
                document.file_size,
                may_download,
            )
        )
    if text is None and not attached:
        return replace(base, unsupported="other")
    return replace(base, text=text, files=tuple(attached))


#: What a message may carry besides its text; a message with none of them is read from the
#: stored update as is (`plain_text`).
CONTENT_FIELDS = frozenset(
    {field for field, _ in UNSUPPORTED_FIELDS}
    | {"caption", "contact", "location", "venue", "photo", "voice", "audio", "document"}
)


def plain_text(payload: dict[str, Any]) -> Incoming | None:
    """A text message, read from the stored update without aiogram's models; None for anything
    else (files, contacts, an odd field type), which `from_message` reads. Most updates are
    texts and taps, and validating each with aiogram's models cost ≈ 5% of a dialog step's
    CPU (issue 14)."""
    message = payload.get("message")
    if not isinstance(message, dict) or not CONTENT_FIELDS.isdisjoint(message):
        return None
    text = message.get("text")
    base = _plain_base(payload, message.get("from"))
    if base is None or not isinstance(text, str) or not text:
        return None
    return replace(base, text=text)


def plain_tap(payload: dict[str, Any]) -> tuple[Incoming, str] | None:
    """A button tap and the id to answer it with, read as `plain_text` reads texts."""
    callback = payload.get("callback_query")
    if not isinstance(callback, dict):
        return None
    callback_id, data = callback.get("id"), callback.get("data", "")
    base = _plain_base(payload, callback.get("from"))
    if base is None or not isinstance(callback_id, str) or not isinstance(data, str):
        return None
    return replace(base, action=data), callback_id


def _plain_base(payload: dict[str, Any], user: Any) -> Incoming | None:
    update_id = payload.get("update_id")
    if not isinstance(user, dict) or not isinstance(update_id, int):
        return None
    user_id, language = user.get("id"), user.get("language_code")
    if not isinstance(user_id, int) or not isinstance(language, str | None):
        return None
    return Incoming(
        channel=CHANNEL,
        external_user_id=str(user_id),
        locale_hint=language,
        update_id=str(update_id),
    )


def from_callback(callback: CallbackQuery, update_id: int | None) -> Incoming:
    base = _base(callback.from_user, update_id)
    return replace(base, action=callback.data or "")
