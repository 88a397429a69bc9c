"""`report monthly` (docs/json.md, docs/figures.md): the month for the situation meeting — received
against the previous month and the same month last year, the open, overdue and due-soon cases
at the month's end (or the as-of date), categories and hot topics against the previous month,
departments, and the facts the risk rules (`risk.py`) turn into alerts: the month's flagged
cases, the cases near or past their deadline, and petitioners with several cases in a window.
Each figure is an SQL aggregate; only the few cases that raise an alert come back as rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)

from . import deadlines, risk
from .aggregates import (
    LIVE,
    UNCLASSIFIED,
    C,
    Unindexed,
    check_month,
    connect,
    count_if,
    open_at,
    open_is_narrower,
    rank,
    received_between,
    sort_items,
)
from .dates import month_end, month_start, shift_month
from .figure_keys import Month, mention_counts, mentions, monthly_conditions
from .figures import change_pct
from .labels import PENDING_GROUP
from .ledger import Ledger
from .standing import AsOf
from .taxonomy import Taxonomy


@dataclass(frozen=True)
class MonthWindow:
    year: int
    month: int
    as_of: date

    @property
    def start(self) -> date:
        return month_start(self.year, self.month)

    @property
    def end(self) -> date:
        """The day the month's open/overdue/due-soon figures are taken: month end or as-of."""
        return min(month_end(self.year, self.month), self.as_of)

    def shifted(self, by: int) -> tuple[date, date]:
        y, m = shift_month(self.year, self.month, by)
        return month_start(y, m), min(month_end(y, m), self.as_of)


