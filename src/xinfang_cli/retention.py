"""Keeping personal data only as long as it is needed (PIPL Art. 19, 47): `xinfang purge`.

The petitioner's name, phone, ID number and unit of a case finished (closed, not accepted, or
voided) before a date are erased — from the case, from every event that recorded them, and from
the database file itself — while the case and every figure of every report stay. What makes that
possible:
- events seal salted digests of personal values (`audit.sealed_changes`): erasing a value keeps
  its digest, so the hash chain still checks. Events sealed before salts existed lose the proof
  of their content; they are marked `redacted` and named in the purge event, and `verify` says so;
- cases of one petitioner (shared phone, ID number, or name and unit) get a random common mark,
  `petitioner_ref`, so the monthly report still sees one petitioner with several cases;
- on SQLite the freed pages are overwritten (secure_delete), the WAL is checkpointed and
  truncated, and the file is rebuilt (VACUUM): no erased value survives in the file.
One `purge` event per case (who, when, which fields); `history` shows it. No Typer, no Rich.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from .audit import PERSONAL, AuditLog, digest, is_purged
from .errors import InputError, LedgerUnavailable
from .ledger import Ledger, touch
from .models import Case, Event


@dataclass(frozen=True)
class Purged:
    number: str
    finished: date
    fields: tuple[str, ...]


@dataclass
class PurgeResult:
    dry_run: bool
    closed_before: date
    rejected_before: date
    cases: list[Purged] = field(default_factory=list)
    linked: int = 0  # kept cases marked as the same petitioner as a purged one
    redacted_events: int = 0  # unsalted events whose content can no longer be proven


def purge(
    ledger: Ledger,
    *,
    closed_before: date,
    rejected_before: date | None = None,
    today: date,
    dry_run: bool = False,
) -> PurgeResult:
    """De-identify the petitioners of cases finished before the dates (`rejected_before`
    defaults to `closed_before`; a voided case counts as finished on its void date)."""
    rejected_before = rejected_before or closed_before
    for day in (closed_before, rejected_before):
        if day > today:
            raise InputError(f"清除日期 {day} 晚于今天（{today}）：只能清除已经办结的案件。")
    result = PurgeResult(dry_run, closed_before, rejected_before)
    due = and_(
        col(Case.purged_on).is_(None),
        or_(*(col(getattr(Case, name)).is_not(None) for name in PERSONAL)),
        or_(
            and_(col(Case.closed_on).is_not(None), col(Case.closed_on) < closed_before),
            and_(col(Case.rejected_on).is_not(None), col(Case.rejected_on) < rejected_before),
            and_(col(Case.voided_on).is_not(None), col(Case.voided_on) < closed_before),
        ),
    )
    if dry_run:
        with ledger.reading() as session:
            for case in session.exec(select(Case).where(due).order_by(col(Case.id))):
                result.cases.append(_item(case))
        return result
    with ledger.transaction() as (session, log):
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("PRAGMA secure_delete = ON"))  # freed pages are overwritten
        targets = list(session.exec(select(Case).where(due).order_by(col(Case.id))))
        if targets:
            refs = _petitioner_refs(session, {c.id for c in targets if c.id is not None})
            for case in targets:
                result.cases.append(_item(case))
                ref = refs.pop(case.id, None) if case.id is not None else None
                _erase(session, log, case, ref or case.petitioner_ref, result, today)
            for case_id, ref in refs.items():  # kept cases of a purged case's petitioner
                kept = session.get(Case, case_id)
                if kept is not None and kept.petitioner_ref != ref:
                    changes = {"petitioner_ref": (kept.petitioner_ref, ref)}
                    touch(kept, session, changes)
                    log.record(
                        "link",
                        case_number=kept.number,
                        changes=changes,
                        reason="同一信访人的其他案件已清除个人信息：加注同一信访人标记",
                    )
                    result.linked += 1
    if result.cases:
        _scrub_file(ledger)
    return result


def _item(case: Case) -> Purged:
    finished = case.closed_on or case.rejected_on or case.voided_on
    assert finished is not None
    fields = tuple(name for name in PERSONAL if getattr(case, name))
    return Purged(case.number, finished, fields)


def _erase(
    session: Session,
    log: AuditLog,
    case: Case,
    ref: str | None,
    result: PurgeResult,
    today: date,
) -> None:
    """The case's personal values gone from the row and from each of its events."""
    redacted: list[int] = []
    for event in session.exec(
        select(Event).where(col(Event.case_number) == case.number).order_by(col(Event.id))
    ):
        changed = _redact(event)
        if changed and event.salt is None:
            event.redacted = True
            redacted.append(event.id or 0)
        if changed:
            session.add(event)
    result.redacted_events += len(redacted)
    erased = [name for name in PERSONAL if getattr(case, name) is not None]
    row: dict[str, tuple[Any, Any]] = {name: (getattr(case, name), None) for name in erased}
    row["purged_on"] = (None, today)
    if ref != case.petitioner_ref:
        row["petitioner_ref"] = (case.petitioner_ref, ref)
    touch(case, session, row)
    logged: dict[str, tuple[Any, Any]] = {name: ({"purged": ""}, None) for name in erased}
    logged.update({k: v for k, v in row.items() if k not in PERSONAL})
    if redacted:
        logged["redacted_events"] = (None, redacted)
    finished = case.closed_on or case.rejected_on or case.voided_on
    log.record(
        "purge",
        case_number=case.number,
        changes=logged,
        reason=f"保存期限已到（{finished} 办结）：清除信访人姓名、电话、身份证号、单位",
        on_date=today,
    )


