"""The case's life as it is written to the ledger: registering, classifying, accepting (受理),
rejecting (不予受理), extending (延期), closing (办结) and rating (评价).

Each step checks the case against the rules of `rules.py` and raises the first problem, then
changes the case and records one audit event, in the caller's transaction. Values arrive as text
or keys and are resolved through the taxonomy here. No Typer, no Rich: callers pass `today`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Concatenate, ParamSpec

from sqlalchemy import or_
from sqlmodel import Session, col, select

from .audit import AuditLog, utc_now
from .errors import InputError
from .fields import CaseInput, clean
from .ledger import Ledger, diff, touch
from .models import Case, CoDepartment
from .numbering import LedgerNumbers, NumberBook, choose_number, find_case
from .rules import (
    check_assign,
    check_close,
    check_extend,
    check_rate,
    check_register,
    check_reject,
    check_repeat,
    raise_first,
)
from .steps import (
    assign_values,
    close_values,
    extend_values,
    rate_values,
    register_values,
    reject_values,
)
from .taxonomy import Category

# The fields a registration event records (the case as it was registered).
REGISTER_FIELDS = (
    "number",
    "received_on",
    "channel",
    "name",
    "identity",
    "unit",
    "phone",
    "id_number",
    "persons",
    "summary",
    "content",
    "nature",
    "category",
    "group_key",
    "repeat_of",
    "bypass",
    "confidential",
    "status",
    "accept_days",
    "handle_days",
    "extend_max_days",
    "day_mode",
    "roll_over",
    "accept_due",
    "provisional",
)

Changes = dict[str, tuple[Any, Any]]


# --- registering ----------------------------------------------------------------------------
def earlier_cases(session: Session, data: CaseInput) -> list[Case]:
    """Cases of the same petitioner: same phone, same ID number, or same name and unit."""
    conditions = []
    if data.phone:
        conditions.append(col(Case.phone) == data.phone)
    if data.id_number:
        conditions.append(col(Case.id_number) == data.id_number)
    if data.name and data.unit:
        conditions.append((col(Case.name) == data.name) & (col(Case.unit) == data.unit))
    if not conditions:
        return []
    query = (
        select(Case)
        .where(
            or_(*conditions),
            col(Case.received_on) <= data.received_on,
            col(Case.status) != "voided",
        )
        .order_by(col(Case.received_on), col(Case.id))
    )
    return list(session.exec(query))


def register(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    data: CaseInput,
    *,
    today: date,
    numbers: NumberBook | None = None,
    reason: str | None = None,
) -> Case:
    """Write a new case (status 已登记) and its registration event; returns the case.

    With `numbers` (a bulk load) the number comes from the book and the case is not flushed.
    `reason` is recorded on the registration event (an import names its file and row there).
    """
    tax = ledger.taxonomy
    raise_first(check_register(received_on=data.received_on, today=today))
    if data.repeat_of:
        original = (numbers.find if numbers else find_case)(session, data.repeat_of)
        raise_first(
            check_repeat(
                original=original.number,
                original_received=original.received_on,
                received_on=data.received_on,
            )
        )
        data.repeat_of = original.number
    prefix = tax.number_prefix
    number, year, seq = (
        numbers.parts(prefix, data)
        if numbers
        else choose_number(LedgerNumbers(session), prefix, data)
    )
    now = utc_now()
    case = Case(
        number=number,
        year=year,
        seq=seq,
        created_at=now,
        updated_at=now,
        **register_values(tax, ledger.calendar, data),
    )
    session.add(case)
    if numbers is None:
        session.flush()
    log.record(
        "register",
        case_number=number,
        on_date=data.received_on,
        changes={
            name: (None, getattr(case, name))
            for name in REGISTER_FIELDS
            if getattr(case, name) not in (None, False, "")
        },
        reason=reason,
        at=now,
    )
    return case


def add_case(ledger: Ledger, data: CaseInput, *, today: date) -> Case:
    """`add`: register one case in its own transaction."""
    with ledger.transaction() as (session, log):
        return register(ledger, session, log, data, today=today)


def existing_case(ledger: Ledger, number: str) -> Case:
    """The case with this number (read only), or NotFoundError."""
    with ledger.reading() as session:
        return find_case(session, number)


def petitioner_cases(ledger: Ledger, data: CaseInput) -> list[Case]:
    """`add`'s warning: the petitioner's earlier cases (read without taking the write lock)."""
    with ledger.reading() as session:
        return earlier_cases(session, data)


P = ParamSpec("P")


def on_case(
    ledger: Ledger,
    number: str,
    step: Callable[Concatenate[Ledger, Session, AuditLog, Case, P], Changes],
    *args: P.args,
    **values: P.kwargs,
) -> tuple[Case, Changes]:
    """One step on the case with this number, in its own transaction: (the case, what changed)."""
    with ledger.transaction() as (session, log):
        case = find_case(session, number)
        return case, step(ledger, session, log, case, *args, **values)


# --- classifying ----------------------------------------------------------------------------
def classify(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    category: str | None,
    nature: str | None,
    reason: str | None = None,
) -> Changes:
    tax = ledger.taxonomy
    values: dict[str, Any] = {}
    if category is not None:
        cat = tax.category(category)
        values["category"] = cat.key
        values["group_key"] = cat.group
    if nature is not None:
        values["nature"] = tax.resolve("natures", nature)
        if values["nature"] == "accusation":
            values["confidential"] = True
    if not values:
        raise InputError("请用 --category 或 --nature 指明要设定的类别或性质。")
    changes = diff(case, **values)
    if changes:
        touch(case, session, changes)
        log.record("classify", case_number=case.number, changes=changes, reason=reason)
    return changes


@dataclass
class Suggestion:
    """A category the taxonomy's keywords suggest for an unclassified case (None: no keyword hit)."""

    case: Case
    category: Category | None
    hits: list[str]


