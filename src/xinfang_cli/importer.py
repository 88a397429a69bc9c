"""`xinfang import`: a case file read (`casefile.py`), every row checked (`rowcheck.py`), then
written in one transaction through the single-case service functions of `lifecycle.py` — the
same rules and the same audit events as entering the cases one by one. Each registration event
names the file and row the case came from. A missing SQLite ledger is created only when the file
is valid and this is not a dry run.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from . import corrections, deadlines, lifecycle
from .casefile import CaseFile, read_case_file
from .db import describe, resolve_url, sqlite_path
from .errors import XinfangError
from .ledger import Ledger
from .lifecycle import register
from .models import Case
from .numbering import NumberBook, normalize_number
from .rowcheck import ImportPlan, KnownCase, PlannedCase, check_rows
from .taxonomy import default_taxonomy


@dataclass
class ImportResult:
    imported: int
    skipped: int
    dry_run: bool
    location: str
    created: bool = False
    look_alikes: list[tuple[int, str]] = field(default_factory=list)
    unit: str = "行"


def known_cases(session: Any) -> dict[str, KnownCase]:
    rows = session.execute(select(col(Case.number), col(Case.received_on)))
    return {number.upper(): KnownCase(number, received) for number, received in rows}


def known_content(session: Any, case_file: CaseFile) -> dict[tuple[Any, ...], str]:
    """Registration details of the ledger's cases, only when the file has rows without a number."""
    if all("number" in row.values for row in case_file.rows):
        return {}
    columns = ("received_on", "channel", "summary", "name", "phone", "id_number", "number")
    query = select(*(getattr(Case, name) for name in columns))
    return {tuple(row[:-1]): row[-1] for row in session.execute(query)}


FLUSH_EVERY = 500


def write_plan(
    ledger: Ledger, session: Any, log: Any, plan: ImportPlan, *, source: str, unit: str, today: date
) -> int:
    """Write every planned case through the ledger's service functions (same rules, same events).

    Each registration event's reason names the file and row the case came from. Cases are
    numbered from an in-memory NumberBook and flushed in batches (or when a co-department needs
    the case's id, or a repeat names a case not yet flushed): a per-row flush would make a large
    file several times slower.
    """
    book = NumberBook(session)
    pending: set[str] = set()  # numbers registered since the last flush

    def flush() -> None:
        session.flush()
        pending.clear()

    with session.no_autoflush, _no_cyclic_gc():
        for item in plan.cases:
            try:
                repeat_of = item.data.repeat_of
                if repeat_of and normalize_number(repeat_of) in pending:
                    flush()
                case = register(
                    ledger,
                    session,
                    log,
                    item.data,
                    today=today,
                    numbers=book,
                    reason=f"导入自 {source} 第{item.line}{unit}",
                )
                pending.add(normalize_number(case.number))
                if item.co_depts:
                    flush()
                _steps(ledger, session, log, case, item, today=today)
                if len(pending) >= FLUSH_EVERY:
                    flush()
            except XinfangError as exc:
                raise type(exc)(
                    f"第{item.line}{unit}：{exc.message}（未导入任何案件，账本未改动）"
                ) from exc
    return len(plan.cases)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector during a bulk load: the ORM's objects are freed by reference
    counting, and repeated full collections over a large file's rows cost a fifth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _steps(
    ledger: Ledger, session: Any, log: Any, case: Any, item: PlannedCase, *, today: date
) -> None:
    """The steps after registration, each through its service function, dated as the row says."""
    if item.accepted_on is not None:
        lifecycle.assign(
            ledger,
            session,
            log,
            case,
            dept=item.lead_dept,
            co_depts=item.co_depts,
            leader=item.leader,
            on=item.accepted_on,
            today=today,
        )
    elif item.rejected_on is not None:
        lifecycle.reject(
            ledger,
            session,
            log,
            case,
            reason=item.reject_reason or "",
            referral=item.referral,
            on=item.rejected_on,
            today=today,
        )
    if item.extended_days is not None and item.extended_on is not None:
        lifecycle.extend(
            ledger,
            session,
            log,
            case,
            days=item.extended_days,
            reason=item.extend_reason or "",
            approver=item.extend_approver,
            on=item.extended_on,
            today=today,
        )
    if item.closed_on is not None:
        lifecycle.close(
            ledger,
            session,
            log,
            case,
            outcome=item.outcome or "",
            result=item.result or "",
            aid=item.aid,
            on=item.closed_on,
            today=today,
        )
    if item.rating is not None and item.rated_on is not None:
        lifecycle.rate(ledger, session, log, case, grade=item.rating, on=item.rated_on, today=today)
    if item.voided_on is not None:
        corrections.void(
            ledger, session, log, case, reason=item.void_reason, today=today, on=item.voided_on
        )


def import_cases(
    path: Path,
    *,
    db: str | None,
    open_ledger: Callable[[bool], Ledger],
    today: date,
    dry_run: bool,
) -> ImportResult:
    """Import a case file: read and check it all, then write it in one transaction.

    `open_ledger(write)` opens the ledger at `db` (the CLI's opener, which also removes a ledger
    it created if the command then fails). A missing SQLite ledger is checked against the
    default taxonomy and created only when the file is valid and this is not a dry run.
    """
    case_file = read_case_file(path)
    url = resolve_url(db)
    ledger_file = sqlite_path(url)

    def result(plan: ImportPlan, location: str, created: bool = False) -> ImportResult:
        return ImportResult(
            imported=len(plan.cases),
            skipped=len(plan.skipped),
            dry_run=dry_run,
            location=location,
            created=created,
            look_alikes=plan.look_alikes,
            unit=case_file.unit,
        )

    def write(ledger: Ledger, session: Any, log: Any, plan: ImportPlan) -> None:
        write_plan(ledger, session, log, plan, source=path.name, unit=case_file.unit, today=today)

    if ledger_file is not None and not ledger_file.exists():
        taxonomy = default_taxonomy()
        calendar = deadlines.load_calendar(taxonomy.holidays, taxonomy.workdays)
        plan = check_rows(case_file, taxonomy=taxonomy, calendar=calendar, known={}, today=today)
        if dry_run:
            return result(plan, describe(url))
        ledger = open_ledger(True)
        with ledger.transaction() as (session, log):
            write(ledger, session, log, plan)
        _analyze(ledger, len(plan.cases))
        return result(plan, ledger.location, ledger.created)

    ledger = open_ledger(not dry_run)

    def check(session: Any) -> ImportPlan:
        return check_rows(
            case_file,
            taxonomy=ledger.taxonomy,
            calendar=ledger.calendar,
            known=known_cases(session),
            content=known_content(session, case_file),
            today=today,
        )

    if dry_run:
        with ledger.reading() as session:
            return result(check(session), ledger.location)
    # Checked inside the write transaction, so the numbers seen are the numbers written against.
    with ledger.transaction() as (session, log):
        plan = check(session)
        write(ledger, session, log, plan)
    _analyze(ledger, len(plan.cases))
    return result(plan, ledger.location, ledger.created)


def _analyze(ledger: Ledger, imported: int) -> None:
    """Fresh statistics after a bulk load, so the planner picks the date indexes for reports."""
    if not imported:
        return
    try:
        with ledger.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    except SQLAlchemyError:
        pass  # the import is committed; statistics are only an optimisation
