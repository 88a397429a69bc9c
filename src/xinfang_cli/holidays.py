"""The holiday calendar as the office lives with it, and replacing the taxonomy that carries it.

chinese-calendar ships the State Council's holidays and 调休 make-up workdays for the years it
knows; the office adds later years (and corrections) in the taxonomy's `[calendar]`. A deadline
counted through a year that neither covers is provisional (only weekends skipped: `steps.py`
marks it). Owns:
- `load_taxonomy`: a new taxonomy checked against the cases that use it, its groups applied, and
  the provisional deadlines counted again where the new calendar now has the data — one audited
  event per case that moves, deadlines counted with real data never touched (`dry_run` says
  what would move and writes nothing);
- `recount`: the same correction with the taxonomy in force (after a newer chinese-calendar);
- `year_days` / `coverage_gap`: what `calendar show` and `calendar check` report.
No Typer, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from chinese_calendar import constants
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from . import deadlines
from .audit import AuditLog
from .errors import NotAllowed
from .ledger import Ledger, diff, store_taxonomy, touch
from .models import Case, CoDepartment
from .steps import provisional_years, recount_values
from .taxonomy import Taxonomy, parse_taxonomy

HOLIDAY_NAMES = {h.value: h.chinese for h in constants.Holiday}


@dataclass(frozen=True)
class Moved:
    """A provisional deadline counted again: the case, the field, the old and the new date."""

    number: str
    field: str
    old: date
    new: date


@dataclass
class LoadResult:
    taxonomy: Taxonomy
    dry_run: bool
    years: tuple[int, ...] = ()  # years whose holiday data the new calendar adds
    moved: list[Moved] = field(default_factory=list)
    now_overdue: list[str] = field(default_factory=list)  # open cases overdue after the move
    still_provisional: int = 0  # cases whose deadlines still reach a year without data


def load_taxonomy(ledger: Ledger, source: str, *, today: date, dry_run: bool = False) -> LoadResult:
    """Replace the taxonomy in force; refuse one that would orphan values existing cases use.

    A case's group follows from its category, so a category moved to another group takes its
    cases with it (one audited change per case); their limits never move. Holiday data is fact,
    not policy: provisional deadlines the new `[calendar]` now covers are counted again.
    """
    new = parse_taxonomy(source)
    calendar = deadlines.load_calendar(new.holidays, new.workdays)
    result = LoadResult(new, dry_run, years=_added_years(ledger.calendar, calendar))
    if dry_run:
        with ledger.reading() as session:
            _check_orphans(session, ledger.taxonomy, new)
            _recount(session, None, calendar, result, today=today)
        return result
    with ledger.transaction() as (session, log):
        _check_orphans(session, ledger.taxonomy, new)
        store_taxonomy(session, log, new, action="taxonomy_load")
        _regroup(session, log, new)
        _recount(session, log, calendar, result, today=today)
    ledger.taxonomy = new
    ledger.calendar = calendar
    return result


def recount(ledger: Ledger, *, today: date, dry_run: bool = False) -> LoadResult:
    """`calendar update`: provisional deadlines counted again with the calendar in force (after a
    newer chinese-calendar arrived with the year's data)."""
    result = LoadResult(ledger.taxonomy, dry_run)
    if dry_run:
        with ledger.reading() as session:
            _recount(session, None, ledger.calendar, result, today=today)
        return result
    with ledger.transaction() as (session, log):
        _recount(session, log, ledger.calendar, result, today=today)
    return result


def _added_years(old: deadlines.WorkCalendar, new: deadlines.WorkCalendar) -> tuple[int, ...]:
    return tuple(sorted(y for y in new.override_years if not old.covers(y)))


def _check_orphans(session: Session, old: Taxonomy, new: Taxonomy) -> None:
    orphans: list[str] = []
    checks: list[tuple[Any, set[str], str]] = [
        (Case.category, set(new.categories), "事项类别"),
        (Case.channel, set(new.enums["channels"]), "信访形式"),
        (Case.identity, set(new.enums["identities"]), "身份"),
        (Case.nature, set(new.enums["natures"]), "性质"),
        (Case.outcome, set(new.enums["outcomes"]), "办理结果类型"),
        (Case.rating, set(new.enums["ratings"]), "满意度"),
        (Case.lead_dept, set(new.departments), "主办单位"),
    ]
    for column, allowed, word in checks:
        used = session.exec(select(column).where(column.is_not(None)).distinct())
        for value in used:
            if value not in allowed:
                count = session.exec(
                    select(func.count()).select_from(Case).where(column == value)
                ).one()
                label = old.category_name(value) if word == "事项类别" else value
                orphans.append(f"{word}“{label}”（{count} 件案件在用）")
    used_co = session.exec(select(CoDepartment.dept).distinct())
    orphans += [f"协办单位“{d}”" for d in used_co if d not in new.departments]
    if orphans:
        raise NotAllowed("新的分类体系缺少已有案件在用的值，未载入：" + "；".join(orphans))


def _regroup(session: Session, log: AuditLog, new: Taxonomy) -> None:
    for category in new.categories.values():
        stale = session.exec(
            select(Case)
            .where(col(Case.category) == category.key)
            .where(or_(col(Case.group_key).is_(None), col(Case.group_key) != category.group))
            .order_by(col(Case.id))
        )
        for case in stale:
            changes = {"group_key": (case.group_key, category.group)}
            touch(case, session, changes)
            log.record(
                "classify",
                case_number=case.number,
                changes=changes,
                reason=f"分类体系更新：“{category.name}”改属“{new.group_name(category.group)}”",
            )


def _recount(
    session: Session,
    log: AuditLog | None,
    calendar: deadlines.WorkCalendar,
    result: LoadResult,
    *,
    today: date,
) -> None:
    """Every provisional deadline counted again; `log` None: a dry run (nothing is written)."""
    marked = session.exec(
        select(Case)
        .where(col(Case.provisional).is_not(None), col(Case.status) != "voided")
        .order_by(col(Case.id))
    )
    for case in marked:
        before = provisional_years(case)
        values = recount_values(case, calendar)
        changes = diff(case, **values)
        if values["provisional"]:
            result.still_provisional += 1
        if not changes:
            continue
        result.moved += [
            Moved(case.number, name, old, new)
            for name, (old, new) in changes.items()
            if name != "provisional"
        ]
        if case.status in ("registered", "handling"):
            running = "accept_due" if case.status == "registered" else "due_on"
            old_due = getattr(case, running)
            new_due = values.get(running, old_due)
            if old_due is not None and new_due < today <= old_due:
                result.now_overdue.append(case.number)
        if log is None:
            continue
        added = [y for y in before if calendar.covers(y)]
        touch(case, session, changes)
        log.record(
            "recount",
            case_number=case.number,
            changes=changes,
            reason="补充" + "、".join(f"{y}年" for y in added) + "节假日安排",
        )


# --- calendar show / check ------------------------------------------------------------------
@dataclass(frozen=True)
class Day:
    day: date
    kind: str  # holiday | workday (a 调休 make-up workday)
    name: str
    source: str  # package | office


def year_days(calendar: deadlines.WorkCalendar, year: int) -> tuple[str | None, list[Day]]:
    """A year's holidays and make-up workdays as xinfang counts them, with where each came from;
    and where the year's data comes from (office, package, or None: weekends only)."""
    days: dict[date, Day] = {}
    if chinese_calendar_covers(year):
        for table, kind in ((constants.holidays, "holiday"), (constants.workdays, "workday")):
            for day, name in table.items():
                if day.year == year:
                    days[day] = Day(day, kind, HOLIDAY_NAMES.get(name, name), "package")
    for table, kind in ((calendar.extra_holidays, "holiday"), (calendar.extra_workdays, "workday")):
        for day in table:
            if day.year == year:
                days[day] = Day(day, kind, "", "office")
    return calendar.source(year), sorted(days.values(), key=lambda d: d.day)


def chinese_calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def coverage_gap(calendar: deadlines.WorkCalendar, today: date, days: int) -> tuple[int, ...]:
    """The years the next `days` days reach that have no holiday data."""
    return deadlines.uncovered_years(today, today + timedelta(days=days), calendar)
