"""Texts and taps are read from the stored update without aiogram's models (issue 14): what the
person said must come out exactly as aiogram's reading gives it, and anything else is left to it."""

from typing import Any

import pytest
from aiogram.types import Update

from bot.telegram.inbound import from_callback, from_message, plain_tap, plain_text
from handlers.types import Incoming


class _NoFiles:
    async def take(self, *_: Any) -> Any:
        raise AssertionError("a text has no files")


def _message(**fields: Any) -> dict[str, Any]:
    return {
        "update_id": 7,
        "message": {
            "message_id": 3,
            "date": 1_764_590_400,
            "chat": {"id": 5_000_000_001, "type": "private"},
            "from": {
                "id": 5_000_000_001,
                "is_bot": False,
                "first_name": "Тарас",
                "language_code": "uk",
            },
            **fields,
        },
    }


def _tap(data: Any = "m:new", **user: Any) -> dict[str, Any]:
    return {
        "update_id": 8,
        "callback_query": {
            "id": "1007",
            "chat_instance": "x",
            "data": data,
            "from": {"id": 5_000_000_001, "is_bot": False, "first_name": "Т", **user},
            "message": {
                "message_id": 3,
                "date": 1_764_590_400,
                "chat": {"id": 5_000_000_001, "type": "private"},
            },
        },
    }


async def _by_aiogram(payload: dict[str, Any]) -> Incoming:
    update = Update.model_validate(payload)
    if update.callback_query is not None:
        return from_callback(update.callback_query, update.update_id)
    assert update.message is not None
    assert update.message.from_user is not None
    return await from_message(
        update.message,
        update.message.from_user,
        update.update_id,
        _NoFiles(),  # type: ignore[arg-type]
        lambda _: None,  # type: ignore[arg-type,return-value]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Другий тиждень не світять ліхтарі біля будинку 35",
        "🙂🙂🙂",
        "Lesi Ukrainky, 35 — кв. 7",  # Latin and Cyrillic mixed
        "/start",
        "x" * 10_000,
    ],
)
async def test_a_text_reads_as_aiogram_reads_it(text: str) -> None:
    payload = _message(text=text, entities=[])
    assert plain_text(payload) == await _by_aiogram(payload)


async def test_a_tap_reads_as_aiogram_reads_it() -> None:
    for payload in (_tap(), _tap(language_code="en"), _tap(data="")):
        read = plain_tap(payload)
        assert read is not None
        assert read == (await _by_aiogram(payload), "1007")


@pytest.mark.parametrize(
    "payload",
    [
        _message(text=""),  # said nothing: "cannot be read"
        _message(
            text="Підпис", photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
        ),
        _message(sticker={"file_id": "s"}),
        _message(contact={"phone_number": "+380501234567", "first_name": "Т"}),
        _message(text=42),  # a forged update: aiogram's validation refuses it
        {"update_id": "7", "message": _message(text="так")["message"]},
        {"update_id": 7, "message": {**_message(text="так")["message"], "from": {"id": "1"}}},
    ],
)
def test_anything_but_a_plain_text_is_left_to_aiogram(payload: dict[str, Any]) -> None:
    assert plain_text(payload) is None


@pytest.mark.parametrize(
    "payload",
    [
        _tap(data=7),
        _tap(language_code=5),
        {"update_id": 8, "callback_query": {**_tap()["callback_query"], "id": 1007}},
        _message(text="так"),
    ],
)
def test_an_odd_tap_is_left_to_aiogram(payload: dict[str, Any]) -> None:
    assert plain_tap(payload) is None
