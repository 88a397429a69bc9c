"""`xinfang import`: a case file streamed from disk (`casefile.py`), every row checked with the
rules a single `add`, `assign`, `close`… applies (`rowcheck.py`, `rules.py`), then written in one
transaction by a bulk path: each case's columns computed by the same step functions the single-case
services use (`steps.py`), written as plain rows with `executemany` a chunk at a time, with one
audit event per case (its whole imported state, the file and the line it came from), sealed into
the hash chain as the rows go. One bad row anywhere and nothing is imported: the transaction is
rolled back and every problem is reported by line. The file is never held in
memory: only the numbers it names are kept (a few hundred bytes a row).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Date, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from . import deadlines
from .audit import AuditLog, bulk_changes, new_salt, seal_content, utc_now
from .casefile import CaseSource, Layout, file_format, open_case_source, problem_report
from .db import describe, resolve_url, sqlite_path
from .errors import FileFormatError, XinfangError
from .ledger import Ledger
from .lifecycle import REGISTER_FIELDS
from .models import Case, CoDepartment, Event
from .numbering import choose_number, floors, normalize_number
from .rowcheck import KnownCase, PlannedCase, RowChecker
from .steps import (
    assign_values,
    close_values,
    extend_values,
    provisional_years,
    rate_values,
    register_values,
    reject_values,
    void_values,
)
from .taxonomy import default_taxonomy

# a checked row ready to write: its case's columns, its co-departments, its event's reason
Prepared = tuple[list[Any], list[str], str]


@dataclass
class ImportResult:
    imported: int
    skipped: int
    dry_run: bool
    location: str
    created: bool = False
    look_alikes: list[tuple[int, str]] = field(default_factory=list)
    unit: str = "行"
    # imported cases whose deadlines were counted through years without holiday data
    provisional: int = 0
    provisional_years: tuple[int, ...] = ()
    plan: list[str] = field(default_factory=list)  # what reading found (sheets, columns, …)
    warnings: list[str] = field(default_factory=list)  # rows taken differently than written


def known_cases(session: Any) -> dict[str, KnownCase]:
    rows = session.execute(select(col(Case.number), col(Case.received_on)))
    return {number.upper(): KnownCase(number, received) for number, received in rows}


def known_content(session: Any, unnumbered: bool) -> dict[tuple[Any, ...], str]:
    """Registration details of the ledger's cases, only when the file has rows without a number."""
    if not unnumbered:
        return {}
    columns = ("received_on", "channel", "summary", "name", "phone", "id_number", "number")
    query = select(*(getattr(Case, name) for name in columns))
    return {tuple(row[:-1]): row[-1] for row in session.execute(query)}


# Rows checked and written per round: a chunk's tuples are all that is held in memory.
CHUNK = 2000
# The first round is smaller: with two processes it is the part done before the other starts.
FIRST_CHUNK = 200
# From this many rows (and more rows than the ledger has cases) indexes are built after the load.
DEFER_INDEXES_FROM = 20_000


@dataclass
class _Scan:
    """What a first, cheap pass over the file learns: every number it names (upper-cased → its
    line), whether some rows have none, and how many data rows there are."""

    numbers: dict[str, int]
    unnumbered: bool
    rows: int


def scan(source: CaseSource) -> _Scan:
    numbers: dict[str, int] = {}
    unnumbered = False
    rows = 0
    for line, number in source.numbers():
        rows += 1
        if number is None:
            unnumbered = True
        else:
            numbers.setdefault(number.upper(), line)
    return _Scan(numbers, unnumbered, rows)


_BITMAP_LIMIT = 1 << 24  # sequences of a year kept as bits (2 MB at most)


