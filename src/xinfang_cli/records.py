"""A case as people and scripts see it: the case-file columns, the JSON record, and list queries.

The case-file columns (docs/casefile.md) are defined once here and shared by `list`,
`show --json`, import and export. Personal data is masked unless the caller asks to reveal it;
recording that a reveal happened is the caller's job (it owns the transaction).
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import Session, col, select

from .correspondence import letters_of
from .errors import InputError, XinfangError
from .figures import format_yuan
from .labels import STATUS_ALIASES, STATUS_CHOICES, STATUS_LABELS
from .ledger import Ledger
from .models import Case, CoDepartment
from .numbering import find_case
from .privacy import (
    mask_id_number,
    mask_name,
    mask_phone,
    validate_id_number,
    validate_phone,
)
from .standing import AsOf, current_due, is_overdue
from .taxonomy import FIELD_ENUMS, Taxonomy


def record_reveal(ledger: Ledger, numbers: list[str], *, reason: str) -> None:
    """Who saw which case's personal data unmasked: one audit event per case, own transaction."""
    with ledger.transaction() as (_session, log):
        for number in numbers:
            log.record("reveal", case_number=number, reason=reason)


def co_departments(session: Session, case: Case) -> list[str]:
    return list(
        session.exec(
            select(CoDepartment.dept)
            .where(col(CoDepartment.case_id) == case.id)
            .order_by(CoDepartment.dept)
        )
    )


def repeats_of(session: Session, numbers: list[str]) -> dict[str, list[str]]:
    """For each of these cases, the live cases that name it as the case they repeat."""
    out: dict[str, list[str]] = {}
    for start in range(0, len(numbers), 500):
        rows = session.exec(
            select(Case.repeat_of, Case.number)
            .where(col(Case.repeat_of).in_(numbers[start : start + 500]))
            .where(col(Case.status) != "voided")
            .order_by(col(Case.received_on), col(Case.number))
        )
        for original, number in rows:
            if original is not None:
                out.setdefault(original, []).append(number)
    return out


def co_map(session: Session, cases: list[Case]) -> dict[int, list[str]]:
    """Co-departments of many cases in one query."""
    ids = [c.id for c in cases if c.id is not None]
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.exec(
            select(CoDepartment.case_id, CoDepartment.dept)
            .where(col(CoDepartment.case_id).in_(chunk))
            .order_by(col(CoDepartment.case_id), col(CoDepartment.dept))
        )
        for case_id, dept in rows:
            out.setdefault(case_id, []).append(dept)
    return out


def case_record(
    case: Case,
    co_depts: list[str],
    *,
    as_of: date,
    reveal: bool = False,
    repeats: list[str] | None = None,
) -> dict[str, Any]:
    """The case as a JSON object: case-file keys (enumerations as keys) plus derived ones;
    `repeats` (list and show): the numbers of the later cases that repeat this one."""
    hide_name = case.confidential and not reveal
    record: dict[str, Any] = {
        "number": case.number,
        "received_on": case.received_on.isoformat(),
        "channel": case.channel,
        "name": (mask_name(case.name) if hide_name else case.name) or None,
        "identity": case.identity,
        "unit": case.unit,
        "phone": case.phone if reveal else (mask_phone(case.phone) or None),
        "id_number": case.id_number if reveal else (mask_id_number(case.id_number) or None),
        "persons": case.persons,
        "summary": case.summary,
        "content": case.content,
        "nature": case.nature,
        "category": case.category,
        "repeat_of": case.repeat_of,
        "bypass": case.bypass,
        "confidential": case.confidential,
        "accepted_on": _iso(case.accepted_on),
        "lead_dept": case.lead_dept,
        "co_depts": co_depts,
        "leader": case.leader,
        "rejected_on": _iso(case.rejected_on),
        "reject_reason": case.reject_reason,
        "referral": case.referral,
        "extended_days": case.extended_days,
        "extend_reason": case.extend_reason,
        "extended_on": _iso(case.extended_on),
        "extend_approver": case.extend_approver,
        "closed_on": _iso(case.closed_on),
        "outcome": case.outcome,
        "result": case.result,
        "aid_yuan": float(format_yuan(case.aid_fen)) if case.aid_fen is not None else None,
        "rating": case.rating,
        "rated_on": _iso(case.rated_on),
        "voided_on": _iso(case.voided_on),
        "void_reason": case.void_reason,
        "group": case.group_key,
        "status": case.status,
        "accept_due": case.accept_due.isoformat(),
        "due_on": _iso(case.due_on),
        "overdue": is_overdue(case, as_of),
        # a deadline counted through a year without holiday data (only weekends skipped)
        "deadline_provisional": case.provisional is not None,
        "purged_on": _iso(case.purged_on),
    }
    if repeats is not None:
        record["repeats"] = repeats
    return record


