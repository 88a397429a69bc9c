"""Case numbers: their form (XF2025-0001: prefix, year of receipt, sequence within that year),
finding a case by its number, and choosing the number of a new case — one rule (`choose_number`)
whether the numbers taken are asked of the database one registration at a time or held in
memory for a bulk load (`NumberBook`). Either way a year's numbering continues above the floor a
restore recorded (`floors`), so a number issued after a backup is never given again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from .errors import InputError, NotAllowed, NotFoundError
from .fields import CaseInput
from .models import Case, Event

NUMBER_RE = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<year>\d{4})-(?P<seq>\d+)$")


def normalize_number(text: str) -> str:
    return text.strip().upper()


def find_case(session: Session, number: str) -> Case:
    wanted = normalize_number(number)
    if not wanted:
        raise InputError("请给出案件编号，如 XF2025-0001。")
    # Numbers are matched in any case. Through the unique index first, as the ledger writes
    # them (upper case) and as typed; only a number stored otherwise needs reading every case.
    for candidate in dict.fromkeys((wanted, number.strip())):
        case = session.exec(select(Case).where(col(Case.number) == candidate)).first()
        if case is not None:
            return case
    case = session.exec(select(Case).where(func.upper(Case.number) == wanted)).first()
    if case is None:
        raise NotFoundError(f"没有编号为 {number.strip()} 的案件。可用 xinfang list 查看案件编号。")
    return case


class Numbers(Protocol):
    """What choosing a case number needs to know about the numbers already taken."""

    def has_number(self, number: str) -> bool: ...
    def has_pair(self, year: int, seq: int) -> bool: ...
    def top_seq(self, year: int) -> int: ...


def choose_number(numbers: Numbers, prefix: str, data: CaseInput) -> tuple[str, int, int]:
    """(number, year, seq) for a new case. A given number is kept (refused if taken); its year and
    sequence are read from it when it has the XF2025-0001 form and that pair is free, otherwise
    the case takes the next sequence of its year of receipt. Without one: PREFIX + year-seq."""
    year = data.received_on.year
    if data.number:
        if numbers.has_number(data.number):
            raise NotAllowed(f"编号 {data.number} 已存在。")
        match = NUMBER_RE.match(data.number)
        if match and not numbers.has_pair(int(match["year"]), int(match["seq"])):
            return data.number, int(match["year"]), int(match["seq"])
        return data.number, year, numbers.top_seq(year) + 1
    seq = numbers.top_seq(year) + 1
    return f"{prefix}{year}-{seq:04d}", year, seq


class LedgerNumbers:
    """The numbers taken, asked of the database case by case (one registration)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def has_number(self, number: str) -> bool:
        query = select(Case.id).where(col(Case.number) == number)
        return self.session.exec(query).first() is not None

    def has_pair(self, year: int, seq: int) -> bool:
        query = select(Case.id).where(col(Case.year) == year, col(Case.seq) == seq)
        return self.session.exec(query).first() is not None

    def top_seq(self, year: int) -> int:
        query = select(func.max(Case.seq)).where(col(Case.year) == year)
        # a restore may have said where numbering continues (floors)
        return max(self.session.exec(query).one() or 0, floor(self.session, year))


class NumberBook:
    """The case numbers a ledger has taken, held in memory for a bulk load (import), so that
    `register(..., numbers=book)` chooses numbers by the same rule (choose_number) without a
    query or a flush per case. The caller then flushes when it needs ids (co-departments) or
    when a case repeats one registered since the last flush.
    """

    def __init__(self, session: Session) -> None:
        self.numbers: set[str] = set()
        self.stored: dict[str, str] = {}  # normalised number → number as stored
        self.pairs: set[tuple[int, int]] = set()
        self.top: dict[int, int] = {}
        for number, year, seq in session.exec(select(Case.number, Case.year, Case.seq)):
            self._take(number, year, seq)
        for year, seq in floors(session).items():  # set by a restore
            self.top[year] = max(self.top.get(year, 0), seq)

    def _take(self, number: str, year: int, seq: int) -> None:
        self.numbers.add(number)
        self.stored.setdefault(normalize_number(number), number)
        self.pairs.add((year, seq))
        self.top[year] = max(self.top.get(year, 0), seq)

    def has_number(self, number: str) -> bool:
        return number in self.numbers

    def has_pair(self, year: int, seq: int) -> bool:
        return (year, seq) in self.pairs

    def top_seq(self, year: int) -> int:
        return self.top.get(year, 0)

    def parts(self, prefix: str, data: CaseInput) -> tuple[str, int, int]:
        number, year, seq = choose_number(self, prefix, data)
        self._take(number, year, seq)
        return number, year, seq

    def find(self, session: Session, number: str) -> Case:
        """Like find_case, but by the stored number, so the lookup uses the unique index."""
        stored = self.stored.get(normalize_number(number))
        case = (
            session.exec(select(Case).where(col(Case.number) == stored)).first() if stored else None
        )
        if case is None:
            return find_case(session, number)
        return case


# --- where numbering continues after a restore ------------------------------------------------
# A ledger restored from a backup does not know the numbers handed out after the backup was
# taken; reusing one would give two petitioners the same number. `xinfang restore` therefore
# records, in its audit event, the next number of each year that must not be reused
# ({"next_numbers": [null, ["XF2026-0060", …]]}). The floors live in the hash-chained log: no
# table of their own, verified with the rest of the log, carried by every later backup.
RESTORE_ACTION = "restore"
NEXT_NUMBERS = "next_numbers"


def parse_number(number: str) -> tuple[str, int, int] | None:
    """XF2026-0060 → ("XF", 2026, 60); None when it does not have that form."""
    match = NUMBER_RE.match(number.strip())
    if not match:
        return None
    return match["prefix"], int(match["year"]), int(match["seq"])


def floors(session: Session) -> dict[int, int]:
    """{year: the highest sequence already spoken for} from every restore event."""
    rows = session.exec(select(Event.changes).where(col(Event.action) == RESTORE_ACTION))
    return floors_from(rows)


def floor(session: Session, year: int) -> int:
    return floors(session).get(year, 0)


def floors_from(changes: Iterable[str]) -> dict[int, int]:
    """The same from the `changes` JSON of restore events (however they were read)."""
    result: dict[int, int] = {}
    for text in changes:
        try:
            numbers = json.loads(text)[NEXT_NUMBERS][1]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        for number in numbers if isinstance(numbers, list) else []:
            parsed = parse_number(str(number))
            if parsed:
                _prefix, year, seq = parsed
                result[year] = max(result.get(year, 0), seq - 1)
    return result
