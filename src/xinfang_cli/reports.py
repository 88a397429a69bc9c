"""The report figures (contract.md "Report keys"): each one an SQL aggregate over the cases table.

Owns the as-of semantics of domain.md "The figures, defined": a case received after the as-of
date is not in a report, and a step dated after it (受理、不予受理、延期、办结、评价) has not
happened yet. A case's state is therefore derived in SQL from its dates relative to as-of, never
read from the `status` column (which says where the case is *today*). The functions here return
plain JSON-ready dicts in the contract's key order, with Chinese labels as `name`s; `render.py`
turns them into tables, CSV, XLSX and Markdown, `risk.py` turns the monthly facts into alerts.

Nothing loops over every case in Python: the figures are GROUP BY / SUM(CASE …) queries over
`received_on`, `closed_on`, `repeat_of`, `lead_dept` and `category` (all indexed); only the
handful of cases that raise an alert in one month come back as rows.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.exc import SQLAlchemyError

from . import deadlines, risk
from .errors import InputError, LedgerUnavailable
from .figures import change_pct, pct, round1, yuan
from .models import Case
from .standing import AsOf

if TYPE_CHECKING:
    from .ledger import Ledger
    from .taxonomy import Taxonomy

CASES: Table = Case.__table__  # type: ignore[attr-defined]
C = CASES.c

UNCLASSIFIED = "未分类"
NO_OUTCOME = "未填写"

# The department score (annual scorecard): weights of its three parts, out of 1.
SCORE_WEIGHTS = {
    "on_time": Fraction(4, 10),
    "satisfaction": Fraction(3, 10),
    "not_overdue": Fraction(3, 10),
}
SCORE_FORMULA = (
    "得分 = 100 ×（0.4 × 按期办结率 + 0.3 × 满意率 + 0.3 ×（1 − 超期未结 ÷ 交办））；"
    "尚无评价的单位按其余两项折算，尚无办结的单位不评分"
)


# --- the department score ---------------------------------------------------------------------
def department_score(
    *,
    closed: int,
    closed_on_time: int,
    rated: int,
    satisfied_or_basic: int,
    assigned: int,
    overdue_open: int,
) -> float | None:
    """See SCORE_FORMULA. Parts whose denominator is 0 drop out and the rest are re-weighted."""
    if closed == 0 or assigned == 0:
        return None
    parts = [
        (SCORE_WEIGHTS["on_time"], Fraction(closed_on_time, closed)),
        (SCORE_WEIGHTS["not_overdue"], 1 - Fraction(overdue_open, assigned)),
    ]
    if rated:
        parts.append((SCORE_WEIGHTS["satisfaction"], Fraction(satisfied_or_basic, rated)))
    weight = sum((w for w, _ in parts), Fraction(0))
    return round1(100 * sum((w * v for w, v in parts), Fraction(0)) / weight)


# --- periods ------------------------------------------------------------------------------
def month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def check_year(year: int, as_of: date) -> None:
    if date(year, 1, 1) > as_of:
        raise InputError(
            f"统计年份 {year} 晚于截止日期 {as_of}：该年尚无数据。请检查 --year 或 --as-of。"
        )


def check_month(year: int, month: int, as_of: date) -> None:
    if date(year, month, 1) > as_of:
        raise InputError(
            f"统计月份 {year}-{month:02d} 晚于截止日期 {as_of}：该月尚无数据。请检查 --month 或 --as-of。"
        )


# --- a case as of a date, in SQL ----------------------------------------------------------
def _n(condition: ColumnElement[bool]) -> Any:
    """COUNT of the rows meeting `condition` (0, never NULL, on no rows)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _received(start: date, end: date) -> ColumnElement[bool]:
    return and_(C.received_on >= start, C.received_on <= end)


@contextmanager
def _connect(ledger: Ledger) -> Iterator[Connection]:
    try:
        with ledger.engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise LedgerUnavailable(f"读取账本失败：{str(exc).splitlines()[0]}") from exc


def _order(keys: list[str | None]) -> dict[str | None, int]:
    return {key: index for index, key in enumerate(keys)}