def labelled(record: dict[str, Any], tax: Taxonomy) -> dict[str, str]:
    """A JSON record turned into the text people read in a file: Chinese labels, 是/否, 、lists."""
    out: dict[str, str] = {}
    for key, value in record.items():
        if value is None:
            out[key] = ""
        elif key in FIELD_ENUMS:
            out[key] = tax.label(FIELD_ENUMS[key], value)
        elif key == "category":
            out[key] = tax.category_name(value)
        elif key == "group":
            out[key] = tax.group_name(value)
        elif key == "status":
            out[key] = STATUS_LABELS.get(value, value)
        elif isinstance(value, bool):
            out[key] = "是" if value else "否"
        elif isinstance(value, list):
            out[key] = "、".join(value)
        elif key == "aid_yuan":
            out[key] = f"{value:.2f}"
        else:
            out[key] = str(value)
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class CaseFilter:
    """What `list` and `export` select; every field optional."""

    status: str | None = None
    category: str | None = None
    group: str | None = None
    dept: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool = False
    text: str | None = None
    as_of: date | None = None
    voided: bool | None = False  # True: the voided cases only; None: all; False: the live ones


def filter_conditions(ledger: Ledger, flt: CaseFilter) -> list[ColumnElement[bool]]:
    tax = ledger.taxonomy
    conditions: list[ColumnElement[bool]] = []
    if flt.voided is not None:
        conditions.append(
            col(Case.status) == "voided" if flt.voided else col(Case.status) != "voided"
        )
    if flt.status:
        status = STATUS_ALIASES.get(
            flt.status.strip().lower(), STATUS_ALIASES.get(flt.status.strip())
        )
        if status is None:
            labels = list(STATUS_CHOICES)
            close = difflib.get_close_matches(flt.status.strip(), labels, n=2, cutoff=0.3)
            hint = f"您是不是要找：{'、'.join(close)}？" if close else ""
            raise InputError(f"未知的状态“{flt.status}”。{hint}可选：{'、'.join(labels)}。")
        if status == "open":
            conditions.append(col(Case.status).in_(("registered", "handling")))
        else:
            conditions.append(col(Case.status) == status)
    if flt.category:
        conditions.append(col(Case.category) == tax.category(flt.category).key)
    if flt.group:
        conditions.append(col(Case.group_key) == tax.group(flt.group))
    if flt.dept:
        dept = tax.department(flt.dept)
        co_cases = select(CoDepartment.case_id).where(col(CoDepartment.dept) == dept)
        conditions.append(or_(col(Case.lead_dept) == dept, col(Case.id).in_(co_cases)))
    if flt.received_from:
        conditions.append(col(Case.received_on) >= flt.received_from)
    if flt.received_to:
        conditions.append(col(Case.received_on) <= flt.received_to)
    if flt.overdue:
        as_of = flt.as_of or date.today()
        conditions.append(and_(col(Case.received_on) <= as_of, AsOf(as_of).overdue))
    if flt.text and flt.text.strip():
        conditions += [_matches(word) for word in search_words(flt.text)]
    return conditions


