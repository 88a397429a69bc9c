"""Which cases each report figure counts — one SQL condition per JSON key, in one place.

`report annual` counts `count_if(condition)` over its cohort, `report monthly` over its month, and
`list --figure KEY` selects the cases meeting the very same condition, so a count and the list of
the cases behind it cannot drift apart. Also the year's figures the year-end summary adds beside
the report's counts: cases by month (this year against last) and the topic words this year
against last (`mentions` is the one rule of what a topic word counts, shared with the month).
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
    extract,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlmodel import col

from .aggregates import CASES, LIVE, C, received_between
from .dates import month_end, month_start
from .errors import InputError
from .figures import change_pct
from .labels import ANNUAL_FIGURES, MONTHLY_FIGURES
from .ledger import Ledger
from .models import Case
from .records import listed
from .standing import AsOf
from .taxonomy import Taxonomy


def annual_conditions(at: AsOf, *, collective_threshold: int) -> dict[str, ColumnElement[bool]]:
    """For each annual key, whether a case of the year's cohort counts, seen as of `at.on`."""
    repeat = C.repeat_of.is_not(None)
    first_time = C.repeat_of.is_(None)
    later = CASES.alias("later")
    # One-time: no case received by as-of (in any year) names it as the matter it repeats.
    repeated = exists().where(
        later.c.repeat_of == C.number, later.c.received_on <= at.on, later.c.status != "voided"
    )
    return {
        "total": true(),
        "first_time": first_time,
        "repeat": repeat,
        "bypass": C.bypass == true(),
        "collective": C.persons >= collective_threshold,
        "not_accepted": at.not_accepted,
        "accepted": at.accepted,
        "closed": at.closed,
        "open": at.open,
        "overdue_open": at.overdue,
        "first_time_closed": and_(first_time, at.closed),
        "first_time_one_time": and_(first_time, at.closed, not_(repeated)),
        "closed_on_time": at.closed_on_time,
        "decided": at.decided,
        "decided_in_time": at.decided_in_time,
        "rated": at.rated,
        "satisfied": and_(at.rated, C.rating == "satisfied"),
        "basically_satisfied": and_(at.rated, C.rating == "basically_satisfied"),
        "dissatisfied": and_(at.rated, C.rating == "dissatisfied"),
        "aided": and_(at.closed, C.aid_fen > 0),
    }


@dataclass(frozen=True)
class Month:
    """A report month: received from `start`; the end-of-month figures taken at `end` (the
    month's last day or the as-of date, whichever is earlier)."""

    start: date
    end: date


def monthly_conditions(
    month: Month, at: AsOf, *, collective_threshold: int, due_soon: ColumnElement[bool]
) -> dict[str, ColumnElement[bool]]:
    """For each monthly key, the whole condition on a live case (the period included): cases
    received in the month, closed in the month (whenever received), or open at its end."""
    in_month = received_between(month.start, month.end)
    open_at_end = and_(C.received_on <= month.end, at.maybe_open, LIVE, at.open)
    return {
        "received": in_month,
        "closed": and_(C.closed_on >= month.start, C.closed_on <= month.end, LIVE),
        "open_at_end": open_at_end,
        "overdue": and_(open_at_end, at.overdue),
        "due_soon": and_(open_at_end, due_soon),
        "repeat": and_(in_month, C.repeat_of.is_not(None)),
        "collective": and_(in_month, C.persons >= collective_threshold),
        "bypass": and_(in_month, C.bypass == true()),
    }


def mentions(term: str) -> ColumnElement[bool]:
    """A case mentions a topic word when its summary or content holds it (SQLite's LIKE: ASCII
    letters in either case; `mention_counts` counts by the same rule)."""
    return or_(
        C.summary.contains(term, autoescape=True),
        func.coalesce(C.content, "").contains(term, autoescape=True),
    )


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def mention_counts(
    conn: Connection, terms: Sequence[str], periods: Sequence[ColumnElement[bool]]
) -> list[list[int]]:
    """For each of the `periods`, how many of its cases mention each term (`mentions`). Each
    period's cases are read once, summary and content only, and each word is looked for in
    Python: one substring search per case and word, where SQL would run two LIKE scans per word
    over every case of the period (three times slower, measured)."""
    counts = [[0] * len(terms) for _ in periods]
    if not terms or not periods:
        return counts
    words = [t.translate(_ASCII_LOWER) for t in terms]
    # LIKE's ASCII case-folding matters only for a word with Latin letters in it
    fold = any(c in string.ascii_letters for term in terms for c in term)
    # a unit separator between the two (a control character no field may hold, and PostgreSQL
    # text can, unlike NUL): no word spans the end of the summary and the start of the content
    text = C.summary + "\x1f" + func.coalesce(C.content, "")
    for period, tally in zip(periods, counts, strict=True):
        for texts in conn.execute(select(text).where(period)).scalars().partitions(5000):
            if fold:
                texts = [t.translate(_ASCII_LOWER) for t in texts]
            for index, word in enumerate(words):
                tally[index] += sum(1 for t in texts if word in t)
    return counts


