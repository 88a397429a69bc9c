"""Case files in and out (contract.md "The case file"): reading CSV, XLSX and JSON case files
(encoding detection, header mapping), checking every row against the lifecycle rules before
anything is written, importing the rows through the ledger's own service functions in one
transaction, and writing cases out as CSV (UTF-8 with BOM), XLSX or JSON.

No Typer, no Rich: callers pass plain values and `today`; every failure is a XinfangError.
Import checks the whole file first and reports every problem of every row as
``第N行 〔列名〕：说明`` (the header is line 1, as a spreadsheet numbers rows), so one bad row
means nothing is imported and a missing ledger is not created.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from . import deadlines
from .errors import FileFormatError, InputError, XinfangError
from .figures import parse_yuan
from .ledger import CaseInput, Ledger, parse_bool, parse_persons
from .records import CASE_COLUMNS, DERIVED_COLUMNS
from .taxonomy import Taxonomy
from .text import display_width

T = TypeVar("T")

FORMATS = (".csv", ".xlsx", ".json")
HEADER_OF: dict[str, str] = dict(CASE_COLUMNS + DERIVED_COLUMNS)
REQUIRED = ("received_on", "channel", "summary")
DERIVED_KEYS = frozenset(key for key, _ in DERIVED_COLUMNS)
# Export writes the derived columns too; import recognises and ignores them (they are computed).
_KEY_BY_NAME: dict[str, str] = {
    **{header: key for key, header in CASE_COLUMNS + DERIVED_COLUMNS},
    **{key.lower(): key for key, _ in CASE_COLUMNS + DERIVED_COLUMNS},
}
# Stored lengths (models.Case): longer text fails on PostgreSQL, so it is refused up front.
MAX_LENGTH = {
    "number": 32,
    "name": 64,
    "unit": 128,
    "leader": 64,
    "referral": 128,
    "extend_approver": 64,
}
LIST_SEPARATORS = re.compile(r"[、;；]")
MAX_PROBLEMS_SHOWN = 50


# --- reading a file -------------------------------------------------------------------------
@dataclass
class SourceRow:
    """One data row: its line as a spreadsheet shows it and its non-empty cells by key."""

    line: int
    values: dict[str, str]


@dataclass
class CaseFile:
    """A case file read into rows; `unit` is how a row is counted in messages (行, or 条 for JSON)."""

    name: str
    rows: list[SourceRow]
    unit: str = "行"
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str

    def text(self, unit: str) -> str:
        where = f"第{self.line}{unit}"
        return (
            f"{where} 〔{self.column}〕：{self.message}"
            if self.column
            else f"{where}：{self.message}"
        )


def file_format(path: Path) -> str:
    """The file's kind by its extension; anything else is an error before any work is done."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"无法识别的文件类型“{path.suffix or path.name}”：请使用 .csv、.xlsx 或 .json 文件。"
        )
    return suffix


def read_case_file(path: Path) -> CaseFile:
    """Read a case file (by extension) into rows keyed by column key; header problems raise."""
    kind = file_format(path)
    data = _read_bytes(path)
    if kind == ".xlsx":
        table = _xlsx_table(data, path.name)
        return _from_table(table, path.name)
    text = decode(data, path.name)
    if kind == ".json":
        return _from_json(text, path.name)
    return _from_table(_csv_table(text, path.name), path.name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path} 是一个目录，请指定案件文件。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{exc.strerror}") from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel on a Chinese Windows writes)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data.startswith(codecs.BOM_UTF8):
            text = None  # a BOM promises UTF-8: do not guess another encoding
        else:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                text = None
    if text is None or "\x00" in text:
        raise FileFormatError(
            f"无法识别文件 {name} 的编码：它既不是 UTF-8（含带 BOM 的 UTF-8）也不是 GB18030/GBK 文本。"
            "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重试。"
        )
    return text


