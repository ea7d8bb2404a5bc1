"""Figures for the council: what the classifier asks to count, from rows without personal data."""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from reception.statuses import OPEN_STATUSES


@dataclass(frozen=True)
class ReportRow:
    """One appeal as reports and open data see it: no name, phone, address or text."""

    index: str
    received_on: date
    due_on: date
    kind: str  # 3.x
    subject: str  # 5.x
    receipt_sign: str  # 2.x
    author_category: str | None  # 7.x
    topic: str
    status: str
    department: str | None  # the department's code
    result: str | None  # 9.x
    days_to_answer: int | None
    rating: int | None
    receipt_form: str = ""  # 1.x


#: The classifier's dimensions a council reports, as (report field, ReportRow attribute).
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("kind", "kind"),
    ("topic", "topic"),
    ("result", "result"),
    ("author_category", "author_category"),
    ("receipt_form", "receipt_form"),
    ("receipt_sign", "receipt_sign"),
    ("subject", "subject"),
)


@dataclass(frozen=True)
class Summary:
    total: int
    by_status: dict[str, int]
    by_department: dict[str, int]
    by_topic: dict[str, int]
    by_kind: dict[str, int]
    overdue: int
    median_days_to_answer: float | None
    average_rating: float | None


def is_overdue(row: ReportRow, today: date) -> bool:
    return row.status in OPEN_STATUSES and row.due_on < today


def summarise(rows: list[ReportRow], today: date) -> Summary:
    answered = [r.days_to_answer for r in rows if r.days_to_answer is not None]
    ratings = [r.rating for r in rows if r.rating is not None]
    return Summary(
        total=len(rows),
        by_status=dict(Counter(r.status for r in rows).most_common()),
        by_department=dict(Counter(r.department or "-" for r in rows).most_common()),
        by_topic=dict(Counter(r.topic for r in rows).most_common()),
        by_kind=dict(sorted(Counter(r.kind for r in rows).items())),
        overdue=sum(is_overdue(r, today) for r in rows),
        median_days_to_answer=statistics.median(answered) if answered else None,
        average_rating=round(statistics.fmean(ratings), 2) if ratings else None,
    )


def breakdown(rows: list[ReportRow], attribute: str) -> dict[str, Counter[str]]:
    """Per department (and "-" for none yet): how many appeals carry each code."""
    table: dict[str, Counter[str]] = {}
    for row in rows:
        code = getattr(row, attribute) or "-"
        table.setdefault(row.department or "-", Counter())[code] += 1
    return table
