"""Deadlines under Art. 7 and 20 of the Law: terms, month ends, leap years, days off, 45 days."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reception.deadlines import (
    DayOffRule,
    ExtensionProblem,
    Term,
    WorkCalendar,
    add_month,
    due_date,
    extension_problem,
    forward_due,
    latest_due,
    received_on,
    return_due,
)

CALENDAR = WorkCalendar()
NO_DAY_OFF = WorkCalendar(day_off_rule=DayOffRule.CALENDAR)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
rules = st.sampled_from(list(DayOffRule))
holidays = st.frozensets(days, max_size=40)
terms = st.sampled_from(list(Term))


def test_one_month_ends_on_the_same_day_of_the_next_month() -> None:
    assert due_date(date(2026, 12, 1), Term.ONE_MONTH, NO_DAY_OFF) == date(2027, 1, 1)
    assert due_date(date(2026, 3, 10), Term.ONE_MONTH, NO_DAY_OFF) == date(2026, 4, 10)


def test_a_month_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert add_month(date(2027, 1, 31)) == date(2027, 2, 28)
    assert add_month(date(2028, 1, 31)) == date(2028, 2, 29)  # leap year
    assert add_month(date(2026, 3, 31)) == date(2026, 4, 30)
    assert add_month(date(2026, 12, 31)) == date(2027, 1, 31)


def test_fifteen_days_are_calendar_days() -> None:
    assert due_date(date(2026, 12, 1), Term.FIFTEEN_DAYS, NO_DAY_OFF) == date(2026, 12, 16)


def test_a_term_ending_on_a_sunday_moves_to_friday_by_default() -> None:
    # 1 Nov 2026 + 1 month = Tuesday 1 Dec; 16 Nov + 15 days = Sunday 1 Dec? check a real Sunday:
    received = date(2026, 11, 14)  # + 15 days = Sunday 29 November 2026
    assert received + timedelta(days=15) == date(2026, 11, 29)
    assert due_date(received, Term.FIFTEEN_DAYS, CALENDAR) == date(2026, 11, 27)


def test_the_next_working_day_rule_moves_it_to_monday() -> None:
    cal = WorkCalendar(day_off_rule=DayOffRule.NEXT_WORKING_DAY)
    assert due_date(date(2026, 11, 14), Term.FIFTEEN_DAYS, cal) == date(2026, 11, 30)


def test_holidays_from_settings_are_days_off() -> None:
    cal = WorkCalendar(holidays=frozenset({date(2027, 1, 1)}))
    assert due_date(date(2026, 12, 1), Term.ONE_MONTH, cal) == date(2026, 12, 31)


def test_an_appeal_after_hours_counts_from_the_next_working_day() -> None:
    friday_evening = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # 19:30 in Kyiv
    assert received_on(friday_evening, CALENDAR) == date(2026, 11, 30)
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert received_on(saturday, CALENDAR) == date(2026, 11, 30)
    early_monday = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 06:00 in Kyiv
    assert received_on(early_monday, CALENDAR) == date(2026, 11, 30)


def test_after_hours_rule_switched_off_takes_the_calendar_day() -> None:
    cal = WorkCalendar(after_hours_next_day=False)
    late = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 23:30 Friday in Kyiv
    assert received_on(late, cal) == date(2026, 11, 27)


def test_the_day_of_receipt_is_the_kyiv_day_not_the_utc_day() -> None:
    cal = WorkCalendar(after_hours_next_day=False)
    assert received_on(datetime(2026, 12, 31, 22, 30, tzinfo=UTC), cal) == date(2027, 1, 1)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        received_on(datetime(2026, 12, 1, 10, 0), CALENDAR)


def test_forward_and_return_terms() -> None:
    assert forward_due(date(2026, 12, 1), NO_DAY_OFF) == date(2026, 12, 6)
    assert return_due(date(2026, 12, 1), NO_DAY_OFF, lacking_data=True) == date(2026, 12, 6)
    assert return_due(date(2026, 12, 1), NO_DAY_OFF, lacking_data=False) == date(2026, 12, 11)


def test_extensions_are_capped_at_45_days_from_receipt() -> None:
    received = date(2026, 12, 1)
    due = date(2027, 1, 1)
    today = date(2026, 12, 20)
    assert latest_due(received) == date(2027, 1, 15)
    assert extension_problem(received, due, date(2027, 1, 15), today) is None
    assert extension_problem(received, due, date(2027, 1, 16), today) is (
        ExtensionProblem.PAST_MAXIMUM
    )
    assert extension_problem(received, due, date(2026, 12, 25), today) is (
        ExtensionProblem.NOT_LATER
    )
    assert extension_problem(received, due, date(2026, 12, 19), today) is (
        ExtensionProblem.IN_THE_PAST
    )


@given(received=days, term=terms, rule=rules, off=holidays)
def test_a_due_date_is_never_before_receipt_nor_past_45_days(
    received: date, term: Term, rule: DayOffRule, off: frozenset[date]
) -> None:
    cal = WorkCalendar(day_off_rule=rule, holidays=off)
    due = due_date(received, term, cal)
    assert received <= due <= latest_due(received)


@given(received=days, term=terms, off=holidays)
def test_the_previous_working_day_rule_never_lengthens_a_term(
    received: date, term: Term, off: frozenset[date]
) -> None:
    nominal = due_date(received, term, NO_DAY_OFF)
    cal = WorkCalendar(holidays=off)
    due = due_date(received, term, cal)
    assert due <= nominal
    if due != nominal:
        assert not cal.is_working_day(nominal)
        assert cal.is_working_day(due)


@given(received=days, term=terms, rule=rules, off=holidays)
def test_a_due_date_falls_on_a_working_day_whenever_one_is_in_reach(
    received: date, term: Term, rule: DayOffRule, off: frozenset[date]
) -> None:
    cal = WorkCalendar(day_off_rule=rule, holidays=off)
    due = due_date(received, term, cal)
    window = [received + timedelta(days=n) for n in range(1, 46)]
    if rule is not DayOffRule.CALENDAR and any(cal.is_working_day(d) for d in window):
        nominal = due_date(received, term, NO_DAY_OFF)
        reachable_before = any(cal.is_working_day(d) for d in window if d <= nominal)
        if reachable_before or rule is DayOffRule.NEXT_WORKING_DAY:
            assert cal.is_working_day(due) or due == nominal


@given(day=days)
def test_a_month_later_is_always_28_to_31_days_later(day: date) -> None:
    assert 28 <= (add_month(day) - day).days <= 31


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    end=st.times(min_value=time(12, 0), max_value=time(23, 0)),
)
def test_receipt_is_never_before_the_day_of_submission(moment: datetime, end: time) -> None:
    cal = WorkCalendar(work_end=end)
    local_day = moment.astimezone(cal.timezone).date()
    received = received_on(moment, cal)
    assert local_day <= received <= local_day + timedelta(days=7)
    assert cal.is_working_day(received)
