"""A `Reply` in Telegram's widgets: inline keyboards, a share-contact or share-location keyboard."""

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers.types import Ask, Reply

MESSAGE_LIMIT = 4096
CALLBACK_DATA_BYTES = 64

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(text=button.label, callback_data=button.action)
        for button in reply.buttons
        # Telegram refuses the whole message for one over-long callback; ours are short.
        if len(button.action.encode()) <= CALLBACK_DATA_BYTES
    ]
    if not buttons:
        return None
    width = max(1, reply.columns)
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def share_keyboard(reply: Reply) -> ReplyKeyboardMarkup:
    """The share button on its own row, the reply's other buttons as text buttons: a text
    button sends its label, which the conversation takes as a tap."""
    label = reply.ask_label or "📎"
    share = KeyboardButton(
        text=label,
        request_contact=reply.ask is Ask.CONTACT,
        request_location=reply.ask is Ask.LOCATION,
    )
    rows = [[share], *([KeyboardButton(text=b.label)] for b in reply.buttons)]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def markup(reply: Reply) -> Markup:
    if reply.ask is not None:
        return share_keyboard(reply)
    keyboard = inline_keyboard(reply)
    # A plain message takes away a share keyboard left from an earlier question.
    return keyboard if keyboard is not None else ReplyKeyboardRemove()
