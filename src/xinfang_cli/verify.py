"""`xinfang verify`: checking that a ledger can be trusted, as a list of problems (values, not
exceptions).

Three checks, all inside one read transaction (one snapshot, so clerks writing meanwhile cause
no false alarms):

1. the database itself: SQLite's `integrity_check` and `foreign_key_check` (other databases
   look after their own storage);
2. the audit log's hash chain: events are streamed in id order; each must name the hash of the
   event before it (GENESIS for the first) and must still hash to its own seal;
3. each case agrees with its events: a case's events are replayed (registration, then every
   later change as ``{field: [old, new]}``) and the result compared with the case row, field by
   field, and with its co-department rows. Cases are read in chunks with their events and
   co-departments, so memory stays bounded on a large ledger.

No Typer, no Rich: `verify_ledger` returns a VerifyReport the CLI renders. A ledger that cannot
be opened at all is a LedgerUnavailable (exit 2), not a problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, func, select, type_coerce
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import NullType
from sqlmodel import col

from .audit import GENESIS, describe_value, is_purged, seal
from .db import describe, explain, open_engine
from .errors import LedgerUnavailable
from .labels import ACTION_LABELS, FIELD_LABELS, NOTICE_LABELS, REVIEW_LEVEL_LABELS
from .models import (
    Activity,
    Case,
    CoDepartment,
    Event,
    LeadChange,
    Notice,
    NoticeTemplate,
    Review,
    TaxonomyVersion,
)
from .taxonomy import Taxonomy, parse_taxonomy

# Events that change no case: who looked at personal data, and reminders sent.
NOT_CASE_CHANGES = frozenset({"reveal", "remind"})
# (Letters, deliveries and reviews change no case column either: `check_letters` replays them.)
# Case columns no event carries: the row's own bookkeeping.
BOOKKEEPING = frozenset({"id", "year", "seq", "created_at", "updated_at"})
CASE_FIELDS: tuple[str, ...] = tuple(name for name in Case.model_fields if name not in BOOKKEEPING)
_FIELD_SET = frozenset(CASE_FIELDS)
CO_DEPTS_SEPARATOR = "、"

CHUNK = 500  # cases per round trip; also bounds the parameters of each IN (…)
STREAM_BATCH = 2000  # events fetched per batch while walking the chain
MAX_KEPT = 1000  # problems kept in full; beyond that only counted


# --- the result -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing found wrong. `kind`: integrity, foreign_key, chain, seal, event, case,
    co_depts, unregistered, unknown_case, taxonomy."""

    kind: str
    message: str
    case: str | None = None
    event: int | None = None
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"kind": self.kind}
        if self.case is not None:
            record["case"] = self.case
        if self.event is not None:
            record["event"] = self.event
        if self.field is not None:
            record["field"] = self.field
        record["message"] = self.message
        return record


@dataclass
class VerifyReport:
    location: str
    cases: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0  # all problems found; `problems` keeps the first MAX_KEPT
    redacted_events: int = 0  # events sealed with values a purge erased (content not checkable)
    complete: bool = False  # every check ran (a damaged file stops after the storage check)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_KEPT:
            self.problems.append(problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "ledger": self.location,
            "cases": self.cases,
            "events": self.events,
            "complete": self.complete,
            "problem_count": self.problem_count,
            "problems": [p.to_json() for p in self.problems],
        }


# --- running the checks ---------------------------------------------------------------------
def verify_ledger(url: str) -> VerifyReport:
    """Open the ledger at `url` (never creating it) and run every check in one snapshot."""
    engine, _created = open_engine(url, create=False)
    report = VerifyReport(location=describe(url))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                if engine.dialect.name == "sqlite":
                    check_storage(conn, report)
                    if not report.ok:
                        return report  # a damaged file is not walked any further
                check_taxonomy(conn, report)
                check_chain(conn, report)
                check_cases(conn, report)
                check_activities(conn, report)
                check_letters(conn, report)
                check_templates(conn, report)
                report.complete = True
    except SQLAlchemyError as exc:
        if not report.ok:
            report.add(Problem("integrity", f"校验中途读取账本出错，未能查完：{explain(exc)}"))
            return report
        raise LedgerUnavailable(f"校验时读取账本 {report.location} 失败：{explain(exc)}") from exc
    finally:
        engine.dispose()
    return report


