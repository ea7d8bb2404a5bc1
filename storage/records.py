"""Plain data the repositories hand out: callers never touch ORM objects."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict


@dataclass(frozen=True)
class PersonRecord:
    id: int
    role: str
    department_id: int | None
    locale: str | None
    surname: str | None
    given_name: str | None
    patronymic: str | None
    residence: str | None
    phone: str | None
    email: str | None
    signatory_name: str | None = None
    signatory_position: str | None = None

    @property
    def has_profile(self) -> bool:
        # Art. 5: a name (the patronymic only if any) and a residence; the phone is optional.
        return bool(self.surname and self.residence)


@dataclass(frozen=True)
class AccountRecord:
    id: int
    person_id: int
    channel: str
    external_id: str
    verified_phone: str | None
    unreachable: bool


@dataclass(frozen=True)
class DepartmentRecord:
    id: int
    code: str
    name_uk: str
    name_en: str
    email: str
    email_is_placeholder: bool
    topics: tuple[str, ...]
    triage_desk: bool
    active: bool

    def name(self, locale: str) -> str:
        return self.name_uk if locale == "uk" else self.name_en


@dataclass(frozen=True)
class NewAppeal:
    """What a citizen submits; numbering and dates are added by the register."""

    draft_key: str
    author_id: int
    kind: str
    subject: str
    coauthors: int
    topic: str
    text: str
    location_text: str | None
    latitude: float | None
    longitude: float | None
    surname: str
    given_name: str
    patronymic: str
    residence: str
    phone: str
    email: str | None
    confidential: bool
    privileged: bool
    author_category: str | None
    channel: str
    locale: str
    receipt_form: str
    receipt_sign: str
    attachment_ids: tuple[int, ...] = ()
    parent_id: int | None = None
    #: An open appeal about the same problem the author chose to join ("me too").
    joined_to_id: int | None = None
    #: The everyday category chosen (CATEGORIES_FILE); None when filed another way.
    category: str | None = None
    coauthor_names: str | None = None
    publish_text: bool = False

    @classmethod
    def following(
        cls,
        first: "AppealRecord",
        *,
        author_id: int,
        draft_key: str,
        kind: str,
        text: str,
        channel: str,
        locale: str,
        receipt_sign: str,
    ) -> "NewAppeal":
        """A repeated appeal (or a complaint about the answer) by the same authors about the
        same problem at the same place, linked to `first`; whether to publish is asked anew."""
        return cls(
            draft_key=draft_key,
            author_id=author_id,
            kind=kind,
            subject=first.subject,
            coauthors=first.coauthors,
            topic=first.topic,
            text=text,
            location_text=first.location_text,
            latitude=first.latitude,
            longitude=first.longitude,
            surname=first.surname,
            given_name=first.given_name,
            patronymic=first.patronymic,
            residence=first.residence,
            phone=first.phone,
            email=first.email,
            confidential=first.confidential,
            privileged=first.privileged,
            author_category=first.author_category,
            channel=channel,
            locale=locale,
            receipt_form=first.receipt_form,
            receipt_sign=receipt_sign,
            parent_id=first.id,
            category=first.category,
            coauthor_names=first.coauthor_names,
        )


@dataclass(frozen=True)
class AppealPage:
    """One page of a list of appeals, and how many the whole list holds."""

    items: list["AppealRecord"]
    total: int
    offset: int


@dataclass(frozen=True)
class AppealRecord:
    id: int
    reg_index: str
    year: int
    number: int
    #: None once the appeal is anonymised after the retention term.
    author_id: int | None
    parent_id: int | None
    kind: str
    subject: str
    coauthors: int
    topic: str
    text: str
    location_text: str | None
    latitude: float | None
    longitude: float | None
    surname: str
    given_name: str
    patronymic: str
    residence: str
    phone: str
    email: str | None
    confidential: bool
    privileged: bool
    author_category: str | None
    channel: str
    locale: str
    receipt_form: str
    receipt_sign: str
    status: str
    term: str
    department_id: int | None
    executor_id: int | None
    submitted_at: datetime
    received_on: date
    due_on: date
    result: str | None
    answer_text: str | None
    answered_at: datetime | None
    rating: int | None
    category: str | None = None
    coauthor_names: str | None = None
    publish_text: bool = False
    text_hidden: bool = False
    refusal_grounds: str | None = None
    signatory_name: str | None = None
    signatory_position: str | None = None
    outgoing_number: str | None = None
    outgoing_date: date | None = None
    closed_at: datetime | None = None
    joined_to_id: int | None = None


@dataclass(frozen=True)
class EventRecord:
    id: int
    appeal_id: int
    actor_id: int | None
    actor_role: str
    kind: str
    from_status: str | None
    to_status: str | None
    text: str | None
    data: dict[str, Any]
    internal: bool
    at: datetime


@dataclass(frozen=True)
class NewEvent:
    """A line of an appeal's history, before it is written."""

    kind: str
    actor_id: int | None
    actor_role: str
    at: datetime
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    internal: bool = False


class AppealChanges(TypedDict, total=False):
    """The columns a status change may set beside the status: no other column passes."""

    department_id: int | None
    term: str
    due_on: date
    executor_id: int | None
    answer_text: str
    result: str
    answered_at: datetime
    closed_at: datetime
    rating: int
    parent_id: int
    refusal_grounds: str | None
    signatory_name: str
    signatory_position: str
    outgoing_number: str
    outgoing_date: date
    joined_to_id: int | None


class Classification(TypedDict, total=False):
    """The classifier codes an operator may correct with /classify (no status changes)."""

    kind: str
    topic: str
    receipt_form: str
    receipt_sign: str
    author_category: str | None
    privileged: bool


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    owner_id: int
    appeal_id: int | None
    event_id: int | None
    storage_key: str
    name: str
    mime: str
    size: int


@dataclass
class StateRecord:
    step: str
    data: dict[str, Any] = field(default_factory=dict)
