"""Correcting a case: `amend` (the registration as it should have been written), `reassign` (the
case handed to the right department while it is handled), `void` (entered by mistake: the case
leaves every list, report and check, its number is never reused) and `reopen` (a close or a
rejection undone).

A correction fixes the record; it is not a step in the case's life. Every report, whatever its
as-of date, shows the corrected values — except a handover, which a report dated before it does
not see (the scorecard counts a case under the department that had it on the report's date,
`standing.AsOf.lead`). Each correction is one audit event with its reason, old → new, so
`history` keeps what was there and `verify` replays it. No Typer, no Rich.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from .audit import AuditLog
from .errors import InputError, NotAllowed
from .fields import clean
from .ledger import Ledger, diff, touch
from .lifecycle import Changes
from .models import Case, CoDepartment, LeadChange
from .numbering import find_case
from .rules import (
    check_amend,
    check_reassign,
    check_reopen,
    check_repeat,
    check_void,
    raise_first,
)
from .steps import count, marks, void_values

# What `amend` may change: the registration fields, as `add` names them.
AMENDABLE = (
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
    "repeat_of",
    "bypass",
    "confidential",
)


def amend(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    values: dict[str, Any],
    reason: str | None,
    today: date,
) -> Changes:
    """更正: registration fields already read (`fields.read_fields`; None clears a field)."""
    unknown = [key for key in values if key not in AMENDABLE]
    if unknown:
        raise InputError(f"不能更正的项：{'、'.join(unknown)}。")
    if not values:
        raise InputError("请至少给出一项要更正的内容，如 --phone 13812345678。")
    received = values.get("received_on")
    raise_first(
        check_amend(
            case, received_on=received, reason=reason, today=today, rejected_on=case.rejected_on
        )
    )
    new = dict(values)
    tax = ledger.taxonomy
    if received is not None:
        accept = count(case, received, case.accept_days, ledger.calendar)
        new["accept_due"] = accept.on
        new["provisional"] = marks(case.provisional, accept_due=accept)
        _check_repeats_still_follow(session, case, received)
    if "category" in new:
        category = tax.categories.get(new["category"]) if new["category"] else None
        new["group_key"] = category.group if category else None
    if new.get("nature") == "accusation" and "confidential" not in values:
        new["confidential"] = True
    if new.get("repeat_of"):
        original = find_case(session, new["repeat_of"])
        if original.number == case.number:
            raise InputError("原件编号不能是本件自己的编号。")
        raise_first(
            check_repeat(
                original=original.number,
                original_received=original.received_on,
                received_on=received or case.received_on,
            )
        )
        new["repeat_of"] = original.number
    elif received is not None and case.repeat_of and "repeat_of" not in values:
        original = find_case(session, case.repeat_of)
        raise_first(
            check_repeat(
                original=original.number,
                original_received=original.received_on,
                received_on=received,
            )
        )
    for flag in ("bypass", "confidential"):
        if flag in new and new[flag] is None:
            new[flag] = False
    changes = diff(case, **new)
    if not changes:
        raise InputError(f"案件 {case.number} 的登记信息与给出的相同，没有需要更正的内容。")
    touch(case, session, changes)
    log.record(
        "amend", case_number=case.number, on_date=today, changes=changes, reason=clean(reason)
    )
    return changes


def _check_repeats_still_follow(session: Session, case: Case, received: date) -> None:
    """A later repeat of this case may not end up received before its original."""
    earliest = session.exec(
        select(col(Case.number), col(Case.received_on))
        .where(col(Case.repeat_of) == case.number, col(Case.received_on) < received)
        .order_by(col(Case.received_on))
        .limit(1)
    ).first()
    if earliest is not None:
        raise NotAllowed(
            f"重复信访 {earliest[0]} 的信访日期 {earliest[1]} 早于新的信访日期 {received}："
            "原件不能晚于它的重复件。"
        )


def reassign(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    dept: str,
    co_depts: list[str] | None,
    leader: str | None,
    reason: str | None,
    on: date,
    today: date,
) -> Changes:
    """改派: another lead department (and co-departments or leader) while handling; the due date
    does not move. `co_depts` None keeps the co-departments; a list replaces them."""
    tax = ledger.taxonomy
    lead = tax.department(dept)
    current_co = sorted(
        session.exec(select(CoDepartment.dept).where(col(CoDepartment.case_id) == case.id))
    )
    co = current_co if co_depts is None else _co_list(tax.department, co_depts, lead)
    new_leader = case.leader if leader is None else clean(leader)
    changed = lead != case.lead_dept or co != current_co or new_leader != case.leader
    raise_first(
        check_reassign(case, reason=reason, on=on, today=today, changed=changed, leader=leader)
    )
    assert case.id is not None and case.lead_dept is not None
    changes = diff(case, lead_dept=lead, leader=new_leader)
    if lead != case.lead_dept:
        session.add(LeadChange(case_id=case.id, on_date=on, from_dept=case.lead_dept, to_dept=lead))
    touch(case, session, changes)
    if co != current_co:
        for old in session.exec(select(CoDepartment).where(col(CoDepartment.case_id) == case.id)):
            session.delete(old)
        session.flush()
        for name in co:
            session.add(CoDepartment(case_id=case.id, dept=name))
        changes["co_depts"] = ("、".join(current_co) or None, "、".join(co) or None)
    log.record(
        "reassign", case_number=case.number, on_date=on, changes=changes, reason=clean(reason)
    )
    return changes


def _co_list(resolve: Any, names: list[str], lead: str) -> list[str]:
    out: list[str] = []
    for name in names:
        resolved = resolve(name)
        if resolved != lead and resolved not in out:
            out.append(resolved)
    return sorted(out)


def void(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    reason: str | None,
    today: date,
    on: date | None = None,
) -> Changes:
    """作废: the case was entered by mistake; it stays in the ledger (and its number taken).
    `on` (default today) is the date of the decision, as an imported file records it."""
    raise_first(check_void(case, reason=reason))
    when = on or today
    changes = diff(case, **void_values(reason=reason, on=when))
    touch(case, session, changes)
    log.record("void", case_number=case.number, on_date=when, changes=changes, reason=clean(reason))
    return changes


CLOSE_FIELDS = ("closed_on", "outcome", "result", "aid_fen", "rating", "rated_on")
REJECT_FIELDS = ("rejected_on", "reject_reason", "referral")


def reopen(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    reason: str | None,
    on: date,
    today: date,
) -> Changes:
    """撤销办结/不予受理: a closed case is handled again (its rating goes with the close), a
    rejected one waits for a decision again; the undone step stays in the history."""
    raise_first(check_reopen(case, reason=reason, on=on, today=today, rejected_on=case.rejected_on))
    if case.status == "closed":
        values: dict[str, Any] = {"status": "handling", **dict.fromkeys(CLOSE_FIELDS)}
    else:
        values = {"status": "registered", **dict.fromkeys(REJECT_FIELDS)}
    changes = diff(case, **values)
    touch(case, session, changes)
    log.record("reopen", case_number=case.number, on_date=on, changes=changes, reason=clean(reason))
    return changes