# --- the cases behind a figure -----------------------------------------------------------------
def unknown_key(key: str, valid: dict[str, str], what: str) -> InputError:
    close = difflib.get_close_matches(key, list(valid), n=3, cutoff=0.5)
    hint = f"您是不是要找：{'、'.join(close)}？" if close else ""
    listed = "、".join(f"{k}（{label}）" for k, label in valid.items())
    return InputError(f"未知的{what}指标“{key}”。{hint}可选：{listed}。")


def annual_cohort(year: int, as_of: date) -> ColumnElement[bool]:
    """The cases of `report annual --year Y`: the live cases received in Y by the as-of date."""
    return received_between(date(year, 1, 1), min(date(year, 12, 31), as_of))


def figure_condition(
    ledger: Ledger, key: str, *, as_of: date, year: int, month: int | None = None
) -> ColumnElement[bool]:
    """The whole condition of the cases behind `key` of the year's (or, with `month`, the
    month's) report as of `as_of` — exactly those the report counts."""
    tax = ledger.taxonomy
    if month is None:
        if key not in ANNUAL_FIGURES:
            raise unknown_key(key, ANNUAL_FIGURES, "年度")
        at = AsOf(as_of)
        conditions = annual_conditions(at, collective_threshold=tax.collective_threshold)
        return and_(annual_cohort(year, as_of), conditions[key])
    if key not in MONTHLY_FIGURES:
        raise unknown_key(key, MONTHLY_FIGURES, "月度")
    window = Month(month_start(year, month), min(month_end(year, month), as_of))
    at = AsOf(window.end)
    return monthly_conditions(
        window,
        at,
        collective_threshold=tax.collective_threshold,
        due_soon=at.due_soon(tax.warn_days, ledger.calendar),
    )[key]


def cases_behind(
    ledger: Ledger,
    key: str,
    *,
    as_of: date,
    year: int,
    month: int | None = None,
    extra: list[ColumnElement[bool]] | None = None,
    reveal: bool = False,
) -> tuple[list[Case], list[dict[str, Any]]]:
    """`list --figure`: the cases behind a report count (with any further filters of `list`)
    and their JSON records, in the order of receipt."""
    condition = figure_condition(ledger, key, as_of=as_of, year=year, month=month)
    query = (
        select(Case)
        .where(condition, *(extra or []))
        .order_by(col(Case.received_on), col(Case.year), col(Case.seq))
    )
    return listed(ledger, lambda session: list(session.execute(query).scalars()), as_of, reveal)


# --- the year by month, and topic words year on year ------------------------------------------
def by_month(conn: Connection, *, year: int, as_of: date) -> list[dict[str, Any]]:
    """Cases received in each month of `year` and of the year before (seen as of `as_of`)."""
    received = col(Case.received_on)
    year_of, month_of = extract("year", received), extract("month", received)
    rows = conn.execute(
        select(year_of, month_of, func.count())
        .where(or_(annual_cohort(year, as_of), annual_cohort(year - 1, as_of)), received <= as_of)
        .group_by(year_of, month_of)
    ).all()
    counts = {(int(y), int(m)): int(n) for y, m, n in rows}
    return [
        {
            "month": f"{year}-{m:02d}",
            "count": counts.get((year, m), 0),
            "previous": counts.get((year - 1, m), 0),
        }
        for m in range(1, 13)
    ]


def hot_topics(conn: Connection, tax: Taxonomy, *, year: int, as_of: date) -> list[dict[str, Any]]:
    """Each topic word of the taxonomy: cases of the year mentioning it against the year before,
    most mentioned first; words mentioned in neither year are left out."""
    terms = list(dict.fromkeys(tax.topic_words))
    if not terms:
        return []
    now, before = annual_cohort(year, as_of), annual_cohort(year - 1, as_of)
    this_year, last_year = mention_counts(conn, terms, (now, before))
    out: list[dict[str, Any]] = []
    for index, term in enumerate(terms):
        count, previous = this_year[index], last_year[index]
        if count or previous:
            out.append(
                {
                    "term": term,
                    "count": count,
                    "previous": previous,
                    "change_pct": change_pct(count, previous),
                }
            )
    out.sort(key=lambda t: (-t["count"], -t["previous"], terms.index(t["term"])))
    return out
