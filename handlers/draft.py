"""The appeal being filed, field by field: a typed record kept in the person's saved state, so a
draft survives a restart and a field's name is checked wherever it is read or set."""

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Draft:
    #: Registering twice from one draft is refused: the register keeps this key.
    key: str
    #: The text as typed, message by message.
    parts: tuple[str, ...] = ()
    #: Files sent while filing (attachment ids).
    attachments: tuple[int, ...] = ()
    #: How many of them are voice or audio recordings: a recording states the substance too.
    recordings: int = 0
    kind: str | None = None
    #: The classifier's topic, and the everyday category it was chosen by.
    topic: str | None = None
    everyday: str | None = None
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    residence: str | None = None
    #: A settlement typed alone, kept while the street is asked for.
    residence_part: str | None = None
    #: None until asked; "" when the person chose to be answered in the chat.
    phone: str | None = None
    email: str | None = None
    collective: bool = False
    coauthors: int = 1
    coauthor_names: str | None = None
    confidential: bool = False
    privileged: bool = False
    #: The author's category with statutory privileges (Classifier 7.x).
    category: str | None = None
    publish_text: bool = False
    #: One field is being changed from the summary: its step returns there.
    editing: bool = False
    #: An operator registers for a citizen: how the appeal came in (a `Channel`).
    on_behalf: str | None = None
    #: A returning citizen chose to enter new details instead of the saved ones.
    new_details: bool = False
    #: The open appeal nearby offered to join ("me too"), and the one chosen.
    similar: int | None = None
    joined_to: int | None = None

    def to_data(self) -> dict[str, Any]:
        # Every field is a plain value (a tuple of them at most): no deep copy, unlike asdict,
        # which a step paid several times over (issue 14).
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["parts"] = list(self.parts)
        data["attachments"] = list(self.attachments)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Draft":
        """The saved draft; a key no field has (written by an older version) is dropped."""
        values = {name: value for name, value in data.items() if name in _KNOWN}
        values["parts"] = tuple(values.get("parts") or ())
        values["attachments"] = tuple(values.get("attachments") or ())
        values["coauthors"] = int(values.get("coauthors") or 1)
        values["recordings"] = int(values.get("recordings") or 0)
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(Draft))
_KNOWN = frozenset(_FIELD_NAMES)
