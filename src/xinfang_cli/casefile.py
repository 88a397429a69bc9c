"""The case file (docs/casefile.md): its columns, and reading a CSV, XLSX or JSON case
file into rows keyed by column key — encoding detection (UTF-8 with or without BOM, GB18030),
header mapping (Chinese headers or keys, any order), and the problems of a file as line-numbered
messages (the header is line 1, as a spreadsheet numbers rows). Checking what the rows say is
`rowcheck.py`'s job; writing files is `exporter.py`'s.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import FileFormatError, InputError, os_reason
from .text import unguard_cell

# (key, Chinese header) in the order files are written.
CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "编号"),
    ("received_on", "信访日期"),
    ("channel", "信访形式"),
    ("name", "信访人"),
    ("identity", "身份"),
    ("unit", "单位"),
    ("phone", "联系电话"),
    ("id_number", "身份证号"),
    ("persons", "人数"),
    ("summary", "反映问题"),
    ("content", "具体内容"),
    ("nature", "性质"),
    ("category", "事项类别"),
    ("repeat_of", "原件编号"),
    ("bypass", "越级"),
    ("confidential", "保密"),
    ("accepted_on", "受理日期"),
    ("lead_dept", "主办单位"),
    ("co_depts", "协办单位"),
    ("leader", "包案领导"),
    ("rejected_on", "不予受理日期"),
    ("reject_reason", "不予受理理由"),
    ("referral", "转办渠道"),
    ("extended_days", "延期天数"),
    ("extend_reason", "延期理由"),
    ("extended_on", "延期日期"),
    ("extend_approver", "延期批准人"),
    ("closed_on", "办结日期"),
    ("outcome", "办理结果类型"),
    ("result", "办理结果"),
    ("aid_yuan", "帮扶金额"),
    ("rating", "满意度"),
    ("rated_on", "评价日期"),
    ("voided_on", "作废日期"),
    ("void_reason", "作废理由"),
)
DERIVED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("group", "事项分组"),
    ("status", "状态"),
    ("accept_due", "受理期限"),
    ("due_on", "办结期限"),
    ("overdue", "超期"),
    ("deadline_provisional", "期限暂定"),
    ("purged_on", "个人信息清除日期"),
)
FORMATS = (".csv", ".xlsx", ".json")
HEADER_OF: dict[str, str] = dict(CASE_COLUMNS + DERIVED_COLUMNS)
REQUIRED = ("received_on", "channel", "summary")
DERIVED_KEYS = frozenset(key for key, _ in DERIVED_COLUMNS)
# Export writes the derived columns too; import recognises and ignores them (they are computed).
_KEY_BY_NAME: dict[str, str] = {
    **{header: key for key, header in CASE_COLUMNS + DERIVED_COLUMNS},
    **{key.lower(): key for key, _ in CASE_COLUMNS + DERIVED_COLUMNS},
}
MAX_PROBLEMS_SHOWN = 50
DATE_KEYS = frozenset(
    (
        "received_on",
        "accepted_on",
        "rejected_on",
        "extended_on",
        "closed_on",
        "rated_on",
        "voided_on",
    )
)
# Columns an office's own ledger carries that are not the case's: a row counter.
ROW_COUNTERS = frozenset(("序号", "No", "No.", "NO.", "序"))
TOTAL_WORDS = ("合计", "总计", "小计")
HEADER_SEARCH_ROWS = 20  # a header lies within the first rows of a sheet
SHEET_LINE = 1_000_000  # lines of the n-th sheet of --all-sheets are n × this + the row


@dataclass
class Layout:
    """What the office tells the importer about a file that is not our own case file: header
    synonyms (the taxonomy's), `--map 表头=列`, `--ignore 表头`, `--value-map 列=旧值:新值`,
    `--default 列=值`, and which sheets of a workbook to read."""

    synonyms: dict[str, str] = field(default_factory=dict)
    maps: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    all_sheets: bool = False


@dataclass
class Plan:
    """What reading found, for `import --dry-run` and the import's summary."""

    sheets: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, header row, rows)
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (theirs, ours, how)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (header, why)
    totals: int = 0  # trailing 合计 rows left out
    inferred: dict[str, int] = field(default_factory=dict)  # inference → rows
    warnings: list[LineProblem] = field(default_factory=list)

    @property
    def legacy(self) -> bool:
        """Not our own case file: an office's ledger (title rows, its own headers, a 序号…)."""
        return bool(
            any(header > 1 for _, header, _ in self.sheets)
            or any(how != "原名" for _, _, how in self.columns)
            or self.ignored
            or self.totals
            or len(self.sheets) > 1
        )

    def lines(self, file_name: str, *, full: bool = False) -> list[str]:
        """What to say about the reading: nothing for our own case file unless `full`."""
        if not (full or self.legacy or self.inferred):
            return []
        out = []
        for sheet, header, rows in self.sheets:
            where = f"工作表“{sheet}”，" if sheet else ""
            out.append(f"读取 {file_name}：{where}第{header}行为表头，数据 {rows} 行。")
        if self.totals:
            out.append(f"略去末尾的合计行 {self.totals} 行。")
        mapped = [
            f"{theirs}→{ours}（{how}）" for theirs, ours, how in self.columns if how != "原名"
        ]
        same = [theirs for theirs, _, how in self.columns if how == "原名"]
        if mapped:
            out.append("列的对应：" + "、".join(mapped) + "。")
        if same:
            out.append("按原名读取的列：" + "、".join(same) + "。")
        if self.ignored:
            out.append("忽略的列：" + "、".join(f"{h}（{why}）" for h, why in self.ignored) + "。")
        for what, count in self.inferred.items():
            out.append(f"推定：{count} 行{what}（记入各案件的操作日志“导入时推定”）。")
        return out


