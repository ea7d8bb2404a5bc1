"""Keyboards' JSON is written once and kept (issue 14): what goes to Telegram must be exactly
what aiogram itself writes, message after message."""

from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod

from bot.telegram.render import inline_keyboard, markup
from bot.telegram.session import KEPT_JSON, KeptKeyboardsSession
from handlers.types import Ask, Button, Reply

BOT = Bot("123456:" + "A" * 35)
CHAT = "5000000001"
TOPICS = tuple(Button(f"Тема {n} — «дороги» 🚧", f"f:topic:{n}") for n in range(8))


def fields(session: AiohttpSession, method: TelegramMethod[Any]) -> list[tuple[str, Any]]:
    form = session.build_form_data(BOT, method)
    return sorted((options["name"], value) for options, _, value in form._fields)


def requests() -> list[TelegramMethod[Any]]:
    with_buttons = Reply("Крок 2 з 9\nЧого стосується Ваше звернення?", TOPICS, columns=2)
    share = Reply("Поділіться номером", (Button("Пропустити", "skip"),), ask=Ask.CONTACT)
    return [
        SendMessage(chat_id=CHAT, text=with_buttons.text, reply_markup=markup(with_buttons)),
        SendMessage(chat_id=CHAT, text=share.text, reply_markup=markup(share)),
        SendMessage(chat_id=CHAT, text="Дякуємо!", reply_markup=markup(Reply("Дякуємо!"))),
        SendMessage(chat_id=CHAT, text="Без клавіатури"),
        EditMessageText(
            chat_id=CHAT,
            message_id=7,
            text=with_buttons.text,
            reply_markup=inline_keyboard(with_buttons),
        ),
    ]


@pytest.mark.parametrize("index", range(5))
def test_a_request_reads_as_aiogram_writes_it_every_time(index: int) -> None:
    kept = KeptKeyboardsSession()
    expected = fields(AiohttpSession(), requests()[index])
    for _ in range(3):
        assert fields(kept, requests()[index]) == expected


def test_the_kept_json_stays_within_its_bound() -> None:
    kept = KeptKeyboardsSession()
    for n in range(KEPT_JSON + 50):
        reply = Reply("?", (Button(f"Варіант {n}", f"x:{n}"),))
        request = SendMessage(chat_id=CHAT, text="?", reply_markup=markup(reply))
        assert fields(kept, request) == fields(AiohttpSession(), request)
    assert len(kept._json) <= KEPT_JSON
