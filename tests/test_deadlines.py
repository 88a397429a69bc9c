"""Deadline arithmetic: calendar and working days, holidays, roll-over, overdue, warning window."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang_cli.deadlines import (
    DayMode,
    WorkCalendar,
    _workday_ordinals,
    days_left,
    days_overdue,
    due_date,
    in_warning_window,
    is_overdue,
    load_calendar,
)
from xinfang_cli.errors import InputError

CAL = WorkCalendar()

covered_starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30))
modes = st.sampled_from(["calendar", "working"])


# --- the worked examples of docs/deadlines.md ---------------------------------------------------


def test_accepted_plus_60_calendar_days() -> None:
    assert due_date(date(2023, 10, 1), 60, mode="calendar", calendar=CAL) == date(2023, 11, 30)


def test_working_days_skip_national_day_2025() -> None:
    # Official 2025 schedule: 10-01..10-08 off; Sun 09-28 and Sat 10-11 are make-up workdays.
    # Counting from Sun 2025-09-28 (not counted): 09-29 (1), 09-30 (2), 10-09 (3), 10-10 (4),
    # Sat 10-11 (5), 10-13..10-17 (6–10), 10-20..10-24 (11–15).
    assert due_date(date(2025, 9, 28), 15, mode="working", calendar=CAL) == date(2025, 10, 24)


def test_working_days_count_make_up_saturday() -> None:
    # 10-10 is the 4th working day, Sat 10-11 the 5th (make-up), then Mon 10-13.
    start = date(2025, 9, 28)
    assert due_date(start, 4, mode="working", calendar=CAL) == date(2025, 10, 10)
    assert due_date(start, 5, mode="working", calendar=CAL) == date(2025, 10, 11)
    assert due_date(start, 6, mode="working", calendar=CAL) == date(2025, 10, 13)


def test_five_working_days_objection() -> None:
    # Received Thu 2025-03-06: Fri 7, Mon 10, Tue 11, Wed 12, Thu 13.
    assert due_date(date(2025, 3, 6), 5, mode="working", calendar=CAL) == date(2025, 3, 13)


def test_roll_over_national_day() -> None:
    # 2025-08-02 + 60 calendar days = 2025-10-01, a holiday; the next workday is 10-09.
    start = date(2025, 8, 2)
    assert due_date(start, 60, mode="calendar", calendar=CAL) == date(2025, 10, 1)
    rolled = due_date(start, 60, mode="calendar", roll_over=True, calendar=CAL)
    assert rolled == date(2025, 10, 9)


def test_roll_over_leaves_workday_alone() -> None:
    assert due_date(date(2025, 3, 1), 2, mode="calendar", roll_over=True, calendar=CAL) == date(
        2025, 3, 3
    )


def test_zero_days() -> None:
    sunday = date(2025, 3, 2)
    assert due_date(sunday, 0, mode="calendar", calendar=CAL) == sunday
    assert due_date(sunday, 0, mode="working", calendar=CAL) == sunday
    assert due_date(sunday, 0, mode="working", roll_over=True, calendar=CAL) == date(2025, 3, 3)


def test_negative_days_rejected() -> None:
    with pytest.raises(InputError, match="负数"):
        due_date(date(2025, 3, 1), -1, mode="calendar", calendar=CAL)


def test_working_mode_crosses_years() -> None:
    # Official 2026 schedule: 01-01..01-03 New Year holiday, Sun 01-04 a make-up workday.
    assert due_date(date(2025, 12, 31), 1, mode="working", calendar=CAL) == date(2026, 1, 4)
    assert due_date(date(2025, 12, 31), 2, mode="working", calendar=CAL) == date(2026, 1, 5)


# --- the override file -----------------------------------------------------------------------


def test_override_year_2027() -> None:
    assert not CAL.covers(2027)
    new_year = date(2027, 1, 1)  # a Friday
    cal = load_calendar([new_year], [date(2027, 1, 9)])  # Saturday made a workday
    assert cal.covers(2027)
    assert not cal.covers(2028)
    assert not cal.is_workday(new_year)
    assert cal.is_workday(date(2027, 1, 9))
    # Without overrides 2027 falls back to Mon–Fri.
    assert CAL.is_workday(new_year)
    # From Thu 2026-12-31: Fri 2027-01-01 is skipped, so the 1st working day is Mon 01-04.
    assert due_date(date(2026, 12, 31), 1, mode="working", calendar=cal) == date(2027, 1, 4)
    assert due_date(date(2026, 12, 31), 1, mode="working", calendar=CAL) == date(2027, 1, 1)
    # The make-up Saturday counts.
    assert due_date(date(2027, 1, 8), 1, mode="working", calendar=cal) == date(2027, 1, 9)


def test_override_corrects_covered_year() -> None:
    workday = date(2025, 3, 4)
    cal = load_calendar([workday], [])
    assert CAL.is_workday(workday)
    assert not cal.is_workday(workday)


def test_override_conflict_rejected() -> None:
    day = date(2027, 1, 1)
    with pytest.raises(InputError, match="2027-01-01"):
        load_calendar([day], [day])


def test_covers_package_years() -> None:
    assert CAL.covers(2004)
    assert CAL.covers(2026)
    assert not CAL.covers(2003)


# --- overdue, days left, warning window ------------------------------------------------------


def test_overdue_is_end_of_day() -> None:
    due = date(2025, 3, 31)
    assert not is_overdue(due, date(2025, 3, 30))
    assert not is_overdue(due, due)
    assert is_overdue(due, date(2025, 4, 1))
    assert days_overdue(due, due) == 0
    assert days_overdue(due, date(2025, 3, 1)) == 0
    assert days_overdue(due, date(2025, 4, 1)) == 1
    assert days_overdue(due, date(2025, 4, 10)) == 10


def test_days_left_calendar() -> None:
    due = date(2025, 3, 31)
    assert days_left(due, due, mode="calendar", calendar=CAL) == 0
    assert days_left(due, date(2025, 3, 24), mode="calendar", calendar=CAL) == 7
    assert days_left(due, date(2025, 4, 2), mode="calendar", calendar=CAL) == -2


def test_days_left_working() -> None:
    due = date(2025, 10, 10)
    assert days_left(due, due, mode="working", calendar=CAL) == 0
    # (09-30, 10-10] holds 10-09 and 10-10.
    assert days_left(due, date(2025, 9, 30), mode="working", calendar=CAL) == 2
    # Sun 2025-03-09 seen on Fri 03-07: no working day left, yet not overdue.
    assert days_left(date(2025, 3, 9), date(2025, 3, 7), mode="working", calendar=CAL) == 0
    # Overdue across a weekend still reads negative.
    assert days_left(date(2025, 3, 7), date(2025, 3, 8), mode="working", calendar=CAL) == -1
    assert days_left(date(2025, 3, 7), date(2025, 3, 11), mode="working", calendar=CAL) == -2


def test_warning_window() -> None:
    due = date(2025, 3, 31)
    assert in_warning_window(due, date(2025, 3, 24), 7, mode="calendar", calendar=CAL)
    assert in_warning_window(due, due, 7, mode="calendar", calendar=CAL)
    assert in_warning_window(due, due, 0, mode="calendar", calendar=CAL)
    assert not in_warning_window(due, date(2025, 3, 23), 7, mode="calendar", calendar=CAL)
    assert not in_warning_window(due, date(2025, 4, 1), 7, mode="calendar", calendar=CAL)


def test_warning_window_working_days() -> None:
    # From 2025-09-30, 3 working days reach 10-10 across the National Day break.
    due = date(2025, 10, 10)
    as_of = date(2025, 9, 30)
    assert not in_warning_window(due, as_of, 3, mode="calendar", calendar=CAL)
    assert in_warning_window(due, as_of, 3, mode="working", calendar=CAL)
    assert not in_warning_window(due, as_of, 1, mode="working", calendar=CAL)


# --- properties --------------------------------------------------------------------------------


@given(start=covered_starts, days=st.integers(0, 90), mode=modes, roll=st.booleans())
def test_due_not_before_start(start: date, days: int, mode: DayMode, roll: bool) -> None:
    due = due_date(start, days, mode=mode, roll_over=roll, calendar=CAL)
    assert due >= start
    if days > 0:
        assert due > start


@given(start=covered_starts, days=st.integers(1, 90))
def test_working_due_is_a_chinese_workday(start: date, days: int) -> None:
    due = due_date(start, days, mode="working", calendar=CAL)
    assert due.year <= 2026
    assert chinese_calendar.is_workday(due)
    # Exactly `days` workdays lie in (start, due].
    assert days_left(due, start, mode="working", calendar=CAL) == days
    count = sum(
        chinese_calendar.is_workday(start + timedelta(days=i))
        for i in range(1, (due - start).days + 1)
    )
    assert count == days


@given(start=covered_starts, days=st.integers(0, 90))
def test_calendar_roll_over_lands_on_workday(start: date, days: int) -> None:
    plain = due_date(start, days, mode="calendar", calendar=CAL)
    rolled = due_date(start, days, mode="calendar", roll_over=True, calendar=CAL)
    assert plain == start + timedelta(days=days)
    assert rolled >= plain
    assert chinese_calendar.is_workday(rolled)
    day = plain
    while day < rolled:
        assert not chinese_calendar.is_workday(day)
        day += timedelta(days=1)


@given(due=covered_starts, as_of=covered_starts, mode=modes)
def test_days_left_sign_matches_overdue(due: date, as_of: date, mode: DayMode) -> None:
    left = days_left(due, as_of, mode=mode, calendar=CAL)
    assert (left < 0) == is_overdue(due, as_of)
    assert (days_overdue(due, as_of) > 0) == is_overdue(due, as_of)


def test_working_due_dates_read_each_year_of_the_calendar_once() -> None:
    # What keeps a bulk import cheap: the workdays of a year are worked out once per calendar,
    # not per case (the timing itself is measured by `make bench`, not here).
    calendar = WorkCalendar(extra_holidays=frozenset({date(2031, 1, 2)}))  # a fresh cache key
    starts = [date(2024, 1, 1) + timedelta(days=i) for i in range(700)]
    before = _workday_ordinals.cache_info().misses
    for _ in range(10):
        for start in starts:
            due_date(start, 60, mode="working", calendar=calendar)
    assert _workday_ordinals.cache_info().misses - before == 3  # 2024, 2025 and 2026