# --- reading a file -------------------------------------------------------------------------
@dataclass
class SourceRow:
    """One data row: its line as a spreadsheet shows it and its non-empty cells by key."""

    line: int
    values: dict[str, str]
    inferred: tuple[str, ...] = ()  # steps an old ledger left out, taken as said (导入时推定)


@dataclass
class CaseFile:
    """A case file read into rows; `unit` is how a row is counted in messages (行, or 条 for JSON)."""

    name: str
    rows: list[SourceRow]
    unit: str = "行"
    problems: list[LineProblem] = field(default_factory=list)
    sheets: tuple[str, ...] = ()  # with --all-sheets: the sheet of each line
    plan: Plan = field(default_factory=Plan)

    def where(self, line: int) -> str:
        return where(line, self.unit, self.sheets)


def where(line: int, unit: str, sheets: tuple[str, ...] = ()) -> str:
    """第5行, or 工作表“2024年”第5行 when several sheets are read."""
    if sheets:
        return f"工作表“{sheets[line // SHEET_LINE]}”第{line % SHEET_LINE}{unit}"
    return f"第{line}{unit}"


@dataclass(frozen=True)
class LineProblem:
    line: int
    column: str | None
    message: str

    def text(self, unit: str, sheets: tuple[str, ...] = ()) -> str:
        where_ = where(self.line, unit, sheets)
        return (
            f"{where_} 〔{self.column}〕：{self.message}"
            if self.column
            else f"{where_}：{self.message}"
        )


