"""A fake Telegram Bot API on 127.0.0.1 that the real aiogram bot talks to over real HTTP.

It records every request, answers the methods the reception uses, serves files for getFile
downloads, hands out updates to long polling, and can be told to fail (429, 500) for a while."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.waits import patience

TOKEN = "123456789:AAEtestTOKENforTHEfakeBOTapiSERVER00"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    result: Any = None


SENDS = frozenset({"sendmessage", "editmessagetext", "senddocument", "sendphoto"})


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegram:
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    blocked_users: set[int] = field(default_factory=set)
    #: Calls to hold before answering: (seconds, then fail with this or None to succeed).
    holds: dict[str, list[tuple[float, Failure | None]]] = field(default_factory=dict)
    url: str = ""
    #: Telegram's flood limit: more messages than this in any second are refused with 429.
    per_second_limit: int | None = None
    #: How many were refused so.
    too_many: int = 0
    _accepted: list[float] = field(default_factory=list)
    #: Messages being sent right now, and when the last such answer was written.
    in_flight: int = 0
    last_answer_at: float = 0.0
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _sent: asyncio.Condition = field(default_factory=asyncio.Condition)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what the bot sees -------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if not request.match_info["method"].lower().startswith("send"):
            return await self._answer(request)
        self.in_flight += 1
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1
            self.last_answer_at = time.monotonic()

    async def _answer(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "size": len(value.file.read())}
            else:
                params[key] = _decode(str(value))
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"), value)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        held = self.holds.get(method)
        if held:
            seconds, outcome = held.pop(0)
            await asyncio.sleep(seconds)
            if outcome is not None:
                return self._error(outcome.status, outcome.description)
        queue = self.failures.get(method)
        if queue:
            failure = queue.pop(0)
            return self._error(failure.status, failure.description, failure.retry_after)
        if self.per_second_limit is not None and method in SENDS:
            recent = [at for at in self._accepted if at > call.at - 1.0]
            if len(recent) >= self.per_second_limit:
                self.too_many += 1
                return self._error(429, "Too Many Requests: retry after 1", 1)
            self._accepted = [*recent, call.at]
        chat = params.get("chat_id")
        if chat is not None and int(chat) in self.blocked_users:
            return self._error(403, "Forbidden: bot was blocked by the user")
        result = await self._result(method, params)
        call.result = result
        if method in SENDS:
            async with self._sent:
                self._sent.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return {
                "id": 123456789,
                "is_bot": True,
                "first_name": "Приймальня",
                "username": "reception_test_bot",
            }
        if method == "getupdates":
            return await self._poll(int(params.get("offset", 0)), float(params.get("timeout", 0)))
        if method in {"sendmessage", "senddocument", "sendphoto"}:
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "editmessagetext":
            return {
                "message_id": int(params["message_id"]),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "getfile":
            file_id = str(params["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}",
            }
        return True

    async def _poll(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 1.0)
        while True:
            pending = [u for u in self._updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return pending
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    def _error(
        self, status: int, description: str, retry_after: int | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    # --- what a test does as a Telegram user -------------------------------------------------

    def _user(self, user_id: int, language: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Тарас", "language_code": language}

    def _message(self, user_id: int, language: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
            **content,
        }

    def update(self, **content: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **content}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for long polling."""
        self._updates.append(update)
        self._new_update.set()
        return update

    def text_update(self, user_id: int, text: str, language: str = "uk") -> dict[str, Any]:
        return self.update(message=self._message(user_id, language, text=text))

    def callback_update(
        self, user_id: int, data: str, message_id: int = 1, language: str = "uk"
    ) -> dict[str, Any]:
        message = self._message(user_id, language, text="…")
        message["message_id"] = message_id
        message["from"] = {"id": 123456789, "is_bot": True, "first_name": "Приймальня"}
        return self.update(
            callback_query={
                "id": str(next(self._update_ids)),
                "from": self._user(user_id, language),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        )

    def message_update(self, user_id: int, language: str = "uk", **content: Any) -> dict[str, Any]:
        return self.update(message=self._message(user_id, language, **content))

    # --- what a test reads --------------------------------------------------------------------

    def outgoing(self, chat_id: int) -> list[Call]:
        """Messages shown to a chat: sent or edited, in order."""
        return [
            c
            for c in self.calls
            if c.method in {"sendmessage", "editmessagetext", "senddocument", "sendphoto"}
            and int(c.params.get("chat_id", 0)) == chat_id
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.outgoing(chat_id)]

    def delivered(self, chat_id: int) -> list[str]:
        """Texts the chat really received: answered with success, not refused or failed."""
        return [str(c.params.get("text", "")) for c in self.outgoing(chat_id) if c.result]

    async def wait_outgoing(self, chat_id: int, count: int, timeout: float = 10.0) -> None:
        async def enough() -> None:
            async with self._sent:
                await self._sent.wait_for(lambda: len(self.outgoing(chat_id)) >= count)

        await asyncio.wait_for(enough(), patience(timeout))

    def buttons(self, chat_id: int) -> list[tuple[str, str, int]]:
        """(label, callback data, message id) of the last message with an inline keyboard."""
        for call in reversed(self.outgoing(chat_id)):
            markup = call.params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message_id = int(call.result["message_id"]) if call.result else 0
                return [
                    (b["text"], b.get("callback_data", ""), message_id)
                    for row in markup["inline_keyboard"]
                    for b in row
                ]
        return []

    def keyboard(self, chat_id: int) -> list[dict[str, Any]]:
        """The buttons of the last reply keyboard (share contact, share location)."""
        for call in reversed(self.outgoing(chat_id)):
            markup = call.params.get("reply_markup")
            if isinstance(markup, dict) and "keyboard" in markup:
                return [b for row in markup["keyboard"] for b in row]
            if isinstance(markup, dict) and markup.get("remove_keyboard"):
                return []
        return []

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]


def _decode(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
