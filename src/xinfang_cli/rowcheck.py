"""Checking a case file's rows before anything is written (docs/casefile.md): each
row's cells are read and validated as `add` validates them (`fields.py`, the taxonomy, the
phone and ID checks), the steps a row records are checked against the rules of a case's life
(`rules.py`: the same checks `assign`, `reject`, `extend`, `close` and `rate` apply), and which
columns must go together is checked here. Every problem of every row is collected; one bad row
means nothing is imported. The result is an `ImportPlan` the importer writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from . import deadlines
from .casefile import HEADER_OF, REQUIRED, CaseFile, LineProblem, SourceRow, problem_report
from .dates import parse_date
from .errors import FileFormatError, InputError, XinfangError
from .fields import CaseInput, parse_bool, parse_persons
from .figures import parse_yuan
from .labels import FIELD_LABELS
from .privacy import validate_id_number, validate_phone
from .rules import (
    Problem,
    check_assign,
    check_close,
    check_date,
    check_extend,
    check_rate,
    check_register,
    check_reject,
    check_repeat,
    due,
)
from .taxonomy import Taxonomy
from .text import MULTILINE, control_problem, length_problem

T = TypeVar("T")

LIST_SEPARATORS = re.compile(r"[、;；]")
_DAY_BITS = 22  # a date's ordinal (to year 11000) packed below a line number
_DAY_MASK = (1 << _DAY_BITS) - 1


@dataclass
class PlannedCase:
    """A row read, resolved and checked: the registration and each lifecycle step it records."""

    line: int
    data: CaseInput
    accepted_on: date | None = None
    lead_dept: str | None = None
    co_depts: list[str] = field(default_factory=list)
    leader: str | None = None
    rejected_on: date | None = None
    reject_reason: str | None = None
    referral: str | None = None
    extended_days: int | None = None
    extend_reason: str | None = None
    extended_on: date | None = None
    extend_approver: str | None = None
    closed_on: date | None = None
    outcome: str | None = None
    result: str | None = None
    aid: str | None = None
    rating: str | None = None
    rated_on: date | None = None
    voided_on: date | None = None
    void_reason: str | None = None
    inferred: tuple[str, ...] = ()  # steps the file left out, taken as said (导入时推定)


@dataclass
class ImportPlan:
    """What an import would do: the cases to write (in writing order) and the numbers skipped."""

    cases: list[PlannedCase]
    skipped: list[str]
    # rows without a number that match a case already in the ledger: (line, that case's number)
    look_alikes: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class KnownCase:
    number: str
    received_on: date


class _Row:
    """Reads one row's cells, recording each problem against the column it belongs to."""

    def __init__(self, row: SourceRow, problems: list[LineProblem]) -> None:
        self.row = row
        self.problems = problems
        self.values = row.values
        # a million rows ask dozens of times each: the dict's own methods, not a call around them
        self.has: Callable[[str], bool] = row.values.__contains__
        self.raw: Callable[[str], str | None] = row.values.get

    def fail(self, key: str | None, message: str) -> None:
        column = HEADER_OF.get(key) if key else None
        problem = LineProblem(self.row.line, column, message)
        if problem not in self.problems[-8:]:  # a rule may find what the cell check found
            self.problems.append(problem)

    def check_cells(self) -> None:
        """No control characters in any cell (line breaks only in 具体内容 and 办理结果)."""
        if "".join(self.values.values()).isprintable():
            return  # (the usual row: every character it looks for is unprintable)
        for key, value in self.values.items():
            problem = control_problem(value, multiline=key in MULTILINE)
            if problem:
                self.fail(key, f"{FIELD_LABELS.get(key, HEADER_OF.get(key, key))}{problem}")

    def report(self, problems: list[Problem]) -> None:
        """The problems a rule found, each against the column of the field it is about."""
        for problem in problems:
            self.fail(problem.field, problem.text(options=False))

    def get(self, key: str, read: Callable[[str], T]) -> T | None:
        text = self.values.get(key)
        if text is None:
            return None
        try:
            return read(text)
        except XinfangError as exc:
            self.fail(key, exc.message)
            return None

    def text(self, key: str) -> str | None:
        value = self.raw(key)
        problem = length_problem(key, value)
        if problem:
            self.fail(key, problem)
            return None
        return value

    def personal(self, key: str, validate: Callable[[str], str] | None = None) -> str | None:
        """Personal data; a masked value (from an export without --reveal) cannot come back."""
        value = self.raw(key)
        if value is not None and "*" in value:
            self.fail(
                key,
                f"“{value}”是脱敏后的值，不能导入。请用 xinfang export --reveal 导出完整信息后再导入。",
            )
            return None
        return self.get(key, validate) if validate else self.text(key)