def file_format(path: Path) -> str:
    """The file's kind by its extension; anything else is an error before any work is done."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"无法识别的文件类型“{path.suffix or path.name}”：请使用 .csv、.xlsx 或 .json 文件。"
        )
    return suffix


def read_case_file(path: Path, layout: Layout | None = None) -> CaseFile:
    """Read a case file (by extension) into rows keyed by column key; header problems raise."""
    layout = layout or Layout()
    kind = file_format(path)
    data = _read_bytes(path)
    if kind == ".xlsx":
        return _from_workbook(data, path.name, layout)
    if layout.sheet is not None or layout.all_sheets:
        raise InputError("--sheet、--all-sheets 只用于 Excel（.xlsx）文件。")
    text = decode(data, path.name)
    if kind == ".json":
        return _from_json(text, path.name)
    return _from_table(_csv_table(text, path.name), path.name, guarded=True, layout=layout)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path} 是一个目录，请指定案件文件。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{os_reason(exc)}") from None


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
    return list(_csv_cells(csv.reader(io.StringIO(text, newline="")), name))


def _from_workbook(data: bytes, name: str, layout: Layout) -> CaseFile:
    """The first sheet, the sheet `--sheet` names, or every sheet (`--all-sheets`), each with
    its own header row; with several sheets a row's sheet is named in every message."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileFormatError(
            f"文件 {name} 是加密的或旧版（.xls）Excel 文件：请在 Excel 中取消密码，"
            "或“另存为 → Excel 工作簿（.xlsx）”后重试。"
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileFormatError(f"文件 {name} 不是有效的 Excel（.xlsx）文件。") from None
    try:
        names = list(book.sheetnames)
        if layout.sheet is not None:
            if layout.sheet not in names:
                raise FileFormatError(
                    f"文件 {name} 中没有工作表“{layout.sheet}”。其中的工作表：{'、'.join(names)}。"
                )
            chosen = [layout.sheet]
        elif layout.all_sheets:
            chosen = names
        else:
            chosen = names[:1]
        tables = [
            (
                sheet,
                [[_cell_text(v) for v in row] for row in book[sheet].iter_rows(values_only=True)],
            )
            for sheet in chosen
        ]
    finally:
        book.close()
    if len(tables) == 1:
        sheet, table = tables[0]
        case_file = _from_table(table, name, guarded=False, layout=layout, sheet=sheet)
        return case_file
    merged = CaseFile(name=name, rows=[], sheets=tuple(chosen))
    for index, (sheet, table) in enumerate(tables):
        if not any(any(c.strip() for c in row) for row in table):
            merged.plan.ignored.append((f"工作表“{sheet}”", "空白"))
            continue
        one = _from_table(
            table, f"{name} 工作表“{sheet}”", guarded=False, layout=layout, sheet=sheet
        )
        offset = index * SHEET_LINE
        merged.rows.extend(
            SourceRow(row.line + offset, row.values, row.inferred) for row in one.rows
        )
        merged.problems.extend(
            LineProblem(p.line + offset, p.column, p.message) for p in one.problems
        )
        _merge_plans(merged.plan, one.plan, offset)
    return merged


def _merge_plans(into: Plan, one: Plan, offset: int) -> None:
    into.sheets.extend(one.sheets)
    for column in one.columns:
        if column not in into.columns:
            into.columns.append(column)
    for ignored in one.ignored:
        if ignored not in into.ignored:
            into.ignored.append(ignored)
    into.totals += one.totals
    for what, count in one.inferred.items():
        into.inferred[what] = into.inferred.get(what, 0) + count
    into.warnings.extend(LineProblem(w.line + offset, w.column, w.message) for w in one.warnings)


def _cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text a clerk would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()  # a ledger's dates are days: a time of day is dropped
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


def _map_header(
    names: list[str],
    file_name: str,
    *,
    what: str = "列",
    layout: Layout | None = None,
    plan: Plan | None = None,
) -> dict[int, str]:
    """Column index → key, by our header or key, a `--map`, or a synonym of the taxonomy;
    unknown, duplicate or missing required columns raise, each unknown one with the option that
    would fix it."""
    layout = layout or Layout()
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for index, raw in enumerate(names):
        name = raw.strip().lstrip("\ufeff").strip()
        if not name:
            continue
        if name in layout.ignore or name in ROW_COUNTERS:
            if plan is not None:
                plan.ignored.append((name, "--ignore" if name in layout.ignore else "序号列"))
            continue
        key, how = _header_key(name, layout)
        if key is None:
            unknown.append(name)
        elif key in seen:
            duplicates.append(f"“{seen[key]}”与“{name}”（都是{HEADER_OF[key]}）")
        else:
            seen[key] = name
            mapping[index] = key
            if plan is not None and key not in DERIVED_KEYS:
                plan.columns.append((name, HEADER_OF[key], how))
    problems = []
    if unknown:
        fixes = "；".join(_fix_for(name) for name in unknown)
        problems.append(
            f"未知的{what}：{'、'.join(unknown)}。可以这样指明：{fixes}"
            f"。可用的{what}：{_valid_columns()}"
            "（也可写英文键，如 received_on；导出文件中的事项分组、状态、受理期限、办结期限、超期、期限暂定、个人信息清除日期会被忽略）"
        )
    if duplicates:
        problems.append(f"重复的{what}（同一项出现两次）：{'；'.join(duplicates)}")
    missing = [HEADER_OF[k] for k in REQUIRED if k not in seen and k not in layout.defaults]
    if missing:
        problems.append(f"缺少必需的{what}：{'、'.join(missing)}")
    if problems:
        raise FileFormatError(f"文件 {file_name} 的表头有误：" + "；".join(problems) + "。")
    return mapping


