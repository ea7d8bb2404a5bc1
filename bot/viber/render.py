"""A `Reply` as Viber messages: a keyboard of reply buttons, share-phone, location-picker."""

from typing import Any

from viberbot.api.messages import FileMessage, PictureMessage, TextMessage
from viberbot.api.messages.message import Message

from bot.textsplit import split_text
from handlers.types import Ask, Reply

TEXT_LIMIT = 7000
KEYBOARD_COLUMNS = 6
MAX_BUTTONS = 24
#: share-phone needs API version 3 on the message (TECH-NOTES).
SHARE_PHONE_API_VERSION = 3
PICTURE_TYPES = frozenset({"image/jpeg", "image/png"})
#: Echoed back by Viber in the user's answer: the contact that answers it is their own.
ASKED_FOR_PHONE = "asked:phone"


def _button(text: str, action_type: str, body: str, columns: int) -> dict[str, Any]:
    return {
        "Columns": columns,
        "Rows": 1,
        "ActionType": action_type,
        "ActionBody": body,
        "Text": text,
        "TextSize": "regular",
    }


def keyboard(reply: Reply) -> dict[str, Any] | None:
    """Reply buttons send their label, which the conversation takes as a tap: the chat then
    shows the person's choice in words instead of an internal action."""
    buttons: list[dict[str, Any]] = []
    if reply.ask is Ask.CONTACT:
        buttons.append(_button(reply.ask_label or "📞", "share-phone", "phone", KEYBOARD_COLUMNS))
    elif reply.ask is Ask.LOCATION:
        buttons.append(
            _button(reply.ask_label or "📍", "location-picker", "location", KEYBOARD_COLUMNS)
        )
    columns = KEYBOARD_COLUMNS // max(1, min(reply.columns, 3))
    buttons += [_button(b.label, "reply", b.label, columns) for b in reply.buttons]
    if not buttons:
        return None
    return {
        "Type": "keyboard",
        "DefaultHeight": False,
        "InputFieldState": "regular",
        "Buttons": buttons[:MAX_BUTTONS],
    }


def messages(reply: Reply, file_url: Any) -> list[Message]:
    """`file_url(storage_key, name)` gives a signed address Viber can fetch a file from."""
    chunks = split_text(reply.text, TEXT_LIMIT)
    board = keyboard(reply)
    api_version = SHARE_PHONE_API_VERSION if reply.ask is Ask.CONTACT else None
    tracking = ASKED_FOR_PHONE if reply.ask is Ask.CONTACT else None
    result: list[Message] = []
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks) and not reply.files
        result.append(
            TextMessage(
                text=chunk,
                keyboard=board if last else None,
                min_api_version=api_version if last else None,
                tracking_data=tracking if last else None,
            )
        )
    for position, file in enumerate(reply.files, start=1):
        url = file_url(file.storage_key, file.name)
        board_here = board if position == len(reply.files) else None
        if file.mime in PICTURE_TYPES:
            result.append(PictureMessage(media=url, text="", keyboard=board_here))
        else:
            result.append(FileMessage(media=url, file_name=file.name, size=1, keyboard=board_here))
    return result
