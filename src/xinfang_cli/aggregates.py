"""The building blocks every report query shares: the cases table, a conditional count, the
cases received in a period, a read-only connection with errors in Chinese, and the order report
lists are sorted in (by count, then in the taxonomy's own order). SQL only, no figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, case, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

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


class Unindexed(ColumnElement[Any]):
    """A column SQLite must not answer through its index (`+column`; as is elsewhere): where a
    query's other condition picks far fewer rows through another index than a wide range on
    this column would, and the planner, without statistics on the values, would guess wrong."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _as_is(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Unindexed, "sqlite")
def _unary_plus(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def open_at(end: date, *, few_open: bool) -> ColumnElement[bool]:
    """Received by `end` and not closed by it (the cases that may still be open then). When those
    are few (`few_open`, see `open_is_narrower`) it is written so that SQLite answers it from the
    closed_on index: the received_on term hidden from the planner (`+received_on`), the range of
    the cases closed later given an upper bound it always meets (SQLite, without statistics on
    the values, takes a range with one bound for a quarter of the table and reads the whole
    table instead; one with two bounds it takes for a 64th)."""
    if not few_open:
        return and_(C.received_on <= end, or_(C.closed_on.is_(None), C.closed_on > end))
    return and_(
        Unindexed(C.received_on) <= end,
        or_(C.closed_on.is_(None), and_(C.closed_on > end, C.closed_on <= date.max)),
    )


def open_is_narrower(conn: Connection, end: date) -> bool:
    """Whether the cases still open at `end` are likely fewer than those received by it: `end` in
    the later half of the ledger's time (its first and last dates of receipt are one index lookup
    each)."""
    first, last = conn.execute(
        select(
            select(func.min(C.received_on)).scalar_subquery(),
            select(func.max(C.received_on)).scalar_subquery(),
        )
    ).one()
    if first is None or end <= first:
        return False
    return bool(end - first >= (max(last, end) - first) / 2)


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
