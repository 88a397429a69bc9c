"""The morning deadline check (督办): which open cases are overdue or due soon as of a date, grouped
by department, and the reminder bookkeeping behind `overdue --new`.

Only open cases near their deadline are read: two range queries on the indexes
(status, accept_due) and (status, due_on) up to the last day of the warning window, so the check
costs the same on a ledger of a thousand cases as on one of two hundred thousand. Whether a loaded
case is overdue or in the warning window is then decided in Python with each case's own way of
counting days (calendar or working days), which SQL cannot know.

A reminder is an audit event (action ``remind``) naming the case, the kind of reminder and the
due date it was about. `--new` announces only (case, kind, due) triples not announced on or
before the as-of date, so the same list is not mailed every morning, while an extension (a new
due date) or a case passing from "due soon" to "overdue" is announced again.
No Typer, no Rich: the caller passes the as-of date and renders the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from . import deadlines
from .aggregates import open_at, open_is_narrower
from .audit import AuditLog
from .errors import InputError
from .labels import (
    ACCEPT_OVERDUE,
    DUE_SOON,
    FINAL_REVIEW_OVERDUE,
    HANDLE_OVERDUE,
    PENDING_GROUP,
    REMINDER_LABELS,
    REVIEW_OVERDUE,
    STAGE_LABELS,
)
from .ledger import Ledger
from .models import Case, Event, Review
from .standing import standing
from .steps import provisional_years, read_marks

# Registered cases have no lead department yet: the petition office itself owes the decision.
PENDING_ALIASES = (PENDING_GROUP, "信访办(待受理)", "待受理", "信访办")
UNASSIGNED_GROUP = "（未指定主办单位）"
# 复查/复核 are answered by the office too: their reminders are grouped with it.
REVIEW_GROUP = "信访办（复查复核）"
REVIEW_ALIASES = (REVIEW_GROUP, "信访办(复查复核)", "复查复核", "复查", "复核")
REVIEW_STAGES = ("review", "final_review")
REVIEW_KINDS = {"review": REVIEW_OVERDUE, "final_review": FINAL_REVIEW_OVERDUE}

REMIND_ACTION = "remind"

MAX_WARN_DAYS = 366
_CHUNK = 500  # bound parameters per IN (…) query, well under SQLite's limit


@dataclass(frozen=True)
class Reminder:
    """One open case that is overdue or due soon, as the morning check reports it."""

    number: str
    as_of: date
    kind: str  # accept_overdue | handle_overdue | review_overdue | final_review_overdue | due_soon
    stage: (
        str  # accept (the acceptance decision) | handle (closing the case) | review | final_review
    )
    due: date
    days_overdue: int  # calendar days past the due day; 0 for due_soon
    days_left: int  # days (working days in working mode) to the due day; < 0 once overdue
    day_mode: str
    status: str
    received_on: date
    lead_dept: str | None
    leader: str | None
    summary: str
    confidential: bool
    category: str | None
    provisional: tuple[int, ...] = ()  # the years without holiday data behind its deadline

    @property
    def overdue(self) -> bool:
        return self.kind != DUE_SOON

    @property
    def department(self) -> str:
        """The part of the list this case is forwarded with."""
        if self.stage == "accept":
            return PENDING_GROUP
        if self.stage in REVIEW_STAGES:
            return REVIEW_GROUP
        return self.lead_dept or UNASSIGNED_GROUP

    @property
    def label(self) -> str:
        """受理超期 / 办结超期 / 受理临期 / 办结临期."""
        if self.kind == DUE_SOON:
            return STAGE_LABELS[self.stage] + "临期"
        return REMINDER_LABELS[self.kind]

    @property
    def key(self) -> tuple[str, str, str]:
        """What a reminder is about: the same key is never announced twice by `--new`."""
        return (self.number, self.kind, self.due.isoformat())


@dataclass(frozen=True)
class DepartmentPart:
    name: str
    overdue: list[Reminder]
    due_soon: list[Reminder]


@dataclass
class OverdueReport:
    """The result of one check; with `new_only`, `overdue`/`due_soon` hold only what is new."""

    as_of: date
    warn_days: int
    dept: str | None
    new_only: bool
    overdue: list[Reminder] = field(default_factory=list)
    due_soon: list[Reminder] = field(default_factory=list)
    # With new_only: what is still overdue / due soon but was announced before (not repeated).
    announced_before_overdue: int = 0
    announced_before_due_soon: int = 0
    # Open cases whose running deadline is provisional (a year without holiday data), read only
    # when the check has something to say anyway: (number, due date, years).
    provisional: list[tuple[str, date, tuple[int, ...]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.due_soon

    def by_department(self) -> list[DepartmentPart]:
        """Departments with most overdue cases first; the petition office's own parts included."""
        parts: dict[str, DepartmentPart] = {}
        for item in self.overdue + self.due_soon:
            part = parts.setdefault(item.department, DepartmentPart(item.department, [], []))
            (part.overdue if item.overdue else part.due_soon).append(item)
        return sorted(
            parts.values(),
            key=lambda p: (-len(p.overdue), -len(p.due_soon), p.name != PENDING_GROUP, p.name),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "warn_days": self.warn_days,
            "dept": self.dept,
            "new_only": self.new_only,
            "overdue": [_item_json(r) for r in self.overdue],
            "due_soon": [_item_json(r) for r in self.due_soon],
            "by_department": [
                {"name": p.name, "overdue": len(p.overdue), "due_soon": len(p.due_soon)}
                for p in self.by_department()
            ],
            "announced_before": {
                "overdue": self.announced_before_overdue,
                "due_soon": self.announced_before_due_soon,
            },
            "provisional": [
                {"number": n, "due": d.isoformat(), "years": list(y)}
                for n, d, y in self.provisional
            ],
        }