def _sorted(items: list[dict[str, Any]], rank: dict[str | None, int], *by: str) -> None:
    """Sort in place by the `by` counts descending, then in the taxonomy's order (unknown and
    unclassified last); drops the helper key `_key` each item carries for this."""
    keyed = [(rank.get(item.pop("_key"), len(rank)), item) for item in items]
    keyed.sort(key=lambda pair: (*(-pair[1][name] for name in by), pair[0], pair[1]["name"]))
    items[:] = [item for _, item in keyed]


# --- annual --------------------------------------------------------------------------------
def annual(ledger: Ledger, *, year: int, as_of: date) -> dict[str, Any]:
    """`report annual`: the cohort of cases received in `year`, seen as of `as_of`.

    previous_total / previous_repeat: the cases received in year − 1 seen as of the same date
    (for an as-of inside `year`, that is the whole previous year against part of this one).
    """
    check_year(year, as_of)
    tax = ledger.taxonomy
    at = AsOf(as_of)
    cohort = _received(date(year, 1, 1), min(date(year, 12, 31), as_of))
    previous = _received(date(year - 1, 1, 1), min(date(year - 1, 12, 31), as_of))
    repeat = C.repeat_of.is_not(None)
    first_time = C.repeat_of.is_(None)
    later = CASES.alias("later")
    # One-time: no case received by as-of (in any year) names it as the matter it repeats.
    repeated = exists().where(later.c.repeat_of == C.number, later.c.received_on <= as_of)
    satisfied_or_basic = C.rating.in_(("satisfied", "basically_satisfied"))

    headline = select(
        func.count().label("total"),
        _n(first_time).label("first_time"),
        _n(repeat).label("repeat"),
        _n(C.bypass == true()).label("bypass"),
        _n(C.persons >= tax.collective_threshold).label("collective"),
        _n(at.not_accepted).label("not_accepted"),
        _n(at.accepted).label("accepted"),
        _n(at.closed).label("closed"),
        _n(at.open).label("open"),
        _n(at.overdue).label("overdue_open"),
        _n(and_(first_time, at.closed)).label("first_time_closed"),
        _n(and_(first_time, at.closed, not_(repeated))).label("first_time_one_time"),
        _n(at.closed_on_time).label("closed_on_time"),
        _n(at.decided).label("decided"),
        _n(at.decided_in_time).label("decided_in_time"),
        _n(at.rated).label("rated"),
        _n(and_(at.rated, C.rating == "satisfied")).label("satisfied"),
        _n(and_(at.rated, C.rating == "basically_satisfied")).label("basically_satisfied"),
        _n(and_(at.rated, C.rating == "dissatisfied")).label("dissatisfied"),
        _n(and_(at.closed, C.aid_fen > 0)).label("aided"),
        func.coalesce(
            func.sum(case((and_(at.closed, C.aid_fen > 0), C.aid_fen), else_=0)), 0
        ).label("aid_fen"),
    ).where(cohort)
    before = select(func.count().label("total"), _n(repeat).label("repeat")).where(previous)
    groups = select(C.group_key, func.count().label("n")).where(cohort).group_by(C.group_key)
    categories = (
        select(C.category, func.max(C.group_key).label("group_key"), func.count().label("n"))
        .where(cohort)
        .group_by(C.category)
    )
    channels = select(C.channel, func.count().label("n")).where(cohort).group_by(C.channel)
    outcomes = (
        select(
            C.outcome,
            func.count().label("n"),
            func.coalesce(func.sum(case((C.aid_fen > 0, C.aid_fen), else_=0)), 0).label("fen"),
        )
        .where(cohort, at.closed)
        .group_by(C.outcome)
    )
    departments = (
        select(
            C.lead_dept,
            func.count().label("assigned"),
            _n(at.closed).label("closed"),
            _n(at.closed_on_time).label("closed_on_time"),
            _n(and_(at.handling, at.overdue)).label("overdue_open"),
            _n(at.rated).label("rated"),
            _n(and_(at.rated, satisfied_or_basic)).label("good"),
        )
        .where(cohort, at.accepted, C.lead_dept.is_not(None))
        .group_by(C.lead_dept)
    )
    with _connect(ledger) as conn:
        h = conn.execute(headline).mappings().one()
        b = conn.execute(before).mappings().one()
        group_rows = conn.execute(groups).all()
        category_rows = conn.execute(categories).all()
        channel_rows = conn.execute(channels).all()
        outcome_rows = conn.execute(outcomes).all()
        department_rows = conn.execute(departments).mappings().all()

    total = int(h["total"])
    closed = int(h["closed"])
    counts = {key: int(value) for key, value in h.items()}

    group_count: dict[str | None, int] = {key: int(n) for key, n in group_rows}
    by_group = []
    # Every group of the taxonomy is listed, zero or not: it is how the office sorts its work.
    for key in [*tax.groups, *(k for k in group_count if k not in tax.groups)]:
        count = group_count.get(key, 0)
        if count or key in tax.groups:
            name = tax.group_name(key) if key else UNCLASSIFIED
            by_group.append({"_key": key, "name": name, "count": count, "pct": pct(count, total)})
    _sorted(by_group, _order(list(tax.groups)), "count")

    by_category = [
        {
            "_key": key,
            "group": tax.group_name(group) if group else UNCLASSIFIED,
            "name": tax.category_name(key) if key else UNCLASSIFIED,
            "count": int(n),
            "pct": pct(int(n), total),
        }
        for key, group, n in category_rows
    ]
    _sorted(by_category, _order(list(tax.categories)), "count")

    by_channel = [
        {
            "_key": key,
            "name": tax.label("channels", key),
            "count": int(n),
            "pct": pct(int(n), total),
        }
        for key, n in channel_rows
    ]
    _sorted(by_channel, _order(list(tax.enums["channels"])), "count")

    by_outcome = [
        {
            "_key": key,
            "name": tax.label("outcomes", key) if key else NO_OUTCOME,
            "count": int(n),
            "pct": pct(int(n), closed),
            "aid_yuan": yuan(int(fen)),
        }
        for key, n, fen in outcome_rows
    ]
    _sorted(by_outcome, _order(list(tax.enums["outcomes"])), "count")

    by_department = []
    for row in department_rows:
        assigned, dept_closed, rated = int(row["assigned"]), int(row["closed"]), int(row["rated"])
        on_time, overdue, good = (
            int(row["closed_on_time"]),
            int(row["overdue_open"]),
            int(row["good"]),
        )
        by_department.append(
            {
                "_key": row["lead_dept"],
                "name": row["lead_dept"],
                "count": assigned,
                "pct": pct(assigned, total),
                "assigned": assigned,
                "closed": dept_closed,
                "closed_on_time": on_time,
                "on_time_rate_pct": pct(on_time, dept_closed),
                "overdue_open": overdue,
                "rated": rated,
                "satisfaction_pct": pct(good, rated),
                "score": department_score(
                    closed=dept_closed,
                    closed_on_time=on_time,
                    rated=rated,
                    satisfied_or_basic=good,
                    assigned=assigned,
                    overdue_open=overdue,
                ),
            }
        )
    _sorted(by_department, _order(list(tax.departments)), "count")

    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "total": total,
        "previous_total": int(b["total"]),
        "total_change_pct": change_pct(total, int(b["total"])),
        "first_time": counts["first_time"],
        "repeat": counts["repeat"],
        "previous_repeat": int(b["repeat"]),
        "repeat_change_pct": change_pct(counts["repeat"], int(b["repeat"])),
        "bypass": counts["bypass"],
        "collective": counts["collective"],
        "not_accepted": counts["not_accepted"],
        "accepted": counts["accepted"],
        "closed": closed,
        "open": counts["open"],
        "overdue_open": counts["overdue_open"],
        "first_time_closed": counts["first_time_closed"],
        "first_time_one_time": counts["first_time_one_time"],
        "one_time_rate_pct": pct(counts["first_time_one_time"], counts["first_time_closed"]),
        "closed_on_time": counts["closed_on_time"],
        "on_time_rate_pct": pct(counts["closed_on_time"], closed),
        "decided": counts["decided"],
        "decided_in_time": counts["decided_in_time"],
        "timely_acceptance_pct": pct(counts["decided_in_time"], counts["decided"]),
        "rated": counts["rated"],
        "satisfied": counts["satisfied"],
        "basically_satisfied": counts["basically_satisfied"],
        "dissatisfied": counts["dissatisfied"],
        "satisfaction_pct": pct(
            counts["satisfied"] + counts["basically_satisfied"], counts["rated"]
        ),
        "aided": counts["aided"],
        "aid_total_yuan": yuan(counts["aid_fen"]),
        "by_group": by_group,
        "by_category": by_category,
        "by_channel": by_channel,
        "by_outcome": by_outcome,
        "by_department": by_department,
        # beyond the contract: what a reader needs to read the figures right
        "complete": as_of >= date(year, 12, 31),
        "collective_threshold": tax.collective_threshold,
        "score_formula": SCORE_FORMULA,
    }


