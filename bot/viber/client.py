"""The viberbot SDK, wrapped: its calls are blocking `requests` without a timeout, and on a network
error it logs the whole request body, auth token included. Here every call runs off the event loop
with a timeout, errors carry Viber's status code, and nothing the SDK logs reaches a handler."""

import asyncio
import json
import logging
import re
from typing import Any

import requests
from viberbot import Api, BotConfiguration
from viberbot.api.api_request_sender import ApiRequestSender
from viberbot.api.consts import VIBER_BOT_API_URL, VIBER_BOT_USER_AGENT
from viberbot.api.messages.message import Message

from bot.metrics import METRICS

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10.0
# Viber's status codes (https://developers.viber.com/docs/api/rest-bot-api/#error-codes).
RECEIVER_NOT_REGISTERED = 5
RECEIVER_NOT_SUBSCRIBED = 6
TOO_MANY_REQUESTS = 12
UNREACHABLE_STATUSES = frozenset({RECEIVER_NOT_REGISTERED, RECEIVER_NOT_SUBSCRIBED})
_STATUS = re.compile(r"failed with status: (\d+)")


def silence_sdk_logs() -> None:
    """The SDK logs request bodies, which hold the auth token: its loggers say nothing."""
    for name in ("viber", "viber.bot.api", "viberbot"):
        sdk = logging.getLogger(name)
        sdk.disabled = True
        sdk.propagate = False


class ViberApiError(Exception):
    def __init__(self, status: int | None, *, transient: bool) -> None:
        super().__init__(f"viber status {status}" if status is not None else "viber unreachable")
        self.status = status
        self.transient = transient


class QuietRequestSender(ApiRequestSender):  # type: ignore[misc]  # the SDK is untyped
    """The SDK's request sender with a timeout and without logging payloads."""

    def __init__(self, base_url: str, configuration: BotConfiguration, timeout: float) -> None:
        super().__init__(log, base_url, configuration, VIBER_BOT_USER_AGENT)
        self._timeout = timeout

    def post_request(self, endpoint: str, payload: str) -> Any:
        headers = requests.utils.default_headers()
        headers.update({"User-Agent": VIBER_BOT_USER_AGENT, "Content-Type": "application/json"})
        response = requests.post(
            f"{self._viber_bot_api_url}/{endpoint}",
            data=payload.encode(),
            headers=headers,
            timeout=self._timeout,
        )
        response.raise_for_status()
        return json.loads(response.text)


class ViberClient:
    def __init__(
        self,
        auth_token: str,
        name: str,
        avatar: str | None,
        api_url: str | None,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        silence_sdk_logs()
        configuration = BotConfiguration(auth_token=auth_token, name=name, avatar=avatar)
        self._api = Api(configuration)
        sender = QuietRequestSender(
            (api_url or VIBER_BOT_API_URL).rstrip("/"), configuration, timeout
        )
        # Both, or send_messages keeps the SDK's own sender (TECH-NOTES).
        self._api._request_sender = sender
        self._api._message_sender._request_sender = sender
        self._timeout = timeout

    async def _run(self, call: Any, *args: Any) -> Any:
        try:
            return await asyncio.wait_for(asyncio.to_thread(call, *args), self._timeout + 5)
        except (requests.RequestException, TimeoutError, OSError) as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            log.warning("viber request failed: %s", type(error).__name__)
            raise ViberApiError(None, transient=status is None or status >= 500) from None
        except Exception as error:
            match = _STATUS.search(str(error))
            status = int(match.group(1)) if match else None
            if status == TOO_MANY_REQUESTS:
                METRICS.rate_limited("viber")
            raise ViberApiError(status, transient=status == TOO_MANY_REQUESTS) from None

    async def send(self, user_id: str, messages: list[Message]) -> list[str]:
        tokens = await self._run(self._api.send_messages, user_id, messages)
        return [str(token) for token in tokens]

    async def set_webhook(self, url: str) -> None:
        await self._run(self._api.set_webhook, url)

    async def account_info(self) -> dict[str, Any]:
        info = await self._run(self._api.get_account_info)
        if not isinstance(info, dict) or info.get("status") != 0:
            status = info.get("status") if isinstance(info, dict) else None
            raise ViberApiError(status, transient=False)
        return info