class _Numbers:
    """The numbers a bulk load chooses against (`numbering.choose_number`'s questions), kept small
    for a million rows: the sequences taken as one bitmap per year, and the numbers' own text
    only where it differs from its upper-case form. Numbers the file repeats, or that the ledger
    already has, never reach here: the row check skipped or refused them."""

    def __init__(self, session: Any, known: dict[str, KnownCase]) -> None:
        self.known = known
        self.taken: dict[int, bytearray] = {}
        self.top: dict[int, int] = {}
        self.texts: dict[str, str] = {}  # upper-case number → as written, where they differ
        self.odd: set[tuple[int, int]] = set()  # sequences too large for a bitmap
        rows = session.execute(select(col(Case.year), col(Case.seq)))
        for year, seq in rows:
            self._take(year, seq)
        for year, seq in floors(session).items():  # set by a restore
            self.top[year] = max(self.top.get(year, 0), seq)

    def _take(self, year: int, seq: int) -> None:
        bits = self.taken.setdefault(year, bytearray())
        if not 0 <= seq < _BITMAP_LIMIT:
            self.odd.add((year, seq))
        else:
            if len(bits) <= seq >> 3:
                bits.extend(bytes((seq >> 3) + 1 - len(bits) + 1024))
            bits[seq >> 3] |= 1 << (seq & 7)
        self.top[year] = max(self.top.get(year, 0), seq)

    def has_number(self, number: str) -> bool:
        return number.upper() in self.known

    def has_pair(self, year: int, seq: int) -> bool:
        bits = self.taken.get(year)
        return (
            bits is not None
            and seq >= 0
            and seq >> 3 < len(bits)
            and bool(bits[seq >> 3] & (1 << (seq & 7)))
        )

    def top_seq(self, year: int) -> int:
        return self.top.get(year, 0)

    def parts(self, prefix: str, data: Any) -> tuple[str, int, int]:
        number, year, seq = choose_number(self, prefix, data)
        self._take(year, seq)
        upper = number.upper()
        if upper != number:
            self.texts[upper] = number
        return number, year, seq

    def stored(self, number: str) -> str:
        """A repeat's original as its number is stored (as `register` writes `repeat_of`)."""
        upper = normalize_number(number)
        if upper in self.known:
            return self.known[upper].number
        return self.texts.get(upper, upper)


