"""The database schema: the appeal register, people and their messenger accounts, state, outbox."""

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import BigID, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_uk: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(254))
    email_is_placeholder: Mapped[bool] = mapped_column(Boolean, default=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    triage_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    __tablename__ = "persons"
    # Staff by role (and department), found among a city's citizens without reading them all:
    # every reminder and escalation looks up whom to tell (migration 0017, issue 14).
    __table_args__ = (Index("ix_persons_role_department_id", "role", "department_id"),)
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    role: Mapped[str] = mapped_column(String(20), default="citizen")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    locale: Mapped[str | None] = mapped_column(String(8))
    surname: Mapped[str | None] = mapped_column(String(60))
    given_name: Mapped[str | None] = mapped_column(String(60))
    patronymic: Mapped[str | None] = mapped_column(String(60))
    residence: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(16), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    #: Staff: who signs the answers they write (Art. 15, 19), remembered so it is not retyped.
    signatory_name: Mapped[str | None] = mapped_column(String(120))
    signatory_position: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelAccount(Base):
    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    #: A phone number the messenger itself vouched for (a shared own contact).
    verified_phone: Mapped[str | None] = mapped_column(String(16), index=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    #: The messenger's receipts for what we sent (Viber's delivered and seen callbacks).
    last_delivered_at: Mapped[datetime | None]
    last_read_at: Mapped[datetime | None]


class Consent(Base):
    """Personal-data consent (Law No. 2297-VI): when, which notice version, through which channel."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    given: Mapped[bool] = mapped_column(Boolean)
    notice_version: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]


class AppealCounter(Base):
    """The register's sequence number per year (Instruction No. 348: numbering restarts yearly)."""

    __tablename__ = "appeal_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Appeal(Base):
    """The registration-control card of one appeal."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        # By due date within a status, the id last (migration 0017): PostgreSQL answers the
        # control scans' "which of these were not yet reminded" from the index alone, reading
        # full rows only for the appeals it returns (SQLite's indexes hold the rowid anyway).
        Index("ix_appeals_status_due_on_id", "status", "due_on", "id"),
        # The digest's triage queue counted by the day received, from the index (0017).
        Index("ix_appeals_status_received_on", "status", "received_on"),
        # An executor's /due, /overdue and /queue: their department's open appeals by due date,
        # found without reading the department's closed history (issue 14).
        Index("ix_appeals_department_status_due_on", "department_id", "status", "due_on"),
        # The scheduler's minute (migration 0015): the retention job reads only appeals that
        # still carry personal data (partial: anonymised ones leave the index), close_unrated
        # only the answered ones by answer time, the digest the day's new ones.
        Index(
            "ix_appeals_retention",
            "received_on",
            sqlite_where=text("anonymised_at IS NULL"),
            postgresql_where=text("anonymised_at IS NULL"),
        ),
        Index("ix_appeals_status_answered_at", "status", "answered_at"),
        Index("ix_appeals_submitted_at", "submitted_at"),
    )
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    reg_index: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    #: The draft this appeal was registered from: a second tap on Submit finds it taken.
    draft_key: Mapped[str] = mapped_column(String(40), unique=True)
    #: NULL once the appeal is anonymised after the retention term: it no longer points to anyone.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    #: The appeal about the same problem whose answer this one receives (duplicates joined).
    joined_to_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(8))
    coauthors: Mapped[int] = mapped_column(Integer, default=1)
    #: The other signatories of a collective appeal, one a line, when the author named them.
    coauthor_names: Mapped[str | None] = mapped_column(Text)
    receipt_form: Mapped[str] = mapped_column(String(8))
    receipt_sign: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(8))
    #: The everyday category the citizen chose (CATEGORIES_FILE), which suggests the body.
    category: Mapped[str | None] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    location_text: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # The author as the card records them at submission; the person's profile may change later.
    surname: Mapped[str] = mapped_column(String(60))
    given_name: Mapped[str] = mapped_column(String(60))
    patronymic: Mapped[str] = mapped_column(String(60))
    residence: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    privileged: Mapped[bool] = mapped_column(Boolean, default=False)
    author_category: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(4))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    submitted_at: Mapped[datetime]
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(8))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    #: The answer as the law wants it (Art. 15, 19): a refusal's grounds, who signed it, and
    #: its outgoing registration number and date (set when it is sent to the citizen).
    refusal_grounds: Mapped[str | None] = mapped_column(Text)
    signatory_name: Mapped[str | None] = mapped_column(String(120))
    signatory_position: Mapped[str | None] = mapped_column(String(200))
    outgoing_number: Mapped[str | None] = mapped_column(String(60))
    outgoing_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    #: Author, phone and text case-folded, so that /find works alike on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: The index and the text only, case-folded: what /find may match for a role that must not
    #: learn a confidential author (Art. 10).
    search_public: Mapped[str] = mapped_column(Text, default="")
    #: When the retention term ended and the author's data were removed from the card.
    anonymised_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    #: The author chose to publish the text without their name; they may withdraw it.
    publish_text: Mapped[bool] = mapped_column(Boolean, default=False)
    #: An operator hid the text from the public page whatever the author chose.
    text_hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_events.id"))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class AppealEvent(Base):
    """One change to an appeal; rows are only ever added (DESIGN rule 5)."""

    __tablename__ = "appeal_events"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Internal notes are never shown to the citizen.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime]


class ConversationState(Base):
    """Where each messenger account is in the conversation, drafts included (DESIGN rule 3)."""

    __tablename__ = "conversation_states"
    account_id: Mapped[int] = mapped_column(ForeignKey("channel_accounts.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    #: Bumped by every save: the compare-and-set that replaces a row lock held during a step.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SendBudget(Base):
    """A messenger's send rate, shared by every instance on this database: each reserves its
    sends' moments here, so that two instances together stay within the messenger's limit."""

    __tablename__ = "send_budgets"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The first moment not yet reserved.
    next_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message to send after the transaction that caused it commits (DESIGN rule 4)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    #: A messenger account id, or an e-mail address for the e-mail channel.
    recipient: Mapped[str] = mapped_column(String(254))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class InboxUpdate(Base):
    """A messenger update, stored before the messenger is told it arrived (DESIGN rule 10).

    `received` until a handler claims it in the transaction that carries its effects (then
    `handled`, with the replies to send); `replied` once the replies reached the messenger or the
    outbox; `failed` when handling it kept raising. The unique key makes a replay harmless."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "update_id"),
        Index("ix_inbox_sender_pending", "channel", "sender", "status", "id"),
        Index("ix_inbox_status_received_at", "status", "received_at"),
    )
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(80))
    #: The sender's id in the messenger: updates of one sender are handled in order.
    sender: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="received")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    #: The conversation's replies, kept until they are delivered or handed to the outbox.
    replies: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Invite(Base):
    """A one-time code an admin gives a new employee; only its hash is kept."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class SentReminder(Base):
    """A reminder or escalation that went out: each (appeal, kind, due date) at most once, even
    with several workers — a new due date after an extension earns new reminders."""

    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("appeal_id", "kind", "due_on"),
        # One kind's reminders by due date (migration 0017): the control scans leave out what
        # was sent by reading only that kind's entries, not probing per appeal or reading
        # every reminder ever sent (issue 14).
        Index("ix_sent_reminders_kind_due_on_appeal_id", "kind", "due_on", "appeal_id"),
    )
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime]


class JobRun(Base):
    """A scheduled job's run for one period (the 09:00 digest of a day): done once."""

    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime]


class LinkCode(Base):
    """A one-time code that joins a citizen's account in another messenger to this person; only
    its hash is kept. The only way two accounts become one (a phone number proves nothing)."""

    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class GuessAttempt(Base):
    """A code typed to /join or /link: counted per account and per code to throttle guessing."""

    __tablename__ = "guess_attempts"
    __table_args__ = (Index("ix_guess_attempts_scope_key_at", "scope", "key", "at"),)
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]


class PersonEvent(Base):
    """What happened to a person's data: accounts linked, details corrected, consent withdrawn,
    deletion asked for. Shown to the person in /mydata (Law No. 2297-VI, Art. 8)."""

    __tablename__ = "person_events"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]


class AnswerTemplate(Base):
    """A department's prepared answer text: picked while answering and edited before sending."""

    __tablename__ = "answer_templates"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]


class ApiKey(Base):
    """A key for filing appeals through Open311; only its hash is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
