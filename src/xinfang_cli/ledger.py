"""The case lifecycle: opening a ledger, registering, classifying, assigning, rejecting, extending,
closing and rating cases — each validated against the case's state and written with its audit
event in one transaction. No Typer, no Rich: callers pass plain values and `today`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, func, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from . import deadlines, number_floors
from .audit import AuditLog, utc_now
from .db import WRITE, describe, explain, open_engine, resolve_url, sqlite_path
from .errors import InputError, LedgerUnavailable, NotAllowed, NotFoundError, XinfangError
from .models import STATUS_LABELS, Case, CoDepartment, TaxonomyVersion
from .privacy import validate_id_number, validate_phone
from .taxonomy import Category, Taxonomy, default_source, parse_taxonomy

NUMBER_RE = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<year>\d{4})-(?P<seq>\d+)$")


# --- opening ------------------------------------------------------------------------------
@dataclass
class Ledger:
    """An open ledger: its engine, the taxonomy in force, and who is acting."""

    engine: Engine
    url: str
    actor: str
    taxonomy: Taxonomy
    created: bool = False
    calendar: deadlines.WorkCalendar = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = deadlines.load_calendar(self.taxonomy.holidays, self.taxonomy.workdays)

    @property
    def location(self) -> str:
        return describe(self.url)

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, AuditLog]]:
        """One unit of work: everything in it, audit events included, commits or none of it."""
        with Session(self.engine.execution_options(**WRITE), expire_on_commit=False) as session:
            try:
                yield session, AuditLog(session, self.actor)
                session.commit()
            except XinfangError:
                session.rollback()
                raise
            except SQLAlchemyError as exc:
                session.rollback()
                raise LedgerUnavailable(f"写入账本失败：{explain(exc)}") from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except SQLAlchemyError as exc:
                raise LedgerUnavailable(f"读取账本失败：{explain(exc)}") from exc

    def due(self, start: date, days: int, case: Case | None = None) -> date:
        mode = case.day_mode if case else self.taxonomy.day_mode
        roll = case.roll_over if case else self.taxonomy.roll_over
        return deadlines.due_date(start, days, mode=mode, roll_over=roll, calendar=self.calendar)  # type: ignore[arg-type]


def open_ledger(
    db: str | None, *, actor: str, create: bool, taxonomy_source: str | None = None
) -> Ledger:
    """Open (and with `create`, make) the ledger; a new ledger gets the given or default taxonomy."""
    url = resolve_url(db)
    engine, created = open_engine(url, create=create)
    try:
        bind = engine.execution_options(**WRITE) if create else engine
        with Session(bind, expire_on_commit=False) as session:
            row = session.exec(
                select(TaxonomyVersion).order_by(col(TaxonomyVersion.id).desc()).limit(1)
            ).first()
            if row is None:
                if not create:
                    raise LedgerUnavailable(
                        f"账本 {describe(url)} 尚未初始化。请先运行 xinfang init。"
                    )
                source = taxonomy_source or default_source()
                taxonomy = parse_taxonomy(source)
                _store_taxonomy(session, AuditLog(session, actor), taxonomy, action="init")
                session.commit()
            else:
                taxonomy = parse_taxonomy(row.source)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise LedgerUnavailable(f"无法读取账本 {describe(url)}：{explain(exc)}") from exc
    return Ledger(engine=engine, url=url, actor=actor, taxonomy=taxonomy, created=created)


def discard_if_unused(ledger: Ledger) -> bool:
    """Delete a SQLite ledger this command created, when the command failed before any case was
    written: a failed first command must not leave an empty ledger at a (perhaps mistyped) path,
    where the next read would find it instead of failing. Returns whether it was deleted."""
    path = sqlite_path(ledger.url)
    if not ledger.created or path is None:
        return False
    try:
        with Session(ledger.engine) as session:
            if session.exec(select(func.count()).select_from(Case)).one():
                return False
    except SQLAlchemyError:
        return False
    finally:
        ledger.engine.dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return True


def _store_taxonomy(session: Session, log: AuditLog, taxonomy: Taxonomy, *, action: str) -> None:
    at = utc_now()
    session.add(
        TaxonomyVersion(
            loaded_at=at, actor=log.actor, source=taxonomy.source, sha256=taxonomy.sha256
        )
    )
    log.record(
        action,
        changes={"taxonomy_sha256": (None, taxonomy.sha256)},
        reason="分类体系" + ("初始化" if action == "init" else "更新"),
        at=at,
    )


def load_taxonomy(ledger: Ledger, source: str) -> Taxonomy:
    """Replace the taxonomy in force; refuse one that would orphan values existing cases use.

    A case's group follows from its category, so a category moved to another group takes its
    cases with it (one audited change per case); their limits and deadlines never move.
    """
    new = parse_taxonomy(source)
    with ledger.transaction() as (session, log):
        orphans: list[str] = []
        checks: list[tuple[Any, set[str], str]] = [
            (Case.category, set(new.categories), "事项类别"),
            (Case.channel, set(new.enums["channels"]), "信访形式"),
            (Case.identity, set(new.enums["identities"]), "身份"),
            (Case.nature, set(new.enums["natures"]), "性质"),
            (Case.outcome, set(new.enums["outcomes"]), "办理结果类型"),
            (Case.rating, set(new.enums["ratings"]), "满意度"),
            (Case.lead_dept, set(new.departments), "主办单位"),
        ]
        for column, allowed, word in checks:
            used = session.exec(select(column).where(column.is_not(None)).distinct())
            for value in used:
                if value not in allowed:
                    count = session.exec(
                        select(func.count()).select_from(Case).where(column == value)
                    ).one()
                    label = ledger.taxonomy.category_name(value) if word == "事项类别" else value
                    orphans.append(f"{word}“{label}”（{count} 件案件在用）")
        used_co = session.exec(select(CoDepartment.dept).distinct())
        orphans += [f"协办单位“{d}”" for d in used_co if d not in new.departments]
        if orphans:
            raise NotAllowed("新的分类体系缺少已有案件在用的值，未载入：" + "；".join(orphans))
        _store_taxonomy(session, log, new, action="taxonomy_load")
        for category in new.categories.values():
            stale = session.exec(
                select(Case)
                .where(col(Case.category) == category.key)
                .where(or_(col(Case.group_key).is_(None), col(Case.group_key) != category.group))
                .order_by(col(Case.id))
            )
            for case in stale:
                changes = {"group_key": (case.group_key, category.group)}
                _touch(case, session, changes)
                log.record(
                    "classify",
                    case_number=case.number,
                    changes=changes,
                    reason=f"分类体系更新：“{category.name}”改属“{new.group_name(category.group)}”",
                )
    ledger.taxonomy = new
    ledger.calendar = deadlines.load_calendar(new.holidays, new.workdays)
    return new


# --- reading values people type -----------------------------------------------------------
def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_persons(text: str | int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError(f"人数“{text}”不是整数。") from None
    if value < 1:
        raise InputError(f"人数必须至少为 1（现为 {value}）。")
    return value


def parse_aid(text: str) -> int:
    """Yuan with at most 2 decimals → fen, exactly."""
    raw = text.strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"帮扶金额“{text}”不是数字（单位：元，最多两位小数）。") from None
    if not amount.is_finite() or amount < 0:
        raise InputError(f"帮扶金额“{text}”必须是非负数。")
    # Checked before quantize, which raises on exponents beyond the context's precision.
    if amount > 10**10:
        raise InputError(f"帮扶金额“{text}”过大。")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(f"帮扶金额“{text}”最多两位小数（分）。")
    fen = int(amount * 100)
    if fen > 10**12:
        raise InputError(f"帮扶金额“{text}”过大。")
    return fen


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("是", "true", "1", "yes", "y", "t"):
        return True
    if value in ("否", "false", "0", "no", "n", "f"):
        return False
    raise InputError(f"“{text}”不是是/否（也可写 true/false、1/0）。")


def format_yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


# --- registering ----------------------------------------------------------------------------
@dataclass
class CaseInput:
    """A case as the clerk described it, already read into keys and dates."""

    received_on: date
    channel: str
    summary: str
    name: str | None = None
    identity: str | None = None
    unit: str | None = None
    phone: str | None = None
    id_number: str | None = None
    persons: int = 1
    content: str | None = None
    nature: str | None = None
    category: str | None = None
    repeat_of: str | None = None
    bypass: bool = False
    confidential: bool | None = None  # None: the default (检举控告 are confidential)
    number: str | None = None


def build_input(ledger: Ledger, raw: dict[str, Any]) -> CaseInput:
    """Validate registration fields typed as text (keys or Chinese labels) into a CaseInput."""
    tax = ledger.taxonomy
    summary = clean(raw.get("summary"))
    if not summary:
        raise InputError("反映问题（--summary）不能为空。")
    received = raw.get("received_on")
    if not isinstance(received, date):
        raise InputError("缺少信访日期（--received）。")
    channel = clean(raw.get("channel"))
    if not channel:
        raise InputError("缺少信访形式（--channel）。")
    phone = clean(raw.get("phone"))
    id_number = clean(raw.get("id_number"))
    identity = clean(raw.get("identity"))
    nature = clean(raw.get("nature"))
    category = clean(raw.get("category"))
    persons = raw.get("persons")
    return CaseInput(
        received_on=received,
        channel=tax.resolve("channels", channel),
        summary=summary,
        name=clean(raw.get("name")),
        identity=tax.resolve("identities", identity) if identity else None,
        unit=clean(raw.get("unit")),
        phone=validate_phone(phone) if phone else None,
        id_number=validate_id_number(id_number) if id_number else None,
        persons=parse_persons(persons) if persons not in (None, "") else 1,
        content=clean(raw.get("content")),
        nature=tax.resolve("natures", nature) if nature else None,
        category=tax.category(category).key if category else None,
        repeat_of=clean(raw.get("repeat_of")),
        bypass=bool(raw.get("bypass", False)),
        confidential=raw.get("confidential"),
        number=clean(raw.get("number")),
    )


def earlier_cases(session: Session, data: CaseInput) -> list[Case]:
    """Cases of the same petitioner: same phone, same ID number, or same name and unit."""
    conditions = []
    if data.phone:
        conditions.append(col(Case.phone) == data.phone)
    if data.id_number:
        conditions.append(col(Case.id_number) == data.id_number)
    if data.name and data.unit:
        conditions.append((col(Case.name) == data.name) & (col(Case.unit) == data.unit))
    if not conditions:
        return []
    query = (
        select(Case)
        .where(or_(*conditions), col(Case.received_on) <= data.received_on)
        .order_by(col(Case.received_on), col(Case.id))
    )
    return list(session.exec(query))


class _Numbers(Protocol):
    """What choosing a case number needs to know about the numbers already taken."""

    def has_number(self, number: str) -> bool: ...
    def has_pair(self, year: int, seq: int) -> bool: ...
    def top_seq(self, year: int) -> int: ...


def choose_number(numbers: _Numbers, prefix: str, data: CaseInput) -> tuple[str, int, int]:
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


class _LedgerNumbers:
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
        # a restore may have said where numbering continues (number_floors)
        return max(self.session.exec(query).one() or 0, number_floors.floor(self.session, year))


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
        for year, seq in number_floors.floors(session).items():  # set by a restore
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

    def parts(self, ledger: Ledger, data: CaseInput) -> tuple[str, int, int]:
        number, year, seq = choose_number(self, ledger.taxonomy.number_prefix, data)
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


def register(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    data: CaseInput,
    *,
    today: date,
    numbers: NumberBook | None = None,
    reason: str | None = None,
) -> Case:
    """Write a new case (status 已登记) and its registration event; returns the case.

    With `numbers` (a bulk load) the number comes from the book and the case is not flushed.
    `reason` is recorded on the registration event (an import names its file and row there).
    """
    tax = ledger.taxonomy
    if data.received_on > today:
        raise InputError(f"信访日期 {data.received_on} 晚于今天（{today}），请检查。")
    if data.repeat_of:
        original = (numbers.find if numbers else find_case)(session, data.repeat_of)
        if original.received_on > data.received_on:
            raise InputError(
                f"原件 {original.number} 的信访日期 {original.received_on} 晚于本件 {data.received_on}。"
            )
        data.repeat_of = original.number
    category = tax.categories[data.category] if data.category else None
    accept_days = category.accept_days if category else tax.accept_days
    handle_days = category.handle_days if category else tax.handle_days
    extend_max = category.extend_max_days if category else tax.extend_max_days
    day_mode = category.day_mode if category else tax.day_mode
    confidential = data.confidential
    if confidential is None:
        confidential = data.nature == "accusation"
    number, year, seq = (
        numbers.parts(ledger, data)
        if numbers
        else choose_number(_LedgerNumbers(session), ledger.taxonomy.number_prefix, data)
    )
    now = utc_now()
    case = Case(
        number=number,
        year=year,
        seq=seq,
        received_on=data.received_on,
        channel=data.channel,
        name=data.name,
        identity=data.identity,
        unit=data.unit,
        phone=data.phone,
        id_number=data.id_number,
        persons=data.persons,
        summary=data.summary,
        content=data.content,
        nature=data.nature,
        category=data.category,
        group_key=category.group if category else None,
        repeat_of=data.repeat_of,
        bypass=data.bypass,
        confidential=confidential,
        status="registered",
        accept_days=accept_days,
        handle_days=handle_days,
        extend_max_days=extend_max,
        day_mode=day_mode,
        roll_over=tax.roll_over,
        accept_due=deadlines.due_date(
            data.received_on,
            accept_days,
            mode=day_mode,  # type: ignore[arg-type]
            roll_over=tax.roll_over,
            calendar=ledger.calendar,
        ),
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    if numbers is None:
        session.flush()
    log.record(
        "register",
        case_number=number,
        on_date=data.received_on,
        changes={
            name: (None, getattr(case, name))
            for name in REGISTER_FIELDS
            if getattr(case, name) not in (None, False, "")
        },
        reason=reason,
        at=now,
    )
    return case


REGISTER_FIELDS = (
    "number",
    "received_on",
    "channel",
    "name",
    "identity",
    "unit",
    "phone",
    "id_number",
    "persons",
    "summary",
    "content",
    "nature",
    "category",
    "group_key",
    "repeat_of",
    "bypass",
    "confidential",
    "status",
    "accept_days",
    "handle_days",
    "extend_max_days",
    "day_mode",
    "roll_over",
    "accept_due",
)


# --- finding --------------------------------------------------------------------------------
def normalize_number(text: str) -> str:
    return text.strip().upper()


def find_case(session: Session, number: str) -> Case:
    wanted = normalize_number(number)
    if not wanted:
        raise InputError("请给出案件编号，如 XF2025-0001。")
    case = session.exec(select(Case).where(func.upper(Case.number) == wanted)).first()
    if case is None:
        raise NotFoundError(f"没有编号为 {number.strip()} 的案件。可用 xinfang list 查看案件编号。")
    return case


def co_departments(session: Session, case: Case) -> list[str]:
    return list(
        session.exec(
            select(CoDepartment.dept)
            .where(col(CoDepartment.case_id) == case.id)
            .order_by(CoDepartment.dept)
        )
    )


# --- the lifecycle --------------------------------------------------------------------------
def _state_word(case: Case) -> str:
    return STATUS_LABELS.get(case.status, case.status)


def _require_status(case: Case, allowed: tuple[str, ...], action: str) -> None:
    if case.status not in allowed:
        wanted = "、".join(STATUS_LABELS[s] for s in allowed)
        hint = ""
        if case.status == "registered" and "handling" in allowed:
            hint = f"请先用 xinfang assign {case.number} 受理交办。"
        elif case.status == "handling" and "closed" in allowed:
            hint = f"请先用 xinfang close {case.number} 办结。"
        raise NotAllowed(
            f"案件 {case.number} 当前状态为“{_state_word(case)}”，不能{action}"
            f"（只有“{wanted}”的案件可以）。{hint}"
        )


def _check_date(on: date, *, today: date, after: date | None, after_what: str, what: str) -> None:
    if on > today:
        raise InputError(f"{what} {on} 晚于今天（{today}），请检查。")
    if after is not None and on < after:
        raise InputError(f"{what} {on} 早于{after_what} {after}，请检查。")


def _touch(case: Case, session: Session, changes: dict[str, tuple[Any, Any]]) -> None:
    for name, (_old, new) in changes.items():
        setattr(case, name, new)
    case.updated_at = utc_now()
    session.add(case)


def _diff(case: Case, **values: Any) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(case, k), v) for k, v in values.items() if getattr(case, k) != v}


def classify(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    category: str | None,
    nature: str | None,
    reason: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    tax = ledger.taxonomy
    values: dict[str, Any] = {}
    if category is not None:
        cat = tax.category(category)
        values["category"] = cat.key
        values["group_key"] = cat.group
    if nature is not None:
        values["nature"] = tax.resolve("natures", nature)
        if values["nature"] == "accusation":
            values["confidential"] = True
    if not values:
        raise InputError("请用 --category 或 --nature 指明要设定的类别或性质。")
    changes = _diff(case, **values)
    if changes:
        _touch(case, session, changes)
        log.record("classify", case_number=case.number, changes=changes, reason=reason)
    return changes


@dataclass
class Suggestion:
    """A category the taxonomy's keywords suggest for an unclassified case (None: no keyword hit)."""

    case: Case
    category: Category | None
    hits: list[str]


