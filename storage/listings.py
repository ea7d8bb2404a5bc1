"""The lists of appeals staff and citizens page through: each a filter and an order, so that
a page and the count of the whole list are read by one query shape."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import and_, false, or_

from reception.statuses import IN_WORK_STATUSES, OPEN_STATUSES, QUEUE_STATUSES, Status
from storage.convert import values_of
from storage.models import Appeal


class Listing(Protocol):
    def where(self) -> Sequence[Any]: ...

    def order(self) -> Sequence[Any]: ...


def _in_department(department_id: int | None) -> list[Any]:
    return [] if department_id is None else [Appeal.department_id == department_id]


@dataclass(frozen=True)
class Queue:
    """Awaiting triage: statutory privileges first, then the oldest."""

    def where(self) -> Sequence[Any]:
        return [Appeal.status.in_(values_of(QUEUE_STATUSES))]

    def order(self) -> Sequence[Any]:
        return [Appeal.privileged.desc(), Appeal.submitted_at, Appeal.id]


@dataclass(frozen=True)
class OnReview:
    """Answers awaiting the CNAP's control, the oldest first."""

    def where(self) -> Sequence[Any]:
        return [Appeal.status == Status.ON_REVIEW.value]

    def order(self) -> Sequence[Any]:
        return [Appeal.updated_at, Appeal.id]


@dataclass(frozen=True)
class InWork:
    """A department's appeals being worked on, the earliest due first."""

    department_id: int | None

    def where(self) -> Sequence[Any]:
        return [
            Appeal.status.in_(values_of(IN_WORK_STATUSES)),
            *_in_department(self.department_id),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.due_on, Appeal.id]


@dataclass(frozen=True)
class DueBetween:
    first: date
    last: date
    department_id: int | None

    def where(self) -> Sequence[Any]:
        return [
            Appeal.status.in_(values_of(OPEN_STATUSES)),
            Appeal.due_on >= self.first,
            Appeal.due_on <= self.last,
            *_in_department(self.department_id),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.due_on, Appeal.id]


@dataclass(frozen=True)
class Overdue:
    today: date
    department_id: int | None

    def where(self) -> Sequence[Any]:
        return [
            Appeal.status.in_(values_of(OPEN_STATUSES)),
            Appeal.due_on < self.today,
            *_in_department(self.department_id),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.due_on, Appeal.id]


@dataclass(frozen=True)
class RegisteredSince:
    """The digest's new appeals, in the order of ix_appeals_submitted_at (0015)."""

    moment: datetime

    def where(self) -> Sequence[Any]:
        return [Appeal.submitted_at >= self.moment]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at, Appeal.id]


@dataclass(frozen=True)
class AwaitingTriageFrom:
    """Appeals awaiting triage received on one of the days, the oldest first (the digest's)."""

    days: tuple[date, ...]

    def where(self) -> Sequence[Any]:
        return [Appeal.status.in_(values_of(QUEUE_STATUSES)), Appeal.received_on.in_(self.days)]

    def order(self) -> Sequence[Any]:
        return [Appeal.received_on, Appeal.id]


@dataclass(frozen=True)
class Search:
    """Appeals whose index, text or (with `author_fields`) author matches. Without it a
    confidential appeal matches by its index and text only: a search by a name or a phone must
    not confirm who wrote it (Art. 10)."""

    term: str
    department_id: int | None
    author_fields: bool = True

    def where(self) -> Sequence[Any]:
        needle = self.term.strip().casefold()
        by_author = Appeal.search_text.contains(needle, autoescape=True)
        if not self.author_fields:
            by_author = by_author & Appeal.confidential.is_(False)
        return [
            by_author
            | Appeal.search_public.contains(needle, autoescape=True)
            | (Appeal.reg_index == self.term.strip().upper()),
            *_in_department(self.department_id),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at.desc(), Appeal.id.desc()]


@dataclass(frozen=True)
class OfAuthor:
    """A citizen's own appeals, the latest first."""

    person_id: int

    def where(self) -> Sequence[Any]:
        return [Appeal.author_id == self.person_id]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at.desc(), Appeal.id.desc()]


METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Near:
    """Appeals whose shared location lies within about `metres` of a point (a box of that
    half-width: cheap on any database, close enough to find a neighbour's report)."""

    latitude: float
    longitude: float
    metres: int
    department_id: int | None

    def where(self) -> Sequence[Any]:
        rise = self.metres / METRES_PER_DEGREE
        run = rise / max(math.cos(math.radians(self.latitude)), 0.01)
        return [
            Appeal.latitude.between(self.latitude - rise, self.latitude + rise),
            Appeal.longitude.between(self.longitude - run, self.longitude + run),
            *_in_department(self.department_id),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at.desc(), Appeal.id.desc()]


#: A typed address shorter than this says too little to match another appeal's place.
MIN_ADDRESS_CHARS = 8


@dataclass(frozen=True)
class Similar:
    """Appeals in `statuses` that may be about the same problem: the same topic (and everyday
    category, where both have one: roads and lighting share a topic), at about the same place
    (within `metres` of the point, or naming the address typed), and not themselves joined to
    another. The oldest first: it is the one the others join."""

    topic: str
    latitude: float | None
    longitude: float | None
    address: str | None
    metres: int
    statuses: frozenset[Status]
    exclude_id: int | None = None
    category: str | None = None

    def names_a_place(self) -> bool:
        """Without a point or an address long enough to match, no appeal is at the same place."""
        has_point = self.latitude is not None and self.longitude is not None
        return has_point or len((self.address or "").strip()) >= MIN_ADDRESS_CHARS

    def where(self) -> Sequence[Any]:
        same_category = (
            [or_(Appeal.category.is_(None), Appeal.category == self.category)]
            if self.category
            else []
        )
        places = []
        if self.latitude is not None and self.longitude is not None:
            near = Near(self.latitude, self.longitude, self.metres, None)
            places.append(and_(*near.where()))
        address = (self.address or "").strip().casefold()
        if len(address) >= MIN_ADDRESS_CHARS:
            places.append(Appeal.search_public.contains(address, autoescape=True))
        return [
            Appeal.status.in_(values_of(self.statuses)),
            Appeal.topic == self.topic,
            *same_category,
            Appeal.joined_to_id.is_(None),
            Appeal.id != (self.exclude_id or 0),
            or_(*places) if places else false(),
        ]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at, Appeal.id]


@dataclass(frozen=True)
class JoinedTo:
    """The appeals joined to one: its answer reaches their authors too."""

    lead_id: int

    def where(self) -> Sequence[Any]:
        return [Appeal.joined_to_id == self.lead_id]

    def order(self) -> Sequence[Any]:
        return [Appeal.submitted_at, Appeal.id]
