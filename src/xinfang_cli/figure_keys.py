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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
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
    conn: Connection, terms: Sequence[str], periods: Sequence[tuple[date, date]]
) -> list[list[int]]:
    """For each period (the live cases received from its first day to its last), how many of its
    cases mention each term (`mentions`). A month at a time, the database joins the cases' texts
    (summary and content) into one string and each word is looked for in it here (`_tally`),
    where SQL would run two LIKEs per word on every case (four to five times slower, measured on
    a million cases)."""
    counts = [[0] * len(terms) for _ in periods]
    if not terms or not periods:
        return counts
    words = [t.translate(_ASCII_LOWER) for t in terms]
    # LIKE's ASCII case-folding matters only for a word with Latin letters in it
    fold = any(c in string.ascii_letters for term in terms for c in term)
    # a unit separator between the two (a control character no field may hold, and PostgreSQL
    # text can, unlike NUL): no word spans the end of the summary and the start of the content
    text = C.summary + "\x1f" + func.coalesce(C.content, "")
    joined_texts = select(func.count(), func.aggregate_strings(text, _CASE_END))
    for (start, end), tally in zip(periods, counts, strict=True):
        for first, last in _months(start, end):
            period = received_between(first, last)
            cases, joined = conn.execute(joined_texts.where(period)).one()
            if not cases:
                continue
            if fold:
                joined = joined.translate(_ASCII_LOWER)
            if joined.count(_CASE_END) == cases - 1:
                _tally(joined, words, tally)
                continue
            # a text holding the separator itself (no field that was checked does): case by case
            texts = conn.execute(select(text).where(period)).scalars().all()
            if fold:
                texts = [t.translate(_ASCII_LOWER) for t in texts]
            for index, word in enumerate(words):
                tally[index] += _holding(texts, word)
    return counts


_CASE_END = "\x1e"  # a record separator between cases' texts (no field may hold it)


def _months(start: date, end: date) -> Iterator[tuple[date, date]]:
    """The period cut at the ends of months (so no joined text holds more than a month)."""
    while start <= end:
        last = min(month_end(start.year, start.month), end)
        yield start, last
        start = last + timedelta(days=1)


def _holding(texts: Sequence[str], word: str) -> int:
    """How many of the texts hold the word, one text at a time."""
    return sum(1 for t in texts if word in t)


def _tally(joined: str, words: Sequence[str], tally: list[int]) -> None:
    """Add to each word's tally the cases that hold it, in `joined`: their texts with _CASE_END
    between them. Each word is found with `str.find`, skipping to the end of a case at each hit:
    the search runs in C over the whole text and Python steps only once per case found."""
    find = joined.find
    for index, word in enumerate(words):
        if not word or _CASE_END in word:  # (no taxonomy has such a word): case by case
            tally[index] += _holding(joined.split(_CASE_END), word)
            continue
        found = 0
        at = find(word)
        while at != -1:
            found += 1
            end = find(_CASE_END, at)
            if end == -1:
                break
            at = find(word, end + 1)
        tally[index] += found


# --- the cases behind a figure -----------------------------------------------------------------
def unknown_key(key: str, valid: dict[str, str], what: str) -> InputError:
    close = difflib.get_close_matches(key, list(valid), n=3, cutoff=0.5)
    hint = f"您是不是要找：{'、'.join(close)}？" if close else ""
    listed = "、".join(f"{k}（{label}）" for k, label in valid.items())
    return InputError(f"未知的{what}指标“{key}”。{hint}可选：{listed}。")


def annual_range(year: int, as_of: date) -> tuple[date, date]:
    """The days of receipt `report annual --year Y` counts: Y up to the as-of date."""
    return date(year, 1, 1), min(date(year, 12, 31), as_of)


def two_cohorts(year: int, as_of: date) -> ColumnElement[bool]:
    """The cohorts of `year` and of the year before together: adjacent, so one range of the
    received_on index (where an OR of the two would read the index twice and sort the rows)."""
    return received_between(date(year - 1, 1, 1), annual_range(year, as_of)[1])


def annual_cohort(year: int, as_of: date) -> ColumnElement[bool]:
    """The cases of `report annual --year Y`: the live cases received in Y by the as-of date."""
    return received_between(*annual_range(year, as_of))


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
    """Cases received in each month of `year` and of the year before (seen as of `as_of`).
    Counted by day in SQL (the received_on index hands the days over in order, no sorting, no
    date function per case) and the days added up into months here."""
    received = col(Case.received_on)
    rows = conn.execute(
        select(received, func.count()).where(two_cohorts(year, as_of)).group_by(received)
    ).all()
    counts: dict[tuple[int, int], int] = {}
    for day, n in rows:
        key = (day.year, day.month)
        counts[key] = counts.get(key, 0) + int(n)
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
    periods = (annual_range(year, as_of), annual_range(year - 1, as_of))
    this_year, last_year = mention_counts(conn, terms, periods)
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