def check_rows(
    case_file: CaseFile,
    *,
    taxonomy: Taxonomy,
    calendar: deadlines.WorkCalendar,
    known: dict[str, KnownCase],
    today: date,
    content: dict[tuple[Any, ...], str] | None = None,
) -> ImportPlan:
    """Check every row; raise one FileFormatError listing every problem, or return the plan.

    `known` maps the upper-cased numbers already in the ledger to those cases. A row whose
    number is known is skipped (not checked further); rows with a number are planned before
    rows without one, so a number the ledger assigns never takes one the file names.
    `content` maps registration details (see `content_key`) to cases already in the ledger, so
    a row without a number that was imported before is pointed out (it is still imported).
    """
    checker = RowChecker(
        taxonomy=taxonomy,
        calendar=calendar,
        known=known,
        today=today,
        unit=case_file.unit,
        all_numbers={
            row.values["number"].upper(): row.line
            for row in case_file.rows
            if "number" in row.values
        },
        content=content,
        problems=list(case_file.problems),
    )
    numbered: list[PlannedCase] = []
    unnumbered: list[PlannedCase] = []
    for source in case_file.rows:
        plan = checker.check(source)
        if plan is not None:
            (numbered if plan.data.number is not None else unnumbered).append(plan)
    if checker.problems:
        raise FileFormatError(problem_report(case_file, checker.problems))
    return ImportPlan(
        cases=numbered + unnumbered, skipped=checker.skipped, look_alikes=checker.look_alikes
    )


