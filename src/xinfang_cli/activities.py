"""The office's own work (README “activity”): leaders' reception days, 院长书记
面对面 sessions, surveys, joint meetings, situation meetings, hazard screenings, trainings,
criticised units and admonished people — each an activity with a kind from the taxonomy, a date
and, where it applies, the number of people reached. The year-end summary counts them
(`year_totals`, `report annual`'s `activities`). Adding and deleting are audited (the event
carries the activity's id and values, so `verify` replays the table). No Typer, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import col

from .errors import InputError, NotFoundError
from .fields import check_text, clean
from .ledger import Ledger
from .models import Activity

MAX_PEOPLE = 1_000_000


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    name: str
    on_date: date
    people: int | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "on_date": self.on_date.isoformat(),
            "people": self.people,
            "note": self.note,
        }


def parse_people(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"人数（--people）“{text}”不是整数。") from None
    if not 0 <= value <= MAX_PEOPLE:
        raise InputError(f"人数（--people）应在 0 到 {MAX_PEOPLE} 之间（现为 {value}）。")
    return value


def add(
    ledger: Ledger, *, kind: str, on: date, people: int | None, note: str | None, today: date
) -> Item:
    key = ledger.taxonomy.resolve("activities", kind)
    if on > today:
        raise InputError(f"活动日期 {on} 晚于今天（{today}），请检查。")
    check_text("note", note)
    with ledger.transaction() as (session, log):
        row = Activity(kind=key, on_date=on, people=people, note=clean(note))
        session.add(row)
        session.flush()
        assert row.id is not None
        log.record(
            "activity_add",
            on_date=on,
            changes={
                "activity": (None, row.id),
                "activity_kind": (None, key),
                "people": (None, people),
                "note": (None, row.note),
            },
        )
        return _item(ledger, row)


def delete(ledger: Ledger, activity_id: int, *, reason: str | None = None) -> Item:
    with ledger.transaction() as (session, log):
        row = session.get(Activity, activity_id)
        if row is None:
            raise NotFoundError(
                f"没有编号为 {activity_id} 的活动记录。可用 xinfang activity list 查看。"
            )
        item = _item(ledger, row)
        session.delete(row)
        log.record(
            "activity_delete",
            on_date=row.on_date,
            changes={"activity": (activity_id, None), "activity_kind": (row.kind, None)},
            reason=clean(reason),
        )
        return item


def listed(ledger: Ledger, *, year: int | None) -> list[Item]:
    with ledger.reading() as session:
        query = select(Activity).order_by(col(Activity.on_date), col(Activity.id))
        if year is not None:
            query = query.where(
                col(Activity.on_date) >= date(year, 1, 1),
                col(Activity.on_date) <= date(year, 12, 31),
            )
        return [_item(ledger, row) for row in session.scalars(query)]


def year_totals(
    conn: Connection, ledger: Ledger, *, year: int, as_of: date
) -> list[dict[str, Any]]:
    """`report annual`'s `activities`: per kind, how many and how many people, in the year up to
    the as-of date, in the taxonomy's order."""
    rows = conn.execute(
        select(col(Activity.kind), func.count(), func.sum(col(Activity.people)))
        .where(
            col(Activity.on_date) >= date(year, 1, 1),
            col(Activity.on_date) <= min(date(year, 12, 31), as_of),
        )
        .group_by(col(Activity.kind))
    ).all()
    found = {
        kind: (int(count), int(people) if people is not None else None)
        for kind, count, people in rows
    }
    tax = ledger.taxonomy
    order = [*tax.enums["activities"], *(k for k in found if k not in tax.enums["activities"])]
    return [
        {
            "kind": kind,
            "name": tax.label("activities", kind),
            "count": found[kind][0],
            "people": found[kind][1],
        }
        for kind in order
        if kind in found
    ]


def _item(ledger: Ledger, row: Activity) -> Item:
    assert row.id is not None
    return Item(
        row.id,
        row.kind,
        ledger.taxonomy.label("activities", row.kind),
        row.on_date,
        row.people,
        row.note,
    )
