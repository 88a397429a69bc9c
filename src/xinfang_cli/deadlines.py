"""Pure deadline arithmetic: which days are workdays, when a limit falls due, whether it is overdue.

Owns the working calendar (statutory holidays and 调休 make-up workdays from the
``chinese_calendar`` package, plus an override file for years it does not cover or for
corrections), the two ways of counting a limit (calendar days, the regulation's default, and
working days) and the questions asked of a due date (overdue? how many days left? in the warning
window?). Nothing here reads the clock: every "today" is a parameter.

Conventions (docs/deadlines.md):
- The start day is not counted: accepted 2023-10-01 + 60 calendar days → due 2023-11-30.
- A deadline is the end of its day: due 2025-03-31 is overdue from 2025-04-01.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property, lru_cache
from typing import Literal

from .errors import InputError

DayMode = Literal["calendar", "working"]

DAY_MODES: tuple[DayMode, ...] = ("calendar", "working")


@cache
def _package_covers(year: int) -> bool:
    """Whether chinese_calendar ships holiday data for ``year``."""
    import chinese_calendar  # only a count in working days needs it

    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _package_is_workday(day: date) -> bool:
    """chinese_calendar's answer where it has data, else a plain Mon–Fri week."""
    if _package_covers(day.year):
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    """The working calendar: chinese_calendar's data, corrected and extended by an override file.

    ``extra_holidays`` are days off (statutory holidays of years the package lacks, or
    corrections); ``extra_workdays`` are 调休 make-up workdays (weekend days that are worked).
    If a day is in both sets, the holiday wins (``load_calendar`` refuses such a file).
    """

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        """Overrides first; then chinese_calendar for the years it covers; else Mon–Fri."""
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        return _package_is_workday(day)

    def covers(self, year: int) -> bool:
        """Whether holiday data exists for ``year`` (in the package or in the overrides).

        For an uncovered year ``is_workday`` falls back to Mon–Fri, so working-day deadlines
        in it ignore that year's holidays: such a deadline is provisional (`counted`).
        """
        return _package_covers(year) or year in self.override_years

    @cached_property
    def override_years(self) -> frozenset[int]:
        return frozenset(d.year for d in self.extra_holidays | self.extra_workdays)

    def source(self, year: int) -> str | None:
        """Where a year's holiday data comes from: "office" (the overrides), "package", or
        None."""
        if year in self.override_years:
            return "office"
        return "package" if _package_covers(year) else None


DEFAULT_CALENDAR = WorkCalendar()


def load_calendar(holidays: Iterable[date], workdays: Iterable[date]) -> WorkCalendar:
    """Build a WorkCalendar from an override file's holidays and make-up workdays.

    Raises InputError when a day is listed both as a holiday and as a workday.
    """
    holiday_set = frozenset(holidays)
    workday_set = frozenset(workdays)
    both = sorted(holiday_set & workday_set)
    if both:
        listed = "、".join(d.isoformat() for d in both)
        raise InputError(f"节假日设置有误：{listed} 同时被列为节假日和调休工作日。")
    return WorkCalendar(extra_holidays=holiday_set, extra_workdays=workday_set)


@lru_cache(maxsize=512)
def _workday_ordinals(calendar: WorkCalendar, year: int) -> tuple[int, ...]:
    """The workdays of one year as sorted ordinals: the cache behind all working-day counting.

    Keyed by the (hashable, frozen) calendar, so a changed override file gets its own entry.
    """
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if calendar.is_workday(date.fromordinal(o)))


def _check_days(days: int, what: str = "期限天数") -> None:
    if days < 0:
        raise InputError(f"{what}不能为负数（{days}）。")


def _out_of_range() -> InputError:
    return InputError("期限超出可计算的日期范围。")