def _item_json(item: Reminder) -> dict[str, Any]:
    record: dict[str, Any] = {
        "number": item.number,
        "kind": item.kind,
        "stage": item.stage,
        "label": item.label,
        "due": item.due.isoformat(),
    }
    if item.overdue:
        record["days_overdue"] = item.days_overdue
    else:
        record["days_left"] = item.days_left
    record.update(
        {
            "day_mode": item.day_mode,
            "department": item.department,
            "lead_dept": item.lead_dept,
            "leader": item.leader,
            "summary": shown_summary(item),
            "confidential": item.confidential,
            "status": item.status,
            "received_on": item.received_on.isoformat(),
            "category": item.category,
            "deadline_provisional": bool(item.provisional),
        }
    )
    return record


def shown_summary(item: Reminder) -> str:
    """The summary as a forwarded list may show it: a confidential case's matter stays out
    (Art. 30: the material of an accusation must not reach the accused)."""
    if item.confidential:
        return "（保密事项，内容从略，详见 xinfang show）"
    return item.summary


# --- reading the options --------------------------------------------------------------------
def parse_warn_days(text: str | None) -> int | None:
    """`--warn-days` as typed; None means the taxonomy's warn_days."""
    if text is None:
        return None
    value = text.strip()
    try:
        days = int(value)
    except ValueError:
        raise InputError(f"预警天数（--warn-days）“{text}”不是整数。") from None
    if days < 0:
        raise InputError(f"预警天数（--warn-days）不能为负数（现为 {days}）。")
    if days > MAX_WARN_DAYS:
        raise InputError(f"预警天数（--warn-days）不能超过 {MAX_WARN_DAYS} 天（现为 {days}）。")
    return days


def resolve_department(ledger: Ledger, text: str) -> str:
    """A department of the taxonomy, or the petition office's own part (registered cases)."""
    value = text.strip()
    if value in PENDING_ALIASES and value not in ledger.taxonomy.departments:
        return PENDING_GROUP
    if value in REVIEW_ALIASES and value not in ledger.taxonomy.departments:
        return REVIEW_GROUP
    return ledger.taxonomy.department(value)


