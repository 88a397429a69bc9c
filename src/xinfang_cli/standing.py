"""Where a case stands on a date — which deadline it is running against, if it is open at all.

A step dated after the date has not happened yet (docs/figures.md), so a past date sees
the case as it was then. The rule is written twice, once per place it runs, and only here:
`standing()` for one case in Python (list, overdue), `AsOf` as SQL expressions for aggregates and
filters over many cases (reports, `list --overdue`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select

from . import deadlines
from .models import Case, LeadChange

CASE = (Case.__table__).c  # type: ignore[attr-defined]
LEAD = (LeadChange.__table__).c  # type: ignore[attr-defined]


class Dated(Protocol):
    """The dated steps of a case (a Case row, or the few columns a query loaded)."""

    @property
    def received_on(self) -> date: ...

    @property
    def accept_due(self) -> date: ...

    @property
    def accepted_on(self) -> date | None: ...

    @property
    def rejected_on(self) -> date | None: ...

    @property
    def closed_on(self) -> date | None: ...

    @property
    def handle_due(self) -> date | None: ...

    @property
    def extended_on(self) -> date | None: ...

    @property
    def due_on(self) -> date | None: ...


class Stored(Protocol):
    """A stored case: its status column (where it stands today) and its two deadlines."""

    @property
    def status(self) -> str: ...
    @property
    def accept_due(self) -> date: ...
    @property
    def due_on(self) -> date | None: ...


def current_due(case: Stored) -> date | None:
    """The deadline a stored case is running against today: acceptance or handling."""
    if case.status == "registered":
        return case.accept_due
    if case.status == "handling":
        return case.due_on
    return None


def decided_late(case: Dated) -> bool:
    """Accepted or rejected after the acceptance deadline (受理告知超期)."""
    decided = case.accepted_on or case.rejected_on
    return decided is not None and decided > case.accept_due


def closed_late_days(case: Dated) -> int:
    """Calendar days a closed case was closed after its handling deadline (0: on time)."""
    if case.closed_on is None or case.due_on is None:
        return 0
    return deadlines.days_overdue(case.due_on, case.closed_on)


def standing(case: Dated, as_of: date) -> tuple[str, date] | None:
    """Which deadline the case was running against on `as_of` — ("accept", 受理期限) or
    ("handle", 办结期限, with an extension only once it was granted) — or None when it was not
    open then. A step dated after `as_of` has not happened yet (docs/figures.md)."""
    if case.received_on > as_of:
        return None
    if case.rejected_on is not None and case.rejected_on <= as_of:
        return None
    if case.accepted_on is None or case.accepted_on > as_of:
        return "accept", case.accept_due
    if case.closed_on is not None and case.closed_on <= as_of:
        return None
    extended = case.extended_on is not None and case.extended_on <= as_of
    due = case.due_on if extended else case.handle_due
    return ("handle", due) if due is not None else None


def is_overdue(case: Dated, as_of: date) -> bool:
    running = standing(case, as_of)
    return running is not None and deadlines.is_overdue(running[1], as_of)


def overdue_days(case: Dated, as_of: date) -> int:
    """Calendar days past the deadline the case was running against on `as_of` (0: not overdue)."""
    running = standing(case, as_of)
    return deadlines.days_overdue(running[1], as_of) if running else 0


def _happened(column: Any, on: date) -> ColumnElement[bool]:
    # `x IS NOT NULL AND x <= :on` is never NULL, so NOT(...) of it is safe.
    return and_(column.is_not(None), column <= on)


class AsOf:
    """SQL expressions for where each case stands at the end of the day `on`."""

    def __init__(self, on: date) -> None:
        self.on = on
        # The lead department on `on`: a handover (reassign) dated later has not happened yet.
        later_handover = (
            select(LEAD.from_dept)
            .where(LEAD.case_id == CASE.id, LEAD.on_date > on)
            .order_by(LEAD.on_date, LEAD.id)
            .limit(1)
            .scalar_subquery()
        )
        self.lead = func.coalesce(later_handover, CASE.lead_dept)
        self.accepted = _happened(CASE.accepted_on, on)
        self.rejected = _happened(CASE.rejected_on, on)
        self.closed = _happened(CASE.closed_on, on)
        # An extension dated after `on` has not been granted yet: the original due date stands.
        self.extended = _happened(CASE.extended_on, on)
        self.not_accepted = and_(self.rejected, not_(self.closed))
        self.handling = and_(self.accepted, not_(self.closed), not_(self.rejected))
        self.registered = and_(not_(self.accepted), not_(self.rejected), not_(self.closed))
        self.open = or_(self.handling, self.registered)
        # Implied by `open`, but written so SQLite can answer it from the closed_on index
        # instead of reading every case ever received.
        self.maybe_open = or_(CASE.closed_on.is_(None), CASE.closed_on > on)
        self.handling_due = case((self.extended, CASE.due_on), else_=CASE.handle_due)
        self.due = case((self.registered, CASE.accept_due), else_=self.handling_due)
        self.overdue = or_(
            and_(self.registered, CASE.accept_due < on),
            and_(self.handling, self.handling_due < on),
        )
        self.decided = or_(self.accepted, self.rejected)
        decided_on = case((self.accepted, CASE.accepted_on), else_=CASE.rejected_on)
        self.decided_in_time = and_(self.decided, decided_on <= CASE.accept_due)
        self.closed_on_time = and_(self.closed, CASE.closed_on <= self.handling_due)
        # A rating entered without a date counts from the closing date (docs/figures.md).
        self.rated = and_(
            self.closed,
            CASE.rating.is_not(None),
            func.coalesce(CASE.rated_on, CASE.closed_on) <= on,
        )

    def lead_in(self, conn: Any) -> ColumnElement[Any]:
        """`lead` for a query on `conn`: the lead column itself when the ledger holds no handover
        dated after `on` (a report as of today), sparing a subquery per case."""
        later = conn.execute(select(LEAD.id).where(LEAD.on_date > self.on).limit(1)).first()
        return self.lead if later is not None else CASE.lead_dept

    def awaiting_followup(self, after_days: int) -> ColumnElement[bool]:
        """回访: closed at least `after_days` days before `on` and not rated by then — the one
        definition behind `followup` and `report monthly`'s `awaiting_followup`."""
        # = closed, not voided, closed_on <= the cut-off and NOT rated, written so each branch of
        # the OR has its own index: closed by the cut-off (<= on), "not rated by `on`" is "no
        # rating" or "rated after `on`" (a rating without a date counts from closed_on <= on).
        return and_(CASE.status != "voided", self.unrated_after_closing(after_days))

    def unrated_after_closing(self, after_days: int) -> ColumnElement[bool]:
        """`awaiting_followup` but for the status: every case it needs is in the two indexes
        (rating, closed_on) and (rated_on), so a count of it reads no case row; the few voided
        cases are then taken off (`count_awaiting_followup`)."""
        cutoff = self.on - timedelta(days=after_days)
        return or_(
            and_(CASE.rating.is_(None), CASE.closed_on <= cutoff),
            # (rated_on's upper bound, always met, keeps SQLite on its index: `open_at`)
            and_(CASE.rated_on > self.on, CASE.rated_on <= date.max, CASE.closed_on <= cutoff),
        )

    def count_awaiting_followup(self, conn: Any, after_days: int) -> int:
        """How many cases `awaiting_followup` holds: those closed and unrated, less the voided
        among them — a count over two indexes and the status index, where the condition itself
        reads every unrated closed case's row for its status (a quarter of a ledger)."""
        unrated = self.unrated_after_closing(after_days)
        every = conn.execute(select(func.count()).where(unrated)).scalar_one()
        voided = conn.execute(
            select(func.count()).where(CASE.status == "voided", unrated)
        ).scalar_one()
        return int(every) - int(voided)

    def due_soon(self, warn_days: int, calendar: deadlines.WorkCalendar) -> ColumnElement[bool]:
        """Open, not overdue, due within the warning window — deadlines.in_warning_window in SQL.

        in_warning_window(due, on, w) ⇔ on ≤ due ≤ due_date(on, w, mode): the right bound is one
        date per day-counting mode, computed once here, so each case is compared in SQL.
        """
        bounds = {
            mode: deadlines.due_date(self.on, warn_days, mode=mode, calendar=calendar)
            for mode in deadlines.DAY_MODES
        }
        within = or_(
            and_(CASE.day_mode == "working", self.due <= bounds["working"]),
            and_(CASE.day_mode != "working", self.due <= bounds["calendar"]),
        )
        return and_(self.open, self.due >= self.on, within)
