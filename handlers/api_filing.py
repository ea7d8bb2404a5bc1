"""An appeal filed by a city system through Open311: checked against Art. 5 as the bot checks a
draft, registered by the same function, queued for the operators' triage; the registration
index goes only to the author's e-mail."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from handlers import notify
from handlers.config import ConversationConfig
from handlers.duty import Duty
from handlers.i18n import Catalogs
from handlers.phones import normalize_phone
from handlers.render import day
from handlers.submission import register_appeal
from reception.classifier import DEFAULT_RECEIPT_FORMS, TOPICS, Channel
from reception.kinds import AppealKind, ReceiptSign, Subject
from reception.validation import (
    MAX_APPEAL_CHARS,
    MAX_LOCATION_CHARS,
    FullName,
    check_residence,
    clean_text,
    has_substance,
    normalize_email,
    parse_full_name,
)
from storage.people import Profile
from storage.records import AppealRecord, NewAppeal
from storage.uow import UnitOfWork

#: Art. 5 in Open311's words: the spec's own fields, and attributes for what it lacks.
REQUIRED_FIELDS = (
    "service_code",
    "last_name",
    "first_name",
    "attribute[patronymic]",
    "attribute[residence]",
    "description",
)
API_CHANNEL = "open311"


@dataclass(frozen=True)
class ApiRefusal:
    """Field names that are missing and that are malformed, in Open311's words."""

    missing: tuple[str, ...]
    invalid: tuple[str, ...]


def _coordinate(raw: str, low: float, high: float) -> float | str | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return "bad"
    return value if low <= value <= high else "bad"


def check_request(form: Mapping[str, str]) -> NewAppeal | ApiRefusal:
    """The appeal a POST describes, or what is missing or wrong in it (author_id is 0 here)."""
    values = {key: clean_text(form.get(key, "")) for key in REQUIRED_FIELDS}
    missing = [key for key, value in values.items() if not value]
    email_raw = clean_text(form.get("email", ""))
    phone_raw = clean_text(form.get("phone", ""))
    if not email_raw:
        # Art. 5: an electronic appeal names a contact for the answer; a filing system has no
        # chat with the author, so the registration index and the answer go by e-mail only.
        missing.append("email")
    invalid: list[str] = []
    topics = {topic.code for topic in TOPICS}
    if values["service_code"] and values["service_code"] not in topics:
        invalid.append("service_code")
    name = parse_full_name(
        " ".join((values["last_name"], values["first_name"], values["attribute[patronymic]"]))
    )
    if all(values[k] for k in REQUIRED_FIELDS[1:4]) and not isinstance(name, FullName):
        invalid.append("last_name")
    residence = check_residence(values["attribute[residence]"])
    if values["attribute[residence]"] and not isinstance(residence, str):
        invalid.append("attribute[residence]")
    text = values["description"]
    if text and (len(text) > MAX_APPEAL_CHARS or not has_substance(text)):
        invalid.append("description")
    email = normalize_email(email_raw) if email_raw else None
    if email_raw and email is None:
        invalid.append("email")
    phone = normalize_phone(phone_raw) if phone_raw else None
    if phone_raw and phone is None:
        invalid.append("phone")
    kind = clean_text(form.get("attribute[kind]", "")) or AppealKind.APPLICATION.value
    if kind not in {k.value for k in AppealKind}:
        invalid.append("attribute[kind]")
    latitude = _coordinate(clean_text(form.get("lat", "")), -90, 90)
    longitude = _coordinate(clean_text(form.get("long", "")), -180, 180)
    if latitude == "bad":
        invalid.append("lat")
    if longitude == "bad":
        invalid.append("long")
    address = clean_text(form.get("address_string", ""))[:MAX_LOCATION_CHARS] or None
    if missing or invalid or not isinstance(name, FullName) or not isinstance(residence, str):
        return ApiRefusal(tuple(missing), tuple(dict.fromkeys(invalid)))
    has_point = isinstance(latitude, float) and isinstance(longitude, float)
    return NewAppeal(
        draft_key="api-" + secrets.token_hex(16),
        author_id=0,
        kind=kind,
        subject=Subject.INDIVIDUAL.value,
        coauthors=1,
        topic=values["service_code"],
        text=text,
        location_text=address,
        latitude=latitude if has_point and isinstance(latitude, float) else None,
        longitude=longitude if has_point and isinstance(longitude, float) else None,
        surname=name.surname,
        given_name=name.given_name,
        patronymic=name.patronymic,
        residence=residence,
        phone=phone or "",
        email=email,
        confidential=clean_text(form.get("attribute[confidential]", "")).lower() == "true",
        privileged=False,
        author_category=None,
        channel=API_CHANNEL,
        locale="uk",
        receipt_form=DEFAULT_RECEIPT_FORMS[Channel.ELECTRONIC].value,
        receipt_sign=ReceiptSign.FIRST.value,
        publish_text=clean_text(form.get("attribute[publish_text]", "")).lower() == "true",
    )


async def file_through_api(
    uow: UnitOfWork,
    config: ConversationConfig,
    catalogs: Catalogs,
    now: datetime,
    new: NewAppeal,
    locale: str,
) -> AppealRecord:
    """Register the appeal under the law as the bot does and tell the author by e-mail (the
    caller files only when e-mail can be sent, and `check_request` requires the address)."""
    author = await uow.people.create_without_account(
        Profile(new.surname, new.given_name, new.patronymic, new.residence, new.phone, new.email),
        locale,
        now,
    )
    duty = Duty.of(uow, config, catalogs, now)
    words = duty.speakers.of(locale)
    form = config.receipt_forms[Channel.ELECTRONIC].value
    appeal = await register_appeal(
        duty, replace(new, author_id=author.id, locale=words.locale, receipt_form=form)
    )
    if appeal.email:
        body = words._(
            "Your appeal is registered.\n\n"
            "Registration index: {index}\n"
            "Date of receipt: {received}\n"
            "The answer is due by: {due}"
        ).format(
            index=appeal.reg_index,
            received=day(words, appeal.received_on),
            due=day(words, appeal.due_on),
        )
        await uow.outbox.enqueue(
            channel=notify.EMAIL_CHANNEL,
            recipient=appeal.email,
            kind="email:registered",
            payload={"subject": words._("Your appeal is registered"), "body": body},
            now=now,
            person_id=author.id,
            appeal_id=appeal.id,
        )
    return appeal
