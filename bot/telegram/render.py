"""A `Reply` in Telegram's widgets: inline keyboards, a share-contact or share-location keyboard.

The keyboards are pydantic models, dear to build (≈ 10 µs a button) and the same for most
replies (the menu, the topics, yes/no): each is built once and kept (issue 14). They are only
read when a request is made, never changed."""

from functools import lru_cache

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers.types import Ask, Button, Reply

MESSAGE_LIMIT = 4096
CALLBACK_DATA_BYTES = 64

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


KEPT_KEYBOARDS = 128
#: A plain message takes away a share keyboard left from an earlier question.
_REMOVE = ReplyKeyboardRemove()


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return _inline_keyboard(reply.buttons, reply.columns)


@lru_cache(maxsize=KEPT_KEYBOARDS)
def _inline_keyboard(buttons: tuple[Button, ...], columns: int) -> InlineKeyboardMarkup | None:
    widgets = [
        InlineKeyboardButton(text=button.label, callback_data=button.action)
        for button in buttons
        # Telegram refuses the whole message for one over-long callback; ours are short.
        if len(button.action.encode()) <= CALLBACK_DATA_BYTES
    ]
    if not widgets:
        return None
    width = max(1, columns)
    rows = [widgets[i : i + width] for i in range(0, len(widgets), width)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def share_keyboard(reply: Reply) -> ReplyKeyboardMarkup:
    """The share button on its own row, the reply's other buttons as text buttons: a text
    button sends its label, which the conversation takes as a tap."""
    assert reply.ask is not None
    return _share_keyboard(reply.ask, reply.ask_label or "📎", reply.buttons)


@lru_cache(maxsize=KEPT_KEYBOARDS)
def _share_keyboard(ask: Ask, label: str, buttons: tuple[Button, ...]) -> ReplyKeyboardMarkup:
    share = KeyboardButton(
        text=label,
        request_contact=ask is Ask.CONTACT,
        request_location=ask is Ask.LOCATION,
    )
    rows = [[share], *([KeyboardButton(text=b.label)] for b in buttons)]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def markup(reply: Reply) -> Markup:
    if reply.ask is not None:
        return share_keyboard(reply)
    keyboard = inline_keyboard(reply)
    return keyboard if keyboard is not None else _REMOVE