class RowChecker:
    """Checks rows one at a time, remembering only what later rows are checked against (the
    numbers seen and their dates), so a file of any size is checked in flat memory.

    `all_numbers`: every number the file names (upper-cased) → its line, for the message about
    a repeat that names a case further down. `check` returns the planned case, or None for a
    row that is skipped (its number is in the ledger); problems accumulate in `problems`.
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        calendar: deadlines.WorkCalendar,
        known: dict[str, KnownCase],
        today: date,
        unit: str,
        all_numbers: dict[str, int],
        content: dict[tuple[Any, ...], str] | None = None,
        problems: list[LineProblem] | None = None,
    ) -> None:
        self.tax = taxonomy
        self.calendar = calendar
        self.known = known
        self.today = today
        self.unit = unit
        # every number of the file → its line, until its row is checked; then its line and date
        # of receipt packed into one negative int (a million rows: one small dict, see `_seen`)
        self.all_numbers = all_numbers
        self.content = content or {}
        self.problems: list[LineProblem] = problems if problems is not None else []
        self.skipped: list[str] = []
        self.look_alikes: list[tuple[int, str]] = []

    def _seen(self, upper: str) -> tuple[int, date | None] | None:
        """(line, received_on) of the checked row with this number, if one was checked."""
        packed = self.all_numbers.get(upper)
        if packed is None or packed >= 0:
            return None
        day = -packed & _DAY_MASK
        return -packed >> _DAY_BITS, date.fromordinal(day) if day else None

    def _mark(self, upper: str, line: int, received_on: date | None) -> None:
        self.all_numbers[upper] = -(
            (line << _DAY_BITS) | (received_on.toordinal() if received_on else 0)
        )

    def _line_of(self, upper: str) -> int:
        packed = self.all_numbers[upper]
        return packed if packed >= 0 else -packed >> _DAY_BITS

    def read_date(self, text: str) -> date:
        return parse_date(text, today=self.today)

    def check(self, source: SourceRow) -> PlannedCase | None:
        tax, known, unit, today = self.tax, self.known, self.unit, self.today
        read_date = self.read_date
        r = _Row(source, self.problems)
        r.check_cells()
        number = r.text("number")
        if number is not None:
            upper = number.upper()
            seen = self._seen(upper)
            if seen is not None:
                r.fail("number", f"编号 {number} 与第{seen[0]}{unit}重复。")
                number = None  # the rest of the row is still checked
            elif upper in known:
                self._mark(upper, source.line, known[upper].received_on)
                self.skipped.append(known[upper].number)
                return None
        received_on = r.get("received_on", read_date)
        if number is not None:
            self._mark(number.upper(), source.line, received_on)

        for key in REQUIRED:
            if not r.has(key):
                r.fail(key, "必填，不能为空。")
        if received_on:
            r.report(check_register(received_on=received_on, today=today))
        channel = r.get("channel", lambda t: tax.resolve("channels", t))
        identity = r.get("identity", lambda t: tax.resolve("identities", t))
        nature = r.get("nature", lambda t: tax.resolve("natures", t))
        category = r.get("category", lambda t: tax.category(t))
        phone = r.personal("phone", validate_phone)
        id_number = r.personal("id_number", validate_id_number)
        name = r.personal("name")
        persons = r.get("persons", parse_persons)
        bypass = r.get("bypass", parse_bool)
        confidential = r.get("confidential", parse_bool)
        unit_text = r.text("unit")

        repeat_of = r.raw("repeat_of")
        if repeat_of is not None:
            wanted = repeat_of.upper()
            original: tuple[str, date | None] | None = None
            if number is not None and wanted == number.upper():
                r.fail("repeat_of", "原件编号不能是本件自己的编号。")
            elif wanted in known:
                original = (known[wanted].number, known[wanted].received_on)
            elif (earlier := self._seen(wanted)) is not None and earlier[0] < source.line:
                original = (repeat_of, earlier[1])
            elif wanted in self.all_numbers:
                r.fail(
                    "repeat_of",
                    f"原件 {repeat_of} 在本文件第{self._line_of(wanted)}{unit}，应排在本件之前。",
                )
            else:
                r.fail("repeat_of", f"账本和本文件中都没有编号为 {repeat_of} 的案件。")
            if original and original[1] and received_on:
                r.report(
                    check_repeat(
                        original=original[0],
                        original_received=original[1],
                        received_on=received_on,
                    )
                )

        plan = PlannedCase(
            line=source.line,
            inferred=source.inferred,
            data=CaseInput(
                received_on=received_on or today,
                channel=channel or "",
                summary=r.raw("summary") or "",
                name=name,
                identity=identity,
                unit=unit_text,
                phone=phone,
                id_number=id_number,
                persons=persons or 1,
                content=r.raw("content"),
                nature=nature,
                category=category.key if category else None,
                repeat_of=repeat_of,
                bypass=bool(bypass),
                confidential=confidential,
                number=number,
            ),
        )
        _check_lifecycle(r, plan, tax, self.calendar, received_on, today)
        if number is None and self.content:
            twin = self.content.get(content_key(plan.data))
            if twin is not None:
                self.look_alikes.append((source.line, twin))
        return plan


def content_key(data: Any) -> tuple[Any, ...]:
    """What makes two registrations look like the same one (a CaseInput or a Case)."""
    return (data.received_on, data.channel, data.summary, data.name, data.phone, data.id_number)


def _check_lifecycle(
    r: _Row,
    plan: PlannedCase,
    tax: Taxonomy,
    calendar: deadlines.WorkCalendar,
    received_on: date | None,
    today: date,
) -> None:
    """The steps a row records, in the order they happened: which columns must go together is
    the file's rule (checked here); whether each step is allowed, complete and in order is the
    case's (`rules.py`, checked on the case as the earlier steps left it)."""

    def read_date(key: str) -> date | None:
        return r.get(key, lambda t: parse_date(t, today=today))

    def needs(key: str, other: str, message: str) -> None:
        if r.has(key) and not r.has(other):
            r.fail(other, message)

    def only_with(keys: Iterable[str], condition: str, message: str) -> None:
        if not r.has(condition):
            for key in keys:
                if r.has(key):
                    r.fail(key, message)

    limits = tax.limits(plan.data.category)
    state = _State(
        number=plan.data.number,
        received_on=received_on or date.min,
        extend_max_days=limits.extend_max_days,
        day_mode=limits.day_mode,
        roll_over=limits.roll_over,
    )

    # 受理 / 不予受理
    plan.accepted_on = read_date("accepted_on")
    plan.lead_dept = r.get("lead_dept", tax.department)
    needs("accepted_on", "lead_dept", "填写了受理日期，须同时填写主办单位。")
    needs("lead_dept", "accepted_on", "填写了主办单位，须同时填写受理日期。")
    only_with(("co_depts", "leader"), "accepted_on", "只有已受理（填写了受理日期）的案件才有此项。")
    co_text = r.raw("co_depts")
    if co_text is not None:
        for part in LIST_SEPARATORS.split(co_text):
            if not part.strip():
                continue
            try:
                dept = tax.department(part)
            except XinfangError as exc:
                r.fail("co_depts", exc.message)
                continue
            if dept not in plan.co_depts:
                plan.co_depts.append(dept)
    plan.leader = r.text("leader")
    plan.rejected_on = read_date("rejected_on")
    plan.reject_reason = r.raw("reject_reason")
    plan.referral = r.text("referral")
    only_with(
        ("reject_reason", "referral"),
        "rejected_on",
        "只有不予受理（填写了不予受理日期）的案件才有此项。",
    )
    if plan.accepted_on is not None:
        r.report(check_assign(state, on=plan.accepted_on, today=today))
        state.status, state.accepted_on = "handling", plan.accepted_on
        try:
            state.handle_due = due(state, plan.accepted_on, limits.handle_days, calendar)
        except XinfangError as exc:
            r.fail("accepted_on", exc.message)
        if r.has("rejected_on"):
            r.fail("rejected_on", "同一案件不能既受理又不予受理。")
    elif plan.rejected_on is not None:
        r.report(check_reject(state, reason=plan.reject_reason, on=plan.rejected_on, today=today))
        state.status = "not_accepted"

    # 延期
    only_with(
        ("extend_reason", "extended_on", "extend_approver"),
        "extended_days",
        "只有延期（填写了延期天数）的案件才有此项。",
    )
    plan.extend_reason = r.raw("extend_reason")
    plan.extend_approver = r.text("extend_approver")
    plan.extended_on = read_date("extended_on") if r.has("extended_on") else plan.accepted_on
    if r.has("extended_days"):
        plan.extended_days = r.get("extended_days", _read_days)
        if state.status != "handling":
            r.fail("extended_days", "只有已受理（填写了受理日期）的案件才能延期。")
        elif plan.extended_on is not None:
            problems = check_extend(
                state,
                days=plan.extended_days if plan.extended_days is not None else 1,
                reason=plan.extend_reason,
                on=plan.extended_on,
                today=today,
            )
            r.report(problems)
            if any(p.field == "extended_days" for p in problems):
                plan.extended_days = None
            elif plan.extended_days is not None:
                state.extended_days, state.extended_on = plan.extended_days, plan.extended_on

    # 办结
    plan.closed_on = read_date("closed_on")
    only_with(
        ("outcome", "result", "aid_yuan", "rating", "rated_on"),
        "closed_on",
        "只有已办结（填写了办结日期）的案件才有此项。",
    )
    plan.outcome = r.get("outcome", lambda t: tax.resolve("outcomes", t))
    plan.result = r.raw("result")
    if r.get("aid_yuan", parse_yuan) is not None:
        plan.aid = r.raw("aid_yuan")
    if plan.closed_on is not None:
        if state.status != "handling":
            r.fail("closed_on", "只有已受理（填写了受理日期和主办单位）的案件才能办结。")
            r.report(check_date("closed_on", plan.closed_on, today=today))
        else:
            r.report(
                check_close(
                    state,
                    outcome=r.raw("outcome"),
                    result=plan.result,
                    on=plan.closed_on,
                    today=today,
                )
            )
            state.status, state.closed_on = "closed", plan.closed_on

    # 评价
    plan.rating = r.get("rating", lambda t: tax.resolve("ratings", t))
    if r.has("closed_on"):
        needs("rated_on", "rating", "填写了评价日期，须同时填写满意度。")
    plan.rated_on = read_date("rated_on") if r.has("rated_on") else plan.closed_on
    if r.has("rating") and state.status == "closed" and plan.rated_on is not None:
        r.report(check_rate(state, on=plan.rated_on, today=today))

    # 作废 (an exported ledger keeps its voided cases, marked)
    plan.voided_on = read_date("voided_on")
    plan.void_reason = r.raw("void_reason")
    needs("voided_on", "void_reason", "作废必须写明理由。")
    needs("void_reason", "voided_on", "填写了作废理由，须同时填写作废日期。")
    if plan.voided_on is not None:
        r.report(check_date("voided_on", plan.voided_on, today=today))


@dataclass
class _State:
    """A case as the steps of its row leave it, for the rules to check the next step against."""

    number: str | None
    received_on: date
    extend_max_days: int
    day_mode: str
    roll_over: bool
    status: str = "registered"
    accepted_on: date | None = None
    handle_due: date | None = None
    extended_days: int | None = None
    extended_on: date | None = None
    closed_on: date | None = None
    rating: str | None = None
    rated_on: date | None = None


def _read_days(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"延期天数“{text}”不是整数。") from None
