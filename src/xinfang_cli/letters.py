"""The written side of a case (Arts. 23, 33–36): generating a letter (an event, and the notice's
first date), its delivery (送达), the petitioner's requests for 复查 and 复核 and their decisions.

Each step checks the case with the rules of `rules.py` (the review windows are counted there),
changes the `notices`/`reviews` rows and records one audit event in the caller's transaction;
`verify` replays those events into the same rows. Rendering the letter itself (.docx) is
`notices.py`'s job. No Typer, no Rich: callers pass `today`.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from .audit import AuditLog
from .correspondence import case_notices, case_reviews, delivered
from .errors import InputError
from .fields import clean
from .labels import (
    DECISION_LABELS,
    METHOD_LABELS,
    NOTICE_LABELS,
    NOTICE_WORDS,
    REVIEW_LEVEL_LABELS,
)
from .ledger import Ledger
from .models import Case, Notice, Review
from .numbering import find_case
from .rules import (
    check_deliver,
    check_notice,
    check_review_decide,
    check_review_request,
    raise_first,
    review_due,
)

Changes = dict[str, tuple[Any, Any]]


# --- reading what the clerk typed -------------------------------------------------------------
def _resolve(
    text: str, labels: dict[str, str], extra: dict[str, str], what: str, option: str
) -> str:
    value = text.strip()
    table = {key: key for key in labels}
    table.update({label: key for key, label in labels.items()})
    table.update({word: key for word, key in extra.items()})
    key = table.get(value) or table.get(value.lower())
    if key is not None:
        return key
    shown = "、".join(dict.fromkeys([*extra] or labels.values()))
    close = difflib.get_close_matches(value, list(table), n=1, cutoff=0.4)
    hint = f"您是不是要找：{close[0]}？" if close else ""
    where = f"（{option}）" if option else ""
    raise InputError(f"未知的{what}“{text}”{where}。{hint}可选：{shown}。")


def notice_kind(text: str) -> str:
    """受理/不予受理/延期/答复/复查意见/复核意见, the letter's title, or the English key."""
    words = {word: key for key, word in NOTICE_WORDS.items()}
    return _resolve(text, NOTICE_LABELS, words, "告知书类型", "")


def delivery_method(text: str) -> str:
    return _resolve(text, METHOD_LABELS, {}, "送达方式", "--method")


def decision_key(text: str) -> str:
    return _resolve(text, DECISION_LABELS, {}, "复查/复核决定", "--decision")


# --- the steps --------------------------------------------------------------------------------
def _notice_row(session: Session, case: Case, kind: str) -> Notice | None:
    assert case.id is not None
    return session.exec(
        select(Notice).where(col(Notice.case_id) == case.id, col(Notice.kind) == kind)
    ).first()


def record_notice(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    kind: str,
    on: date,
    today: date,
) -> Changes:
    """A letter generated, dated `on`: refused when the case's state lacks the step it reports.
    The notice keeps the date it was first generated; each generation is an event."""
    assert case.id is not None
    reviews = case_reviews(session, case.id)
    raise_first(check_notice(case, kind, list(reviews), on=on, today=today))
    row = _notice_row(session, case, kind)
    if row is None:
        row = Notice(case_id=case.id, kind=kind, generated_on=on)
    elif row.generated_on is None or row.generated_on > on:
        row.generated_on = on
    session.add(row)
    changes: Changes = {"notice_kind": (None, kind), "letter_date": (None, on)}
    log.record(
        "notice",
        case_number=case.number,
        on_date=on,
        changes=changes,
        reason=f"生成 {NOTICE_LABELS[kind]}",
    )
    return changes


def deliver(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    kind: str,
    on: date,
    method: str | None,
    today: date,
) -> Changes:
    """送达: when and how a letter reached the petitioner (a correction replaces the earlier)."""
    assert case.id is not None
    reviews = case_reviews(session, case.id)
    row = _notice_row(session, case, kind)
    raise_first(
        check_deliver(
            case,
            kind,
            list(reviews),
            on=on,
            today=today,
            generated_on=row.generated_on if row else None,
        )
    )
    if row is None:
        row = Notice(case_id=case.id, kind=kind)
    changes: Changes = {"notice_kind": (None, kind), "delivered_on": (row.delivered_on, on)}
    if row.method is not None or method is not None:
        changes["method"] = (row.method, method)
    row.delivered_on, row.method = on, method
    session.add(row)
    log.record(
        "deliver",
        case_number=case.number,
        on_date=on,
        changes=changes,
        reason=f"送达 {NOTICE_LABELS[kind]}",
    )
    return changes


def request_review(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    on: date,
    today: date,
) -> Changes:
    """复查 (the first request) or 复核 (the second), within 30 days of the answer contested."""
    assert case.id is not None
    reviews = case_reviews(session, case.id)
    notices = case_notices(session, case.id)
    raise_first(check_review_request(case, list(reviews), delivered(notices), on=on, today=today))
    level = "final_review" if reviews else "review"
    row = Review(case_id=case.id, level=level, requested_on=on, due_on=review_due(on))
    session.add(row)
    changes: Changes = {
        "review_level": (None, level),
        "requested_on": (None, on),
        "review_due": (None, row.due_on),
    }
    log.record(
        "review_request",
        case_number=case.number,
        on_date=on,
        changes=changes,
        reason=f"申请{REVIEW_LEVEL_LABELS[level]}",
    )
    return changes


def decide_review(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    decision: str,
    on: date,
    result: str | None,
    today: date,
) -> Changes:
    """The decision on the pending 复查/复核: 维持, 撤销 or 变更, with what was decided."""
    assert case.id is not None
    reviews = case_reviews(session, case.id)
    raise_first(check_review_decide(case, list(reviews), on=on, today=today, result=result))
    row = next(r for r in reviews if r.decided_on is None)
    row.decided_on, row.decision, row.result = on, decision, clean(result)
    session.add(row)
    changes: Changes = {
        "review_level": (None, row.level),
        "decided_on": (None, on),
        "decision": (None, decision),
    }
    if row.result is not None:
        changes["review_result"] = (None, row.result)
    log.record(
        "review_decide",
        case_number=case.number,
        on_date=on,
        changes=changes,
        reason=f"{REVIEW_LEVEL_LABELS[row.level]}决定：{DECISION_LABELS[decision]}",
    )
    return changes


def final_review_decided(ledger: Ledger, number: str) -> tuple[str, date] | None:
    """The case (this one, or the earlier one it repeats, up the chain) whose 复核 was decided,
    and when: after it the same matter on the same facts is not accepted again."""
    with ledger.reading() as session:
        seen: set[str] = set()
        case: Case | None = find_case(session, number)
        while case is not None and case.number not in seen:
            seen.add(case.number)
            assert case.id is not None
            for review in case_reviews(session, case.id):
                if review.level == "final_review" and review.decided_on is not None:
                    return case.number, review.decided_on
            if not case.repeat_of:
                return None
            case = session.exec(select(Case).where(col(Case.number) == case.repeat_of)).first()
    return None
