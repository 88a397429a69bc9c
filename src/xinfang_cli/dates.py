"""Reading the dates and months people type, and writing dates back out.

Owns the accepted forms (docs/commands.md, README “命令”): ``2025-03-04``, ``2025-3-4``, ``2025/3/4``,
``2025.3.4``, ``20250304``, ``2025年3月4日`` (or 号), ``3月4日`` (this year), ``今天``/``today``,
``昨天``/``yesterday``, ``前天`` (and ``明天``, ``后天``, so
 that a future date is refused by the rules as one); months ``2025-03``, ``2025/3``, ``2025.3``, ``202503``,
``2025年3月``, ``3月`` (this year), ``本月``, ``上月``. Full-width digits and punctuation are
normalised, surrounding whitespace ignored. Anything else is an InputError that quotes the input
and lists the accepted forms: a date is never guessed. ``today`` is always a parameter.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .errors import InputError
from .text import half_width

MIN_YEAR = 1900
MAX_YEAR = 2100

DATE_FORMS = "2025-03-04、2025/3/4、20250304、2025年3月4日、3月4日、今天、昨天、前天"
MONTH_FORMS = "2025-03、2025/3、202503、2025年3月、3月、本月、上月"

_RELATIVE_DAYS = {
    "今天": 0,
    "今日": 0,
    "today": 0,
    "昨天": 1,
    "昨日": 1,
    "yesterday": 1,
    "前天": 2,
    # Read, so that a step dated in the future is refused for what it is, not as unreadable.
    "明天": -1,
    "明日": -1,
    "tomorrow": -1,
    "后天": -2,
}

_RELATIVE_MONTHS = {
    "本月": 0,
    "this month": 0,
    "上月": 1,
    "上个月": 1,
    "last month": 1,
}

# The separator is captured once and must be repeated: "2025-3/4" is refused, not guessed.
_SEPARATED_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
# A time of day an office's spreadsheet writes after a date: dropped, a ledger counts days.
_TIME_OF_DAY = re.compile(
    r"(?<=[\d日号])(?:\s*[T ]\s*|\s*)(?:上午|下午|晚上|早上|中午)?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?\s*$"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_CHINESE_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", re.ASCII)
_SEPARATED_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})", re.ASCII)
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})", re.ASCII)
_CHINESE_MONTH = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?", re.ASCII)


def _date_error(text: str, reason: str = "") -> InputError:
    detail = f"：{reason}" if reason else ""
    return InputError(f"无法识别的日期“{text}”{detail}。可用格式：{DATE_FORMS}")


def _month_error(text: str, reason: str = "") -> InputError:
    detail = f"：{reason}" if reason else ""
    return InputError(f"无法识别的月份“{text}”{detail}。可用格式：{MONTH_FORMS}")


def _check_year(year: int) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"年份应在{MIN_YEAR}～{MAX_YEAR}之间"
    return ""


def _build_date(text: str, year: int, month: int, day: int) -> date:
    if reason := _check_year(year):
        raise _date_error(text, reason)
    if not 1 <= month <= 12:
        raise _date_error(text, "月份应为1～12")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _date_error(text, f"{year}年{month}月没有{day}日")
    return date(year, month, day)


def parse_date(text: str, *, today: date) -> date:
    """Read a date typed by a person; InputError (quoting the input) when it cannot be read."""
    return _parse_date(text, today)


@functools.lru_cache(maxsize=8192)
def _parse_date(text: str, today: date) -> date:
    # A case file repeats the same few thousand dates a million times. (Errors are not cached.)
    raw = text.strip()
    s = half_width(text)
    if not s:
        raise _date_error(raw, "日期为空")
    relative = _RELATIVE_DAYS.get(s.lower())
    if relative is not None:
        return today - timedelta(days=relative)
    s = _TIME_OF_DAY.sub("", s) or s  # 2024/03/05 上午, 2024-03-05 14:30: the day is what counts
    if m := _SEPARATED_DATE.fullmatch(s):
        return _build_date(raw, int(m[1]), int(m[3]), int(m[4]))
    if m := _COMPACT_DATE.fullmatch(s):
        return _build_date(raw, int(m[1]), int(m[2]), int(m[3]))
    if m := _CHINESE_DATE.fullmatch(s):
        year = int(m[1]) if m[1] else today.year
        return _build_date(raw, year, int(m[2]), int(m[3]))
    raise _date_error(raw)


def _build_month(text: str, year: int, month: int) -> tuple[int, int]:
    if reason := _check_year(year):
        raise _month_error(text, reason)
    if not 1 <= month <= 12:
        raise _month_error(text, "月份应为1～12")
    return year, month


def parse_month(text: str, *, today: date) -> tuple[int, int]:
    """Read a month typed by a person as (year, month); InputError when it cannot be read."""
    raw = text.strip()
    s = half_width(text)
    if not s:
        raise _month_error(raw, "月份为空")
    back = _RELATIVE_MONTHS.get(s.lower())
    if back is not None:
        index = today.year * 12 + today.month - 1 - back
        return index // 12, index % 12 + 1
    if m := _SEPARATED_MONTH.fullmatch(s):
        return _build_month(raw, int(m[1]), int(m[2]))
    if m := _COMPACT_MONTH.fullmatch(s):
        return _build_month(raw, int(m[1]), int(m[2]))
    if m := _CHINESE_MONTH.fullmatch(s):
        year = int(m[1]) if m[1] else today.year
        return _build_month(raw, year, int(m[2]))
    raise _month_error(raw)


_YEAR = re.compile(r"(\d{4})\s*年?", re.ASCII)


def parse_year(text: str) -> int:
    """A year typed as 2025, 2025年 or with full-width digits; InputError otherwise."""
    m = _YEAR.fullmatch(half_width(text))
    if not m:
        raise InputError(f"无法识别的年份“{text}”。请写成四位年份，如 2025 或 2025年。")
    year = int(m[1])
    if reason := _check_year(year):
        raise InputError(f"年份“{text}”超出范围：{reason}。")
    return year


def check_year(year: int) -> int:
    """A year given as a number (--year 2025): refused outside the years a ledger can hold."""
    if reason := _check_year(year):
        raise InputError(f"年份 {year} 超出范围：{reason}。")
    return year


# --- periods ----------------------------------------------------------------------------------
def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def month_end(year: int, month: int) -> date:
    return month_start(year, month) + relativedelta(months=1, days=-1)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The month `by` months after (before, when negative) the given one."""
    moved = month_start(year, month) + relativedelta(months=by)
    return moved.year, moved.month


def window(
    *,
    start: date | None = None,
    end: date | None = None,
    month: tuple[int, int] | None = None,
    year: int | None = None,
) -> tuple[date | None, date | None]:
    """The dates of receipt a query covers: --from/--to, --month and --year narrow each other
    (none silently replaces another); a window that is empty by construction is an error."""
    starts = [start] if start else []
    ends = [end] if end else []
    if month is not None:
        starts.append(month_start(*month))
        ends.append(month_end(*month))
    if year is not None:
        check_year(year)
        starts.append(date(year, 1, 1))
        ends.append(date(year, 12, 31))
    first = max(starts) if starts else None
    last = min(ends) if ends else None
    if first and last and first > last:
        raise InputError(f"起始日期 {first} 晚于截止日期 {last}：筛选条件互相矛盾。")
    return first, last


def format_date(d: date | None) -> str:
    """ISO form (``2025-03-04``) for output; ``""`` for no date."""
    return d.isoformat() if d is not None else ""