def _header_key(name: str, layout: Layout) -> tuple[str | None, str]:
    """Our column for a header, and how it was known: 原名, --map or 同义词."""
    if name in layout.maps:
        return _column_key(layout.maps[name]), "--map"
    key = _column_key(name)
    if key is not None:
        return key, "原名"
    target = layout.synonyms.get(name)
    if target is not None:
        return _column_key(target), "同义词"
    return None, ""


def _fix_for(header: str) -> str:
    import difflib

    headers = [h for _, h in CASE_COLUMNS]
    near = difflib.get_close_matches(header, headers, n=1, cutoff=0.3)
    if not near:
        near = [h for h in headers if any(ch in h for ch in header)][:1]
    guess = near[0] if near else "具体内容"
    return f"--map {header}={guess}（或 --ignore {header}）"


def resolve_key(text: str) -> str | None:
    """A column named by its Chinese header or its key (for --map, --value-map, --default)."""
    return _column_key(text.strip())


def _header_score(cells: list[str], layout: Layout) -> int:
    return sum(
        1 for cell in cells if cell.strip() and _header_key(cell.strip(), layout)[0] is not None
    )


def find_header(table: list[list[str]], name: str, layout: Layout) -> int:
    """The index of the header row: the first of the first rows that names at least two of our
    columns (title rows and blank rows above it are skipped)."""
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        if _header_score(cells, layout) >= 2:
            return index
    if not any(any(c.strip() for c in row) for row in table):
        raise FileFormatError(
            f"文件 {name} 是空的：第1行应为表头（信访日期、信访形式、反映问题…）。"
        )
    first = next(row for row in table if any(c.strip() for c in row))
    shown = "、".join(c.strip() for c in first if c.strip())[:80]
    raise FileFormatError(
        f"文件 {name} 的前 {HEADER_SEARCH_ROWS} 行中没有找到表头：表头行应含信访日期、信访形式、"
        f"反映问题等列中的至少两列（或其同义词，如 信访时间、来信来访形式、主要内容）。第一行是：{shown}。"
        "表头写法不同时，用 --map 表头=列 指明。"
    )


def _from_table(
    table: list[list[str]],
    name: str,
    *,
    guarded: bool,
    layout: Layout | None = None,
    sheet: str | None = None,
) -> CaseFile:
    """Rows keyed by column key. `guarded`: a CSV, whose formula-looking text an export wrote
    with a leading ' (`text.guard_cell`), taken off here; an XLSX keeps such text in text cells."""
    layout = layout or Layout()
    start = find_header(table, name, layout)
    header = table[start]
    case_file = CaseFile(name=name, rows=[])
    mapping = _map_header(header, name, layout=layout, plan=case_file.plan)
    case_file.plan.sheets.append((sheet or "", start + 1, 0))
    case_file.rows.extend(
        _table_rows(
            iter(table[start + 1 :]),
            header,
            mapping,
            case_file.problems,
            guarded=guarded,
            first_line=start + 2,
            layout=layout,
            plan=case_file.plan,
            infer=_infers(case_file.plan, layout),
        )
    )
    case_file.plan.sheets[-1] = (sheet or "", start + 1, len(case_file.rows))
    return case_file