# --- the check ------------------------------------------------------------------------------
def window_end(ledger: Ledger, as_of: date, warn_days: int) -> date:
    """The last day any case's warning window can reach: the later of the calendar-day and the
    working-day count (working days are never fewer calendar days than calendar days)."""
    return max(
        deadlines.due_date(as_of, warn_days, mode=mode, calendar=ledger.calendar)
        for mode in deadlines.DAY_MODES
    )


@dataclass(frozen=True)
class OpenCase:
    """The columns of an open case the check needs (not the whole row: the check stays cheap)."""

    number: str
    status: str
    received_on: date
    accept_due: date
    accepted_on: date | None
    rejected_on: date | None
    closed_on: date | None
    handle_due: date | None
    extended_on: date | None
    due_on: date | None
    day_mode: str
    lead_dept: str | None
    leader: str | None
    summary: str
    confidential: bool
    category: str | None
    provisional: str | None


_OPEN_CASE_COLUMNS = [getattr(Case, name) for name in OpenCase.__dataclass_fields__]


def open_near_due(session: Session, horizon: date) -> list[OpenCase]:
    """Open cases whose running deadline is on or before `horizon`.

    Two range queries, one per index, so SQLite reads only the matching index entries; the
    status and date conditions are kept in exactly this form (a test checks the query plan).
    """
    conn = session.connection()
    found: list[OpenCase] = []
    for status, due in (("registered", Case.accept_due), ("handling", Case.due_on)):
        query = sa_select(*_OPEN_CASE_COLUMNS).where(
            col(Case.status) == status, col(due) <= horizon
        )
        found += [OpenCase(**row._mapping) for row in conn.execute(query)]
    return found


def open_on(session: Session, as_of: date) -> list[OpenCase]:
    """Cases that were open on a past `as_of` (received by then, not closed or rejected by then),
    whatever happened to them since: the steps dated after `as_of` have not happened yet there.
    Only a look back needs this; from today on the status columns already say it (open_near_due).
    """
    conn = session.connection()
    query = sa_select(*_OPEN_CASE_COLUMNS).where(
        open_at(as_of, few_open=open_is_narrower(conn, as_of)),
        col(Case.status) != "voided",
        or_(col(Case.rejected_on).is_(None), col(Case.rejected_on) > as_of),
    )
    return [OpenCase(**row._mapping) for row in conn.execute(query)]


def pending_reviews(
    ledger: Ledger, session: Session, *, as_of: date, warn_days: int, horizon: date
) -> list[Reminder]:
    """复查/复核 requests not decided by `as_of` whose 30-day answer is overdue or due within the
    window (calendar days, as the regulation counts them)."""
    columns = (
        "number",
        "received_on",
        "lead_dept",
        "leader",
        "summary",
        "confidential",
        "category",
    )
    # the undecided requests first (their own index), then their cases by id: a join would let
    # SQLite, with no statistics on a small reviews table, read every case to find them
    conn = session.connection()
    requests = conn.execute(
        sa_select(
            col(Review.case_id), col(Review.level), col(Review.requested_on), col(Review.due_on)
        ).where(
            col(Review.due_on) <= horizon,
            col(Review.requested_on) <= as_of,
            or_(col(Review.decided_on).is_(None), col(Review.decided_on) > as_of),
        )
    ).all()
    ids = sorted({r.case_id for r in requests})
    cases: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        for case_row in conn.execute(
            sa_select(col(Case.id), *(getattr(Case, name) for name in columns)).where(
                col(Case.id).in_(ids[start : start + 500]), col(Case.status) != "voided"
            )
        ):
            cases[case_row.id] = case_row
    rows = [
        SimpleNamespace(
            level=r.level, requested_on=r.requested_on, due_on=r.due_on, **cases[r.case_id]._mapping
        )
        for r in requests
        if r.case_id in cases
    ]
    found = []
    for row in rows:
        if deadlines.is_overdue(row.due_on, as_of):
            kind = REVIEW_KINDS.get(row.level, REVIEW_OVERDUE)
        elif deadlines.in_warning_window(
            row.due_on, as_of, warn_days, mode="calendar", calendar=ledger.calendar
        ):
            kind = DUE_SOON
        else:
            continue
        found.append(
            Reminder(
                number=row.number,
                as_of=as_of,
                kind=kind,
                stage=row.level,
                due=row.due_on,
                days_overdue=deadlines.days_overdue(row.due_on, as_of),
                days_left=(row.due_on - as_of).days,
                day_mode="calendar",
                status="closed",
                received_on=row.received_on,
                lead_dept=row.lead_dept,
                leader=row.leader,
                summary=row.summary,
                confidential=row.confidential,
                category=row.category,
            )
        )
    return found