def _nth_workday_after(start: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th workday strictly after ``start`` (n ≥ 1)."""
    remaining = n
    year = start.year
    ordinals = _workday_ordinals(calendar, year)
    index = bisect.bisect_right(ordinals, start.toordinal())
    while True:
        available = len(ordinals) - index
        if remaining <= available:
            return date.fromordinal(ordinals[index + remaining - 1])
        remaining -= available
        year += 1
        if year > dt.MAXYEAR:
            raise _out_of_range()
        ordinals = _workday_ordinals(calendar, year)
        index = 0


def _next_workday_on_or_after(day: date, calendar: WorkCalendar) -> date:
    if calendar.is_workday(day):
        return day
    return _nth_workday_after(day, 1, calendar)


def _count_workdays(after: date, upto: date, calendar: WorkCalendar) -> int:
    """Number of workdays in the half-open interval (after, upto]; 0 if upto ≤ after."""
    if upto <= after:
        return 0
    count = 0
    lo = after.toordinal()
    hi = upto.toordinal()
    for year in range(after.year, upto.year + 1):
        ordinals = _workday_ordinals(calendar, year)
        count += bisect.bisect_right(ordinals, hi) - bisect.bisect_right(ordinals, lo)
    return count


def due_date(
    start: date,
    days: int,
    *,
    mode: DayMode,
    roll_over: bool = False,
    calendar: WorkCalendar,
) -> date:
    """The day a limit of ``days`` counted from ``start`` falls due (start day not counted).

    calendar mode: ``start + days``. working mode: the ``days``-th workday after ``start``.
    ``roll_over`` moves a due day that is not a workday forward to the next workday.
    ``days == 0`` gives ``start`` itself (rolled over if asked). Negative days → InputError.
    """
    _check_days(days)
    if mode == "working" and days > 0:
        return _nth_workday_after(start, days, calendar)
    if mode not in DAY_MODES:
        raise InputError(
            f"无法识别的计日方式“{mode}”：应为 calendar（自然日）或 working（工作日）。"
        )
    try:
        due = start + timedelta(days=days)
    except OverflowError:
        raise _out_of_range() from None
    if roll_over:
        due = _next_workday_on_or_after(due, calendar)
    return due


@dataclass(frozen=True)
class Due:
    """A due date, and the years its count ran through without holiday data (empty: the date is
    final). Only working days and a roll-over depend on holidays; plain calendar days never do."""

    on: date
    uncovered: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.uncovered)


def counted(
    start: date,
    days: int,
    *,
    mode: DayMode,
    roll_over: bool = False,
    calendar: WorkCalendar,
) -> Due:
    """`due_date`, saying whether the count had to assume a plain Mon–Fri week somewhere."""
    due = due_date(start, days, mode=mode, roll_over=roll_over, calendar=calendar)
    if mode == "working" and days > 0:
        first = start
    elif roll_over:
        first = start + timedelta(days=days)  # only the days it may have rolled over count
    else:
        return Due(due)
    years = tuple(y for y in range(first.year, due.year + 1) if not calendar.covers(y))
    return Due(due, years)


def uncovered_years(first: date, last: date, calendar: WorkCalendar) -> tuple[int, ...]:
    """The years from `first` to `last` that have no holiday data."""
    return tuple(y for y in range(first.year, last.year + 1) if not calendar.covers(y))


def is_overdue(due: date, as_of: date) -> bool:
    """A deadline is the end of its day: overdue iff ``as_of`` is after ``due``."""
    return as_of > due


def days_overdue(due: date, as_of: date) -> int:
    """Calendar days past the due day; 0 when not overdue."""
    return max(0, (as_of - due).days)


def days_left(due: date, as_of: date, *, mode: DayMode, calendar: WorkCalendar) -> int:
    """Days from ``as_of`` to ``due``: 0 on the due day, negative once overdue.

    calendar mode: ``(due - as_of).days``.
    working mode: the workdays in (as_of, due] when not overdue (may be 0 before the due day,
    e.g. due on a Sunday seen on Friday); once overdue, minus the workdays in (due, as_of], but
    at least -1, so that ``days_left < 0`` exactly when ``is_overdue``.
    """
    if mode == "calendar":
        return (due - as_of).days
    if mode != "working":
        raise InputError(
            f"无法识别的计日方式“{mode}”：应为 calendar（自然日）或 working（工作日）。"
        )
    if as_of <= due:
        return _count_workdays(as_of, due, calendar)
    return -max(1, _count_workdays(due, as_of, calendar))


def in_warning_window(
    due: date, as_of: date, window: int, *, mode: DayMode, calendar: WorkCalendar
) -> bool:
    """Not yet overdue and due within ``window`` days of ``as_of`` (working days in working mode).

    The due day itself is inside the window (window 0 = due today).
    """
    _check_days(window, "预警天数")
    if is_overdue(due, as_of):
        return False
    return due <= due_date(as_of, window, mode=mode, calendar=calendar)
