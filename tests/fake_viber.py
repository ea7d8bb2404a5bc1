"""A fake Viber REST API on 127.0.0.1 for the real viberbot SDK, and a Viber user who sends
signed callbacks to the reception's real webhook."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.waits import patience

VIBER_TOKEN = "4a5f6e7d8c9b0a1f-2e3d4c5b6a7f8e9d-0c1b2a3f4e5d6c7b"
#: Viber's message tokens are unique across all users.
MESSAGE_TOKENS = itertools.count(int(time.time()) * 1000)
SETTLE_SECONDS = 0.25


def sign(body: bytes, token: str = VIBER_TOKEN) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class FakeViber:
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    #: Receivers whose messages the API answers only after this many seconds.
    slow_receivers: dict[str, float] = field(default_factory=dict)
    #: Receivers for whom send_message answers with this Viber status.
    receiver_status: dict[str, int] = field(default_factory=dict)
    url: str = ""
    _tokens: itertools.count[int] = field(default_factory=lambda: itertools.count(5_000_000))
    _sent: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/pa/{endpoint}", self._api)
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/pa"

    async def _api(self, request: web.Request) -> web.Response:
        endpoint = request.match_info["endpoint"]
        body = json.loads(await request.read())
        self.requests.append((endpoint, body))
        if body.get("auth_token") != VIBER_TOKEN:
            return web.json_response({"status": 2, "status_message": "invalidAuthToken"})
        if endpoint == "get_account_info":
            return web.json_response(
                {"status": 0, "status_message": "ok", "id": "pa:1", "name": "Приймальня"}
            )
        if endpoint == "set_webhook":
            # Viber checks the address by calling it before it answers.
            check = json.dumps(
                {
                    "event": "webhook",
                    "timestamp": int(time.time() * 1000),
                    "message_token": next(self._tokens),
                }
            ).encode()
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    body["url"],
                    data=check,
                    headers={"X-Viber-Content-Signature": sign(check)},
                ) as response,
            ):
                if response.status != 200:
                    return web.json_response({"status": 1, "status_message": "invalidUrl"})
            return web.json_response(
                {"status": 0, "status_message": "ok", "event_types": ["delivered", "seen"]}
            )
        if endpoint == "send_message":
            receiver = str(body.get("receiver"))
            if receiver in self.slow_receivers:
                await asyncio.sleep(self.slow_receivers[receiver])
            status = self.receiver_status.get(receiver, 0)
            async with self._sent:
                self._sent.notify_all()
            if status:
                return web.json_response({"status": status, "status_message": "failed"})
            return web.json_response(
                {"status": 0, "status_message": "ok", "message_token": next(self._tokens)}
            )
        return web.json_response({"status": 3, "status_message": "badData"})

    async def _media(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.media:
            return web.Response(status=404)
        return web.Response(body=self.media[name])

    def sent_to(self, receiver: str) -> list[dict[str, Any]]:
        return [
            body
            for endpoint, body in self.requests
            if endpoint == "send_message"
            and body.get("receiver") == receiver
            and receiver not in self.receiver_status
        ]

    async def wait_sent(self, receiver: str, count: int, timeout: float = 10.0) -> None:
        async def enough() -> None:
            async with self._sent:
                await self._sent.wait_for(lambda: len(self.sent_to(receiver)) >= count)

        await asyncio.wait_for(enough(), patience(timeout))


class ViberUser:
    """A person in the bot's Viber chat; their callbacks are signed as Viber signs them."""

    def __init__(self, fake: FakeViber, webhook: str, user_id: str, language: str = "uk"):
        self.fake = fake
        self.webhook = webhook
        self.id = user_id
        self.language = language
        self.welcome: dict[str, Any] = {}
        self._tokens = MESSAGE_TOKENS

    def _sender(self) -> dict[str, Any]:
        return {"id": self.id, "name": "Тарас", "language": self.language, "api_version": 10}

    async def post(
        self, body: dict[str, Any] | bytes, signature: str | None = "valid"
    ) -> tuple[int, Any]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {}
        if signature == "valid":
            headers["X-Viber-Content-Signature"] = sign(raw)
        elif signature is not None:
            headers["X-Viber-Content-Signature"] = signature
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook, data=raw, headers=headers) as response,
        ):
            text = await response.text()
            return response.status, (json.loads(text) if text else None)

    async def open_chat(self) -> dict[str, Any]:
        status, body = await self.post(
            {
                "event": "conversation_started",
                "timestamp": int(time.time() * 1000),
                "message_token": next(self._tokens),
                "type": "open",
                "user": self._sender(),
                "subscribed": False,
            }
        )
        assert status == 200
        assert isinstance(body, dict)
        self.welcome = body
        return body

    def message_body(self, message: dict[str, Any], token: int | None = None) -> dict[str, Any]:
        return {
            "event": "message",
            "timestamp": int(time.time() * 1000),
            "message_token": token if token is not None else next(self._tokens),
            "sender": self._sender(),
            "message": message,
        }

    async def send(
        self, message: dict[str, Any], *, token: int | None = None, expect_reply: bool = True
    ) -> None:
        before = len(self.fake.sent_to(self.id))
        last = self.fake.sent_to(self.id)[-1] if before else {}
        if "tracking_data" in last and "tracking_data" not in message:
            message = {**message, "tracking_data": last["tracking_data"]}
        status, _ = await self.post(self.message_body(message, token))
        assert status == 200
        if not expect_reply:
            return
        await self.fake.wait_sent(self.id, before + 1)
        while True:
            count = len(self.fake.sent_to(self.id))
            await asyncio.sleep(patience(SETTLE_SECONDS))
            if len(self.fake.sent_to(self.id)) == count:
                return

    async def say(self, text: str) -> None:
        await self.send({"type": "text", "text": text})

    def buttons(self) -> list[dict[str, Any]]:
        for body in reversed(self.fake.sent_to(self.id)):
            if "keyboard" in body:
                return list(body["keyboard"]["Buttons"])
        return list(self.welcome.get("keyboard", {}).get("Buttons", []))

    async def tap(self, label: str) -> None:
        for button in self.buttons():
            if label in button["Text"] and button["ActionType"] == "reply":
                await self.say(button["ActionBody"])
                return
        raise AssertionError(f"no button {label!r} in {[b['Text'] for b in self.buttons()]}")

    async def share_phone(self, phone: str) -> None:
        assert any(b["ActionType"] == "share-phone" for b in self.buttons())
        await self.send({"type": "contact", "contact": {"name": "Тарас", "phone_number": phone}})

    def texts(self) -> list[str]:
        return [str(b.get("text", "")) for b in self.fake.sent_to(self.id)]

    def everything(self) -> str:
        return "\n".join(self.texts())

    @property
    def last(self) -> str:
        return self.texts()[-1]