def classify_case(
    ledger: Ledger, case: OpenCase | Case, *, as_of: date, warn_days: int
) -> Reminder | None:
    """Whether the case is overdue, due within the window (in its own day mode), or neither, as it
    stood on `as_of`."""
    running = standing(case, as_of)
    if running is None:
        return None
    stage, due = running
    late_kind = ACCEPT_OVERDUE if stage == "accept" else HANDLE_OVERDUE
    mode: deadlines.DayMode = "working" if case.day_mode == "working" else "calendar"
    if deadlines.is_overdue(due, as_of):
        kind = late_kind
    elif deadlines.in_warning_window(due, as_of, warn_days, mode=mode, calendar=ledger.calendar):
        kind = DUE_SOON
    else:
        return None
    return Reminder(
        number=case.number,
        as_of=as_of,
        kind=kind,
        stage=stage,
        due=due,
        days_overdue=deadlines.days_overdue(due, as_of),
        days_left=deadlines.days_left(due, as_of, mode=mode, calendar=ledger.calendar),
        day_mode=mode,
        status="registered" if stage == "accept" else "handling",
        received_on=case.received_on,
        lead_dept=case.lead_dept,
        leader=case.leader,
        summary=case.summary,
        confidential=case.confidential,
        category=case.category,
        provisional=provisional_years(case, "accept_due" if stage == "accept" else "due_on"),
    )


def collect(
    ledger: Ledger,
    session: Session,
    *,
    as_of: date,
    warn_days: int,
    dept: str | None = None,
    look_back: bool = False,
) -> tuple[list[Reminder], list[Reminder]]:
    """(overdue, due_soon) as of the date: most overdue first, then soonest due first.
    `look_back`: `as_of` is before today, so cases closed since may have been open then."""
    overdue: list[Reminder] = []
    due_soon: list[Reminder] = []
    cases = (
        open_on(session, as_of)
        if look_back
        else open_near_due(session, window_end(ledger, as_of, warn_days))
    )
    items = [classify_case(ledger, case, as_of=as_of, warn_days=warn_days) for case in cases]
    items += pending_reviews(
        ledger,
        session,
        as_of=as_of,
        warn_days=warn_days,
        horizon=window_end(ledger, as_of, warn_days),
    )
    for item in items:
        if item is None:
            continue
        # The department filter runs here, not in SQL, so the query (and its plan) never changes.
        if dept is not None and item.department != dept:
            continue
        (overdue if item.overdue else due_soon).append(item)
    overdue.sort(key=lambda r: (-r.days_overdue, r.due, r.number))
    due_soon.sort(key=lambda r: (r.due, r.number))
    return overdue, due_soon


