"""aiogram parametrises `Response[T]` for every call, and pydantic caches the class only weakly:
after each garbage collection the next call rebuilt it (≈ 3–4 ms; 73 rebuilds per 750 updates
in the benchmark of issue 14). Holding the classes of the methods the reception calls keeps
pydantic's cache warm."""

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetFile,
    GetMe,
    GetUpdates,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import Response

_CALLED = (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetFile,
    GetMe,
    GetUpdates,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
_KEPT: list[Any] = []


def keep_response_classes() -> None:
    """Build them once, for the life of the process (idempotent)."""
    if not _KEPT:
        _KEPT.extend(Response[method.__returning__] for method in _CALLED)  # type: ignore[name-defined]
