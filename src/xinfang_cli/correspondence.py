"""What a case's letters and reviews stand at, read from the ledger: its notices (generated,
delivered, how) and its review requests (复查/复核: requested, due, decided), as rows and as the
`notices` and `reviews` lists of `show --json`. Reading only; the steps that write them live in
`letters.py`. No Typer, no Rich.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from .labels import NOTICE_LABELS
from .models import Notice, Review

NOTICE_ORDER = {kind: index for index, kind in enumerate(NOTICE_LABELS)}
LEVEL_ORDER = {"review": 0, "final_review": 1}


def case_notices(session: Session, case_id: int) -> list[Notice]:
    rows = session.exec(select(Notice).where(col(Notice.case_id) == case_id))
    return sorted(rows, key=lambda n: NOTICE_ORDER.get(n.kind, 99))


def case_reviews(session: Session, case_id: int) -> list[Review]:
    rows = session.exec(select(Review).where(col(Review.case_id) == case_id))
    return sorted(rows, key=lambda r: LEVEL_ORDER.get(r.level, 9))


def delivered(notices: list[Notice]) -> dict[str, date]:
    """Kind → delivery date, of the letters whose delivery is recorded."""
    return {n.kind: n.delivered_on for n in notices if n.delivered_on is not None}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def notices_json(notices: list[Notice]) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "generated_on": _iso(n.generated_on),
            "delivered_on": _iso(n.delivered_on),
            "method": n.method,
        }
        for n in notices
    ]


def reviews_json(reviews: list[Review]) -> list[dict[str, Any]]:
    return [
        {
            "level": r.level,
            "requested_on": r.requested_on.isoformat(),
            "due_on": r.due_on.isoformat(),
            "decided_on": _iso(r.decided_on),
            "decision": r.decision,
            "result": r.result,
        }
        for r in reviews
    ]


def letters_of(session: Session, case_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """`show --json`'s `notices` and `reviews` of one case."""
    if case_id is None:
        return {"notices": [], "reviews": []}
    return {
        "notices": notices_json(case_notices(session, case_id)),
        "reviews": reviews_json(case_reviews(session, case_id)),
    }
