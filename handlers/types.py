"""What every channel hands the conversation, and what the conversation hands back."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum


class Ask(StrEnum):
    CONTACT = "contact"
    LOCATION = "location"


@dataclass(frozen=True)
class Contact:
    phone: str
    #: True: the messenger vouches that this is the sender's own number (Telegram:
    #: contact.user_id); False: it says the number is someone else's; None: it cannot tell
    #: (Viber). Either way a number never joins accounts: only a /link code does.
    own: bool | None


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class IncomingFile:
    """A file the channel has already stored, or refused with a reason from `FileProblem`."""

    name: str
    mime: str
    size: int
    storage_key: str | None = None
    problem: str | None = None


#: Asked by a channel before it downloads a file (by its name): may this person send it now?
MayDownload = Callable[[str], Awaitable[bool]]


@dataclass(frozen=True)
class Incoming:
    channel: str
    external_user_id: str
    text: str | None = None
    action: str | None = None
    contact: Contact | None = None
    location: Location | None = None
    files: tuple[IncomingFile, ...] = ()
    #: What the person sent that the reception cannot read: "sticker", "voice", "video", ...
    unsupported: str | None = None
    locale_hint: str | None = None
    display_name: str | None = None
    #: The channel's id of this update, when it has one.
    update_id: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    action: str


@dataclass(frozen=True)
class OutgoingFile:
    storage_key: str
    name: str
    mime: str
    size: int = 0


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    ask: Ask | None = None
    #: The label of the channel's own share-contact or share-location button.
    ask_label: str | None = None
    files: tuple[OutgoingFile, ...] = ()
    #: How many buttons a row holds where the channel lays buttons out in rows.
    columns: int = 1
    #: The reply asks the same question again after a tap (an option toggled): a channel may
    #: update the message that carried the button instead of sending a new one.
    replaces_prompt: bool = False
    #: The tapped message keeps its text and files but loses its buttons (an answer once
    #: rated): a channel that can, removes just the keyboard; the reply itself is sent anew.
    detaches_buttons: bool = False


def reply_to_payload(reply: Reply) -> dict[str, object]:
    """A reply as JSON for the outbox: rendered now, in its reader's language, sent later."""
    return {
        "text": reply.text,
        "buttons": [[b.label, b.action] for b in reply.buttons],
        "files": [[f.storage_key, f.name, f.mime, f.size] for f in reply.files],
        "columns": reply.columns,
        "ask": reply.ask.value if reply.ask else None,
        "ask_label": reply.ask_label,
        "replaces_prompt": reply.replaces_prompt,
        "detaches_buttons": reply.detaches_buttons,
    }


def reply_from_payload(payload: dict[str, object]) -> Reply:
    buttons = payload.get("buttons") or []
    files = payload.get("files") or []
    assert isinstance(buttons, list)
    assert isinstance(files, list)
    columns = payload.get("columns", 1)
    ask = payload.get("ask")
    ask_label = payload.get("ask_label")
    return Reply(
        text=str(payload.get("text", "")),
        buttons=tuple(Button(str(label), str(action)) for label, action in buttons),
        files=tuple(OutgoingFile(str(k), str(n), str(m), int(s)) for k, n, m, s in files),
        columns=columns if isinstance(columns, int) else 1,
        ask=Ask(ask) if isinstance(ask, str) and ask in Ask._value2member_map_ else None,
        ask_label=ask_label if isinstance(ask_label, str) else None,
        replaces_prompt=payload.get("replaces_prompt") is True,
        detaches_buttons=payload.get("detaches_buttons") is True,
    )