# --- monthly -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthWindow:
    year: int
    month: int
    as_of: date

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The day the month's open/overdue/due-soon figures are taken: month end or as-of."""
        return min(month_end(self.year, self.month), self.as_of)

    def shifted(self, by: int) -> tuple[date, date]:
        y, m = shift_month(self.year, self.month, by)
        return date(y, m, 1), min(month_end(y, m), self.as_of)


def _text_has(word: str) -> ColumnElement[bool]:
    return or_(
        C.summary.contains(word, autoescape=True),
        func.coalesce(C.content, "").contains(word, autoescape=True),
    )


def monthly(ledger: Ledger, *, year: int, month: int, as_of: date) -> dict[str, Any]:
    """`report monthly`: the month against the previous month and the same month last year."""
    check_month(year, month, as_of)
    tax = ledger.taxonomy
    window = MonthWindow(year, month, as_of)
    end = window.end
    at = AsOf(end)
    in_month = _received(window.start, end)
    prev_start, prev_end = window.shifted(-1)
    in_prev = _received(prev_start, prev_end)
    last_year_start, last_year_end = window.shifted(-12)
    in_last_year = _received(last_year_start, last_year_end)
    collective = C.persons >= tax.collective_threshold
    repeat = C.repeat_of.is_not(None)
    bypass = C.bypass == true()
    due_soon = at.due_soon(tax.warn_days, ledger.calendar)

    received = select(
        _n(in_month).label("received"),
        _n(in_prev).label("previous_month"),
        _n(in_last_year).label("same_month_last_year"),
        _n(and_(in_month, repeat)).label("repeat"),
        _n(and_(in_month, collective)).label("collective"),
        _n(and_(in_month, bypass)).label("bypass"),
    ).where(or_(in_month, in_prev, in_last_year))
    closed = select(func.count()).where(C.closed_on >= window.start, C.closed_on <= end)
    backlog = select(
        _n(at.open).label("open_at_end"),
        _n(at.overdue).label("overdue"),
        _n(due_soon).label("due_soon"),
    ).where(C.received_on <= end, at.maybe_open)
    categories = (
        select(
            C.category,
            func.max(C.group_key).label("group_key"),
            _n(in_month).label("n"),
            _n(in_prev).label("previous"),
        )
        .where(or_(in_month, in_prev))
        .group_by(C.category)
    )
    departments = (
        select(
            C.lead_dept,
            _n(and_(in_month, at.accepted)).label("received"),
            _n(at.handling).label("open"),
            _n(and_(at.handling, at.overdue)).label("overdue"),
        )
        .where(
            C.lead_dept.is_not(None),
            C.received_on <= end,
            at.accepted,
            or_(in_month, at.handling),
        )
        .group_by(C.lead_dept)
    )
    terms = list(dict.fromkeys(tax.topic_words))
    topics = (
        select(
            *[_n(and_(in_month, _text_has(t))) for t in terms],
            *[_n(and_(in_prev, _text_has(t))) for t in terms],
        ).where(or_(in_month, in_prev))
        if terms
        else None
    )
    sensitive = (
        or_(*[_text_has(w) for w in tax.sensitive_words]) if tax.sensitive_words else false()
    )
    flagged = select(
        C.number, C.summary, C.content, C.confidential, C.persons, C.bypass, C.repeat_of
    ).where(in_month, or_(collective, bypass, repeat, sensitive))
    deadline_rows = select(
        C.number,
        C.summary,
        C.confidential,
        C.lead_dept,
        C.day_mode,
        at.registered.label("registered"),
        at.due.label("due"),
        at.overdue.label("overdue"),
    ).where(C.received_on <= end, at.maybe_open, at.open, or_(at.overdue, due_soon))

    with _connect(ledger) as conn:
        r = {k: int(v) for k, v in conn.execute(received).mappings().one().items()}
        closed_count = int(conn.execute(closed).scalar_one())
        back = {k: int(v) for k, v in conn.execute(backlog).mappings().one().items()}
        category_rows = conn.execute(categories).all()
        department_rows = conn.execute(departments).mappings().all()
        topic_row = list(conn.execute(topics).one()) if topics is not None else []
        flagged_rows = conn.execute(flagged).mappings().all()
        deadline_list = conn.execute(deadline_rows).mappings().all()
        petitioner_groups = _frequent_petitioners(conn, tax, window)

    settings = risk.RiskSettings.from_taxonomy(tax)
    by_category = []
    for key, group, n, previous in category_rows:
        name = tax.category_name(key) if key else UNCLASSIFIED
        level, reasons = risk.category_risk(int(n), int(previous), settings)
        by_category.append(
            {
                "_key": key,
                "group": tax.group_name(group) if group else UNCLASSIFIED,
                "name": name,
                "count": int(n),
                "previous": int(previous),
                "change_pct": change_pct(int(n), int(previous)),
                "risk": level,
                "reasons": reasons,
            }
        )
    _sorted(by_category, _order(list(tax.categories)), "count", "previous")
    category_facts = [
        risk.CategoryFacts(name=c["name"], count=c["count"], previous=c["previous"])
        for c in by_category
    ]

    dept_rank = _order(list(tax.departments))
    by_department = [
        {
            "name": row["lead_dept"],
            "received": int(row["received"]),
            "open": int(row["open"]),
            "overdue": int(row["overdue"]),
        }
        for row in department_rows
    ]
    # The meeting asks "which departments are late": the most overdue first.
    by_department.sort(
        key=lambda d: (-d["overdue"], -d["open"], -d["received"], dept_rank.get(d["name"], 0))
    )

    hot_topics: list[dict[str, Any]] = []
    for index, term in enumerate(terms):
        count, previous = int(topic_row[index]), int(topic_row[len(terms) + index])
        if count or previous:
            hot_topics.append(
                {
                    "term": term,
                    "count": count,
                    "previous": previous,
                    "change_pct": change_pct(count, previous),
                    "surge": risk.topic_surges(count, previous, settings),
                }
            )
    hot_topics.sort(key=lambda t: (-t["count"], -t["previous"], terms.index(t["term"])))

    flagged_facts = [
        risk.CaseFacts(
            number=row["number"],
            summary=row["summary"],
            content=row["content"] or "",
            confidential=bool(row["confidential"]),
            persons=int(row["persons"]),
            bypass=bool(row["bypass"]),
            repeat_of=row["repeat_of"],
        )
        for row in flagged_rows
    ]
    deadline_facts = []
    for row in deadline_list:
        due = row["due"]
        if isinstance(due, str):  # a CASE over date columns comes back untyped from SQLite
            due = date.fromisoformat(due)
        mode: deadlines.DayMode = "working" if row["day_mode"] == "working" else "calendar"
        deadline_facts.append(
            risk.DeadlineFacts(
                number=row["number"],
                summary=row["summary"],
                confidential=bool(row["confidential"]),
                stage="accept" if row["registered"] else "handle",
                due=due,
                lead_dept=row["lead_dept"],
                overdue=bool(row["overdue"]),
                days_overdue=deadlines.days_overdue(due, end),
                days_left=deadlines.days_left(due, end, mode=mode, calendar=ledger.calendar),
                day_mode=mode,
            )
        )
    alerts = risk.monthly_alerts(
        cases=flagged_facts,
        deadlines=deadline_facts,
        categories=category_facts,
        petitioners=petitioner_groups,
        taxonomy=tax,
        settings=settings,
    )
    return {
        "month": f"{year}-{month:02d}",
        "as_of": as_of.isoformat(),
        "received": r["received"],
        "previous_month": r["previous_month"],
        "change_pct": change_pct(r["received"], r["previous_month"]),
        "same_month_last_year": r["same_month_last_year"],
        "yoy_change_pct": change_pct(r["received"], r["same_month_last_year"]),
        "closed": closed_count,
        "open_at_end": back["open_at_end"],
        "overdue": back["overdue"],
        "due_soon": back["due_soon"],
        "repeat": r["repeat"],
        "collective": r["collective"],
        "bypass": r["bypass"],
        "by_category": by_category,
        "by_department": by_department,
        "hot_topics": hot_topics,
        "alerts": alerts,
        # beyond the contract
        "period_end": end.isoformat(),
        "complete": as_of >= month_end(year, month),
        "warn_days": tax.warn_days,
        "collective_threshold": tax.collective_threshold,
    }


