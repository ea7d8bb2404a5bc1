"""aiogram's HTTP session, writing each kept keyboard's JSON once (issue 14).

aiogram writes a request's keyboard anew for every message: the model dumped, walked and
encoded, ≈ 40 µs for eight buttons, more than the rest of the request's form. The keyboards
are built once and kept (bot.telegram.render), so their JSON — made by aiogram itself, the
same text — is kept beside them, by identity."""

from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiohttp import FormData

from bot.telegram.render import KEPT_KEYBOARDS

#: Both kinds of kept keyboard, and the one that takes a keyboard away.
KEPT_JSON = 2 * KEPT_KEYBOARDS + 1


class KeptKeyboardsSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # By id, with the keyboard itself: held here, its id cannot be another's.
        self._json: OrderedDict[int, tuple[object, str]] = OrderedDict()

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData:
        markup = getattr(method, "reply_markup", None)
        if markup is None:
            return super().build_form_data(bot, method)
        form = super().build_form_data(bot, method.model_copy(update={"reply_markup": None}))
        form.add_field("reply_markup", self._json_of(bot, markup))
        return form

    def _json_of(self, bot: Bot, markup: object) -> str:
        kept = self._json.get(id(markup))
        if kept is not None and kept[0] is markup:
            self._json.move_to_end(id(markup))
            return kept[1]
        text = self.prepare_value(markup, bot=bot, files={})
        assert isinstance(text, str), "a keyboard carries no file"
        self._json[id(markup)] = (markup, text)
        if len(self._json) > KEPT_JSON:
            self._json.popitem(last=False)
        return text
