"""What each step of a case's life writes: the new values of the case's columns, computed from
the case as it stands and the step's inputs, without a database. `lifecycle.py` applies them to
a stored case (one audited change each); a bulk load can apply them to rows it builds itself —
the same values either way.

Deadlines are counted here (`rules.due`), and a deadline whose count ran through a year without
holiday data is marked provisional (`provisional`: the deadline fields so computed), so adding
that year's arrangement later corrects exactly those.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import deadlines
from .fields import CaseInput, clean
from .figures import parse_yuan
from .rules import Counted
from .taxonomy import Taxonomy

DEADLINES = ("accept_due", "handle_due", "due_on")


def count(case: Counted, start: date, days: int, calendar: deadlines.WorkCalendar) -> deadlines.Due:
    """A limit counted the way the case was registered to count it."""
    mode: deadlines.DayMode = "working" if case.day_mode == "working" else "calendar"
    return deadlines.counted(start, days, mode=mode, roll_over=case.roll_over, calendar=calendar)


def read_marks(text: str | None) -> dict[str, tuple[int, ...]]:
    """The provisional marks of a case: deadline field → the years counted without data
    (stored as "accept_due:2027 due_on:2027,2028")."""
    out: dict[str, tuple[int, ...]] = {}
    for item in (text or "").split():
        name, _, years = item.partition(":")
        if name in DEADLINES:
            out[name] = tuple(int(y) for y in years.split(",") if y.isdigit())
    return out


def marks(current: str | None, **fields: deadlines.Due | None) -> str | None:
    """The provisional marks after some deadlines were (re)counted: each field given is marked
    (with its years) when its count was provisional and unmarked when not; the others stay."""
    if current is None and not any(due is not None and due.provisional for due in fields.values()):
        return None  # (nearly every case: nothing marked before, nothing to mark now)
    marked = read_marks(current)
    for name, due in fields.items():
        if due is None or not due.provisional:
            marked.pop(name, None)
        else:
            marked[name] = due.uncovered
    text = " ".join(
        f"{name}:{','.join(str(y) for y in marked[name])}" for name in DEADLINES if name in marked
    )
    return text or None


def provisional_years(case: Any, *fields: str) -> tuple[int, ...]:
    """The years without holiday data behind a case's provisional deadlines (all, or these)."""
    marked = read_marks(case.provisional)
    wanted = fields or DEADLINES
    return tuple(sorted({y for name in wanted for y in marked.get(name, ())}))


def register_values(
    tax: Taxonomy, calendar: deadlines.WorkCalendar, data: CaseInput
) -> dict[str, Any]:
    """A new case's columns (its number aside): the limits in force, its acceptance deadline."""
    category = tax.categories.get(data.category) if data.category else None
    limits = tax.limits(data.category)
    confidential = data.confidential
    if confidential is None:
        confidential = data.nature == "accusation"
    accept = count(limits, data.received_on, limits.accept_days, calendar)
    return {
        "received_on": data.received_on,
        "channel": data.channel,
        "name": data.name,
        "identity": data.identity,
        "unit": data.unit,
        "phone": data.phone,
        "id_number": data.id_number,
        "persons": data.persons,
        "summary": data.summary,
        "content": data.content,
        "nature": data.nature,
        "category": data.category,
        "group_key": category.group if category else None,
        "repeat_of": data.repeat_of,
        "bypass": data.bypass,
        "confidential": confidential,
        "status": "registered",
        "accept_days": limits.accept_days,
        "handle_days": limits.handle_days,
        "extend_max_days": limits.extend_max_days,
        "day_mode": limits.day_mode,
        "roll_over": limits.roll_over,
        "accept_due": accept.on,
        "provisional": marks(None, accept_due=accept),
    }


def assign_values(
    case: Any,
    *,
    lead: str,
    leader: str | None,
    on: date,
    calendar: deadlines.WorkCalendar,
) -> dict[str, Any]:
    """受理: the lead department and the handling clock."""
    handle = count(case, on, case.handle_days, calendar)
    return {
        "status": "handling",
        "accepted_on": on,
        "lead_dept": lead,
        "leader": clean(leader),
        "handle_due": handle.on,
        "due_on": handle.on,
        "provisional": marks(case.provisional, handle_due=handle, due_on=handle),
    }


def reject_values(*, reason: str, referral: str | None, on: date) -> dict[str, Any]:
    return {
        "status": "not_accepted",
        "rejected_on": on,
        "reject_reason": clean(reason),
        "referral": clean(referral),
    }


def extend_values(
    case: Any,
    *,
    days: int,
    reason: str,
    approver: str | None,
    on: date,
    calendar: deadlines.WorkCalendar,
) -> dict[str, Any]:
    """延期: the new due date counts on from the original one."""
    new_due = count(case, case.handle_due, days, calendar)
    inherited = read_marks(case.provisional).get("handle_due", ())
    if inherited:  # it counts on from a provisional date
        years = tuple(sorted(set(new_due.uncovered) | set(inherited)))
        new_due = deadlines.Due(new_due.on, years)
    return {
        "extended_days": days,
        "extend_reason": clean(reason),
        "extended_on": on,
        "extend_approver": clean(approver),
        "due_on": new_due.on,
        "provisional": marks(case.provisional, due_on=new_due),
    }


def close_values(*, outcome: str, result: str, aid: str | None, on: date) -> dict[str, Any]:
    """办结 (`outcome` already resolved to its key)."""
    return {
        "status": "closed",
        "closed_on": on,
        "outcome": outcome,
        "result": clean(result),
        "aid_fen": parse_yuan(aid) if aid not in (None, "") else None,
    }


def rate_values(*, rating: str, on: date) -> dict[str, Any]:
    return {"rating": rating, "rated_on": on}


def void_values(*, reason: str | None, on: date) -> dict[str, Any]:
    """作废: the case leaves every list, report and check; its number stays taken."""
    return {"status": "voided", "voided_on": on, "void_reason": clean(reason)}


def recount_values(case: Any, calendar: deadlines.WorkCalendar) -> dict[str, Any]:
    """The provisional deadlines of a case counted again with the calendar as it is now (after
    the missing year's arrangement was added); deadlines counted with real data stay."""
    marked = read_marks(case.provisional)
    values: dict[str, Any] = {}
    dues: dict[str, deadlines.Due] = {}
    if "accept_due" in marked:
        dues["accept_due"] = count(case, case.received_on, case.accept_days, calendar)
    handle_due = case.handle_due
    if "handle_due" in marked and case.accepted_on is not None:
        dues["handle_due"] = count(case, case.accepted_on, case.handle_days, calendar)
        handle_due = dues["handle_due"].on
    if "due_on" in marked and handle_due is not None:
        if case.extended_days:
            dues["due_on"] = count(case, handle_due, case.extended_days, calendar)
            if "handle_due" in dues and dues["handle_due"].provisional:
                years = set(dues["due_on"].uncovered) | set(dues["handle_due"].uncovered)
                dues["due_on"] = deadlines.Due(dues["due_on"].on, tuple(sorted(years)))
        else:
            dues["due_on"] = dues.get("handle_due") or deadlines.Due(handle_due)
    for field, due in dues.items():
        values[field] = due.on
    values["provisional"] = marks(case.provisional, **dues)
    return values