def _csv_table(text: str, name: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileFormatError(f"文件 {name} 不是有效的 CSV：{exc}") from None


def _xlsx_table(data: bytes, name: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileFormatError(f"文件 {name} 不是有效的 Excel（.xlsx）文件。") from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text a clerk would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return "、".join(_cell_text(v) for v in value)
    return str(value)


def _column_key(name: str) -> str | None:
    return _KEY_BY_NAME.get(name) or _KEY_BY_NAME.get(name.lower())


def _valid_columns() -> str:
    return "、".join(header for _, header in CASE_COLUMNS)


def _map_header(names: list[str], file_name: str, *, what: str = "列") -> dict[int, str]:
    """Column index → key; unknown, duplicate or missing required columns raise."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for index, raw in enumerate(names):
        name = raw.strip().lstrip("\ufeff").strip()
        if not name:
            continue
        key = _column_key(name)
        if key is None:
            unknown.append(name)
        elif key in seen:
            duplicates.append(f"“{seen[key]}”与“{name}”")
        else:
            seen[key] = name
            mapping[index] = key
    problems = []
    if unknown:
        problems.append(
            f"未知的{what}：{'、'.join(unknown)}。可用的{what}：{_valid_columns()}"
            "（也可写英文键，如 received_on；导出文件中的事项分组、状态、受理期限、办结期限、超期会被忽略）"
        )
    if duplicates:
        problems.append(f"重复的{what}（同一项出现两次）：{'；'.join(duplicates)}")
    missing = [HEADER_OF[k] for k in REQUIRED if k not in seen]
    if missing:
        problems.append(f"缺少必需的{what}：{'、'.join(missing)}")
    if problems:
        raise FileFormatError(f"文件 {file_name} 的表头有误：" + "；".join(problems) + "。")
    return mapping


def _from_table(table: list[list[str]], name: str) -> CaseFile:
    header_line = next((i for i, row in enumerate(table) if any(c.strip() for c in row)), None)
    if header_line is None:
        raise FileFormatError(
            f"文件 {name} 是空的：第1行应为表头（信访日期、信访形式、反映问题…）。"
        )
    if header_line != 0:
        raise FileFormatError(f"文件 {name} 的第1行是空行：第1行应为表头。")
    header = table[0]
    mapping = _map_header(header, name)
    case_file = CaseFile(name=name, rows=[])
    unnamed = [i for i, cell in enumerate(header) if not cell.strip()]
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        for index in unnamed:
            if index < len(cells) and cells[index].strip():
                case_file.problems.append(
                    Problem(
                        line,
                        None,
                        f"第{index + 1}列有内容“{cells[index].strip()}”，但该列没有表头。",
                    )
                )
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            case_file.problems.append(
                Problem(line, None, f"有 {len(cells)} 个单元格，多于表头的 {len(header)} 列。")
            )
        values = {
            key: cells[index].strip()
            for index, key in mapping.items()
            if index < len(cells) and cells[index].strip() and key not in DERIVED_KEYS
        }
        case_file.rows.append(SourceRow(line, values))
    return case_file


def _from_json(text: str, name: str) -> CaseFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"文件 {name} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}。"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        data = data["cases"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FileFormatError(
            f'文件 {name} 应为案件对象的数组（[{{"received_on": …}}, …]），与 export 导出的 JSON 相同。'
        )
    names = list(dict.fromkeys(str(k) for item in data for k in item))
    mapping = _map_header(names, name, what="字段") if data else {}
    key_of = {names[i]: key for i, key in mapping.items()}
    rows = []
    for index, item in enumerate(data, start=1):
        values = {}
        for raw_key, value in item.items():
            key = key_of.get(str(raw_key).strip())
            text_value = _cell_text(value).strip()
            if key and text_value and key not in DERIVED_KEYS:
                values[key] = text_value
        rows.append(SourceRow(index, values))
    return CaseFile(name=name, rows=rows, unit="条")


# --- checking rows --------------------------------------------------------------------------
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

    def __init__(self, row: SourceRow, problems: list[Problem]) -> None:
        self.row = row
        self.problems = problems

    def has(self, key: str) -> bool:
        return key in self.row.values

    def raw(self, key: str) -> str | None:
        return self.row.values.get(key)

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.row.line, HEADER_OF[key], message))

    def get(self, key: str, read: Callable[[str], T]) -> T | None:
        text = self.raw(key)
        if text is None:
            return None
        try:
            return read(text)
        except XinfangError as exc:
            self.fail(key, exc.message)
            return None

    def text(self, key: str) -> str | None:
        value = self.raw(key)
        limit = MAX_LENGTH.get(key)
        if value is not None and limit is not None and len(value) > limit:
            self.fail(key, f"内容过长：最多 {limit} 个字，现为 {len(value)} 个字。")
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
    from .privacy import validate_id_number, validate_phone

    problems = list(case_file.problems)
    skipped: list[str] = []
    look_alikes: list[tuple[int, str]] = []
    numbered: list[PlannedCase] = []
    unnumbered: list[PlannedCase] = []
    in_file: dict[str, tuple[int, date | None]] = {}  # upper number → (line, received_on)
    all_numbers = {
        row.values["number"].upper(): row.line for row in case_file.rows if "number" in row.values
    }
    unit = case_file.unit
    tax = taxonomy

    def read_date(text: str) -> date:
        from .dates import parse_date

        return parse_date(text, today=today)

    for source in case_file.rows:
        r = _Row(source, problems)
        number = r.text("number")
        if number is not None:
            upper = number.upper()
            if upper in in_file:
                r.fail("number", f"编号 {number} 与第{in_file[upper][0]}{unit}重复。")
                number = None  # the rest of the row is still checked
            elif upper in known:
                in_file[upper] = (source.line, known[upper].received_on)
                skipped.append(known[upper].number)
                continue
        received_on = r.get("received_on", read_date)
        if number is not None:
            in_file[number.upper()] = (source.line, received_on)

        for key in REQUIRED:
            if not r.has(key):
                r.fail(key, "必填，不能为空。")
        if received_on and received_on > today:
            r.fail("received_on", f"信访日期 {received_on} 晚于今天（{today}）。")
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
            elif wanted in in_file:
                original = (repeat_of, in_file[wanted][1])
            elif wanted in all_numbers:
                r.fail(
                    "repeat_of",
                    f"原件 {repeat_of} 在本文件第{all_numbers[wanted]}{unit}，应排在本件之前。",
                )
            else:
                r.fail("repeat_of", f"账本和本文件中都没有编号为 {repeat_of} 的案件。")
            if original and original[1] and received_on and original[1] > received_on:
                r.fail(
                    "repeat_of",
                    f"原件 {original[0]} 的信访日期 {original[1]} 晚于本件的信访日期 {received_on}。",
                )

        plan = PlannedCase(
            line=source.line,
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
        _check_lifecycle(r, plan, tax, calendar, received_on, today)
        if number is not None:
            numbered.append(plan)
        else:
            unnumbered.append(plan)
            twin = (content or {}).get(content_key(plan.data))
            if twin is not None:
                look_alikes.append((source.line, twin))

    if problems:
        raise FileFormatError(_problem_report(case_file, problems))
    return ImportPlan(cases=numbered + unnumbered, skipped=skipped, look_alikes=look_alikes)


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
    """The steps a row records: each must be complete, allowed in the case's state, and in order."""
    from .dates import parse_date

    def read_date(key: str) -> date | None:
        day = r.get(key, lambda t: parse_date(t, today=today))
        if day is not None and day > today:
            r.fail(key, f"{HEADER_OF[key]} {day} 晚于今天（{today}）。")
            return None
        return day

    def not_before(key: str, day: date | None, earlier: date | None, earlier_key: str) -> None:
        if day is not None and earlier is not None and day < earlier:
            r.fail(key, f"{HEADER_OF[key]} {day} 早于{HEADER_OF[earlier_key]} {earlier}。")

    def needs(key: str, other: str, message: str) -> None:
        if r.has(key) and not r.has(other):
            r.fail(other, message)

    def only_with(keys: Iterable[str], condition: str, message: str) -> None:
        if not r.has(condition):
            for key in keys:
                if r.has(key):
                    r.fail(key, message)

    # 受理 / 不予受理
    plan.accepted_on = read_date("accepted_on")
    not_before("accepted_on", plan.accepted_on, received_on, "received_on")
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
    not_before("rejected_on", plan.rejected_on, received_on, "received_on")
    if r.has("rejected_on") and r.has("accepted_on"):
        r.fail("rejected_on", "同一案件不能既受理又不予受理。")
    needs("rejected_on", "reject_reason", "不予受理必须写明理由。")
    only_with(
        ("reject_reason", "referral"),
        "rejected_on",
        "只有不予受理（填写了不予受理日期）的案件才有此项。",
    )
    plan.reject_reason = r.raw("reject_reason")
    plan.referral = r.text("referral")

    # 延期
    category = tax.categories.get(plan.data.category) if plan.data.category else None
    extend_max = category.extend_max_days if category else tax.extend_max_days
    if r.has("extended_days"):
        if not r.has("accepted_on"):
            r.fail("extended_days", "只有已受理（填写了受理日期）的案件才能延期。")
        needs("extended_days", "extend_reason", "延期必须写明理由。")
        plan.extended_days = r.get("extended_days", _read_days)
        if plan.extended_days is not None and not 1 <= plan.extended_days <= extend_max:
            r.fail(
                "extended_days",
                f"延期天数必须在 1 到 {extend_max} 天之间（现为 {plan.extended_days}）。",
            )
            plan.extended_days = None
    only_with(
        ("extend_reason", "extended_on", "extend_approver"),
        "extended_days",
        "只有延期（填写了延期天数）的案件才有此项。",
    )
    plan.extend_reason = r.raw("extend_reason")
    plan.extend_approver = r.text("extend_approver")
    plan.extended_on = read_date("extended_on") if r.has("extended_on") else plan.accepted_on
    if r.has("extended_on"):
        not_before("extended_on", plan.extended_on, plan.accepted_on, "accepted_on")
    if plan.extended_on and plan.accepted_on and plan.extended_days is not None:
        handle_days = category.handle_days if category else tax.handle_days
        day_mode = category.day_mode if category else tax.day_mode
        try:
            handle_due = deadlines.due_date(
                plan.accepted_on,
                handle_days,
                mode=day_mode,  # type: ignore[arg-type]
                roll_over=tax.roll_over,
                calendar=calendar,
            )
        except XinfangError as exc:
            r.fail("accepted_on", exc.message)
        else:
            if plan.extended_on > handle_due:
                r.fail(
                    "extended_on",
                    f"延期日期 {plan.extended_on} 晚于原办结期限 {handle_due}：超期后不能再延期。",
                )

    # 办结
    plan.closed_on = read_date("closed_on")
    if r.has("closed_on"):
        if not r.has("accepted_on"):
            r.fail("closed_on", "只有已受理（填写了受理日期和主办单位）的案件才能办结。")
        needs(
            "closed_on",
            "outcome",
            "办结必须填写办理结果类型（解决到位、教育到位、帮扶到位、依法处理）。",
        )
        needs("closed_on", "result", "办结必须填写办理结果。")
    not_before("closed_on", plan.closed_on, plan.accepted_on, "accepted_on")
    if plan.extended_days is not None:
        not_before("closed_on", plan.closed_on, plan.extended_on, "extended_on")
    only_with(
        ("outcome", "result", "aid_yuan", "rating", "rated_on"),
        "closed_on",
        "只有已办结（填写了办结日期）的案件才有此项。",
    )
    plan.outcome = r.get("outcome", lambda t: tax.resolve("outcomes", t))
    plan.result = r.raw("result")
    if r.get("aid_yuan", parse_yuan) is not None:
        plan.aid = r.raw("aid_yuan")

    # 评价
    plan.rating = r.get("rating", lambda t: tax.resolve("ratings", t))
    if r.has("closed_on"):
        needs("rated_on", "rating", "填写了评价日期，须同时填写满意度。")
    plan.rated_on = read_date("rated_on") if r.has("rated_on") else plan.closed_on
    if r.has("rated_on"):
        not_before("rated_on", plan.rated_on, plan.closed_on, "closed_on")


def _read_days(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"延期天数“{text}”不是整数。") from None


_COLUMN_ORDER = {header: index for index, (_, header) in enumerate(CASE_COLUMNS)}


def _problem_report(case_file: CaseFile, problems: list[Problem]) -> str:
    problems = sorted(
        problems, key=lambda p: (p.line, _COLUMN_ORDER.get(p.column, -1) if p.column else -1)
    )
    lines = [p.text(case_file.unit) for p in problems[:MAX_PROBLEMS_SHOWN]]
    rest = len(problems) - MAX_PROBLEMS_SHOWN
    if rest > 0:
        lines.append(f"……另有 {rest} 处问题未列出。")
    bad_rows = len({p.line for p in problems})
    return (
        f"文件 {case_file.name} 中有 {bad_rows} {case_file.unit}共 {len(problems)} 处问题，"
        "未导入任何案件（账本未改动）：\n" + "\n".join(lines)
    )


# --- importing ------------------------------------------------------------------------------
@dataclass
class ImportResult:
    imported: int
    skipped: int
    dry_run: bool
    location: str
    created: bool = False
    look_alikes: list[tuple[int, str]] = field(default_factory=list)
    unit: str = "行"


def known_cases(ledger: Ledger, session: Any) -> dict[str, KnownCase]:
    from sqlmodel import col, select

    from .models import Case

    rows = session.exec(select(col(Case.number), col(Case.received_on)))
    return {number.upper(): KnownCase(number, received) for number, received in rows}


def known_content(session: Any, case_file: CaseFile) -> dict[tuple[Any, ...], str]:
    """Registration details of the ledger's cases, only when the file has rows without a number."""
    from sqlalchemy import select

    from .models import Case

    if all("number" in row.values for row in case_file.rows):
        return {}
    columns = ("received_on", "channel", "summary", "name", "phone", "id_number", "number")
    query = select(*(getattr(Case, name) for name in columns))
    return {tuple(row[:-1]): row[-1] for row in session.execute(query)}


FLUSH_EVERY = 500


def write_plan(
    ledger: Ledger, session: Any, log: Any, plan: ImportPlan, *, source: str, unit: str, today: date
) -> int:
    """Write every planned case through the ledger's service functions (same rules, same events).

    Each registration event's reason names the file and row the case came from. Cases are
    numbered from an in-memory NumberBook and flushed in batches (or when a co-department needs
    the case's id, or a repeat names a case not yet flushed): a per-row flush would make a large
    file several times slower.
    """
    from . import ledger as svc

    book = svc.NumberBook(session)
    pending: set[str] = set()  # numbers registered since the last flush

    def flush() -> None:
        session.flush()
        pending.clear()

    with session.no_autoflush, _no_cyclic_gc():
        for item in plan.cases:
            try:
                repeat_of = item.data.repeat_of
                if repeat_of and svc.normalize_number(repeat_of) in pending:
                    flush()
                case = svc.register(
                    ledger,
                    session,
                    log,
                    item.data,
                    today=today,
                    numbers=book,
                    reason=f"导入自 {source} 第{item.line}{unit}",
                )
                pending.add(svc.normalize_number(case.number))
                if item.co_depts:
                    flush()
                _lifecycle(svc, ledger, session, log, case, item, today=today)
                if len(pending) >= FLUSH_EVERY:
                    flush()
            except XinfangError as exc:
                raise type(exc)(
                    f"第{item.line}{unit}：{exc.message}（未导入任何案件，账本未改动）"
                ) from exc
    return len(plan.cases)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector during a bulk load: the ORM's objects are freed by reference
    counting, and repeated full collections over a large file's rows cost a fifth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lifecycle(
    svc: Any, ledger: Ledger, session: Any, log: Any, case: Any, item: PlannedCase, *, today: date
) -> None:
    """The steps after registration, each through its service function, dated as the row says."""
    if item.accepted_on is not None:
        svc.assign(
            ledger,
            session,
            log,
            case,
            dept=item.lead_dept,
            co_depts=item.co_depts,
            leader=item.leader,
            on=item.accepted_on,
            today=today,
        )
    elif item.rejected_on is not None:
        svc.reject(
            ledger,
            session,
            log,
            case,
            reason=item.reject_reason or "",
            referral=item.referral,
            on=item.rejected_on,
            today=today,
        )
    if item.extended_days is not None and item.extended_on is not None:
        svc.extend(
            ledger,
            session,
            log,
            case,
            days=item.extended_days,
            reason=item.extend_reason or "",
            approver=item.extend_approver,
            on=item.extended_on,
            today=today,
        )
    if item.closed_on is not None:
        svc.close(
            ledger,
            session,
            log,
            case,
            outcome=item.outcome or "",
            result=item.result or "",
            aid=item.aid,
            on=item.closed_on,
            today=today,
        )
    if item.rating is not None and item.rated_on is not None:
        svc.rate(ledger, session, log, case, grade=item.rating, on=item.rated_on, today=today)


def import_cases(
    path: Path,
    *,
    db: str | None,
    open_ledger: Callable[[bool], Ledger],
    today: date,
    dry_run: bool,
) -> ImportResult:
    """Import a case file: read and check it all, then write it in one transaction.

    `open_ledger(write)` opens the ledger at `db` (the CLI's opener, which also removes a ledger
    it created if the command then fails). A missing SQLite ledger is checked against the
    default taxonomy and created only when the file is valid and this is not a dry run.
    """
    from .db import describe, resolve_url, sqlite_path
    from .taxonomy import default_taxonomy

    case_file = read_case_file(path)
    url = resolve_url(db)
    ledger_file = sqlite_path(url)

    def result(plan: ImportPlan, location: str, created: bool = False) -> ImportResult:
        return ImportResult(
            imported=len(plan.cases),
            skipped=len(plan.skipped),
            dry_run=dry_run,
            location=location,
            created=created,
            look_alikes=plan.look_alikes,
            unit=case_file.unit,
        )

    def write(ledger: Ledger, session: Any, log: Any, plan: ImportPlan) -> None:
        write_plan(ledger, session, log, plan, source=path.name, unit=case_file.unit, today=today)

    if ledger_file is not None and not ledger_file.exists():
        taxonomy = default_taxonomy()
        calendar = deadlines.load_calendar(taxonomy.holidays, taxonomy.workdays)
        plan = check_rows(case_file, taxonomy=taxonomy, calendar=calendar, known={}, today=today)
        if dry_run:
            return result(plan, describe(url))
        ledger = open_ledger(True)
        with ledger.transaction() as (session, log):
            write(ledger, session, log, plan)
        _analyze(ledger, len(plan.cases))
        return result(plan, ledger.location, ledger.created)

    ledger = open_ledger(not dry_run)

    def check(session: Any) -> ImportPlan:
        return check_rows(
            case_file,
            taxonomy=ledger.taxonomy,
            calendar=ledger.calendar,
            known=known_cases(ledger, session),
            content=known_content(session, case_file),
            today=today,
        )

    if dry_run:
        with ledger.reading() as session:
            return result(check(session), ledger.location)
    # Checked inside the write transaction, so the numbers seen are the numbers written against.
    with ledger.transaction() as (session, log):
        plan = check(session)
        write(ledger, session, log, plan)
    _analyze(ledger, len(plan.cases))
    return result(plan, ledger.location, ledger.created)


def _analyze(ledger: Ledger, imported: int) -> None:
    """Fresh statistics after a bulk load, so the planner picks the date indexes for reports."""
    if not imported:
        return
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with ledger.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    except SQLAlchemyError:
        pass  # the import is committed; statistics are only an optimisation


# --- exporting ------------------------------------------------------------------------------
@dataclass
class ExportResult:
    count: int
    path: Path
    revealed: bool


def export_cases(
    ledger: Ledger, path: Path, *, year: int | None, reveal: bool, today: date
) -> ExportResult:
    """Write the ledger's cases (optionally one year of receipt) to a case file.

    Personal data is masked unless `reveal`; a reveal is recorded per case in the audit log,
    in its own transaction, before the file appears under its name.
    """
    from .records import CaseFilter, case_record, co_map, select_cases

    kind = file_format(path)
    if year is not None and not 1900 <= year <= 2100:
        raise InputError(f"年份 {year} 超出范围（1900～2100）。")
    flt = CaseFilter(
        received_from=date(year, 1, 1) if year else None,
        received_to=date(year, 12, 31) if year else None,
    )
    with ledger.reading() as session:
        cases = select_cases(session, ledger, flt)
        cos = co_map(session, cases)
    records = [case_record(c, cos.get(c.id or 0, []), as_of=today, reveal=reveal) for c in cases]
    writer = {".csv": _write_csv, ".xlsx": _write_xlsx, ".json": _write_json}[kind]
    with _staged(path) as staged:
        writer(staged, records, ledger.taxonomy)
        if reveal and records:
            with ledger.transaction() as (_session, log):
                for record in records:
                    log.record(
                        "reveal",
                        case_number=record["number"],
                        reason=f"export --reveal 导出个人信息至 {path.name}",
                    )
    return ExportResult(len(records), path, reveal)


class _staged:
    """A temporary file beside `path` that replaces it only when the block succeeds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        directory = self.path.parent
        if not directory.is_dir():
            raise FileFormatError(f"无法写入 {self.path}：目录 {directory} 不存在。")
        try:
            fd, name = tempfile.mkstemp(prefix=".xinfang-", suffix=self.path.suffix, dir=directory)
        except OSError as exc:
            raise FileFormatError(f"无法写入 {self.path}：{exc.strerror}") from None
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self.tmp is not None
        if exc_type is None:
            try:
                os.replace(self.tmp, self.path)
                return
            except OSError as error:
                self.tmp.unlink(missing_ok=True)
                raise FileFormatError(f"无法写入 {self.path}：{error.strerror}") from None
        self.tmp.unlink(missing_ok=True)


def _columns() -> tuple[tuple[str, str], ...]:
    return CASE_COLUMNS + DERIVED_COLUMNS


def _write_csv(path: Path, records: list[dict[str, Any]], tax: Taxonomy) -> None:
    from .records import labelled

    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([header for _, header in _columns()])
            for record in records:
                text = labelled(record, tax)
                writer.writerow([text[key] for key, _ in _columns()])
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{exc.strerror}") from None


def _write_json(path: Path, records: list[dict[str, Any]], _tax: Taxonomy) -> None:
    try:
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{exc.strerror}") from None


XLSX_DATE_KEYS = frozenset(
    {"received_on", "accepted_on", "rejected_on", "extended_on", "closed_on", "rated_on"}
    | {"accept_due", "due_on"}
)
XLSX_NUMBER_KEYS = frozenset({"persons", "extended_days", "aid_yuan"})


def _write_xlsx(path: Path, records: list[dict[str, Any]], tax: Taxonomy) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .records import labelled

    columns = _columns()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "信访台账"
    sheet.append([header for _, header in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [display_width(header) for _, header in columns]
    for row_index, record in enumerate(records, start=2):
        text = labelled(record, tax)
        values: list[Any] = []
        for key, _ in columns:
            value = record.get(key)
            if value is None or value == []:
                values.append(None)
            elif key in XLSX_DATE_KEYS:
                values.append(date.fromisoformat(value))
            elif key in XLSX_NUMBER_KEYS:
                values.append(value)
            else:
                values.append(text[key])
        sheet.append(values)
        for col, (key, _) in enumerate(columns, start=1):
            cell = sheet.cell(row=row_index, column=col)
            if key in XLSX_DATE_KEYS:
                cell.number_format = "yyyy-mm-dd"
            elif key == "aid_yuan":
                cell.number_format = "0.00"
        if row_index <= 1001:  # widths from the first thousand rows are enough
            for index, (key, _) in enumerate(columns):
                shown = 10 if key in XLSX_DATE_KEYS else display_width(text[key])
                widths[index] = max(widths[index], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    try:
        book.save(path)
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{exc.strerror}") from None
