"""Button payloads: each a small typed record, packed and parsed here only, so that a stale or
forged payload is rejected in one place (the idea of aiogram's `CallbackData`, without aiogram).
The packed form is `prefix:field:field`; Telegram's callback data holds 64 bytes."""

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar, Self, get_type_hints

from reception.classifier import ANSWER_RESULTS, Channel, Result
from reception.deadlines import Term
from reception.kinds import AppealKind
from reception.reasons import NotConsidered

#: A database id never has more digits: a longer "id" is forged.
MAX_ID_DIGITS = 18
#: A code (a topic, a result, a language) is short; a longer one is forged.
MAX_CODE_LENGTH = 32


def _field_value(kind: Any, raw: str) -> object | None:
    if kind is int:
        return int(raw) if raw.isdecimal() and len(raw) <= MAX_ID_DIGITS else None
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(raw)
        except ValueError:
            return None
    return raw if raw and len(raw) <= MAX_CODE_LENGTH else None


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(kind: type) -> dict[str, Any]:
    """The field types of a payload class: the same all its life, and dear to work out."""
    hints = _HINTS.get(kind)
    if hints is None:
        hints = _HINTS[kind] = get_type_hints(kind)
    return hints


@dataclass(frozen=True)
class Payload:
    """A button's action. Subclasses are frozen dataclasses of int, str and StrEnum fields."""

    prefix: ClassVar[str]

    def pack(self) -> str:
        return ":".join([self.prefix, *(str(getattr(self, f.name)) for f in fields(self))])

    def is_valid(self) -> bool:
        """A range check beyond the field types; a payload that fails it is not parsed."""
        return True

    @classmethod
    def parse(cls, action: str | None) -> Self | None:
        """The payload in `action`, or None when it is another kind, stale or forged."""
        if not action or not action.startswith(cls.prefix):
            return None  # most tries are of another kind: told apart without splitting
        prefix, *parts = action.split(":")
        names = [f.name for f in fields(cls)]
        if prefix != cls.prefix or len(parts) != len(names):
            return None
        hints = _hints(cls)
        values: dict[str, object] = {}
        for name, raw in zip(names, parts, strict=True):
            value = _field_value(hints[name], raw)
            if value is None:
                return None
            values[name] = value
        payload = cls(**values)
        return payload if payload.is_valid() else None


# --- the citizen -------------------------------------------------------------------------------


class MenuItem(StrEnum):
    NEW = "new"
    MY = "my"
    HELP = "help"
    MENU = "menu"


@dataclass(frozen=True)
class Menu(Payload):
    """A main-menu button: the same as its command."""

    prefix = "m"
    item: MenuItem


NEW_APPEAL = Menu(MenuItem.NEW).pack()
MY_APPEALS = Menu(MenuItem.MY).pack()
HELP = Menu(MenuItem.HELP).pack()
MAIN_MENU = Menu(MenuItem.MENU).pack()


@dataclass(frozen=True)
class ChooseLanguage(Payload):
    prefix = "lang"
    locale: str


class ConsentAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    MORE = "more"


@dataclass(frozen=True)
class ConsentChoice(Payload):
    """The answer to the personal-data notice, or "more" for its full text."""

    prefix = "consent"
    answer: ConsentAnswer


AGREE = ConsentChoice(ConsentAnswer.YES).pack()
DISAGREE = ConsentChoice(ConsentAnswer.NO).pack()
MORE_ABOUT_DATA = ConsentChoice(ConsentAnswer.MORE).pack()


@dataclass(frozen=True)
class ChooseKind(Payload):
    prefix = "kind"
    kind: AppealKind


class ResumeAnswer(StrEnum):
    CONTINUE = "continue"
    RESTART = "restart"


@dataclass(frozen=True)
class Resume(Payload):
    """Continue the draft left unfinished, or start again."""

    prefix = "resume"
    answer: ResumeAnswer


CONTINUE_DRAFT = Resume(ResumeAnswer.CONTINUE).pack()
RESTART_DRAFT = Resume(ResumeAnswer.RESTART).pack()


class ProfileAnswer(StrEnum):
    USE = "use"
    NEW = "new"


@dataclass(frozen=True)
class SavedDetails(Payload):
    """Use the details saved from the last appeal, or enter new ones."""

    prefix = "profile"
    answer: ProfileAnswer


USE_SAVED = SavedDetails(ProfileAnswer.USE).pack()
ENTER_NEW = SavedDetails(ProfileAnswer.NEW).pack()


@dataclass(frozen=True)
class NoPhone(Payload):
    """No phone: the answer comes in the chat (Art. 5 makes the phone optional)."""

    prefix = "nophone"