def announced(
    session: Session, numbers: Iterable[str], *, as_of: date
) -> set[tuple[str, str, str]]:
    """The (number, kind, due) reminders recorded on or before `as_of` for these cases.

    Read through the index on events.case_number only; the action is checked in Python so the
    planner cannot prefer the (ever-growing) action index.
    """
    wanted = sorted(set(numbers))
    keys: set[tuple[str, str, str]] = set()
    for start in range(0, len(wanted), _CHUNK):
        rows = session.exec(
            select(col(Event.case_number), Event.action, col(Event.on_date), Event.changes).where(
                col(Event.case_number).in_(wanted[start : start + _CHUNK])
            )
        )
        for number, action, on_date, changes in rows:
            if action != REMIND_ACTION or number is None:
                continue
            if on_date is not None and on_date > as_of:
                continue  # an event dated after the as-of date has not happened yet
            try:
                data = json.loads(changes)
                kind, due = data["kind"][1], data["due"][1]
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            keys.add((number, str(kind), str(due)))
    return keys


def record_reminders(log: AuditLog, items: Iterable[Reminder], *, as_of: date) -> None:
    for item in items:
        reason = f"督办提醒：{item.label}，期限 {item.due.isoformat()}" + (
            f"，已超期 {item.days_overdue} 天" if item.overdue else ""
        )
        log.record(
            REMIND_ACTION,
            case_number=item.number,
            on_date=as_of,
            changes={"kind": (None, item.kind), "due": (None, item.due.isoformat())},
            reason=reason,
        )


def check(
    ledger: Ledger,
    *,
    as_of: date,
    warn_days: int | None = None,
    dept: str | None = None,
    new_only: bool = False,
    today: date | None = None,
) -> OverdueReport:
    """The morning check. `warn_days` None: the taxonomy's; `dept`: an already resolved name.

    With `new_only`, keeps what was not announced before and records it as reminders, in the
    same transaction as the read, so two overlapping runs cannot both announce a case.
    """
    window = ledger.taxonomy.warn_days if warn_days is None else warn_days
    look_back = today is not None and as_of < today
    if window < 0:
        raise InputError(f"预警天数不能为负数（现为 {window}）。")
    report = OverdueReport(as_of=as_of, warn_days=window, dept=dept, new_only=new_only)
    if not new_only:
        with ledger.reading() as session:
            report.overdue, report.due_soon = collect(
                ledger, session, as_of=as_of, warn_days=window, dept=dept, look_back=look_back
            )
            if not report.empty:
                report.provisional = provisional_open(session)
        return report
    with ledger.transaction() as (session, log):
        overdue, due_soon = collect(
            ledger, session, as_of=as_of, warn_days=window, dept=dept, look_back=look_back
        )
        seen = announced(session, (r.number for r in overdue + due_soon), as_of=as_of)
        report.overdue = [r for r in overdue if r.key not in seen]
        report.due_soon = [r for r in due_soon if r.key not in seen]
        report.announced_before_overdue = len(overdue) - len(report.overdue)
        report.announced_before_due_soon = len(due_soon) - len(report.due_soon)
        record_reminders(log, report.overdue + report.due_soon, as_of=as_of)
        if not report.empty:
            report.provisional = provisional_open(session)
    return report


def provisional_open(session: Session) -> list[tuple[str, date, tuple[int, ...]]]:
    """Open cases whose running deadline was counted through a year without holiday data."""
    rows = session.connection().execute(
        sa_select(
            col(Case.number),
            col(Case.status),
            col(Case.accept_due),
            col(Case.due_on),
            col(Case.provisional),
        ).where(col(Case.provisional) > "")  # a range on its own index (IS NOT NULL is not)
    )
    out = []
    for number, status, accept_due, due_on, marks in rows:
        if status not in ("registered", "handling"):
            continue
        field_name = "accept_due" if status == "registered" else "due_on"
        years = read_marks(marks).get(field_name)
        due = accept_due if status == "registered" else due_on
        if years and due is not None:
            out.append((number, due, years))
    return sorted(out, key=lambda item: (item[1], item[0]))
