"""Deadline arithmetic under the Law "Про звернення громадян" (Art. 7, 20).

The law counts calendar days from the day of receipt. What happens when a term ends on a day off,
and whether an appeal that arrives after hours counts as received on the next working day, is not
set by the law; both are settings of the `WorkCalendar`.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

#: Art. 20: consideration with extensions never exceeds 45 days from receipt.
MAX_TERM_DAYS = 45
#: Art. 20: an appeal that needs no additional study is considered "without delay", within 15 days.
SHORT_TERM_DAYS = 15
#: Art. 7: an appeal outside the council's competence is forwarded within 5 days.
FORWARD_DAYS = 5
#: Art. 7: an appeal lacking data needed for a decision is returned within 5 days.
RETURN_LACKING_DATA_DAYS = 5
#: Art. 5: an appeal that does not meet Art. 5 is returned within 10 days.
RETURN_NONCOMPLIANT_DAYS = 10

KYIV = ZoneInfo("Europe/Kyiv")


class Term(StrEnum):
    FIFTEEN_DAYS = "15"
    ONE_MONTH = "30"


class DayOffRule(StrEnum):
    PREVIOUS_WORKING_DAY = "previous"
    NEXT_WORKING_DAY = "next"
    CALENDAR = "none"


@dataclass(frozen=True)
class WorkCalendar:
    day_off_rule: DayOffRule = DayOffRule.PREVIOUS_WORKING_DAY
    after_hours_next_day: bool = True
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday
    holidays: frozenset[date] = field(default_factory=frozenset)
    timezone: ZoneInfo = KYIV

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day` (a year of days off is not a calendar)."""
        for offset in range(366):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        return day


def add_month(day: date) -> date:
    """The same day of the next month, or its last day when the next month is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def received_on(submitted_at: datetime, cal: WorkCalendar) -> date:
    """The day of receipt of an appeal submitted at an aware moment."""
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    local = submitted_at.astimezone(cal.timezone)
    day = local.date()
    if not cal.after_hours_next_day:
        return day
    if cal.is_working_day(day) and local.time() >= cal.work_end:
        return cal.next_working_day(day + timedelta(days=1))
    return cal.next_working_day(day)


def latest_due(received: date) -> date:
    return received + timedelta(days=MAX_TERM_DAYS)


def _shift_off_day_off(day: date, received: date, cal: WorkCalendar) -> date:
    if cal.day_off_rule is DayOffRule.CALENDAR or cal.is_working_day(day):
        return day
    upper = latest_due(received)
    if cal.day_off_rule is DayOffRule.NEXT_WORKING_DAY:
        candidate = day
        while candidate < upper:
            candidate += timedelta(days=1)
            if cal.is_working_day(candidate):
                return candidate
    candidate = day
    while candidate > received:
        candidate -= timedelta(days=1)
        if cal.is_working_day(candidate):
            return candidate
    return day  # no working day in reach: the calendar date stands


def due_date(received: date, term: Term, cal: WorkCalendar) -> date:
    """The control date of an appeal received on `received` with the given term."""
    nominal = (
        received + timedelta(days=SHORT_TERM_DAYS)
        if term is Term.FIFTEEN_DAYS
        else add_month(received)
    )
    return _shift_off_day_off(min(nominal, latest_due(received)), received, cal)


def forward_due(received: date, cal: WorkCalendar) -> date:
    return _shift_off_day_off(received + timedelta(days=FORWARD_DAYS), received, cal)


def return_due(received: date, cal: WorkCalendar, *, lacking_data: bool) -> date:
    days = RETURN_LACKING_DATA_DAYS if lacking_data else RETURN_NONCOMPLIANT_DAYS
    return _shift_off_day_off(received + timedelta(days=days), received, cal)


class ExtensionProblem(StrEnum):
    NOT_LATER = "not_later"
    PAST_MAXIMUM = "past_maximum"
    IN_THE_PAST = "in_the_past"


def extension_problem(
    received: date, current_due: date, new_due: date, today: date
) -> ExtensionProblem | None:
    """Why an extension to `new_due` is unlawful or pointless, or None when it may be granted."""
    if new_due > latest_due(received):
        return ExtensionProblem.PAST_MAXIMUM
    if new_due < today:
        return ExtensionProblem.IN_THE_PAST
    if new_due <= current_due:
        return ExtensionProblem.NOT_LATER
    return None


def latest_due_by(received: date, cal: WorkCalendar) -> date:
    """Art. 20's 45-day cap as the day-off setting reads it: a cap on a day off moves like any
    other term end — back to the previous working day, or on to the next one."""
    cap = latest_due(received)
    if cal.day_off_rule is DayOffRule.CALENDAR or cal.is_working_day(cap):
        return cap
    step = timedelta(days=1 if cal.day_off_rule is DayOffRule.NEXT_WORKING_DAY else -1)
    candidate = cap
    for _ in range(366):
        candidate += step
        if candidate <= received:
            break
        if cal.is_working_day(candidate):
            return candidate
    return cap


def extension_target(
    received: date, current_due: date, requested: date, today: date, cal: WorkCalendar
) -> tuple[date, ExtensionProblem | None]:
    """The date an extension to `requested` really sets (a day off moves as the calendar says)
    and why it may not be granted, or None (Art. 20)."""
    target = requested
    if cal.day_off_rule is not DayOffRule.CALENDAR and not cal.is_working_day(requested):
        step = timedelta(days=1 if cal.day_off_rule is DayOffRule.NEXT_WORKING_DAY else -1)
        for _ in range(366):
            target += step
            if cal.is_working_day(target):
                break
    if target > latest_due_by(received, cal):
        return target, ExtensionProblem.PAST_MAXIMUM
    if target < today:
        return target, ExtensionProblem.IN_THE_PAST
    if target <= current_due:
        return target, ExtensionProblem.NOT_LATER
    return target, None


@dataclass(frozen=True)
class AssignedDue:
    """The due date an assignment sets, and whether the law's own term had already passed."""

    due: date
    lawful_due: date
    late: bool


def assignment_due(
    received: date,
    term: Term,
    cal: WorkCalendar,
    today: date,
    extended_to: date | None,
    told: date | None = None,
) -> AssignedDue:
    """Art. 20: a due date only moves forward. A re-assignment keeps an extension granted
    before, and never sets a date earlier than the one an earlier assignment told the citizen
    (`told`), whatever its term; an assignment after the term has run out never sets a date in
    the past (the appeal is due today and the operator is told it is late) — the citizen is
    never told a past date."""
    lawful = due_date(received, term, cal)
    for later in (extended_to, told):
        if later is not None and later > lawful:
            lawful = later
    if lawful >= today:
        return AssignedDue(lawful, lawful, late=False)
    return AssignedDue(today, lawful, late=True)


def after_hours(submitted_at: datetime, received: date, cal: WorkCalendar) -> bool:
    """The appeal arrived after working hours or on a day off, so it counts as received on a
    later working day (the setting `after_hours_next_day`)."""
    return received != submitted_at.astimezone(cal.timezone).date()


def add_months(day: date, months: int) -> date:
    for _ in range(months):
        day = add_month(day)
    return day


def complaint_is_late(received: date, learned: date, decided: date | None = None) -> bool:
    """Art. 17: a complaint is filed within one month of learning of the decision, and no later
    than one year after it was taken."""
    if received > add_month(learned):
        return True
    return decided is not None and received > add_months(decided, 12)
