"""The Viber channel: the signed webhook on our aiohttp server, the sender, the start-up."""

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import StartupError
from bot.delivery import DeliveryFailed
from bot.intake import Intake
from bot.logs import new_request_id
from bot.settings import Settings
from bot.signed_files import SignedFiles
from bot.viber.client import UNREACHABLE_STATUSES, ViberApiError, ViberClient
from bot.viber.inbound import CHANNEL, MediaIntake, from_message, reads_without_download
from bot.viber.render import keyboard, messages
from handlers.i18n import Catalogs
from handlers.intake_notes import delay_note, failure_note
from handlers.types import Incoming, MayDownload, Reply
from storage.attachments import AttachmentStore
from storage.inbox import InboxItem, NewUpdate
from storage.uow import unit_of_work

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/viber/webhook"
SIGNATURE_HEADER = "X-Viber-Content-Signature"
MAX_ATTEMPTS = 5
MAX_BACKOFF_SECONDS = 30.0


def signature_of(body: bytes, token: str) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


class ViberSender:
    """Sends a reply batch to one Viber user, retrying transient failures; a user who left is
    marked unreachable."""

    def __init__(
        self,
        client: ViberClient,
        files: SignedFiles,
        on_unreachable: Callable[[str], Awaitable[None]],
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._files = files
        self._on_unreachable = on_unreachable
        self._sleep = sleep

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        """Deliver in order, or raise DeliveryFailed."""
        for reply in replies:
            for message in messages(reply, self._files.url):
                await self._send_one(user_id, message)

    async def _send_one(self, user_id: str, message: Any) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await self._client.send(user_id, [message])
                return
            except ViberApiError as error:
                if error.status in UNREACHABLE_STATUSES:
                    await self._on_unreachable(user_id)
                    raise DeliveryFailed("unsubscribed", permanent=True) from None
                if not error.transient or attempt == MAX_ATTEMPTS:
                    raise DeliveryFailed(str(error), permanent=not error.transient) from None
                await self._sleep(min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


def new_update(body: dict[str, Any]) -> NewUpdate | None:
    """A `message` callback as an inbox row, keyed by Viber's message token."""
    sender = body.get("sender") or {}
    token = body.get("message_token")
    user_id = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(user_id, str) or not user_id or token is None:
        return None
    return NewUpdate(CHANNEL, str(token), user_id, body)


def _language(payload: dict[str, Any]) -> str | None:
    person = payload.get("sender") or payload.get("user") or {}
    language = person.get("language") if isinstance(person, dict) else None
    return language if isinstance(language, str) else None


class ViberChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        intake: Intake,
        sessions: async_sessionmaker[AsyncSession],
        attachments: AttachmentStore,
        catalogs: Catalogs,
        *,
        client: ViberClient | None = None,
    ) -> None:
        token = settings.viber_auth_token
        if token is None or not settings.viber_webhook_url:
            raise StartupError("VIBER_AUTH_TOKEN and VIBER_WEBHOOK_URL must both be set")
        self._token = token.get_secret_value()
        self.settings = settings
        self.intake = intake
        self.sessions = sessions
        self.catalogs = catalogs
        self.client = client or ViberClient(
            self._token,
            settings.viber_bot_name,
            settings.viber_bot_avatar,
            settings.viber_api_url,
            timeout=settings.viber_timeout_seconds,
        )
        webhook = urlsplit(settings.viber_webhook_url)
        self.webhook_url = settings.viber_webhook_url
        self.webhook_path = webhook.path or DEFAULT_WEBHOOK_PATH
        secret = hashlib.sha256(b"signed-files:" + self._token.encode()).digest()
        self.files = SignedFiles(attachments, secret, f"{webhook.scheme}://{webhook.netloc}")
        self.media = MediaIntake(attachments, settings.max_file_mb * 1024 * 1024)
        self.sender = ViberSender(self.client, self.files, self.mark_unreachable)
        intake.add(self)

    @property
    def outbox_sender(self) -> ViberSender:
        return self.sender

    def register(self, app: web.Application) -> None:
        app.router.add_post(self.webhook_path, self.webhook)
        self.files.register(app)

    async def start(self) -> None:
        """Check the token and set the webhook; Viber calls the webhook back while setting it,
        so the web server must already be listening."""
        try:
            await self.client.account_info()
            await self.client.set_webhook(self.webhook_url)
        except ViberApiError as error:
            raise StartupError(
                f"Viber refused to start the bot ({error}): check VIBER_AUTH_TOKEN, "
                "VIBER_WEBHOOK_URL and VIBER_API_URL"
            ) from None
        log.info("viber bot serving at %s", self.webhook_path)

    async def stop_intake(self) -> None:
        """The webhook answers 503 once the intake closes: Viber sends those callbacks again."""

    async def stop(self) -> None:
        """Nothing of its own to stop: replies under way belong to the intake."""

    async def mark_unreachable(self, user_id: str) -> None:
        async with unit_of_work(self.sessions) as uow:
            await uow.people.mark_unreachable(CHANNEL, user_id)

    # --- what the intake asks of a channel ------------------------------------------------

    def reads_at_once(self, payload: dict[str, Any]) -> bool:
        return reads_without_download(payload)

    async def parse(self, item: InboxItem, may_download: MayDownload) -> Incoming:
        incoming = await from_message(item.payload, self.media, may_download)
        if incoming is None:  # new_update let through only what names a sender
            raise ValueError("a message callback without a sender")
        return incoming

    async def deliver(self, item: InboxItem, replies: list[Reply]) -> None:
        await self.sender.send(item.sender, replies)

    async def note_delay(self, update: InboxItem | NewUpdate) -> None:
        await self._say_once(update.sender, delay_note(self.catalogs, _language(update.payload)))

    async def note_failure(self, item: InboxItem) -> None:
        await self._say_once(item.sender, failure_note(self.catalogs, _language(item.payload)))

    async def _say_once(self, user_id: str, reply: Reply) -> None:
        try:
            await self.client.send(user_id, messages(reply, self.files.url))
        except ViberApiError as error:
            raise DeliveryFailed(str(error), permanent=not error.transient) from None

    # --- the webhook ------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        new_request_id()
        raw = await request.read()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(signature, signature_of(raw, self._token)):
            return web.Response(status=403)
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not an object")
            return await self._dispatch(body)
        except (ValueError, KeyError, TypeError) as error:
            # Viber retries a callback that did not get 200 for an hour: never answer 500
            # for a callback that will never make sense.
            log.warning("viber callback ignored: %s", type(error).__name__)
            return web.json_response({})

    async def _dispatch(self, body: dict[str, Any]) -> web.Response:
        event = body.get("event")
        now = datetime.now(UTC)
        if event == "message":
            new = new_update(body)
            if new is not None and not await self.intake.accept([new]):
                return web.Response(status=503)  # not stored: Viber sends it again
        elif event == "conversation_started":
            return await self._welcome(body)
        elif event == "unsubscribed":
            user = body.get("user_id")
            if isinstance(user, str):
                await self.mark_unreachable(user)
        elif event in ("delivered", "seen"):
            user = body.get("user_id")
            if isinstance(user, str):
                async with unit_of_work(self.sessions) as uow:
                    await uow.people.record_receipt(CHANNEL, user, seen=event == "seen", now=now)
        elif event == "failed":
            log.warning("viber could not deliver a message: %s", body.get("desc", "no reason"))
        elif event not in ("subscribed", "webhook", "client_status"):
            log.info("viber event %r ignored", event)
        return web.json_response({})

    async def _welcome(self, body: dict[str, Any]) -> web.Response:
        """The welcome goes back in the response body: Viber allows nothing else before the
        person writes. It is handled at once, through the inbox, so a repeat is answered once."""
        user = body.get("user") or {}
        user_id = user.get("id")
        token = body.get("message_token")
        if not isinstance(user_id, str) or token is None:
            raise ValueError("conversation_started without a user")
        started = {**body, "sender": user, "message": {"type": "text", "text": "/start"}}
        replies = await self.intake.handle_now(
            NewUpdate(CHANNEL, f"started:{token}", user_id, started)
        )
        if not replies:
            return web.json_response({})
        last = replies[-1]
        welcome: dict[str, Any] = {
            "sender": {"name": self.settings.viber_bot_name},
            "type": "text",
            "text": "\n\n".join(reply.text for reply in replies)[:7000],
        }
        board = keyboard(last)
        if board is not None:
            welcome["keyboard"] = board
        return web.json_response(welcome)