def suggest_categories(ledger: Ledger, session: Session) -> list[Suggestion]:
    """Keyword suggestions for every case that has no category yet."""
    unclassified = select(Case).where(col(Case.category).is_(None)).order_by(col(Case.id))
    out = []
    for case in session.exec(unclassified):
        category, hits = ledger.taxonomy.suggest_category(f"{case.summary} {case.content or ''}")
        out.append(Suggestion(case, category, hits))
    return out


def apply_suggestions(
    ledger: Ledger, session: Session, log: AuditLog, suggestions: list[Suggestion]
) -> int:
    """Classify each case as suggested (the keywords are the logged reason); returns how many."""
    applied = 0
    for s in suggestions:
        if s.category is not None:
            classify(
                ledger,
                session,
                log,
                s.case,
                category=s.category.key,
                nature=None,
                reason="按关键词自动分类：" + "、".join(s.hits),
            )
            applied += 1
    return applied


def assign(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    dept: str | None,
    co_depts: list[str],
    leader: str | None,
    on: date,
    today: date,
) -> dict[str, tuple[Any, Any]]:
    """受理: accept the case, name its lead department, start the handling clock."""
    tax = ledger.taxonomy
    _require_status(case, ("registered",), "受理交办")
    _check_date(on, today=today, after=case.received_on, after_what="信访日期", what="受理日期")
    if dept:
        lead = tax.department(dept)
    elif case.category and case.category in tax.categories:
        lead = tax.categories[case.category].lead
    else:
        raise InputError(
            f"案件 {case.number} 尚未分类，无法确定默认主办单位：请用 --dept 指定，或先运行 xinfang classify。"
        )
    co = []
    for name in co_depts:
        resolved = tax.department(name)
        if resolved != lead and resolved not in co:
            co.append(resolved)
    handle_due = ledger.due(on, case.handle_days, case)
    changes = _diff(
        case,
        status="handling",
        accepted_on=on,
        lead_dept=lead,
        leader=clean(leader),
        handle_due=handle_due,
        due_on=handle_due,
    )
    _touch(case, session, changes)
    for name in co:
        assert case.id is not None
        session.add(CoDepartment(case_id=case.id, dept=name))
    if co:
        changes["co_depts"] = (None, "、".join(co))
    log.record("assign", case_number=case.number, on_date=on, changes=changes)
    return changes


