"""`report annual` (docs/json.md, docs/figures.md): the year's cohort of cases, each figure an SQL
aggregate.

Owns the as-of semantics of docs/figures.md for the year: a case received
after the as-of date is not in the report, and a step dated after it (受理、不予受理、延期、
办结、评价) has not happened yet — a case's state is derived in SQL from its dates (`standing.AsOf`),
never read from the `status` column (which says where the case is *today*). Returns a plain
JSON-ready dict in the documented key order, with Chinese labels as `name`s; `sheets.py` and
`render.py` turn it into tables and files, `summary.py` into the year-end paragraph. Also owns
the department score of the scorecard.

Nothing loops over every case in Python: the figures are GROUP BY / SUM(CASE …) queries over
`received_on`, `closed_on`, `repeat_of`, `lead_dept` and `category` (all indexed).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select

from .activities import year_totals
from .aggregates import (
    UNCLASSIFIED,
    C,
    check_year,
    connect,
    count_if,
    rank,
    sort_items,
)
from .figure_keys import annual_cohort, annual_conditions, by_month, hot_topics, two_cohorts
from .figures import change_pct, pct, round1, yuan
from .labels import PENDING_GROUP
from .ledger import Ledger
from .privacy import mask_name
from .standing import AsOf

NO_OUTCOME = "未填写"
NO_IDENTITY = "未填"
AID_OUTCOME = "assisted"  # 帮扶到位: the outcome whose cases carry an aid amount
LARGEST_AID = 5  # the largest aid cases the annual report lists
TREND_YEARS = 5

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


def annual(ledger: Ledger, *, year: int, as_of: date) -> dict[str, Any]:
    """`report annual`: the cohort of cases received in `year`, seen as of `as_of`.

    previous_total / previous_repeat: the cases received in year − 1 seen as of the same date
    (for an as-of inside `year`, that is the whole previous year against part of this one).
    """
    check_year(year, as_of)
    tax = ledger.taxonomy
    at = AsOf(as_of)
    cohort = annual_cohort(year, as_of)
    previous = annual_cohort(year - 1, as_of)
    figure = annual_conditions(at, collective_threshold=tax.collective_threshold)
    repeat = figure["repeat"]
    satisfied_or_basic = C.rating.in_(("satisfied", "basically_satisfied"))

    headline = select(
        *[count_if(condition).label(key) for key, condition in figure.items()],
        func.coalesce(func.sum(case((figure["aided"], C.aid_fen), else_=0)), 0).label("aid_fen"),
        count_if(and_(at.closed, C.outcome == AID_OUTCOME, func.coalesce(C.aid_fen, 0) <= 0)).label(
            "aid_without_amount"
        ),
        count_if(at.registered).label("pending"),
        count_if(and_(at.registered, at.overdue)).label("pending_overdue"),
    ).where(cohort)
    # last year's cohort: its totals, and the counts behind its row of the trend
    before = select(count_if(repeat).label("repeat"), *_rate_columns(figure)).where(previous)
    # the year by group, channel and identity at once: one read of its cases, summed below
    mix = (
        select(C.group_key, C.channel, C.identity, func.count())
        .where(cohort)
        .group_by(C.group_key, C.channel, C.identity)
    )
    categories = (
        select(
            C.category,
            func.max(C.group_key).label("group_key"),
            count_if(cohort).label("n"),
            count_if(previous).label("previous"),
        )
        .where(two_cohorts(year, as_of))
        .group_by(C.category)
    )
    aid_query = (
        select(C.number, C.category, C.name, C.confidential, C.purged_on, C.aid_fen)
        .where(cohort, at.closed, C.aid_fen > 0)
        .order_by(C.aid_fen.desc(), C.number)
        .limit(LARGEST_AID)
    )
    outcomes = (
        select(
            C.outcome,
            func.count().label("n"),
            func.coalesce(func.sum(case((C.aid_fen > 0, C.aid_fen), else_=0)), 0).label("fen"),
        )
        .where(cohort, at.closed)
        .group_by(C.outcome)
    )

    def departments(lead: ColumnElement[Any]) -> Select[Any]:
        return (
            select(
                lead.label("lead_dept"),
                func.count().label("assigned"),
                count_if(at.closed).label("closed"),
                count_if(at.closed_on_time).label("closed_on_time"),
                count_if(and_(at.handling, at.overdue)).label("overdue_open"),
                count_if(at.rated).label("rated"),
                count_if(and_(at.rated, satisfied_or_basic)).label("good"),
            )
            .where(cohort, at.accepted, C.lead_dept.is_not(None))
            .group_by(lead)
        )

    with connect(ledger) as conn:
        h = conn.execute(headline).mappings().one()
        b = conn.execute(before).mappings().one()
        mix_rows = conn.execute(mix).all()
        category_rows = [row for row in conn.execute(categories).all() if row.n]
        aid_rows = conn.execute(aid_query).mappings().all()
        this_year = {key: int(h[key]) for key in RATE_KEYS}
        this_year["good"] = int(h["satisfied"]) + int(h["basically_satisfied"])
        known = {year: this_year, year - 1: {key: int(b[key]) for key in ("good", *RATE_KEYS)}}
        trend = _trend(conn, year=year, as_of=as_of, known=known)
        outcome_rows = conn.execute(outcomes).all()
        department_rows = conn.execute(departments(at.lead_in(conn))).mappings().all()
        activities = year_totals(conn, ledger, year=year, as_of=as_of)
        months = by_month(conn, year=year, as_of=as_of)
        topics = hot_topics(conn, tax, year=year, as_of=as_of)

    total = int(h["total"])
    closed = int(h["closed"])
    counts = {key: int(value) for key, value in h.items()}

    group_count: dict[str | None, int] = {}
    channel_count: dict[str, int] = {}
    identity_count: dict[str | None, int] = {}
    for group_key, channel, identity, n in mix_rows:
        group_count[group_key] = group_count.get(group_key, 0) + int(n)
        channel_count[channel] = channel_count.get(channel, 0) + int(n)
        identity_count[identity] = identity_count.get(identity, 0) + int(n)
    by_group = []
    # Every group of the taxonomy is listed, zero or not: it is how the office sorts its work.
    for key in [*tax.groups, *(k for k in group_count if k not in tax.groups)]:
        count = group_count.get(key, 0)
        if count or key in tax.groups:
            name = tax.group_name(key) if key else UNCLASSIFIED
            by_group.append({"_key": key, "name": name, "count": count, "pct": pct(count, total)})
    sort_items(by_group, rank(list(tax.groups)), "count")

    by_category = [
        {
            "_key": key,
            "group": tax.group_name(group) if group else UNCLASSIFIED,
            "name": tax.category_name(key) if key else UNCLASSIFIED,
            "count": int(n),
            "pct": pct(int(n), total),
            "previous": int(before),
            "change_pct": change_pct(int(n), int(before)),
        }
        for key, group, n, before in category_rows
    ]
    sort_items(by_category, rank(list(tax.categories)), "count")

    by_channel = [
        {
            "_key": key,
            "name": tax.label("channels", key),
            "count": n,
            "pct": pct(n, total),
        }
        for key, n in channel_count.items()
    ]
    sort_items(by_channel, rank(list(tax.enums["channels"])), "count")

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
    sort_items(by_outcome, rank(list(tax.enums["outcomes"])), "count")

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
    sort_items(by_department, rank(list(tax.departments)), "count")
    # The scorecard: by score (then cases); a department with too few cases to judge is marked
    # 样本较少 and comes after the others; departments not scored yet last.
    for item in by_department:
        item["small_sample"] = min(item["assigned"], item["rated"]) < tax.scorecard_min_cases
    by_department.sort(
        key=lambda d: (d["small_sample"], d["score"] is None, -(d["score"] or 0), -d["count"])
    )
    if counts["pending"]:
        # Cases the office has not yet accepted or rejected have no lead department; their row
        # makes the overdue column add up to overdue_open.
        by_department.append(
            {
                "name": PENDING_GROUP,
                "count": counts["pending"],
                "pct": pct(counts["pending"], total),
                "assigned": 0,
                "closed": 0,
                "closed_on_time": 0,
                "on_time_rate_pct": None,
                "overdue_open": counts["pending_overdue"],
                "rated": 0,
                "satisfaction_pct": None,
                "score": None,
                "small_sample": False,
                "pending": True,
            }
        )

    identity_keys = list(tax.enums.get("identities", {}))
    by_identity = [
        {
            "_key": key,
            "name": tax.label("identities", key) if key else NO_IDENTITY,
            "count": n,
            "pct": pct(n, total),
        }
        for key, n in identity_count.items()
    ]
    sort_items(by_identity, rank([*identity_keys]), "count")
    # 未填 last, whatever its count: it is not an identity
    by_identity.sort(key=lambda item: item["name"] == NO_IDENTITY)

    largest_aid = [
        {
            "number": row["number"],
            "category": tax.category_name(row["category"]) if row["category"] else UNCLASSIFIED,
            "name": _petitioner(row["name"], row["confidential"], row["purged_on"]),
            "aid_yuan": yuan(int(row["aid_fen"])),
        }
        for row in aid_rows
    ]

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
        # 参评率: the share of closed cases the petitioner rated (assessed beside 满意率)
        "rating_participation_pct": pct(counts["rated"], closed),
        "aided": counts["aided"],
        "aid_total_yuan": yuan(counts["aid_fen"]),
        "by_group": by_group,
        "by_category": by_category,
        "by_channel": by_channel,
        "by_outcome": by_outcome,
        "by_department": by_department,
        "activities": activities,
        "aid_without_amount": counts["aid_without_amount"],
        "largest_aid": largest_aid,
        "by_identity": by_identity,
        "trend": trend,
        "hot_topics": topics,
        "by_month": months,
        # beyond the headline figures: what a reader needs to read the figures right
        "complete": as_of >= date(year, 12, 31),
        "collective_threshold": tax.collective_threshold,
        "scorecard_min_cases": tax.scorecard_min_cases,
        "score_formula": SCORE_FORMULA,
    }


def _petitioner(name: str | None, confidential: bool, purged_on: date | None) -> str:
    """Who a listed case came from, as a report may say it: masked, never in full."""
    if confidential:
        return "（保密）"
    if purged_on is not None:
        return "（已清除）"
    return mask_name(name) or "（匿名）"


RATE_KEYS = (
    "total",
    "first_time_closed",
    "first_time_one_time",
    "closed",
    "closed_on_time",
    "rated",
)


def _rate_columns(figure: dict[str, ColumnElement[bool]]) -> list[Any]:
    """The counts behind the three rates of the trend, as columns over one year's cohort: the
    headline's own conditions (figure_keys), so a year's trend row is its report's."""
    good = or_(figure["satisfied"], figure["basically_satisfied"])
    return [
        func.count().label("total"),
        *[count_if(figure[key]).label(key) for key in RATE_KEYS[1:]],
        count_if(good).label("good"),
    ]


def _rates(conn: Connection, cohort: ColumnElement[bool], as_of: date) -> dict[str, int]:
    """The trend's counts for one year's cohort seen on `as_of`."""
    figure = annual_conditions(AsOf(as_of), collective_threshold=0)
    query = select(*_rate_columns(figure)).where(cohort)
    return {key: int(value) for key, value in conn.execute(query).mappings().one().items()}


def _trend(
    conn: Connection, *, year: int, as_of: date, known: dict[int, dict[str, int]]
) -> list[dict[str, Any]]:
    """Up to five years ending with `year`, each seen as the report sees last year (cases
    received by the as-of date, steps up to it); years without cases are left out. `known`: the
    years the report has already counted (this year and last)."""
    out = []
    for y in range(year - TREND_YEARS + 1, year + 1):
        n = known[y] if y in known else _rates(conn, annual_cohort(y, as_of), as_of)
        if not n["total"]:
            continue
        out.append(
            {
                "year": y,
                "total": n["total"],
                "one_time_rate_pct": pct(n["first_time_one_time"], n["first_time_closed"]),
                "on_time_rate_pct": pct(n["closed_on_time"], n["closed"]),
                "satisfaction_pct": pct(n["good"], n["rated"]),
            }
        )
    return out