class BulkWriter:
    """Writes checked rows as plain tuples: each case's columns computed by the same step
    functions the single-case services use (`steps.py`), its co-departments, and one audit
    event per case holding its whole imported state (read by `verify` and `history` like any
    registration), sealed into the hash chain as the rows go. SQLAlchemy Core `executemany`,
    no ORM objects, in the caller's transaction."""

    def __init__(
        self,
        ledger: Ledger,
        session: Any,
        log: AuditLog,
        *,
        source: str,
        unit: str,
        known: dict[str, KnownCase],
        where: Callable[[int], str] | None = None,
    ) -> None:
        self.where = where or (lambda line: f"第{line}{unit}")
        self.tax = ledger.taxonomy
        self.calendar = ledger.calendar
        self.conn = session.connection()
        self.log = log
        self.actor = log.actor
        self.source = source
        self.unit = unit
        self.book = _Numbers(session, known)
        self.tip = log.tip()
        self.case_id = self.conn.execute(select(func.max(col(Case.id)))).scalar() or 0
        self.event_id = self.conn.execute(select(func.max(col(Event.id)))).scalar() or 0
        columns = list(Case.__table__.columns)  # type: ignore[attr-defined]
        self.case_columns = [c.name for c in columns]
        at = {name: i for i, name in enumerate(self.case_columns)}
        self.date_columns = [i for i, c in enumerate(columns) if isinstance(c.type, Date)]
        self.stamp_columns = (at["id"], at["created_at"], at["updated_at"])
        self.at_number, self.at_received = at["number"], at["received_on"]
        # the event's fields read straight from the row, in IMPORT_FIELDS order (co_depts aside)
        self.event_names = [name for name in IMPORT_FIELDS if name in at]
        self.event_values = itemgetter(*(at[name] for name in self.event_names))
        self.provisional: list[tuple[int, ...]] = []
        self.written = 0
        self.deferred: list[str] = []  # CREATE INDEX statements to run again in finish()

    def defer_indexes(self, rows: int) -> None:
        """SQLite, a file larger than the ledger: its secondary indexes are dropped for the load
        and built again from their own CREATE statements before the commit (in the same
        transaction, so no reader ever sees them missing): building an index once over sorted
        keys costs a fraction of keeping it up to date row by row. Unique indexes stay, so
        the database still refuses a duplicate number."""
        if self.conn.dialect.name != "sqlite":
            return
        # pages kept in memory during the load (64 MB, the default is 2 MB), so the unique
        # indexes of a million rows are not read back from disk at every insert
        self.conn.exec_driver_sql("PRAGMA cache_size = -65536")
        if rows < DEFER_INDEXES_FROM or rows < self.case_id:
            return
        found = self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('cases', 'events') AND sql NOT LIKE 'CREATE UNIQUE%'"
        ).all()
        for name, sql in found:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
            self.deferred.append(sql)

    def write(self, items: list[PlannedCase]) -> None:
        self.store(self.prepare(items))

    def prepare(self, items: list[PlannedCase]) -> list[Prepared]:
        """Each checked row's case as a plain row in the table's column order (id and times
        left to `store`; dates as ISO text on SQLite), its co-departments and its event's reason
        (the file, the line, what was inferred): everything that needs no database and no place
        on the chain, so another process can do it (`_write_in_two`)."""
        prepared: list[Prepared] = []
        iso = self.conn.dialect.name == "sqlite"
        dates = self.date_columns
        for item in items:
            try:
                values, co = self.values(item)
            except XinfangError as exc:
                raise type(exc)(
                    f"{self.where(item.line)}：{exc.message}（未导入任何案件，账本未改动）"
                ) from exc
            if values["provisional"]:
                self.provisional.append(provisional_years(SimpleNamespace(**values)))
            row = list(map(values.get, self.case_columns))
            if iso:
                for i in dates:
                    value = row[i]
                    if value is not None:
                        row[i] = value.isoformat()
            reason = f"导入自 {self.source} {self.where(item.line)}"
            if item.inferred:
                reason += "；导入时推定：" + "；".join(item.inferred)
            prepared.append((row, co, reason))
        return prepared

    def store(self, prepared: list[Prepared]) -> None:
        """Prepared rows written: ids, times, and one event each sealed onto the chain."""
        cases: list[list[Any]] = []
        co_rows: list[list[Any]] = []
        events: list[list[Any]] = []
        now = utc_now()
        at_id, at_created, at_updated = self.stamp_columns
        for row, co, reason in prepared:
            self.case_id += 1
            row[at_id] = self.case_id
            row[at_created] = row[at_updated] = now
            cases.append(row)
            co_rows.extend([self.case_id, dept] for dept in co)
            stored, sealed_text, salt = self.changes(row, co)
            events.append(self.event(row, stored, sealed_text, salt, reason, now))
        # `prepare` wrote the case's dates as SQLite stores them; the event's day is one of them
        self._insert(Case, cases, dates_done=True)
        if co_rows:
            self._insert(CoDepartment, co_rows)
        self._insert(Event, events, dates_done=True)
        self.written += len(prepared)

    def _insert(self, model: Any, rows: list[list[Any]], *, dates_done: bool = False) -> None:
        """Rows as lists in the table's column order. SQLite: the driver's own executemany
        (dates as the ISO text SQLAlchemy stores, unless `dates_done` says they are already),
        a fraction of Core's per-row parameter processing; other databases: Core's
        executemany."""
        table = model.__table__
        names = [c.name for c in table.columns]
        if self.conn.dialect.name != "sqlite":
            self.conn.execute(insert(model), [dict(zip(names, row, strict=True)) for row in rows])
            return
        if not dates_done:
            dates = [i for i, c in enumerate(table.columns) if isinstance(c.type, Date)]
            for row in rows:
                for i in dates:
                    value = row[i]
                    if type(value) is date:
                        row[i] = value.isoformat()
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def values(self, item: PlannedCase) -> tuple[dict[str, Any], list[str]]:
        """The case's columns after every step its row records, and its co-departments."""
        data = item.data
        if data.repeat_of:
            data.repeat_of = self.book.stored(data.repeat_of)
        number, year, seq = self.book.parts(self.tax.number_prefix, data)
        values = register_values(self.tax, self.calendar, data)
        values.update(number=number, year=year, seq=seq)
        case = SimpleNamespace(**values)

        def apply(new: dict[str, Any]) -> None:
            values.update(new)
            case.__dict__.update(new)

        co: list[str] = []
        if item.accepted_on is not None and item.lead_dept:
            lead = item.lead_dept
            apply(
                assign_values(
                    case, lead=lead, leader=item.leader, on=item.accepted_on, calendar=self.calendar
                )
            )
            co = [dept for dept in item.co_depts if dept != lead]
        elif item.rejected_on is not None:
            apply(
                reject_values(
                    reason=item.reject_reason or "", referral=item.referral, on=item.rejected_on
                )
            )
        if item.extended_days is not None and item.extended_on is not None:
            apply(
                extend_values(
                    case,
                    days=item.extended_days,
                    reason=item.extend_reason or "",
                    approver=item.extend_approver,
                    on=item.extended_on,
                    calendar=self.calendar,
                )
            )
        if item.closed_on is not None:
            apply(
                close_values(
                    outcome=item.outcome or "",
                    result=item.result or "",
                    aid=item.aid,
                    on=item.closed_on,
                )
            )
        if item.rating is not None and item.rated_on is not None:
            apply(rate_values(rating=item.rating, on=item.rated_on))
        if item.voided_on is not None:
            apply(void_values(reason=item.void_reason, on=item.voided_on))
        return values, co

    def changes(self, row: list[Any], co: list[str]) -> tuple[str, str, str]:
        """The registration event's changes (the case's whole imported state), as stored and as
        sealed, and the salt of its personal values' digests."""
        pairs: Iterable[tuple[str, Any]] = zip(
            self.event_names, self.event_values(row), strict=True
        )
        if co:
            pairs = chain(pairs, (("co_depts", "、".join(co)),))
        salt = new_salt()
        return (*bulk_changes(pairs, salt), salt)

    def event(
        self, row: list[Any], text: str, sealed_text: str, salt: str, reason: str, now: str
    ) -> list[Any]:
        """One registration event, sealed onto the chain."""
        received = row[self.at_received]
        received_text = received if type(received) is str else received.isoformat()
        number = row[self.at_number]
        sealed = seal_content(
            self.tip,
            number,
            now,
            received_text,
            self.actor,
            "register",
            sealed_text,
            reason,
            salt,
        )
        self.event_id += 1
        event = [
            self.event_id,
            number,
            now,
            received,
            self.actor,
            "register",
            text,
            reason,
            self.tip,
            sealed,
            salt,
            False,
        ]
        self.tip = sealed
        return event

    def finish(self) -> None:
        """The chain's new tip for any later event of this transaction; PostgreSQL's id
        sequences moved past the ids given here."""
        self.log.advance(self.tip)
        for sql in self.deferred:
            self.conn.exec_driver_sql(sql)
        self.deferred = []
        if self.conn.dialect.name == "postgresql" and self.written:
            for table in ("cases", "events"):
                self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