def monthly(ledger: Ledger, *, year: int, month: int, as_of: date) -> dict[str, Any]:
    """`report monthly`: the month against the previous month and the same month last year."""
    check_month(year, month, as_of)
    tax = ledger.taxonomy
    window = MonthWindow(year, month, as_of)
    end = window.end
    at = AsOf(end)
    in_month = received_between(window.start, end)
    prev_start, prev_end = window.shifted(-1)
    in_prev = received_between(prev_start, prev_end)
    last_year_start, last_year_end = window.shifted(-12)
    in_last_year = received_between(last_year_start, last_year_end)
    collective = C.persons >= tax.collective_threshold
    repeat = C.repeat_of.is_not(None)
    bypass = C.bypass == true()
    due_soon = at.due_soon(tax.warn_days, ledger.calendar)
    figure = monthly_conditions(
        Month(window.start, end),
        at,
        collective_threshold=tax.collective_threshold,
        due_soon=due_soon,
    )

    received = select(
        count_if(figure["received"]).label("received"),
        count_if(in_prev).label("previous_month"),
        count_if(in_last_year).label("same_month_last_year"),
        count_if(figure["repeat"]).label("repeat"),
        count_if(figure["collective"]).label("collective"),
        count_if(figure["bypass"]).label("bypass"),
        count_if(and_(figure["received"], at.accepted)).label("accepted"),
    ).where(or_(in_month, in_prev, in_last_year))
    closed = select(func.count()).where(figure["closed"])
    backlog_counts = select(
        count_if(figure["open_at_end"]).label("open_at_end"),
        count_if(figure["overdue"]).label("overdue"),
        count_if(figure["due_soon"]).label("due_soon"),
        count_if(and_(in_month, at.registered)).label("pending_received"),
        count_if(at.registered).label("pending_open"),
        count_if(and_(at.registered, at.overdue)).label("pending_overdue"),
    )
    categories = (
        select(
            C.category,
            func.max(C.group_key).label("group_key"),
            count_if(in_month).label("n"),
            count_if(in_prev).label("previous"),
        )
        # (the month and the one before are adjacent: one range of the received_on index)
        .where(received_between(prev_start, end))
        .group_by(C.category)
    )
    # by department: the month's accepted cases (the received_on index), and the cases still in
    # hand at the month's end received before it (the closed_on index), added up per department
    in_hand = (
        count_if(at.handling).label("open"),
        count_if(and_(at.handling, at.overdue)).label("overdue"),
    )

    def departments_received(lead: ColumnElement[Any]) -> Select[Any]:
        return (
            select(lead.label("lead_dept"), count_if(at.accepted).label("received"), *in_hand)
            .where(C.lead_dept.is_not(None), in_month, at.accepted)
            .group_by(lead)
        )

    def departments_in_hand(lead: ColumnElement[Any]) -> Select[Any]:
        return (
            select(lead.label("lead_dept"), *in_hand)
            .where(C.lead_dept.is_not(None), LIVE, at.handling)
            .group_by(lead)
        )

    terms = list(dict.fromkeys(tax.topic_words))
    sensitive = or_(*[mentions(w) for w in tax.sensitive_words]) if tax.sensitive_words else false()
    flagged = select(
        C.number, C.summary, C.content, C.confidential, C.persons, C.bypass, C.repeat_of
    ).where(in_month, or_(collective, bypass, repeat, sensitive))
    deadline_columns = select(
        C.number,
        C.summary,
        C.confidential,
        C.lead_dept,
        C.day_mode,
        at.registered.label("registered"),
        at.due.label("due"),
        at.overdue.label("overdue"),
    )
    deadline_where = (LIVE, at.open, or_(at.overdue, due_soon))

    with connect(ledger) as conn:
        few_open = open_is_narrower(conn, end)
        maybe_open = open_at(end, few_open=few_open)
        received_on = Unindexed(C.received_on) if few_open else C.received_on
        backlog = backlog_counts.where(maybe_open, LIVE)
        deadline_rows = deadline_columns.where(maybe_open, *deadline_where)
        r = {k: int(v) for k, v in conn.execute(received).mappings().one().items()}
        closed_count = int(conn.execute(closed).scalar_one())
        # 回访: closed cases still unrated `followup_days` after closing, at the month's end
        awaiting_followup = at.count_awaiting_followup(conn, tax.followup_days)
        back = {k: int(v) for k, v in conn.execute(backlog).mappings().one().items()}
        category_rows = conn.execute(categories).all()
        lead = at.lead_in(conn)
        department_rows = _added_up(
            conn.execute(departments_received(lead)).mappings().all(),
            conn.execute(departments_in_hand(lead).where(maybe_open, received_on < window.start))
            .mappings()
            .all(),
        )
        this_month, last_month = mention_counts(
            conn, terms, ((window.start, end), (prev_start, prev_end))
        )
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
    sort_items(by_category, rank(list(tax.categories)), "count", "previous")
    category_facts = [
        risk.CategoryFacts(name=c["name"], count=c["count"], previous=c["previous"])
        for c in by_category
    ]

    dept_rank = rank(list(tax.departments))
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

    if back["pending_open"]:
        # Registered cases have no lead department yet: the office's own row, last, so the
        # open and overdue columns add up to open_at_end and overdue.
        by_department.append(
            {
                "name": PENDING_GROUP,
                "received": back["pending_received"],
                "open": back["pending_open"],
                "overdue": back["pending_overdue"],
                "pending": True,
            }
        )

    hot_topics: list[dict[str, Any]] = []
    for index, term in enumerate(terms):
        count, previous = this_month[index], last_month[index]
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
        "awaiting_followup": awaiting_followup,
        "repeat": r["repeat"],
        "collective": r["collective"],
        "bypass": r["bypass"],
        # of the cases received in the month, those accepted by its end (received = accepted +
        # not accepted + 待受理)
        "accepted": r["accepted"],
        "by_category": by_category,
        "by_department": by_department,
        "hot_topics": hot_topics,
        "alerts": alerts,
        # beyond the headline figures
        "period_end": end.isoformat(),
        "complete": as_of >= month_end(year, month),
        "warn_days": tax.warn_days,
        "followup_days": tax.followup_days,
        "collective_threshold": tax.collective_threshold,
    }


def _added_up(*parts: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of counts per department from several queries, added up per department."""
    total: dict[str, dict[str, Any]] = {}
    for rows in parts:
        for row in rows:
            name = row["lead_dept"]
            into = total.setdefault(
                name, {"lead_dept": name, "received": 0, "open": 0, "overdue": 0}
            )
            for key in ("received", "open", "overdue"):
                into[key] += int(row.get(key, 0))
    return list(total.values())


def _frequent_petitioners(
    conn: Connection, tax: Taxonomy, window: MonthWindow
) -> list[risk.PetitionerFacts]:
    """Petitioners with ≥ N cases received in the window ending at the month's end, at least one
    of them in the month. One petitioner = same phone, same ID number, or same name and unit."""
    settings = risk.RiskSettings.from_taxonomy(tax)
    end = window.end
    start = end - timedelta(days=settings.petitioner_window_days - 1)
    in_window = received_between(start, end)
    # A case can belong to a petitioner's group only if it shares some key with another case in
    # the window; which cases form one petitioner (and how many) is settled below, across keys.
    shared: list[ColumnElement[bool]] = []
    # (a purge erases the personal keys but leaves a petitioner's cases one common mark)
    for columns in ((C.phone,), (C.id_number,), (C.name, C.unit), (C.petitioner_ref,)):
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
                C.petitioner_ref,
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
        for key in (
            ("phone", m["phone"]),
            ("id", m["id_number"]),
            ("nu", m["name"], m["unit"]),
            ("ref", m["petitioner_ref"]),
        ):
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
