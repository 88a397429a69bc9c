"""The building blocks every report query shares: the cases table, a conditional count, the
cases received in a period, a read-only connection with errors in Chinese, and the order report
lists are sorted in (by count, then in the taxonomy's own order). SQL only, no figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, case, func
from sqlalchemy.exc import SQLAlchemyError

from .errors import InputError, LedgerUnavailable
from .ledger import Ledger
from .models import Case

CASES: Table = Case.__table__  # type: ignore[attr-defined]
C = CASES.c

UNCLASSIFIED = "未分类"


def check_year(year: int, as_of: date) -> None:
    if date(year, 1, 1) > as_of:
        raise InputError(
            f"统计年份 {year} 晚于截止日期 {as_of}：该年尚无数据。请检查 --year 或 --as-of。"
        )


def check_month(year: int, month: int, as_of: date) -> None:
    if date(year, month, 1) > as_of:
        raise InputError(
            f"统计月份 {year}-{month:02d} 晚于截止日期 {as_of}：该月尚无数据。请检查 --month 或 --as-of。"
        )


def count_if(condition: ColumnElement[bool]) -> Any:
    """COUNT of the rows meeting `condition` (0, never NULL, on no rows)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# A voided case (entered by mistake) is in no report: every query keeps to the live cases.
LIVE = C.status != "voided"


def received_between(start: date, end: date) -> ColumnElement[bool]:
    """The live cases received in the period."""
    return and_(C.received_on >= start, C.received_on <= end, LIVE)


@contextmanager
def connect(ledger: Ledger) -> Iterator[Connection]:
    try:
        with ledger.engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise LedgerUnavailable(f"读取账本失败：{str(exc).splitlines()[0]}") from exc


def rank(keys: list[str | None]) -> dict[str | None, int]:
    return {key: index for index, key in enumerate(keys)}


def sort_items(items: list[dict[str, Any]], rank: dict[str | None, int], *by: str) -> None:
    """Sort in place by the `by` counts descending, then in the taxonomy's order (unknown and
    unclassified last); drops the helper key `_key` each item carries for this."""
    keyed = [(rank.get(item.pop("_key"), len(rank)), item) for item in items]
    keyed.sort(key=lambda pair: (*(-pair[1][name] for name in by), pair[0], pair[1]["name"]))
    items[:] = [item for _, item in keyed]