NO_PHONE = NoPhone().pack()


class FilingOption(StrEnum):
    COLLECTIVE = "collective"
    CONFIDENTIAL = "confidential"
    PRIVILEGED = "privileged"
    PUBLISH = "publish"
    DONE = "done"


@dataclass(frozen=True)
class ToggleOption(Payload):
    """One of the summary's options switched, or "done" to go on."""

    prefix = "opt"
    option: FilingOption


@dataclass(frozen=True)
class ChoosePrivilege(Payload):
    """The author's category with statutory privileges (Classifier 7.x)."""

    prefix = "priv"
    code: str


class DraftField(StrEnum):
    """What the summary lets the citizen change."""

    KIND = "kind"
    TOPIC = "topic"
    TEXT = "text"
    LOCATION = "location"
    NAME = "name"
    RESIDENCE = "residence"
    PHONE = "phone"
    EMAIL = "email"
    OPTIONS = "options"


class SummaryAction(StrEnum):
    SUBMIT = "submit"
    EDIT = "edit"
    DISCARD = "discard"


@dataclass(frozen=True)
class AtSummary(Payload):
    """The summary's choice: submit the appeal, change something, or cancel it."""

    prefix = "sum"
    action: SummaryAction


SUBMIT = AtSummary(SummaryAction.SUBMIT).pack()
CHANGE_SOMETHING = AtSummary(SummaryAction.EDIT).pack()
CANCEL_APPEAL = AtSummary(SummaryAction.DISCARD).pack()


@dataclass(frozen=True)
class EditField(Payload):
    prefix = "edit"
    field: DraftField


@dataclass(frozen=True)
class Clear(Payload):
    """Write again: the text collected so far (an appeal's or an answer's) is dropped."""

    prefix = "clear"


CLEAR = Clear().pack()


@dataclass(frozen=True)
class OpenMyAppeal(Payload):
    prefix = "ap"
    appeal_id: int


@dataclass(frozen=True)
class AddInformation(Payload):
    prefix = "add"
    appeal_id: int


@dataclass(frozen=True)
class WithdrawAppeal(Payload):
    prefix = "wd"
    appeal_id: int


@dataclass(frozen=True)
class TogglePublication(Payload):
    """Publish an appeal's text without the author's name, or stop publishing it."""

    prefix = "pub"
    appeal_id: int


#: What the citizen may do with one of their appeals from its card.
MY_APPEAL_ACTIONS: tuple[
    type[OpenMyAppeal | AddInformation | WithdrawAppeal | TogglePublication], ...
] = (
    OpenMyAppeal,
    AddInformation,
    WithdrawAppeal,
    TogglePublication,
)


class AgainKind(StrEnum):
    REPEAT = "repeat"
    COMPLAINT = "complaint"


@dataclass(frozen=True)
class FileAgain(Payload):
    """The problem is not solved: a repeated appeal, or a complaint about the answer."""

    prefix = "again"
    kind: AgainKind


@dataclass(frozen=True)
class ChooseCategory(Payload):
    """An everyday category of the problem (the settings file's code)."""

    prefix = "cat"
    code: str


@dataclass(frozen=True)
class Rate(Payload):
    """The citizen's rating of an answer, 1 to 5."""

    prefix = "rate"
    appeal_id: int
    score: int

    def is_valid(self) -> bool:
        return 1 <= self.score <= 5


@dataclass(frozen=True)
class NotSolved(Payload):
    """The citizen says the answer did not solve the problem."""

    prefix = "unres"
    appeal_id: int


class DataRight(StrEnum):
    """What /mydata offers: the rights the personal-data notice promises."""

    CORRECT = "correct"
    WITHDRAW = "withdraw"
    ERASE = "erase"
    ERASE_CONFIRMED = "erase_yes"
    UNPUBLISH = "unpublish"


@dataclass(frozen=True)
class MyData(Payload):
    prefix = "pd"
    right: DataRight


class LinkAnswer(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class LinkChoice(Payload):
    """The answer to "join this messenger to the account that asked for the code?"."""

    prefix = "lnk"
    answer: LinkAnswer


class Detail(StrEnum):
    """A detail of the person that /mydata lets them correct."""

    NAME = "name"
    RESIDENCE = "residence"
    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True)
class CorrectDetail(Payload):
    prefix = "fix"
    detail: Detail


class ListKind(StrEnum):
    """A list that pages: which one a "next"/"previous" button turns."""

    QUEUE = "queue"
    IN_WORK = "work"
    DUE = "due"
    OVERDUE = "overdue"
    FOUND = "found"
    NEAR = "near"
    REVIEW = "review"
    MINE = "mine"


