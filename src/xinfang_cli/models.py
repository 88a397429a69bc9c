"""The ledger's tables: cases, their co-departments, the taxonomy versions and the audit events.

A case row carries everything a report needs as plain columns (dates of each step, the lead
department, the limits in force when it was registered), so every figure is one SQL aggregate.
Enumerated values are stored as their English keys; departments by their Chinese name.
Money is stored in fen (integer) so an aid amount is kept exactly.
`status`, `accept_due`, `handle_due` and `due_on` follow from the dated steps and the limits, but
are stored: the morning check reads open cases through the (status, due) indexes, and `verify`
replays each case's events to confirm the stored values agree.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Case(SQLModel, table=True):
    """One petition (信访事项), counted once per receipt (件次)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_cases_year_seq"),
        Index("ix_cases_status_accept_due", "status", "accept_due"),
        Index("ix_cases_status_due_on", "status", "due_on"),
        Index("ix_cases_received_on", "received_on"),
        Index("ix_cases_closed_on", "closed_on"),
        Index("ix_cases_lead_dept", "lead_dept"),
        Index("ix_cases_phone", "phone"),
        Index("ix_cases_id_number", "id_number"),
        Index("ix_cases_name_unit", "name", "unit"),
        Index("ix_cases_repeat_of", "repeat_of"),
        Index("ix_cases_category", "category"),
        Index("ix_cases_provisional", "provisional"),
        Index("ix_cases_petitioner_ref", "petitioner_ref"),
        # 回访: closed cases unrated (rating NULL), or rated only after the date looked at
        Index("ix_cases_rating_closed_on", "rating", "closed_on"),
        Index("ix_cases_rated_on", "rated_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=32)
    year: int
    seq: int
    received_on: date
    channel: str = Field(max_length=32)
    name: str | None = Field(default=None, max_length=64)
    identity: str | None = Field(default=None, max_length=32)
    unit: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, max_length=18)
    persons: int = 1
    summary: str
    content: str | None = None
    nature: str | None = Field(default=None, max_length=32)
    category: str | None = Field(default=None, max_length=32)
    group_key: str | None = Field(default=None, max_length=32)
    repeat_of: str | None = Field(default=None, max_length=32)
    bypass: bool = False
    confidential: bool = False
    status: str = Field(default="registered", max_length=16)
    # the limits in force when the case was registered: a later taxonomy edit never moves them
    accept_days: int
    handle_days: int
    extend_max_days: int
    day_mode: str = Field(default="calendar", max_length=16)
    roll_over: bool = False
    accept_due: date
    # the deadlines (accept_due, handle_due, due_on) counted through a year without holiday
    # data, so only weekends were skipped: corrected when that year's arrangement is added
    provisional: str | None = Field(default=None, max_length=64)
    accepted_on: date | None = None
    lead_dept: str | None = Field(default=None, max_length=64)
    leader: str | None = Field(default=None, max_length=64)
    rejected_on: date | None = None
    reject_reason: str | None = None
    referral: str | None = Field(default=None, max_length=128)
    handle_due: date | None = None
    extended_days: int | None = None
    extend_reason: str | None = None
    extended_on: date | None = None
    extend_approver: str | None = Field(default=None, max_length=64)
    due_on: date | None = None
    closed_on: date | None = None
    outcome: str | None = Field(default=None, max_length=32)
    result: str | None = None
    aid_fen: int | None = None
    rating: str | None = Field(default=None, max_length=32)
    rated_on: date | None = None
    # 作废 (entered by mistake): status "voided"; the case leaves every list, report and check
    voided_on: date | None = None
    void_reason: str | None = None
    # retention (purge): the petitioner's name, phone, ID number and unit erased on this date;
    # cases of one petitioner keep a random common mark, so repeat-petitioner figures stay
    purged_on: date | None = None
    petitioner_ref: str | None = Field(default=None, max_length=32)
    created_at: str = Field(max_length=32)
    updated_at: str = Field(max_length=32)


class CoDepartment(SQLModel, table=True):
    """A co-department (协办单位) of a case; the lead department lives on the case itself."""

    __tablename__ = "co_departments"

    case_id: int = Field(foreign_key="cases.id", primary_key=True)
    dept: str = Field(primary_key=True, max_length=64)


class LeadChange(SQLModel, table=True):
    """A handover of a case to another lead department (`reassign`). The case row holds the lead
    department now; the changes let a report dated before a handover count the case under the
    department that had it then."""

    __tablename__ = "lead_changes"
    __table_args__ = (Index("ix_lead_changes_case_on", "case_id", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    on_date: date
    from_dept: str = Field(max_length=64)
    to_dept: str = Field(max_length=64)


class Activity(SQLModel, table=True):
    """The office's own work (校领导接待日, 联席会议, 专题培训…): a kind of the taxonomy, a date and,
    where it applies, the number of people reached. Written and deleted with an audit event."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_on_date", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    on_date: date
    people: int | None = None
    note: str | None = None


class Notice(SQLModel, table=True):
    """A letter to the petitioner (受理告知书, 处理意见书, 复查意见书…): first generated on, and
    delivered (送达) on and how. One row per case and kind; every generation is an audit event."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_notices_case_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=32)
    generated_on: date | None = None
    delivered_on: date | None = None
    method: str | None = Field(default=None, max_length=32)


class Review(SQLModel, table=True):
    """A petitioner's request for 复查 (level review) or 复核 (level final_review) of a closed
    case, due 30 days after the request, and its decision (维持/撤销/变更)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("case_id", "level", name="uq_reviews_case_level"),
        Index("ix_reviews_decided_on_due_on", "decided_on", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    level: str = Field(max_length=16)
    requested_on: date
    due_on: date
    decided_on: date | None = None
    decision: str | None = Field(default=None, max_length=16)
    result: str | None = None


class NoticeTemplate(SQLModel, table=True):
    """A letter template the office loaded (.docx with placeholders); the newest of a kind is in
    force, the package's own default otherwise."""

    __tablename__ = "notice_templates"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    loaded_at: str = Field(max_length=32)
    actor: str = Field(max_length=64)
    content: bytes
    sha256: str = Field(max_length=64)


class TaxonomyVersion(SQLModel, table=True):
    """Every taxonomy ever loaded, as its TOML text; the newest row is in force."""

    __tablename__ = "taxonomy_versions"

    id: int | None = Field(default=None, primary_key=True)
    loaded_at: str = Field(max_length=32)
    actor: str = Field(max_length=64)
    source: str
    sha256: str = Field(max_length=64)


class Event(SQLModel, table=True):
    """One change in the append-only audit log, sealed with the hash of the event before it."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_case_number", "case_number"),
        Index("ix_events_action", "action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_number: str | None = Field(default=None, max_length=32)
    at: str = Field(max_length=32)  # UTC, ISO 8601 with a Z, when it was written
    on_date: date | None = None  # the business date the action is dated (受理日期, 办结日期 …)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)
    changes: str = "{}"  # JSON: {field: [old, new]}
    reason: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Sealed with digests of personal values (salted), so a purge can erase the values and keep
    # the chain checkable; None: an event sealed before (its values are sealed as they are).
    salt: str | None = Field(default=None, max_length=32)
    redacted: bool = False  # an unsalted event whose personal values a purge erased