def _table_rows(
    cells_of: Iterator[list[str]],
    header: list[str],
    mapping: dict[int, str],
    problems: list[LineProblem] | None,
    *,
    guarded: bool,
    first_line: int = 2,
    layout: Layout | None = None,
    plan: Plan | None = None,
    infer: bool = False,
) -> Iterator[SourceRow]:
    """The data rows keyed by column key; the problems of a row's shape (a cell under no
    header, more cells than headers) go to `problems` when it is given. A trailing 合计 row
    is left out (counted in `plan`); Excel serial numbers in date columns become dates; the
    layout's value maps and defaults apply, then the steps old ledgers leave out are inferred."""
    layout = layout or Layout()
    unnamed = [
        i
        for i, cell in enumerate(header)
        if not cell.strip() or cell.strip() in layout.ignore or cell.strip() in ROW_COUNTERS
    ]
    unnamed = [i for i in unnamed if not header[i].strip()]
    width = len(header)
    items = [(index, key) for index, key in mapping.items() if key not in DERIVED_KEYS]
    # Excel serial numbers: in a workbook, or an office's own ledger saved as CSV
    serials = infer or not guarded
    date_columns = {index for index, key in items if key in DATE_KEYS} if serials else set()
    value_maps = layout.value_maps
    defaults = layout.defaults
    adjust = bool(value_maps or defaults)
    for line, cells in enumerate(cells_of, start=first_line):
        if not any(c.strip() for c in cells):
            continue
        if _is_total(cells):
            if plan is not None:
                plan.totals += 1
            continue
        if problems is not None:
            for index in unnamed:
                if index < len(cells) and cells[index].strip():
                    problems.append(
                        LineProblem(
                            line,
                            None,
                            f"第{index + 1}列有内容“{cells[index].strip()}”，但该列没有表头。",
                        )
                    )
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problems.append(
                    LineProblem(line, None, f"有 {len(cells)} 个单元格，多于表头的 {width} 列。")
                )
        values = {}
        count = len(cells)
        for index, key in items:
            if index < count:
                cell = cells[index].strip()
                if cell:
                    if guarded and cell[0] == "'":
                        cell = unguard_cell(cell)
                    elif index in date_columns and cell[0].isdigit() and len(cell) <= 12:
                        cell = excel_serial(cell) or cell
                    values[key] = cell
        defaulted: tuple[str, ...] = ()
        if adjust:
            for key, table in value_maps.items():
                if key in values and values[key] in table:
                    values[key] = table[values[key]]
            defaulted = tuple(
                key
                for key in defaults
                if key not in values and STEP_OF.get(key, "received_on") in values
            )
            for key in defaulted:
                values[key] = defaults[key]
        inferred = _infer_steps(values, line, plan, defaulted) if infer else ()
        yield SourceRow(line, values, inferred)


def _infers(plan: Plan, layout: Layout) -> bool:
    """Steps are inferred for an office's own ledger, or when the clerk gave defaults; our own
    case file is read as written (a closing without an outcome is an error there)."""
    return plan.legacy or bool(layout.defaults or layout.maps or layout.sheet or layout.all_sheets)


def _is_total(cells: list[str]) -> bool:
    first = next((c.strip() for c in cells if c.strip()), "")
    return first.replace(" ", "").startswith(TOTAL_WORDS)


EXCEL_EPOCH = date(1899, 12, 30)


def excel_serial(text: str) -> str | None:
    """An Excel serial day number (1900 date system) as an ISO date: 45352 → 2024-03-01. Excel
    counts a 1900-02-29 that never was (serial 60), so serials before it are one day later than
    the plain count; None when the text is not such a number."""
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(whole) > 6:
        return None
    serial = int(whole)
    if not 1 <= serial <= 2958465 or serial == 60 or len(whole) == 8:
        return None
    if serial < 60:
        serial += 1
    from datetime import timedelta

    return (EXCEL_EPOCH + timedelta(days=serial)).isoformat()


# A default for a step's detail applies only to rows that record that step.
STEP_OF = {
    "outcome": "closed_on",
    "result": "closed_on",
    "rating": "closed_on",
    "reject_reason": "rejected_on",
    "referral": "rejected_on",
    "extend_reason": "extended_on",
}
INFER_ACCEPTED = "有主办单位而无受理日期，受理日期取信访日期"
INFER_OUTCOME = "有办结日期而无办理结果类型，按 --default 取"
KEPT_OPEN = (
    "有办结日期但没有办理结果类型：暂按未办结导入，办结日期和办理结果未导入"
    "（若这些案件都已办结，可加 --default outcome=解决到位）"
)