# The fields an imported case's event records: the registration's, then every later step's.
IMPORT_FIELDS: tuple[str, ...] = (
    REGISTER_FIELDS
    + tuple(
        name
        for name in Case.model_fields
        if name not in REGISTER_FIELDS
        and name not in ("id", "year", "seq", "created_at", "updated_at")
    )
    + ("co_depts",)
)


class _Checking:
    """The check pass: every row checked (rows with a number first, so a number the ledger
    assigns never takes one the file names), and the rows planned so far handed out a chunk at
    a time while no row has a problem. `progress(done, total)` is told every CHUNK rows."""

    def __init__(
        self,
        source: CaseSource,
        scanned: _Scan,
        checker: RowChecker,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.source = source
        self.scanned = scanned
        self.checker = checker
        self.progress = progress

    def batches(self) -> Iterator[list[PlannedCase]]:
        checker, scanned = self.checker, self.scanned
        done = 0
        size = FIRST_CHUNK
        sweeps = (True, False) if scanned.unnumbered else (True,)
        for numbered in sweeps:
            batch: list[PlannedCase] = []
            for row in self.source.rows(checker.problems if numbered else None):
                if ("number" in row.values) != numbered:
                    continue
                plan = checker.check(row)
                done += 1
                if plan is not None and not checker.problems:
                    batch.append(plan)
                    if len(batch) >= size:
                        yield batch
                        batch, size = [], CHUNK
                if self.progress is not None and done % CHUNK == 0:
                    self.progress(done, scanned.rows)
            if batch and not checker.problems:
                yield batch


# From this many rows (on a system that can fork) the rows are checked and prepared in a second
# process while this one seals and writes them: a laptop has at least two cores. (Measured: a
# 5,000-row file 10% faster, 10,000 rows 20%; below that the fork is not worth the bother.)
PARALLEL_FROM = 5_000


def run_import(
    source: CaseSource,
    scanned: _Scan,
    checker: RowChecker,
    writer: BulkWriter | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Check every row and, while no row has a problem, write them a chunk at a time. One
    problem anywhere raises at the end with every problem listed; the caller's transaction then
    rolls back whatever was written, so the ledger is untouched."""
    checking = _Checking(source, scanned, checker, progress)
    batches = checking.batches()
    if writer is None:
        for _ in batches:
            pass
    elif scanned.rows >= PARALLEL_FROM and hasattr(os, "fork"):
        _write_in_two(checking, batches, writer)
    else:
        for batch in batches:
            writer.write(batch)
    if progress is not None:
        progress(scanned.rows, scanned.rows)
    if checker.problems:
        report = problem_report(source.as_case_file(), checker.problems)
        how = source.plan.lines(source.name)
        raise FileFormatError(report + ("\n\n读取方式：\n" + "\n".join(how) if how else ""))
    if writer is not None:
        writer.finish()


def _write_in_two(
    checking: _Checking, batches: Iterator[list[PlannedCase]], writer: BulkWriter
) -> None:
    """The rows checked and prepared (`BulkWriter.prepare`) in a forked child, which carries on
    the very same pass over the file, while this process seals and writes what it sends over a
    pipe: the same work in the same order, on two cores. The first (small) chunk is done here,
    before the fork, so that every module the work needs is already imported. The pipe holds
    about one chunk, so neither process runs far ahead; an error in the child comes back as the
    same error here."""
    first = next(batches, None)
    if first is None:
        return
    writer.write(first)
    inbox_fd, outbox_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never touches the database
        os.close(inbox_fd)
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
            _prepare_rest(checking, batches, writer, Connection(outbox_fd, readable=False))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(outbox_fd)
    inbox = Connection(inbox_fd, writable=False)
    checker, progress, total = checking.checker, checking.progress, checking.scanned.rows
    finished = False
    try:
        while True:
            try:
                kind, payload = inbox.recv()
            except EOFError:
                raise XinfangError(
                    "导入中断：校验案件的子进程意外退出（未导入任何案件，账本未改动）。"
                ) from None
            if kind == "rows":
                writer.store(payload)
            elif kind == "progress":
                if progress is not None:
                    progress(payload, total)
            elif kind == "error":
                raise payload
            else:
                problems, skipped, look_alikes, provisional, warnings = payload
                checker.problems[:] = problems
                checker.skipped[:] = skipped
                checker.look_alikes[:] = look_alikes
                writer.provisional[:] = provisional
                checking.source.plan.warnings[:] = warnings
                finished = True
                return
    finally:
        inbox.close()
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _prepare_rest(
    checking: _Checking,
    batches: Iterator[list[PlannedCase]],
    writer: BulkWriter,
    outbox: Connection,
) -> None:
    """The child's part of `_write_in_two`."""
    if checking.progress is not None:
        checking.progress = lambda done, total: outbox.send(("progress", done))
    try:
        for batch in batches:
            outbox.send(("rows", writer.prepare(batch)))
    except Exception as exc:  # raised again in the parent, as in one process (`guard` words it)
        try:
            outbox.send(("error", exc))
        except Exception:  # an exception that cannot be pickled: its type and text
            outbox.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    checker = checking.checker
    outbox.send(
        (
            "done",
            (
                checker.problems,
                checker.skipped,
                checker.look_alikes,
                writer.provisional,
                checking.source.plan.warnings,
            ),
        )
    )


def import_cases(
    path: Path,
    *,
    db: str | None,
    open_ledger: Callable[[bool], Ledger],
    today: date,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    layout: Layout | None = None,
) -> ImportResult:
    """Import a case file: every row checked, and written in one transaction only if all pass.

    `open_ledger(write)` opens the ledger at `db` (the CLI's opener, which also removes a ledger
    it created if the command then fails). A missing SQLite ledger is checked against the
    default taxonomy on a dry run and not created. `progress(done, total)` is told of the rows
    checked as they go.
    """
    layout = layout or Layout()
    file_format(path)  # an unknown kind of file is refused before any ledger is opened
    url = resolve_url(db)
    ledger_file = sqlite_path(url)
    ledger: Ledger | None = None
    if dry_run and ledger_file is not None and not ledger_file.exists():
        taxonomy = default_taxonomy()
    else:
        ledger = open_ledger(not dry_run)
        taxonomy = ledger.taxonomy
    layout.synonyms = {**taxonomy.header_synonyms, **layout.synonyms}
    source = open_case_source(path, layout)
    scanned = scan(source)

    def checker(
        taxonomy: Any, calendar: Any, known: dict[str, KnownCase], content: Any
    ) -> RowChecker:
        return RowChecker(
            taxonomy=taxonomy,
            calendar=calendar,
            known=known,
            today=today,
            unit=source.unit,
            all_numbers=scanned.numbers,
            content=content,
            problems=list(source.problems),
        )

    def result(check: RowChecker, location: str, created: bool, writer: BulkWriter | None):  # type: ignore[no-untyped-def]
        provisional = writer.provisional if writer is not None else []
        return ImportResult(
            imported=scanned.rows - len(check.skipped),
            skipped=len(check.skipped),
            dry_run=dry_run,
            location=location,
            created=created,
            look_alikes=check.look_alikes,
            unit=source.unit,
            provisional=len(provisional),
            provisional_years=tuple(sorted({y for years in provisional for y in years})),
            plan=source.plan.lines(source.name, full=dry_run),
            warnings=[w.text(source.unit, source.sheets) for w in source.plan.warnings],
        )

    if ledger is None:
        calendar = deadlines.load_calendar(taxonomy.holidays, taxonomy.workdays)
        check = checker(taxonomy, calendar, {}, {})
        run_import(source, scanned, check, None, progress)
        return result(check, describe(url), False, None)

    if dry_run:
        with ledger.reading() as session:
            check = checker(
                ledger.taxonomy,
                ledger.calendar,
                known_cases(session),
                known_content(session, scanned.unnumbered),
            )
            run_import(source, scanned, check, None, progress)
        return result(check, ledger.location, False, None)
    # Checked inside the write transaction, so the numbers seen are the numbers written against.
    with ledger.transaction() as (session, log):
        check = checker(
            ledger.taxonomy,
            ledger.calendar,
            known_cases(session),
            known_content(session, scanned.unnumbered),
        )
        writer = BulkWriter(
            ledger,
            session,
            log,
            source=path.name,
            unit=source.unit,
            known=check.known,
            where=source.where,
        )
        writer.defer_indexes(scanned.rows)
        run_import(source, scanned, check, writer, progress)
    _analyze(ledger, writer.written)
    return result(check, ledger.location, ledger.created, writer)


def _analyze(ledger: Ledger, imported: int) -> None:
    """Fresh statistics after a bulk load, so the planner picks the date indexes for reports
    (sampled: `analysis_limit` keeps ANALYZE of a million-row ledger to a moment)."""
    if not imported:
        return
    try:
        with ledger.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.execute(text("ANALYZE"))
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA optimize")
    except SQLAlchemyError:
        pass  # the import is committed; statistics are only an optimisation