def check_storage(conn: Connection, report: VerifyReport) -> None:
    """SQLite's own checks of the file: page structure, indexes, and foreign keys."""
    for (message,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
        if message != "ok":
            report.add(Problem("integrity", f"数据库完整性检查未通过：{message}"))
    tables = {"co_departments": "协办单位"}
    for table, rowid, parent, _fkid in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        report.add(
            Problem(
                "foreign_key",
                f"{tables.get(table, table)}表第 {rowid} 行指向的{'案件' if parent == 'cases' else parent}记录不存在。",
            )
        )


def check_taxonomy(conn: Connection, report: VerifyReport) -> None:
    """Every taxonomy version still hashes to its recorded checksum and was loaded with an event."""
    versions = conn.execute(
        select(
            col(TaxonomyVersion.id), col(TaxonomyVersion.source), col(TaxonomyVersion.sha256)
        ).order_by(col(TaxonomyVersion.id))
    ).all()
    for version_id, source, sha in versions:
        if hashlib.sha256(source.encode("utf-8")).hexdigest() != sha:
            report.add(
                Problem("taxonomy", f"分类体系第 {version_id} 版的内容与其校验值不符（被改动过）。")
            )
    logged: list[str | None] = []
    rows = conn.execute(
        select(col(Event.changes))
        .where(col(Event.action).in_(("init", "taxonomy_load")))
        .order_by(col(Event.id))
    )
    for (changes,) in rows:
        try:
            logged.append(json.loads(changes)["taxonomy_sha256"][1])
        except (ValueError, KeyError, IndexError, TypeError):
            logged.append(None)
    if logged != [sha for _id, _source, sha in versions]:
        report.add(
            Problem(
                "taxonomy",
                f"分类体系的版本记录（{len(versions)} 版）与操作日志中的载入记录"
                f"（{len(logged)} 条）对不上：有版本被增删或改动。",
            )
        )


class _Sealed(NamedTuple):
    """An event's sealed content as stored, in the shape `audit.seal` reads."""

    prev_hash: str
    case_number: str | None
    at: str
    on_date: Any
    actor: str
    action: str
    changes: str
    reason: str | None
    salt: str | None


class _StoredDate(str):
    """A date column's stored text standing in for the date `seal` writes back as text: an
    altered date text then fails the seal, whether or not it still reads as a date."""

    def isoformat(self) -> str:
        return str(self)


def _raw(column: Any) -> Any:
    """A column as the driver returns it: a damaged value must be reported, not crash the read."""
    return type_coerce(column, NullType()).label(column.key)


def check_chain(conn: Connection, report: VerifyReport) -> None:
    """Walk every event in id order, checking each link and each seal."""
    query = select(
        col(Event.id),
        col(Event.hash),
        col(Event.prev_hash),
        col(Event.case_number),
        col(Event.at),
        _raw(col(Event.on_date)),
        col(Event.actor),
        col(Event.action),
        col(Event.changes),
        col(Event.reason),
        col(Event.salt),
        col(Event.redacted),
    ).order_by(col(Event.id))
    previous_hash, previous_id = GENESIS, None
    broken_links = 0
    redacted: dict[int, Any] = {}  # unsalted events a purge erased personal values from
    attested: set[int] = set()  # … and those the purge events name
    for row in conn.execute(query.execution_options(yield_per=STREAM_BATCH)):
        report.events += 1
        on_date = row.on_date
        if isinstance(on_date, str):
            on_date = _StoredDate(on_date)
        content = _Sealed(
            row.prev_hash,
            row.case_number,
            row.at,
            on_date,
            row.actor,
            row.action,
            row.changes,
            row.reason,
            row.salt,
        )
        if row.action == "purge":
            attested.update(_redacted_ids(row.changes))
        if row.prev_hash != previous_hash:
            broken_links += 1
            if broken_links == 1:
                before = (
                    f"前一条 #{previous_id} 的哈希" if previous_id is not None else "链首的初始值"
                )
                report.add(
                    Problem(
                        "chain",
                        f"哈希链断开：{event_words(row.id, row.case_number, row.action, row.at)}"
                        f"记录的前一条哈希与{before}不符，"
                        "其间的操作日志被删除、插入或改动过。",
                        case=row.case_number,
                        event=row.id,
                    )
                )
        # seal() reads attributes only; _Sealed carries exactly those, without building an ORM
        # object per event (a ledger's log runs to millions of events).
        if row.redacted and row.salt is None:
            # sealed with the values a purge has since erased: its link is checked, its content
            # can no longer be (the purge event that erased them must name it: below)
            redacted[row.id] = row
        elif seal(cast(Event, content)) != row.hash:
            report.add(
                Problem(
                    "seal",
                    f"{event_words(row.id, row.case_number, row.action, row.at)}"
                    "的内容与其哈希不符：写入后被改动过。",
                    case=row.case_number,
                    event=row.id,
                )
            )
        previous_hash, previous_id = row.hash, row.id
    if broken_links > 1:
        report.add(Problem("chain", f"此后哈希链另有 {broken_links - 1} 处断开。"))
    for event_id, row in redacted.items():
        if event_id not in attested:
            report.add(
                Problem(
                    "seal",
                    f"{event_words(row.id, row.case_number, row.action, row.at)}标为“个人信息已清除”，"
                    "但没有哪次清除记录了它：标记被改动过，其内容无法核对。",
                    case=row.case_number,
                    event=row.id,
                )
            )
    report.redacted_events = len(redacted)


def _redacted_ids(changes: str) -> list[int]:
    try:
        pair = json.loads(changes).get("redacted_events")
        return [int(i) for i in pair[1]] if isinstance(pair, list) else []
    except (ValueError, TypeError, AttributeError):
        return []


def event_words(event_id: int, number: str | None, action: str, at: str | None) -> str:
    """操作日志 #12（案件 XF2025-0003，办结，2025-03-04 08:00:00）."""
    parts = [f"案件 {number}"] if number else []
    parts.append(ACTION_LABELS.get(action, action))
    if at:
        parts.append(at[:19].replace("T", " "))
    return f"操作日志 #{event_id}（{'，'.join(parts)}）"


# --- replaying cases ------------------------------------------------------------------------
class _Empty:
    """A field no event has set: the row must hold nothing there (none, false, empty, zero)."""

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()


@dataclass
class _Replay:
    """A case as its events say it is."""

    register_event: int
    values: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(CASE_FIELDS, EMPTY))
    co_depts: set[str] = field(default_factory=set)
    # (date, from, to) of each handover to another lead department (reassign)
    handovers: list[tuple[str, str, str]] = field(default_factory=list)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def same(expected: Any, actual: Any) -> bool:
    """Whether a stored value is what the events recorded (dates compared as ISO text; a value a
    purge erased from the events is gone from the case too)."""
    if is_purged(expected) and is_purged(actual):
        return True
    if expected is EMPTY or expected is None or is_purged(expected):
        return actual is None or actual in (False, "")
    if expected == actual:
        return True
    return bool(_plain(expected) == _plain(actual))