def suggest_categories(ledger: Ledger, session: Session) -> list[Suggestion]:
    """Keyword suggestions for every case that has no category yet."""
    unclassified = select(Case).where(col(Case.category).is_(None)).order_by(col(Case.id))
    out = []
    for case in session.exec(unclassified):
        category, hits = ledger.taxonomy.suggest_category(f"{case.summary} {case.content or ''}")
        out.append(Suggestion(case, category, hits))
    return out


def classify_auto(ledger: Ledger, *, apply: bool) -> list[Suggestion]:
    """`classify --auto`: suggestions for every unclassified case; written only with `apply`
    (a dry run reads without taking the write lock)."""
    if not apply:
        with ledger.reading() as session:
            return suggest_categories(ledger, session)
    with ledger.transaction() as (session, log):
        suggestions = suggest_categories(ledger, session)
        apply_suggestions(ledger, session, log, suggestions)
    return suggestions


def apply_suggestions(
    ledger: Ledger, session: Session, log: AuditLog, suggestions: list[Suggestion]
) -> int:
    """Classify each case as suggested (the keywords are the logged reason); returns how many."""
    applied = 0
    for s in suggestions:
        if s.category is not None:
            classify(
                ledger,
                session,
                log,
                s.case,
                category=s.category.key,
                nature=None,
                reason="按关键词自动分类：" + "、".join(s.hits),
            )
            applied += 1
    return applied


# --- the steps ------------------------------------------------------------------------------
def assign(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    dept: str | None,
    co_depts: list[str],
    leader: str | None,
    on: date,
    today: date,
) -> Changes:
    """受理: accept the case, name its lead department, start the handling clock."""
    tax = ledger.taxonomy
    raise_first(check_assign(case, on=on, today=today, leader=leader))
    if dept:
        lead = tax.department(dept)
    elif case.category and case.category in tax.categories:
        lead = tax.categories[case.category].lead
    else:
        raise InputError(
            f"案件 {case.number} 尚未分类，无法确定默认主办单位：请用 --dept 指定，或先运行 xinfang classify。"
        )
    co = []
    for name in co_depts:
        resolved = tax.department(name)
        if resolved != lead and resolved not in co:
            co.append(resolved)
    changes = diff(
        case, **assign_values(case, lead=lead, leader=leader, on=on, calendar=ledger.calendar)
    )
    touch(case, session, changes)
    for name in co:
        assert case.id is not None
        session.add(CoDepartment(case_id=case.id, dept=name))
    if co:
        changes["co_depts"] = (None, "、".join(co))
    log.record("assign", case_number=case.number, on_date=on, changes=changes)
    return changes


def reject(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    reason: str,
    referral: str | None,
    on: date,
    today: date,
) -> Changes:
    """不予受理, with the reason and where the petitioner was referred."""
    raise_first(check_reject(case, reason=reason, on=on, today=today, referral=referral))
    changes = diff(case, **reject_values(reason=reason, referral=referral, on=on))
    touch(case, session, changes)
    log.record("reject", case_number=case.number, on_date=on, changes=changes, reason=clean(reason))
    return changes


def extend(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    days: int,
    reason: str,
    approver: str | None,
    on: date,
    today: date,
) -> Changes:
    """延期: once, at most the case's limit, while handling and before the case is overdue."""
    raise_first(check_extend(case, days=days, reason=reason, on=on, today=today, approver=approver))
    assert case.handle_due is not None
    values = extend_values(
        case, days=days, reason=reason, approver=approver, on=on, calendar=ledger.calendar
    )
    changes = diff(case, **values)
    touch(case, session, changes)
    log.record("extend", case_number=case.number, on_date=on, changes=changes, reason=clean(reason))
    return changes


def close(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    outcome: str,
    result: str,
    aid: str | None,
    on: date,
    today: date,
) -> Changes:
    """办结, with one of 三到位一处理 and the aid amount when there was one."""
    raise_first(check_close(case, outcome=outcome, result=result, on=on, today=today))
    resolved = ledger.taxonomy.resolve("outcomes", outcome)
    changes = diff(case, **close_values(outcome=resolved, result=result, aid=aid, on=on))
    touch(case, session, changes)
    log.record("close", case_number=case.number, on_date=on, changes=changes)
    return changes


def rate(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    grade: str,
    on: date,
    today: date,
    replace: bool = False,
    reason: str | None = None,
) -> Changes:
    """满意度评价 of a closed case; a correction (`replace`) is logged old → new with its reason."""
    tax = ledger.taxonomy
    raise_first(
        check_rate(
            case,
            on=on,
            today=today,
            replace=replace,
            reason=reason,
            old_label=tax.label("ratings", case.rating),
        )
    )
    rating = tax.resolve("ratings", grade)
    changes = diff(case, **rate_values(rating=rating, on=on))
    if changes:
        touch(case, session, changes)
        log.record(
            "rate", case_number=case.number, on_date=on, changes=changes, reason=clean(reason)
        )
    return changes