@dataclass(frozen=True)
class TurnPage(Payload):
    prefix = "pg"
    listing: ListKind
    page: int

    def is_valid(self) -> bool:
        return self.page < 100_000


class SimilarAnswer(StrEnum):
    JOIN = "join"
    OWN = "own"


@dataclass(frozen=True)
class SimilarChoice(Payload):
    """Join the open appeal about the same problem nearby, or file one's own."""

    prefix = "same"
    answer: SimilarAnswer


# --- staff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCard(Payload):
    """Open an appeal's card."""

    prefix = "so"
    appeal_id: int


class CardAction(StrEnum):
    ASSIGN = "assign"
    TAKE = "take"
    ANSWER = "answer"
    EXTEND = "extend"
    FORWARD = "forward"
    RETURN = "return"
    REJECT = "reject"
    NOTE = "note"
    CLASSIFY = "classify"
    APPROVE = "approve"
    REWORK = "rework"


@dataclass(frozen=True)
class Act(Payload):
    """Start an action on an appeal from its card."""

    prefix = "sa"
    action: CardAction
    appeal_id: int


@dataclass(frozen=True)
class JoinTo(Payload):
    """Join an appeal to an open one about the same problem (its answer reaches both)."""

    prefix = "jn"
    appeal_id: int
    lead_id: int


@dataclass(frozen=True)
class JoinAnyway(JoinTo):
    """The same join, confirmed after a warning of Art. 7 part 4 or Art. 15."""

    prefix = "jna"


@dataclass(frozen=True)
class ChooseDepartment(Payload):
    prefix = "sd"
    department_id: int


@dataclass(frozen=True)
class ChooseTerm(Payload):
    prefix = "term"
    term: Term


@dataclass(frozen=True)
class ChooseReason(Payload):
    """Art. 8: a reason from its closed list."""

    prefix = "why"
    reason: NotConsidered


class ReturnGround(StrEnum):
    """Why an appeal goes back to its author: it does not meet Art. 5 (10 days), or it lacks
    the data needed for a decision (Art. 7, 5 days). The values are the typed command's words."""

    ART5 = "art5"
    ART7 = "art7"


@dataclass(frozen=True)
class ChooseReturnGround(Payload):
    prefix = "rg"
    ground: ReturnGround


@dataclass(frozen=True)
class ChooseResult(Payload):
    prefix = "result"
    result: Result

    def is_valid(self) -> bool:
        return self.result in ANSWER_RESULTS


class ClassField(StrEnum):
    """What /classify may correct on the card (Classifier 858)."""

    KIND = "kind"
    TOPIC = "topic"
    FORM = "form"
    SIGN = "sign"
    CATEGORY = "category"


@dataclass(frozen=True)
class ChooseClassField(Payload):
    prefix = "cf"
    field: ClassField


@dataclass(frozen=True)
class ChooseCode(Payload):
    """A classifier code (3.x, a topic, 1.x, 2.x, 7.x, or "-" for none); checked on use."""

    prefix = "cc"
    code: str


@dataclass(frozen=True)
class ChooseWay(Payload):
    """/register: how the appeal reached the council."""

    prefix = "way"
    way: Channel


@dataclass(frozen=True)
class UseTemplate(Payload):
    """Start the answer from a department's template."""

    prefix = "tpl"
    template_id: int


# --- buttons of a step that carry nothing but their meaning ------------------------------------


@dataclass(frozen=True)
class Back(Payload):
    prefix = "back"


@dataclass(frozen=True)
class Skip(Payload):
    prefix = "skip"


@dataclass(frozen=True)
class Done(Payload):
    prefix = "done"


@dataclass(frozen=True)
class Confirm(Payload):
    prefix = "confirm"


@dataclass(frozen=True)
class Change(Payload):
    """Change what the step offers as remembered (the answer's signatory)."""

    prefix = "change"


BACK = Back().pack()
SKIP = Skip().pack()
DONE = Done().pack()
CONFIRM = Confirm().pack()
CHANGE = Change().pack()


#: Buttons that work from any step: they act on an appeal named in them.
GLOBAL_PAYLOADS: tuple[type[Payload], ...] = (
    Rate,
    NotSolved,
    OpenCard,
    Act,
    JoinTo,
    JoinAnyway,
    SimilarChoice,
    TurnPage,
)


def global_payload(action: str | None) -> Payload | None:
    for kind in GLOBAL_PAYLOADS:
        payload = kind.parse(action)
        if payload is not None:
            return payload
    return None