def reject(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    reason: str,
    referral: str | None,
    on: date,
    today: date,
) -> dict[str, tuple[Any, Any]]:
    """不予受理, with the reason and where the petitioner was referred."""
    _require_status(case, ("registered",), "作不予受理决定")
    if not clean(reason):
        raise InputError("不予受理必须写明理由（--reason）。")
    _check_date(on, today=today, after=case.received_on, after_what="信访日期", what="不予受理日期")
    changes = _diff(
        case,
        status="not_accepted",
        rejected_on=on,
        reject_reason=clean(reason),
        referral=clean(referral),
    )
    _touch(case, session, changes)
    log.record("reject", case_number=case.number, on_date=on, changes=changes, reason=clean(reason))
    return changes


def extend(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    days: int,
    reason: str,
    approver: str | None,
    on: date,
    today: date,
) -> dict[str, tuple[Any, Any]]:
    """延期: once, at most the case's limit, while handling and before the case is overdue."""
    _require_status(case, ("handling",), "延期")
    if case.extended_days is not None:
        raise NotAllowed(
            f"案件 {case.number} 已于 {case.extended_on} 延期 {case.extended_days} 天；《信访工作条例》第三十四条规定只能延期一次。"
        )
    if days < 1 or days > case.extend_max_days:
        raise InputError(f"延期天数必须在 1 到 {case.extend_max_days} 天之间（现为 {days}）。")
    if not clean(reason):
        raise InputError("延期必须写明理由（--reason），并告知信访人。")
    assert case.accepted_on is not None and case.handle_due is not None
    _check_date(on, today=today, after=case.accepted_on, after_what="受理日期", what="延期日期")
    if on > case.handle_due:
        raise NotAllowed(f"案件 {case.number} 已于 {case.handle_due} 到期，超期后不能再延期。")
    new_due = ledger.due(case.handle_due, days, case)
    changes = _diff(
        case,
        extended_days=days,
        extend_reason=clean(reason),
        extended_on=on,
        extend_approver=clean(approver),
        due_on=new_due,
    )
    _touch(case, session, changes)
    log.record("extend", case_number=case.number, on_date=on, changes=changes, reason=clean(reason))
    return changes


