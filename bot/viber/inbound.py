"""Viber callbacks as the conversation's `Incoming`."""

import logging
from dataclasses import replace
from typing import Any

import aiohttp

from handlers.types import Contact, Incoming, IncomingFile, Location, MayDownload
from reception.files import FileProblem, file_problem, guess_type
from storage.attachments import AttachmentStore

log = logging.getLogger(__name__)

CHANNEL = "viber"
DOWNLOAD_TIMEOUT_SECONDS = 60
UNSUPPORTED_TYPES = {
    "sticker": "sticker",
    "video": "video",
    "url": "other",
    "rich_media": "other",
    "keyboard": "other",
}


class MediaIntake:
    """Downloads a picture or file from the URL in Viber's callback, within the limits."""

    def __init__(self, store: AttachmentStore, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes

    async def take(
        self, url: str, name: str, size: int | None, may_download: MayDownload
    ) -> IncomingFile:
        mime = guess_type(name) or "application/octet-stream"
        if not await may_download(name):
            # Not consented, or not at a step that takes files: nothing touches the disk.
            return IncomingFile(name, mime, size or 0)
        problem = file_problem(name, mime, size if size else 1, self._max_bytes)
        if problem is not None:
            return IncomingFile(name, mime, size or 0, problem=problem)
        try:
            data = await self._download(url)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("viber media download failed: %s", type(error).__name__)
            return IncomingFile(name, mime, size or 0, problem=FileProblem.UNREADABLE)
        if data is None:
            return IncomingFile(name, mime, self._max_bytes + 1, problem=FileProblem.TOO_LARGE)
        problem = file_problem(name, mime, len(data), self._max_bytes)
        if problem is not None:
            return IncomingFile(name, mime, len(data), problem=problem)
        return IncomingFile(name, mime, len(data), storage_key=self._store.save_bytes(data))

    async def _download(self, url: str) -> bytes | None:
        """The body, or None when it is larger than allowed (read no further than that)."""
        timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
            response.raise_for_status()
            data = bytearray()
            async for chunk in response.content.iter_chunked(65536):
                data += chunk
                if len(data) > self._max_bytes:
                    return None
            return bytes(data)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


#: The kinds of message whose file is fetched while reading them.
MEDIA_TYPES = frozenset({"picture", "file"})


def reads_without_download(body: dict[str, Any]) -> bool:
    message = body.get("message")
    return isinstance(message, dict) and message.get("type") not in MEDIA_TYPES


async def from_message(
    body: dict[str, Any], media: MediaIntake, may_download: MayDownload
) -> Incoming | None:
    """The `message` callback as `Incoming`; None when it lacks what every message has."""
    sender = body.get("sender") or {}
    message = body.get("message") or {}
    user_id = _text(sender.get("id"))
    if not user_id or not isinstance(message, dict):
        return None
    base = Incoming(
        channel=CHANNEL,
        external_user_id=user_id,
        locale_hint=_text(sender.get("language")),
        update_id=str(body.get("message_token")) if body.get("message_token") else None,
    )
    kind = message.get("type")
    if kind in UNSUPPORTED_TYPES:
        return replace(base, unsupported=UNSUPPORTED_TYPES[str(kind)])
    if kind == "text":
        return replace(base, text=_text(message.get("text")) or "")
    if kind == "contact":
        contact = message.get("contact") or {}
        phone = _text(contact.get("phone_number")) or ""
        # Viber cannot tell a shared contact card from the sender's own number (and echoes the
        # last tracking_data on any message): it vouches for nothing.
        return replace(base, contact=Contact(phone, own=None))
    if kind == "location":
        location = message.get("location") or {}
        try:
            point = Location(float(location["lat"]), float(location["lon"]))
        except (KeyError, TypeError, ValueError):
            return replace(base, unsupported="other")
        return replace(base, location=point)
    if kind in MEDIA_TYPES:
        url = _text(message.get("media"))
        if not url:
            return replace(base, unsupported="other")
        default_name = "photo.jpg" if kind == "picture" else "file"
        name = _text(message.get("file_name")) or default_name
        size = message.get("size") if isinstance(message.get("size"), int) else None
        attached = await media.take(url, name, size, may_download)
        caption = _text(message.get("text")) or None
        return replace(base, files=(attached,), text=caption)
    return replace(base, unsupported="other")