def _frequent_petitioners(
    conn: Connection, tax: Taxonomy, window: MonthWindow
) -> list[risk.PetitionerFacts]:
    """Petitioners with ≥ N cases received in the window ending at the month's end, at least one
    of them in the month. One petitioner = same phone, same ID number, or same name and unit."""
    settings = risk.RiskSettings.from_taxonomy(tax)
    end = window.end
    start = end - timedelta(days=settings.petitioner_window_days - 1)
    in_window = _received(start, end)
    # A case can belong to a petitioner's group only if it shares some key with another case in
    # the window; which cases form one petitioner (and how many) is settled below, across keys.
    shared: list[ColumnElement[bool]] = []
    for columns in ((C.phone,), (C.id_number,), (C.name, C.unit)):
        repeated = (
            select(*columns)
            .where(in_window, *[c.is_not(None) for c in columns], *[c != "" for c in columns])
            .group_by(*columns)
            .having(func.count() >= 2)
        )
        target = columns[0] if len(columns) == 1 else tuple_(*columns)
        shared.append(target.in_(repeated))

    members = (
        conn.execute(
            select(
                C.number,
                C.received_on,
                C.phone,
                C.id_number,
                C.name,
                C.unit,
                C.summary,
                C.confidential,
            )
            .where(in_window, or_(*shared))
            .order_by(C.received_on, C.number)
        )
        .mappings()
        .all()
    )
    # Join cases that share any one key (union-find over a few rows).
    parent = {m["number"]: m["number"] for m in members}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    first_with: dict[tuple[Any, ...], str] = {}
    for m in members:
        for key in (("phone", m["phone"]), ("id", m["id_number"]), ("nu", m["name"], m["unit"])):
            if any(v in (None, "") for v in key[1:]):
                continue
            if key in first_with:
                parent[root(m["number"])] = root(first_with[key])
            else:
                first_with[key] = m["number"]
    groups: dict[str, list[Any]] = {}
    for m in members:
        groups.setdefault(root(m["number"]), []).append(m)
    out = []
    for group in groups.values():
        dates = [g["received_on"] for g in group]
        in_month = any(
            window.start <= (d if isinstance(d, date) else date.fromisoformat(d)) <= end
            for d in dates
        )
        if len(group) >= settings.petitioner_cases and in_month:
            latest = group[-1]
            out.append(
                risk.PetitionerFacts(
                    numbers=tuple(g["number"] for g in group),
                    window_days=settings.petitioner_window_days,
                    summary=risk.CONFIDENTIAL_TEXT if latest["confidential"] else latest["summary"],
                )
            )
    return out
