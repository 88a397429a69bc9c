"""Reading typed dates and months: every accepted form, round trips, and clear refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang_cli.dates import format_date, parse_date, parse_month
from xinfang_cli.errors import InputError

TODAY = date(2025, 3, 15)
MARCH_4 = date(2025, 3, 4)

_FULL_WIDTH_DIGITS = str.maketrans({str(i): chr(0xFF10 + i) for i in range(10)})
_HAS_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-04",
        "2025-3-4",
        "2025/3/4",
        "2025/03/04",
        "2025.3.4",
        "20250304",
        "2025年3月4日",
        "2025年03月04日",
        "2025年3月4号",
        "2025年3月4",
        "3月4日",
        "3月4号",
        "  2025-03-04\n",
        "２０２５-０３-０４",
        "２０２５年３月４日",
        "２０２５／３／４",
    ],
)
def test_accepted_date_forms(text: str) -> None:
    assert parse_date(text, today=TODAY) == MARCH_4


def test_month_day_uses_todays_year() -> None:
    assert parse_date("12月31日", today=date(2024, 1, 2)) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", TODAY),
        ("today", TODAY),
        ("Today", TODAY),
        ("昨天", date(2025, 3, 14)),
        ("yesterday", date(2025, 3, 14)),
        ("前天", date(2025, 3, 13)),
        (" 今天 ", TODAY),
        # read, so that a command can refuse a future date for what it is (not "unreadable")
        ("明天", date(2025, 3, 16)),
        ("tomorrow", date(2025, 3, 16)),
        ("后天", date(2025, 3, 17)),
    ],
)
def test_relative_dates(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_relative_dates_cross_month_and_year() -> None:
    assert parse_date("前天", today=date(2025, 1, 1)) == date(2024, 12, 30)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-02-30", "2025年2月没有30日"),
        ("2025-02-29", "2025年2月没有29日"),
        ("2025-13-01", "月份应为1～12"),
        ("20250230", "2025年2月没有30日"),
        ("2025年4月31日", "2025年4月没有31日"),
        ("2月29日", "2025年2月没有29日"),
        ("2025-00-10", "月份应为1～12"),
        ("2025-01-00", "2025年1月没有0日"),
        ("0025-01-01", "年份应在1900～2100之间"),
    ],
)
def test_impossible_dates(text: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, today=TODAY)
    message = info.value.message
    assert f"“{text}”" in message
    assert reason in message
    assert "可用格式" in message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2025-3/4",
        "25-3-4",
        "2025-03",
        "3/4",
        "March 4, 2025",
        "2025030",
        "abc",
        "٢٠٢٥-٠٣-٠٤",
    ],
)
def test_unreadable_dates(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, today=TODAY)
    message = info.value.message
    assert f"“{text.strip()}”" in message
    assert message.startswith("无法识别的日期")
    assert "2025年3月4日" in message


def _formats(d: date) -> list[str]:
    return [
        d.isoformat(),
        f"{d.year}-{d.month}-{d.day}",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        d.strftime("%Y%m%d"),
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year:04d}年{d.month:02d}月{d.day:02d}日",
    ]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_round_trip(d: date) -> None:
    for text in _formats(d):
        assert parse_date(text, today=TODAY) == d
        assert parse_date(text.translate(_FULL_WIDTH_DIGITS), today=TODAY) == d
    assert parse_date(format_date(d), today=TODAY) == d
    assert parse_date(f"{d.month}月{d.day}日", today=date(d.year, 1, 1)) == d


@given(
    year=st.integers(1900, 2100),
    month=st.integers(1, 12),
    day=st.integers(29, 40),
)
def test_impossible_days_always_refused(year: int, month: int, day: int) -> None:
    try:
        real = date(year, month, day)
    except ValueError:
        real = None
    text = f"{year}-{month:02d}-{day:02d}"
    if real is not None:
        assert parse_date(text, today=TODAY) == real
        return
    with pytest.raises(InputError) as info:
        parse_date(text, today=TODAY)
    assert text in info.value.message
    assert _HAS_CHINESE.search(info.value.message)


def test_format_date() -> None:
    assert format_date(MARCH_4) == "2025-03-04"
    assert format_date(None) == ""


# --- months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2025-03",
        "2025-3",
        "2025/03",
        "2025/3",
        "2025.3",
        "202503",
        "2025年3月",
        "2025年03月",
        "2025年3月份",
        "3月",
        " 3月 ",
        "２０２５-０３",
        "２０２５年３月",
    ],
)
def test_accepted_month_forms(text: str) -> None:
    assert parse_month(text, today=TODAY) == (2025, 3)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("本月", date(2025, 3, 15), (2025, 3)),
        ("上月", date(2025, 3, 15), (2025, 2)),
        ("上月", date(2025, 1, 31), (2024, 12)),
        ("本月", date(2024, 12, 31), (2024, 12)),
        ("上个月", date(2025, 3, 1), (2025, 2)),
    ],
)
def test_relative_months(text: str, today: date, expected: tuple[int, int]) -> None:
    assert parse_month(text, today=today) == expected


@pytest.mark.parametrize(
    "text", ["2025-13", "202513", "2025年0月", "13月", "", "2025", "2025-03-04", "下月", "25-03"]
)
def test_unreadable_months(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_month(text, today=TODAY)
    message = info.value.message
    assert f"“{text}”" in message
    assert message.startswith("无法识别的月份")
    assert "2025年3月" in message


@given(year=st.integers(1900, 2100), month=st.integers(1, 12))
def test_month_round_trip(year: int, month: int) -> None:
    for text in (
        f"{year}-{month:02d}",
        f"{year}-{month}",
        f"{year}/{month}",
        f"{year}{month:02d}",
        f"{year}年{month}月",
    ):
        assert parse_month(text, today=TODAY) == (year, month)
