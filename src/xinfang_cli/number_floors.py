"""Where case numbering continues after a restore: the lowest next sequence per year.

A ledger restored from a backup does not know the numbers handed out after the backup was
taken; reusing one would give two petitioners the same number. `xinfang restore` therefore
records, in its audit event, the next number of each year it knows must not be reused
(`{"next_numbers": [null, ["XF2026-0060", …]]}`). Choosing a number (ledger.choose_number, for
`add` and for `import` alike) takes the higher of a year's top sequence and that floor.

The floors live in the hash-chained audit log, so they need no table of their own, are
verified with the rest of the log, and travel with every later backup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from .models import Event

ACTION = "restore"
KEY = "next_numbers"
_NUMBER = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<year>\d{4})-(?P<seq>\d+)$")


def parse(number: str) -> tuple[str, int, int] | None:
    """XF2026-0060 → ("XF", 2026, 60); None when it does not have that form."""
    match = _NUMBER.match(number.strip())
    if not match:
        return None
    return match["prefix"], int(match["year"]), int(match["seq"])


def floors(session: Session) -> dict[int, int]:
    """{year: the highest sequence already spoken for} from every restore event."""
    rows = session.execute(select(col(Event.changes)).where(col(Event.action) == ACTION))
    return floors_from(text for (text,) in rows)


def floors_from(changes: Iterable[str]) -> dict[int, int]:
    """The same from the `changes` JSON of restore events (however they were read)."""
    result: dict[int, int] = {}
    for text in changes:
        try:
            numbers = json.loads(text)[KEY][1]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        for number in numbers if isinstance(numbers, list) else []:
            parsed = parse(str(number))
            if parsed:
                _prefix, year, seq = parsed
                result[year] = max(result.get(year, 0), seq - 1)
    return result


def floor(session: Session, year: int) -> int:
    return floors(session).get(year, 0)