def close(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    outcome: str,
    result: str,
    aid: str | None,
    on: date,
    today: date,
) -> dict[str, tuple[Any, Any]]:
    """办结, with one of 三到位一处理 and the aid amount when there was one."""
    _require_status(case, ("handling",), "办结")
    assert case.accepted_on is not None
    _check_date(on, today=today, after=case.accepted_on, after_what="受理日期", what="办结日期")
    if case.extended_on and on < case.extended_on:
        raise InputError(f"办结日期 {on} 早于延期日期 {case.extended_on}，请检查。")
    if not clean(result):
        raise InputError("办结必须填写办理结果（--result）。")
    changes = _diff(
        case,
        status="closed",
        closed_on=on,
        outcome=ledger.taxonomy.resolve("outcomes", outcome),
        result=clean(result),
        aid_fen=parse_aid(aid) if aid not in (None, "") else None,
    )
    _touch(case, session, changes)
    log.record("close", case_number=case.number, on_date=on, changes=changes)
    return changes


def rate(
    ledger: Ledger,
    session: Session,
    log: AuditLog,
    case: Case,
    *,
    grade: str,
    on: date,
    today: date,
    replace: bool = False,
    reason: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    """满意度评价 of a closed case. The rating feeds 满意率, so a second one is refused unless the
    clerk says it corrects the first (`replace`) and why; the correction is logged old → new."""
    _require_status(case, ("closed",), "评价")
    assert case.closed_on is not None
    rating = ledger.taxonomy.resolve("ratings", grade)
    if case.rating is not None and not replace:
        old = ledger.taxonomy.label("ratings", case.rating)
        raise NotAllowed(
            f"案件 {case.number} 已于 {case.rated_on} 评价为“{old}”。"
            "如确需更正，请加 --replace 并用 --reason 写明原因。"
        )
    if replace and case.rating is not None and not clean(reason):
        raise InputError("更正评价必须写明原因（--reason）。")
    _check_date(on, today=today, after=case.closed_on, after_what="办结日期", what="评价日期")
    changes = _diff(case, rating=rating, rated_on=on)
    if changes:
        _touch(case, session, changes)
        log.record(
            "rate", case_number=case.number, on_date=on, changes=changes, reason=clean(reason)
        )
    return changes


# --- what a case looks like as of a date ----------------------------------------------------
def current_due(case: Case) -> date | None:
    """The deadline the case is running against now: acceptance or handling."""
    if case.status == "registered":
        return case.accept_due
    if case.status == "handling":
        return case.due_on
    return None
