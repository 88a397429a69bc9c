"""回访 (follow-up): the closed cases whose petitioner has not rated the handling some days after
closing (default 7, the taxonomy's `followup_days`), oldest closing first, for the office to call
back and collect the rating — 参评率 (rated ÷ closed) is assessed beside 满意率. Which case
awaits a call back is `AsOf.awaiting_followup`, the same expression `report monthly` counts.
No Typer, no Rich.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from .errors import InputError
from .ledger import Ledger
from .models import Case
from .records import case_record, co_map, record_reveal
from .standing import AsOf

MAX_AFTER_DAYS = 3660


def parse_after(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        days = int(text.strip())
    except ValueError:
        raise InputError(f"天数（--after）“{text}”不是整数。") from None
    if not 0 <= days <= MAX_AFTER_DAYS:
        raise InputError(f"天数（--after）应在 0 到 {MAX_AFTER_DAYS} 之间（现为 {days}）。")
    return days


def awaiting(
    ledger: Ledger, *, as_of: date, after_days: int, reveal: bool = False
) -> tuple[list[Case], list[dict[str, Any]]]:
    """The cases to call back as of the date, oldest closing first, with their JSON records
    (personal data masked unless `reveal`, which is recorded)."""
    with ledger.reading() as session:
        query = (
            select(Case)
            .where(AsOf(as_of).awaiting_followup(after_days))
            .order_by(col(Case.closed_on), col(Case.year), col(Case.seq))
        )
        cases = list(session.exec(query))
        cos = co_map(session, cases)
    if reveal and cases:
        record_reveal(ledger, [c.number for c in cases], reason="followup --reveal 回访查看电话")
    records = [case_record(c, cos.get(c.id or 0, []), as_of=as_of, reveal=reveal) for c in cases]
    return cases, records