_LAST_FOUR = re.compile(r"\d{4}")


def search_words(text: str) -> list[str]:
    """What `--search` looks for: a whole phone or ID number (even typed with spaces) is one
    term; anything else is split into words, each of which must match."""
    whole = text.strip()
    for validate in (validate_phone, validate_id_number):
        with contextlib.suppress(XinfangError):
            validate(whole)
            return [whole]
    return whole.replace("\u3000", " ").split()


def _matches(word: str) -> ColumnElement[bool]:
    """One search word: in the case's text, number or unit, a non-confidential name, a whole
    phone or ID number, or the last four digits of the phone (what the masked phone shows)."""
    # What the clerk typed is text, not a pattern: "%" and "_" match only themselves.
    typed = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{typed}%"

    def like(column: Any) -> ColumnElement[bool]:
        return col(column).like(needle, escape="\\")

    matches = [
        like(Case.summary),
        like(Case.content),
        like(Case.result),
        func.upper(col(Case.number)).like(needle.upper(), escape="\\"),
        and_(col(Case.confidential) == false(), like(Case.name)),
        like(Case.unit),
    ]
    # A whole phone or ID number finds its petitioner's cases (the output stays masked).
    for validate, column in ((validate_phone, Case.phone), (validate_id_number, Case.id_number)):
        with contextlib.suppress(XinfangError):
            matches.append(col(column) == validate(word))
    if _LAST_FOUR.fullmatch(word):
        matches.append(col(Case.phone).like(f"%{word}"))
    return or_(*matches)


def find_records(
    ledger: Ledger,
    flt: CaseFilter,
    *,
    as_of: date,
    reveal: bool = False,
    limit: int | None = None,
) -> tuple[list[Case], list[dict[str, Any]]]:
    """`list`: the cases matching the filter (the first `limit`, when given) and their JSON
    records; a reveal is recorded."""
    return listed(
        ledger, lambda session: select_cases(session, ledger, flt, limit=limit), as_of, reveal
    )


def listed(
    ledger: Ledger, pick: Callable[[Session], list[Case]], as_of: date, reveal: bool
) -> tuple[list[Case], list[dict[str, Any]]]:
    """The cases `pick` selects and their JSON records as `list` prints them (with their
    co-departments and later repeats); a reveal is recorded."""
    with ledger.reading() as session:
        cases = pick(session)
        cos = co_map(session, cases)
        later = repeats_of(session, [c.number for c in cases])
    if reveal and cases:
        record_reveal(ledger, [c.number for c in cases], reason="list --reveal 查看个人信息")
    records = [
        case_record(
            c, cos.get(c.id or 0, []), as_of=as_of, reveal=reveal, repeats=later.get(c.number, [])
        )
        for c in cases
    ]
    return cases, records


def show_record(
    ledger: Ledger, number: str, *, as_of: date, reveal: bool = False
) -> tuple[Case, dict[str, Any]]:
    """`show`: one case and its JSON record; a reveal is recorded."""
    with ledger.reading() as session:
        case = find_case(session, number)
        co = co_departments(session, case)
        later = repeats_of(session, [case.number]).get(case.number, [])
        letters = letters_of(session, case.id)
    if reveal:
        record_reveal(ledger, [case.number], reason="show --reveal 查看个人信息")
    record = case_record(case, co, as_of=as_of, reveal=reveal, repeats=later)
    record.update(letters)
    return case, record


def select_cases(
    session: Session, ledger: Ledger, flt: CaseFilter, *, limit: int | None = None
) -> list[Case]:
    query = select(Case).where(*filter_conditions(ledger, flt))
    query = query.order_by(col(Case.received_on), col(Case.year), col(Case.seq))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def due_text(case: Case) -> str:
    due = current_due(case)
    return due.isoformat() if due else ""