def check_cases(conn: Connection, report: VerifyReport) -> None:
    """Replay every case's events and compare with its row, a chunk of cases at a time."""
    labels = _Labels(conn)
    columns = [col(Case.id), *(_raw(col(getattr(Case, name))) for name in CASE_FIELDS)]
    last_id = 0
    while True:
        rows = conn.execute(
            select(*columns).where(col(Case.id) > last_id).order_by(col(Case.id)).limit(CHUNK)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        report.cases += len(rows)
        by_number = {row.number: row for row in rows}
        replays = _replay(conn, report, list(by_number))
        co_rows = conn.execute(
            select(col(CoDepartment.case_id), col(CoDepartment.dept)).where(
                col(CoDepartment.case_id).in_([row.id for row in rows])
            )
        )
        co_map: dict[int, set[str]] = {}
        for case_id, dept in co_rows:
            co_map.setdefault(case_id, set()).add(dept)
        handovers = _handovers(conn, [row.id for row in rows])
        for row in rows:
            replay = replays.get(row.number)
            _compare(report, labels, row, replay, co_map.get(row.id, set()))
            stored = handovers.get(row.id, [])
            if replay is not None and stored != replay.handovers:
                report.add(
                    Problem(
                        "handovers",
                        f"案件 {row.number} 的改派记录与操作日志不符：账本中有 {len(stored)} 次改派，"
                        f"按操作日志应为 {len(replay.handovers)} 次（或日期、单位不同）。",
                        row.number,
                        field="lead_dept",
                    )
                )
    _unknown_cases(conn, report)


def _replay(conn: Connection, report: VerifyReport, numbers: list[str]) -> dict[str, _Replay]:
    query = (
        select(
            col(Event.id),
            col(Event.case_number),
            col(Event.action),
            col(Event.changes),
            col(Event.at),
            _raw(col(Event.on_date)),
        )
        .where(col(Event.case_number).in_(numbers))
        .order_by(col(Event.id))
    )
    replays: dict[str, _Replay] = {}
    early: dict[str, list[int]] = {}  # events of a case before its registration
    rows: Iterable[Any] = conn.execute(query)
    for event_id, number, action, text, at, on_date in rows:
        if action in NOT_CASE_CHANGES:
            continue
        where = _Where(event_id, number, action, at)
        try:
            changes = json.loads(text)
            if not isinstance(changes, dict):
                raise ValueError
        except (ValueError, TypeError):
            report.add(
                Problem("event", f"{where}的内容无法解析，无法核对该案件。", number, event_id)
            )
            continue
        replay = replays.get(number)
        if action == "register":
            if replay is not None:
                report.add(
                    Problem(
                        "event",
                        f"{where}重复登记：该案件已由操作日志 #{replay.register_event} 登记。",
                        number,
                        event_id,
                    )
                )
                continue
            replay = replays[number] = _Replay(register_event=event_id)
        elif replay is None:
            early.setdefault(number, []).append(event_id)
            continue
        _apply(
            report, replay, changes, where=where, number=number, event_id=event_id, action=action
        )
        lead = changes.get("lead_dept")
        if action == "reassign" and isinstance(lead, list) and len(lead) == 2:
            replay.handovers.append((str(_plain(on_date)), str(lead[0]), str(lead[1])))
    for number, ids in early.items():
        if number in replays:
            shown = "、".join(f"#{i}" for i in ids)
            report.add(
                Problem("event", f"案件 {number} 的操作日志 {shown} 早于它的登记记录。", number)
            )
    return replays


class _Where(NamedTuple):
    """Which event a problem is in; worded only when there is a problem."""

    event_id: int
    number: str | None
    action: str
    at: str | None

    def __str__(self) -> str:
        return event_words(self.event_id, self.number, self.action, self.at)


def _apply(
    report: VerifyReport,
    replay: _Replay,
    changes: dict[str, Any],
    *,
    where: _Where,
    number: str,
    event_id: int,
    action: str,
) -> None:
    for key, pair in changes.items():
        if not (isinstance(pair, list) and len(pair) == 2):
            report.add(Problem("event", f"{where}中“{key}”的记录格式不对。", number, event_id, key))
            continue
        old, new = pair
        if key == "co_depts":
            replay.co_depts = set(str(new).split(CO_DEPTS_SEPARATOR)) if new else set()
            continue
        if key not in _FIELD_SET:
            continue  # e.g. a reminder's kind: not a column of the case
        if action != "register" and not same(replay.values[key], old):
            report.add(
                Problem(
                    "event",
                    f"{where}记录的{FIELD_LABELS.get(key, key)}原值与此前的操作日志不符。",
                    number,
                    event_id,
                    key,
                )
            )
        replay.values[key] = new


def _compare(
    report: VerifyReport, labels: _Labels, row: Any, replay: _Replay | None, co_depts: set[str]
) -> None:
    number = row.number
    if replay is None:
        report.add(
            Problem(
                "unregistered",
                f"案件 {number} 没有登记记录：操作日志中找不到它的登记（登记记录被删除，或案件绕过本程序直接写入了账本）。",
                number,
            )
        )
        return
    for name in CASE_FIELDS:
        actual = getattr(row, name)
        expected = replay.values[name]
        if not same(expected, actual):
            report.add(
                Problem(
                    "case",
                    f"案件 {number} 的{FIELD_LABELS.get(name, name)}与操作日志不符："
                    f"账本中为{labels.show(name, actual)}，按操作日志应为{labels.show(name, expected)}。",
                    number,
                    field=name,
                )
            )
    if co_depts != replay.co_depts:
        report.add(
            Problem(
                "co_depts",
                f"案件 {number} 的协办单位与操作日志不符：账本中为{_list(co_depts)}，"
                f"按操作日志应为{_list(replay.co_depts)}。",
                number,
                field="co_depts",
            )
        )


def check_activities(conn: Connection, report: VerifyReport) -> None:
    """The office's activities are exactly those their events added and did not delete."""
    expected: dict[int, tuple[Any, ...]] = {}
    rows = conn.execute(
        select(col(Event.action), col(Event.changes), _raw(col(Event.on_date)))
        .where(col(Event.action).in_(("activity_add", "activity_delete")))
        .order_by(col(Event.id))
    )
    for action, changes, on_date in rows:
        try:
            data = json.loads(changes)
            if action == "activity_add":
                expected[int(data["activity"][1])] = (
                    data["activity_kind"][1],
                    str(_plain(on_date)),
                    data["people"][1],
                    data["note"][1],
                )
            else:
                expected.pop(int(data["activity"][0]), None)
        except (ValueError, KeyError, IndexError, TypeError):
            report.add(Problem("event", "一条工作活动的操作日志无法解析，无法核对活动记录。"))
    stored = {
        row.id: (row.kind, str(_plain(row.on_date)), row.people, row.note)
        for row in conn.execute(
            select(
                col(Activity.id),
                col(Activity.kind),
                _raw(col(Activity.on_date)),
                col(Activity.people),
                col(Activity.note),
            )
        )
    }
    for activity_id in sorted(set(expected) | set(stored)):
        if expected.get(activity_id) != stored.get(activity_id):
            report.add(
                Problem(
                    "activity",
                    f"工作活动 #{activity_id} 与操作日志不符（被增删或改动过）。",
                )
            )


LETTER_ACTIONS = ("notice", "deliver", "review_request", "review_decide")


def check_letters(conn: Connection, report: VerifyReport) -> None:
    """A case's notices (generated, delivered) and reviews (requested, due, decided) are exactly
    what their events say: the events are replayed into the rows they should have made."""
    notices: dict[tuple[Any, Any], list[Any]] = {}
    reviews: dict[tuple[Any, Any], list[Any]] = {}
    rows = conn.execute(
        select(col(Event.case_number), col(Event.action), col(Event.changes))
        .where(col(Event.action).in_(LETTER_ACTIONS))
        .order_by(col(Event.id))
    )
    for number, action, changes in rows:
        try:
            data = {k: v[1] for k, v in json.loads(changes).items()}
            if action == "notice":
                row = notices.setdefault((number, data["notice_kind"]), [None, None, None])
                if row[0] is None or data["letter_date"] < row[0]:
                    row[0] = data["letter_date"]
            elif action == "deliver":
                row = notices.setdefault((number, data["notice_kind"]), [None, None, None])
                row[1], row[2] = data["delivered_on"], data.get("method")
            elif action == "review_request":
                reviews[(number, data["review_level"])] = [
                    data["requested_on"],
                    data["review_due"],
                    None,
                    None,
                    None,
                ]
            else:
                review = reviews[(number, data["review_level"])]
                review[2:] = [data["decided_on"], data["decision"], data.get("review_result")]
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            report.add(
                Problem("event", f"案件 {number} 的一条告知书或复查/复核操作日志无法解析。", number)
            )
    stored_notices = {
        (number, kind): [_text(generated), _text(delivered), method]
        for number, kind, generated, delivered, method in conn.execute(
            select(
                col(Case.number),
                col(Notice.kind),
                _raw(col(Notice.generated_on)),
                _raw(col(Notice.delivered_on)),
                col(Notice.method),
            ).join(Case, col(Case.id) == col(Notice.case_id))
        )
    }
    stored_reviews = {
        (number, level): [_text(requested), _text(due), _text(decided), decision, result]
        for number, level, requested, due, decided, decision, result in conn.execute(
            select(
                col(Case.number),
                col(Review.level),
                _raw(col(Review.requested_on)),
                _raw(col(Review.due_on)),
                _raw(col(Review.decided_on)),
                col(Review.decision),
                col(Review.result),
            ).join(Case, col(Case.id) == col(Review.case_id))
        )
    }
    for label, expected, stored in (
        ("告知书", notices, stored_notices),
        ("复查/复核", reviews, stored_reviews),
    ):
        for number, kind in sorted(set(expected) | set(stored), key=str):
            if expected.get((number, kind)) != stored.get((number, kind)):
                words = LETTER_KINDS.get(kind, kind)
                report.add(
                    Problem(
                        "letters",
                        f"案件 {number} 的{words}记录与操作日志不符（{label}被增删或改动过）。",
                        number,
                    )
                )


LETTER_KINDS = {**NOTICE_LABELS, **REVIEW_LEVEL_LABELS}


def _text(value: Any) -> Any:
    return None if value is None else str(_plain(value))


def check_templates(conn: Connection, report: VerifyReport) -> None:
    """Every letter template the office loaded still hashes to its checksum, and each was loaded
    with an event."""
    stored = conn.execute(
        select(
            col(NoticeTemplate.id),
            col(NoticeTemplate.kind),
            col(NoticeTemplate.content),
            col(NoticeTemplate.sha256),
        ).order_by(col(NoticeTemplate.id))
    ).all()
    for template_id, kind, content, sha in stored:
        if hashlib.sha256(bytes(content)).hexdigest() != sha:
            report.add(
                Problem(
                    "template",
                    f"告知书模板第 {template_id} 版（{NOTICE_LABELS.get(kind, kind)}）的内容与其校验值不符（被改动过）。",
                )
            )
    logged: list[tuple[Any, Any]] = []
    for (changes,) in conn.execute(
        select(col(Event.changes))
        .where(col(Event.action) == "template_load")
        .order_by(col(Event.id))
    ):
        try:
            data = json.loads(changes)
            logged.append((data["template_kind"][1], data["template_sha256"][1]))
        except (ValueError, KeyError, IndexError, TypeError):
            logged.append((None, None))
    if logged != [(kind, sha) for _id, kind, _content, sha in stored]:
        report.add(
            Problem(
                "template",
                f"告知书模板的版本记录（{len(stored)} 版）与操作日志中的载入记录"
                f"（{len(logged)} 条）对不上：有模板被增删或改动。",
            )
        )


def _handovers(conn: Connection, case_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    rows = conn.execute(
        select(
            col(LeadChange.case_id),
            _raw(col(LeadChange.on_date)),
            col(LeadChange.from_dept),
            col(LeadChange.to_dept),
        )
        .where(col(LeadChange.case_id).in_(case_ids))
        .order_by(col(LeadChange.id))
    )
    out: dict[int, list[tuple[str, str, str]]] = {}
    for case_id, on_date, old, new in rows:
        out.setdefault(case_id, []).append((str(_plain(on_date)), old, new))
    return out


def _list(values: Iterable[str]) -> str:
    items = sorted(values)
    return f"“{CO_DEPTS_SEPARATOR.join(items)}”" if items else "（空）"


def _unknown_cases(conn: Connection, report: VerifyReport) -> None:
    """Events naming a case the ledger does not have (a case row deleted or renumbered)."""
    known = select(col(Case.id)).where(col(Case.number) == col(Event.case_number)).exists()
    query = (
        select(col(Event.case_number), func.count())
        .where(col(Event.case_number).is_not(None), ~known)
        .group_by(col(Event.case_number))
        .order_by(col(Event.case_number))
    )
    for number, count in conn.execute(query):
        report.add(
            Problem(
                "unknown_case",
                f"操作日志中有案件 {number} 的 {count} 条记录，但账本中没有这件案件（被删除或改号）。",
                number,
            )
        )


class _Labels:
    """Values as a reader knows them (labels of the taxonomy in force, masked personal data);
    the taxonomy is read only when a problem has to be worded."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._taxonomy: Taxonomy | None | bool = False

    def taxonomy(self) -> Taxonomy | None:
        if self._taxonomy is False:
            source = self.conn.execute(
                select(col(TaxonomyVersion.source))
                .order_by(col(TaxonomyVersion.id).desc())
                .limit(1)
            ).scalar()
            try:
                self._taxonomy = parse_taxonomy(source) if source else None
            except Exception:  # a damaged taxonomy is reported elsewhere; keys are shown instead
                self._taxonomy = None
        return self._taxonomy if isinstance(self._taxonomy, Taxonomy) else None

    def show(self, name: str, value: Any) -> str:
        if value is EMPTY or value is None or value == "":
            return "（空）"
        # verify's output never reveals personal data, not even of a case that is not confidential
        return f"“{describe_value(name, value, taxonomy=self.taxonomy())}”"