def _infer_steps(
    values: dict[str, str], line: int, plan: Plan | None, defaulted: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Steps an old ledger leaves out: a lead department without an acceptance date is taken
    as accepted on the day received; a closing date without an outcome stays open (warned),
    unless `--default outcome=…` gave one (then it is an inference too)."""
    inferred: list[str] = []
    if (
        "lead_dept" in values
        and "accepted_on" not in values
        and "rejected_on" not in values
        and "received_on" in values
    ):
        values["accepted_on"] = values["received_on"]
        inferred.append(INFER_ACCEPTED)
    if "closed_on" in values and "outcome" in defaulted:
        inferred.append(INFER_OUTCOME)
    if "closed_on" in values and "outcome" not in values:
        for key in ("closed_on", "result", "aid_yuan", "rating", "rated_on"):
            values.pop(key, None)
        if plan is not None:
            plan.warnings.append(LineProblem(line, "办结日期", KEPT_OPEN))
    if plan is not None:
        for what in inferred:
            plan.inferred[what] = plan.inferred.get(what, 0) + 1
    return tuple(inferred)


# --- reading a large CSV in passes ------------------------------------------------------------
@dataclass
class CaseSource:
    """A case file that can be read row by row, more than once, without holding it in memory
    (a CSV is streamed from disk on each pass; an XLSX or JSON file is read once and kept).
    `rows(problems)` yields the data rows; the pass given `problems` collects the problems of
    each row's shape (give it to one pass only)."""

    name: str
    unit: str
    problems: list[LineProblem]
    _rows: Callable[[list[LineProblem] | None], Iterator[SourceRow]]
    _numbers: Callable[[], Iterator[tuple[int, str | None]]] | None = None
    sheets: tuple[str, ...] = ()
    plan: Plan = field(default_factory=Plan)

    def where(self, line: int) -> str:
        return where(line, self.unit, self.sheets)

    def rows(self, problems: list[LineProblem] | None = None) -> Iterator[SourceRow]:
        return self._rows(problems)

    def numbers(self) -> Iterator[tuple[int, str | None]]:
        """(line, number or None) of each data row: a cheap first pass."""
        if self._numbers is not None:
            return self._numbers()
        return ((row.line, row.values.get("number")) for row in self.rows())

    def as_case_file(self) -> CaseFile:
        """For messages: the name, the unit a row is counted in, the sheets."""
        return CaseFile(name=self.name, rows=[], unit=self.unit, sheets=self.sheets)


STREAM_CHUNK = 1 << 20  # bytes read at a time while detecting a CSV's encoding


def open_case_source(path: Path, layout: Layout | None = None) -> CaseSource:
    """Open a case file for reading in passes; header problems raise here."""
    layout = layout or Layout()
    kind = file_format(path)
    if kind != ".csv":
        case_file = read_case_file(path, layout)
        rows = case_file.rows

        def kept(problems: list[LineProblem] | None) -> Iterator[SourceRow]:
            return iter(rows)

        return CaseSource(
            case_file.name,
            case_file.unit,
            list(case_file.problems),
            kept,
            sheets=case_file.sheets,
            plan=case_file.plan,
        )
    if layout.sheet is not None or layout.all_sheets:
        raise InputError("--sheet、--all-sheets 只用于 Excel（.xlsx）文件。")
    name = path.name
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        top = []
        for cells in _csv_cells(csv.reader(handle), name):
            top.append(cells)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
    start = find_header(top, name, layout)
    header = top[start]
    plan = Plan()
    mapping = _map_header(header, name, layout=layout, plan=plan)
    counted = [0]

    def streamed(problems: list[LineProblem] | None) -> Iterator[SourceRow]:
        # the pass that collects problems also fills the plan (rows, totals, inferences)
        with path.open(encoding=encoding, newline="") as handle:
            cells_of = _csv_cells(csv.reader(handle), name)
            for _ in range(start + 1):
                next(cells_of, None)
            rows = _table_rows(
                cells_of,
                header,
                mapping,
                problems,
                guarded=True,
                first_line=start + 2,
                layout=layout,
                plan=plan if problems is not None else None,
                infer=infer,
            )
            for row in rows:
                if problems is not None:
                    counted[0] += 1
                yield row
            if problems is not None:
                plan.sheets[:] = [("", start + 1, counted[0])]

    number_at = next((i for i, key in mapping.items() if key == "number"), None)
    plan.sheets.append(("", start + 1, 0))
    infer = _infers(plan, layout)

    def numbers() -> Iterator[tuple[int, str | None]]:
        with path.open(encoding=encoding, newline="") as handle:
            cells_of = _csv_cells(csv.reader(handle), name)
            for _ in range(start + 1):
                next(cells_of, None)
            for line, cells in enumerate(cells_of, start=start + 2):
                if not any(c.strip() for c in cells) or _is_total(cells):
                    continue
                cell = (
                    cells[number_at].strip()
                    if number_at is not None and number_at < len(cells)
                    else ""
                )
                yield line, (unguard_cell(cell) if cell else None)

    return CaseSource(name, "行", [], streamed, numbers, plan=plan)


def _csv_cells(reader: Any, name: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileFormatError(
                f"文件 {name} 第{reader.line_num}行有一个单元格超过 {csv.field_size_limit()} 个字符，"
                "不像是台账内容（可能是文件损坏，或引号没有配对）。"
            ) from None
        raise FileFormatError(f"文件 {name} 第{reader.line_num}行不是有效的 CSV：{exc}。") from None


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 — as `decode` decides, a chunk at a time."""
    try:
        with path.open("rb") as handle:
            first = handle.read(STREAM_CHUNK)
            bom = first.startswith(codecs.BOM_UTF8)
            for encoding in ("utf-8-sig", "gb18030"):
                if encoding == "gb18030" and bom:
                    break  # a BOM promises UTF-8: do not guess another encoding
                handle.seek(0)
                decoder = codecs.getincrementaldecoder(encoding)()
                try:
                    while chunk := handle.read(STREAM_CHUNK):
                        if "\x00" in decoder.decode(chunk):
                            raise UnicodeDecodeError(encoding, b"", 0, 1, "NUL")
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    continue
                return encoding
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path} 是一个目录，请指定案件文件。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{os_reason(exc)}") from None
    raise FileFormatError(
        f"无法识别文件 {path.name} 的编码：它既不是 UTF-8（含带 BOM 的 UTF-8）也不是 GB18030/GBK 文本。"
        "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重试。"
    )


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
            if key and key not in DERIVED_KEYS and not _json_value_fits(key, value):
                raise FileFormatError(
                    f"文件 {name} 第{index}条的“{raw_key}”是 JSON 的"
                    f"{'对象' if isinstance(value, dict) else '数组'}，应为文字、数字、是/否或日期"
                    + ("（只有协办单位可以是数组）" if isinstance(value, list) else "")
                    + "。未导入任何案件（账本未改动）。"
                )
            text_value = _cell_text(value).strip()
            if key and text_value and key not in DERIVED_KEYS:
                values[key] = text_value
        rows.append(SourceRow(index, values))
    return CaseFile(name=name, rows=rows, unit="条")


# The one field `export` writes as a JSON array; an object is never a value of a case.
_LIST_KEYS = frozenset({"co_depts"})


def _json_value_fits(key: str, value: Any) -> bool:
    if isinstance(value, dict):
        return False
    if isinstance(value, list):
        return key in _LIST_KEYS and all(not isinstance(v, dict | list) for v in value)
    return True


_COLUMN_ORDER = {header: index for index, (_, header) in enumerate(CASE_COLUMNS)}


VALUE_COLUMNS = ("主办单位", "协办单位", "事项类别", "信访形式")


def problem_report(case_file: CaseFile, problems: list[LineProblem]) -> str:
    """Every problem by line; the same problem on many lines (an unknown department an old
    ledger spells its own way) is listed once, with its count and lines, and the option that
    resolves all of them at once."""
    problems = sorted(
        problems, key=lambda p: (p.line, _COLUMN_ORDER.get(p.column, -1) if p.column else -1)
    )
    groups: dict[tuple[str | None, str], list[int]] = {}
    for p in problems:
        groups.setdefault((p.column, p.message), []).append(p.line)
    lines = []
    for (column, message), at in list(groups.items())[:MAX_PROBLEMS_SHOWN]:
        if len(at) == 1:
            lines.append(LineProblem(at[0], column, message).text(case_file.unit, case_file.sheets))
            continue
        shown = "、".join(where(n, case_file.unit, case_file.sheets) for n in at[:8])
        more = "等" if len(at) > 8 else ""
        hint = ""
        if column in VALUE_COLUMNS and message.startswith("未知的") and "“" in message:
            old = message.split("“", 1)[1].split("”", 1)[0]
            hint = f" 可用 --value-map {column}={old}:正确名称 一次改正，或在分类体系 [aliases] 中加别称。"
        lines.append(f"{shown}{more}（共 {len(at)} {case_file.unit}）〔{column}〕：{message}{hint}")
    rest = len(groups) - MAX_PROBLEMS_SHOWN
    if rest > 0:
        lines.append(f"……另有 {rest} 处问题未列出。")
    bad_rows = len({p.line for p in problems})
    return (
        f"文件 {case_file.name} 中有 {bad_rows} {case_file.unit}共 {len(problems)} 处问题，"
        "未导入任何案件（账本未改动）：\n" + "\n".join(lines)
    )
