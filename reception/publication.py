"""What the public may see of an appeal: the one place the anonymisation is written, so the
public page, the Open311 API and the open-data CSV cannot drift apart.

Never published: the author's name, residence, phone, e-mail, the registration index (it
carries the surname's first letter), the place as typed, the exact coordinates, the answer,
reasons and notes. The text only where the author chose to publish it without their name and
no operator hid it."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from reception.statuses import OPEN_STATUSES, Status

#: Coordinates are rounded to this many decimal places: 0.002° is about 220 m north–south and
#: 140 m east–west in Lutsk — a street block, never a house.
GRID_DEGREES = 0.002


@dataclass(frozen=True)
class PublicSource:
    """The columns the public query reads: nothing about the author but their choice."""

    id: int
    year: int
    number: int
    kind: str
    topic: str
    status: str
    department: str | None  # the department's code
    received_on: date
    due_on: date
    submitted_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    result: str | None
    rating: int | None
    latitude: float | None
    longitude: float | None
    text: str
    publish_text: bool
    text_hidden: bool
    anonymised: bool


@dataclass(frozen=True)
class PublicAppeal:
    id: int
    public_number: str
    kind: str
    topic: str
    status: str
    is_open: bool
    department: str | None
    received_on: date
    due_on: date
    requested_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    result: str | None
    rating: int | None
    latitude: float | None
    longitude: float | None
    text: str | None


def public_number(year: int, number: int) -> str:
    """The register's year and sequence number: unique, and says nothing about the author."""
    return f"{year}-{number}"


def parse_public_number(text: str) -> tuple[int, int] | None:
    year, dash, number = text.strip().partition("-")
    if not dash or not (year.isdecimal() and number.isdecimal()):
        return None
    if len(year) != 4 or len(number) > 9:
        return None
    return int(year), int(number)


def to_grid(value: float | None) -> float | None:
    if value is None:
        return None
    return round(round(value / GRID_DEGREES) * GRID_DEGREES, 3)


def publish(source: PublicSource) -> PublicAppeal:
    """An appeal as anyone may see it."""
    shows_text = source.publish_text and not source.text_hidden and not source.anonymised
    return PublicAppeal(
        id=source.id,
        public_number=public_number(source.year, source.number),
        kind=source.kind,
        topic=source.topic,
        status=source.status,
        is_open=Status(source.status) in OPEN_STATUSES,
        department=source.department,
        received_on=source.received_on,
        due_on=source.due_on,
        requested_at=source.submitted_at,
        updated_at=source.updated_at,
        answered_at=source.answered_at,
        # An answer still on the CNAP's review is not given yet: no result before approval.
        result=source.result if source.answered_at is not None else None,
        rating=source.rating,
        latitude=to_grid(source.latitude),
        longitude=to_grid(source.longitude),
        text=source.text if shows_text else None,
    )


@dataclass(frozen=True)
class PublicEvent:
    """A line of an appeal's public history: what happened and when, never who or why."""

    kind: str  # registered, assigned, extended, answered, rated, closed, forwarded, …
    at: datetime
    department: str | None = None
    due_on: date | None = None
    rating: int | None = None


#: The events the public history shows; notes, supplements and internal events never.
PUBLIC_EVENT_KINDS = frozenset(
    {
        "registered",
        "assigned",
        "taken",
        "extended",
        "answered",
        "rated",
        "closed",
        "forwarded",
        "returned",
        "not_considered",
        "withdrawn",
        "not_resolved",
    }
)


def public_event(
    kind: str, at: datetime, data: dict[str, object], text: str | None
) -> PublicEvent | None:
    """The public line of one history event, or None when the public sees nothing of it."""
    if kind == "approved":
        # Under the CNAP's control the executor's answer stays inside until an operator approves
        # it; the approval is the moment the public sees the appeal answered.
        kind = "answered"
    if kind not in PUBLIC_EVENT_KINDS:
        return None
    department = data.get("department") if kind == "assigned" else None
    due_on = None
    if kind == "extended" and isinstance(data.get("to"), str):
        try:
            due_on = date.fromisoformat(str(data["to"]))
        except ValueError:
            due_on = None
    rating = None
    if kind == "rated" and text and text.isdecimal() and len(text) == 1:
        rating = int(text)
    return PublicEvent(
        kind=kind,
        at=at,
        department=department if isinstance(department, str) else None,
        due_on=due_on,
        rating=rating,
    )


@dataclass(frozen=True)
class BodyStatistics:
    department: str | None
    received: int
    answered: int
    answered_in_time: int
    median_days: float | None
    overdue_now: int
    average_rating: float | None

    @property
    def in_time_percent(self) -> int | None:
        if not self.answered:
            return None
        return round(100 * self.answered_in_time / self.answered)


def body_statistics(appeals: list[PublicAppeal], today: date, tz: tzinfo) -> list[BodyStatistics]:
    """Per executive body (None: not yet assigned), the most appeals first. `tz` turns the
    moment of an answer into the local day it was given on (a tzinfo)."""
    groups: dict[str | None, list[PublicAppeal]] = defaultdict(list)
    for appeal in appeals:
        groups[appeal.department].append(appeal)
    result: list[BodyStatistics] = []
    for department, items in groups.items():
        answered = [a for a in items if a.answered_at is not None]
        days = [
            # An after-hours appeal answered that evening took no days, not minus one.
            max(0, (a.answered_at.astimezone(tz).date() - a.received_on).days)
            for a in answered
            if a.answered_at is not None
        ]
        in_time = sum(
            1
            for a in answered
            if a.answered_at is not None and a.answered_at.astimezone(tz).date() <= a.due_on
        )
        ratings = [a.rating for a in items if a.rating is not None]
        result.append(
            BodyStatistics(
                department=department,
                received=len(items),
                answered=len(answered),
                answered_in_time=in_time,
                median_days=statistics.median(days) if days else None,
                overdue_now=sum(1 for a in items if a.is_open and a.due_on < today),
                average_rating=round(statistics.fmean(ratings), 2) if ratings else None,
            )
        )
    result.sort(key=lambda s: (-s.received, s.department or "~"))
    return result