def _redact(event: Event) -> bool:
    """Replace the personal values an event recorded by their digests; whether any was."""
    if not any(f'"{name}"' in event.changes for name in PERSONAL):
        return False
    data = json.loads(event.changes)
    changed = False
    for name in PERSONAL:
        pair = data.get(name)
        if not isinstance(pair, list):
            continue
        new = [
            v if v is None or is_purged(v) else {"purged": digest(event.salt or "", name, v)}
            for v in pair
        ]
        if event.salt is None:  # unsalted: nothing of the value may stay, not even a digest
            new = [v if v is None else {"purged": ""} for v in new]
        if new != pair:
            data[name] = new
            changed = True
    if changed:
        event.changes = json.dumps(data, ensure_ascii=False)
    return changed


def _petitioner_refs(session: Session, targets: set[int]) -> dict[int, str]:
    """For every case that shares a petitioner key (phone, ID number, name and unit, or an
    earlier mark) with a case being purged: the mark of its petitioner."""
    columns = ("id", "phone", "id_number", "name", "unit", "petitioner_ref")
    rows = session.execute(sa_select(*(col(getattr(Case, c)) for c in columns))).all()
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[Any, ...], int] = {}
    for case_id, phone, id_number, name, unit, ref in rows:
        keys = [("p", phone), ("i", id_number), ("n", name, unit), ("r", ref)]
        for key in keys:
            if any(v in (None, "") for v in key[1:]):
                continue
            if key in first:
                parent[root(case_id)] = root(first[key])
            else:
                first[key] = case_id
    marks: dict[int, str | None] = {r[0]: r[5] for r in rows}
    groups: dict[int, list[int]] = {}
    for case_id, *_ in rows:
        groups.setdefault(root(case_id), []).append(case_id)
    out: dict[int, str] = {}
    for members in groups.values():
        if len(members) < 2 or not targets.intersection(members):
            continue
        ref = next((m for i in members if (m := marks[i])), None) or secrets.token_hex(8)
        out.update(dict.fromkeys(members, ref))
    return out


def _scrub_file(ledger: Ledger) -> None:
    """No erased value left in the SQLite file: freed pages overwritten, the WAL emptied, the
    file rebuilt. (A PostgreSQL server reclaims its own pages on VACUUM.)"""
    if ledger.engine.dialect.name != "sqlite":
        return
    try:
        raw = ledger.engine.raw_connection()  # VACUUM runs outside any transaction
        try:
            cursor = raw.cursor()
            for statement in (
                "PRAGMA wal_checkpoint(TRUNCATE)",
                "VACUUM",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ):
                cursor.execute(statement)
            cursor.close()
        finally:
            raw.close()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise LedgerUnavailable(
            f"个人信息已清除，但整理账本文件时出错（{exc.__class__.__name__}）：请在无人使用时"
            "运行 xinfang purge 再试一次，以清除文件中残留的旧页面。"
        ) from exc
