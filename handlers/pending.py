"""What an employee's action started from a card (or a command) has collected so far, kept in
their saved state between messages: one frozen record per kind of action."""

from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from handlers.context import Ctx
from handlers.kept import Kept

STATE_KEY = Kept.PENDING


@dataclass(frozen=True)
class OnAppeal:
    appeal_id: int


@dataclass(frozen=True)
class Answering(OnAppeal):
    """The answer wizard: the text message by message, the files, the result, a refusal's
    grounds and who signs it."""

    parts: tuple[str, ...] = ()
    files: tuple[int, ...] = ()
    result: str | None = None
    grounds: str | None = None
    signatory: tuple[str, str] | None = None


@dataclass(frozen=True)
class Assigning(OnAppeal):
    """The department, then the term; a warning the law asks to confirm (Art. 7, 15)."""

    department_id: int | None = None
    term: str | None = None
    warning: str = ""


@dataclass(frozen=True)
class Classifying(OnAppeal):
    """The classifier code being corrected (a `ClassField`)."""

    field: str | None = None


@dataclass(frozen=True)
class Typing(OnAppeal):
    """The words a card action needs (a `CardAction`): a date and reason, a body, a note; for
    not considering, the Art. 8 reason chosen first."""

    action: str = ""
    reason: str | None = None


KINDS: dict[str, type[OnAppeal]] = {
    kind.__name__: kind for kind in (Answering, Assigning, Classifying, Typing)
}


#: A state saved before these records named its action only.
BY_ACTION: dict[str, type[OnAppeal]] = {
    "answer": Answering,
    "assign": Assigning,
    "classify": Classifying,
}


def from_data(data: dict[str, Any]) -> OnAppeal | None:
    kind = KINDS.get(str(data.get("kind"))) or BY_ACTION.get(str(data.get("action")), Typing)
    appeal_id = data.get("appeal_id")
    if kind is None or not isinstance(appeal_id, int):
        return None
    known = {f.name for f in fields(kind)}
    values = {name: value for name, value in data.items() if name in known}
    for name in ("parts", "files", "signatory"):
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])
    try:
        return kind(**values)
    except TypeError:
        return None


def current(ctx: Ctx) -> OnAppeal | None:
    data = ctx.state.data.get(STATE_KEY)
    return from_data(data) if isinstance(data, dict) else None


def keep(ctx: Ctx, pending: OnAppeal) -> None:
    ctx.state.data[STATE_KEY] = {"kind": type(pending).__name__, **asdict(pending)}


def drop(ctx: Ctx) -> OnAppeal | None:
    pending = current(ctx)
    ctx.state.data.pop(STATE_KEY, None)
    return pending


P = TypeVar("P", bound="OnAppeal")


def started(ctx: Ctx, kind: type[P]) -> P:
    """The unfinished action of this kind (an empty one, for no appeal, when the state lost
    it or holds another kind: its steps then say the action is no longer possible)."""
    pending = current(ctx)
    return pending if isinstance(pending, kind) else kind(0)
