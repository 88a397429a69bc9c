"""The case file (contract.md "The case file"): its columns, and reading a CSV, XLSX or JSON case
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

from .errors import FileFormatError, InputError
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
    problems: list[LineProblem] = field(default_factory=list)


@dataclass(frozen=True)
class LineProblem:
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
        return _from_table(table, path.name, guarded=False)
    text = decode(data, path.name)
    if kind == ".json":
        return _from_json(text, path.name)
    return _from_table(_csv_table(text, path.name), path.name, guarded=True)


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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileFormatError(
                f"文件 {name} 第{reader.line_num}行有一个单元格超过 {csv.field_size_limit()} 个字符，"
                "不像是台账内容（可能是文件损坏，或引号没有配对）。"
            ) from None
        raise FileFormatError(f"文件 {name} 第{reader.line_num}行不是有效的 CSV：{exc}。") from None


def _xlsx_table(data: bytes, name: str) -> list[list[str]]:
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
            "（也可写英文键，如 received_on；导出文件中的事项分组、状态、受理期限、办结期限、超期、期限暂定、个人信息清除日期会被忽略）"
        )
    if duplicates:
        problems.append(f"重复的{what}（同一项出现两次）：{'；'.join(duplicates)}")
    missing = [HEADER_OF[k] for k in REQUIRED if k not in seen]
    if missing:
        problems.append(f"缺少必需的{what}：{'、'.join(missing)}")
    if problems:
        raise FileFormatError(f"文件 {file_name} 的表头有误：" + "；".join(problems) + "。")
    return mapping


def _from_table(table: list[list[str]], name: str, *, guarded: bool) -> CaseFile:
    """Rows keyed by column key. `guarded`: a CSV, whose formula-looking text an export wrote
    with a leading ' (`text.guard_cell`), taken off here; an XLSX keeps such text in text cells."""
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
    case_file.rows.extend(
        _table_rows(iter(table[1:]), header, mapping, case_file.problems, guarded=guarded)
    )
    return case_file


def _table_rows(
    cells_of: Iterator[list[str]],
    header: list[str],
    mapping: dict[int, str],
    problems: list[LineProblem] | None,
    *,
    guarded: bool,
) -> Iterator[SourceRow]:
    """The data rows (line 2 on) keyed by column key; the problems of a row's shape (a cell
    under no header, more cells than headers) go to `problems` when it is given."""
    unnamed = [i for i, cell in enumerate(header) if not cell.strip()]
    width = len(header)
    items = [(index, key) for index, key in mapping.items() if key not in DERIVED_KEYS]
    for line, cells in enumerate(cells_of, start=2):
        if not any(c.strip() for c in cells):
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
                    values[key] = unguard_cell(cell) if guarded and cell[0] == "'" else cell
        yield SourceRow(line, values)


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

    def rows(self, problems: list[LineProblem] | None = None) -> Iterator[SourceRow]:
        return self._rows(problems)

    def numbers(self) -> Iterator[tuple[int, str | None]]:
        """(line, number or None) of each data row: a cheap first pass."""
        if self._numbers is not None:
            return self._numbers()
        return ((row.line, row.values.get("number")) for row in self.rows())

    def as_case_file(self) -> CaseFile:
        """For messages: the name and the unit a row is counted in."""
        return CaseFile(name=self.name, rows=[], unit=self.unit)


STREAM_CHUNK = 1 << 20  # bytes read at a time while detecting a CSV's encoding


def open_case_source(path: Path) -> CaseSource:
    """Open a case file for reading in passes; header problems raise here."""
    kind = file_format(path)
    if kind != ".csv":
        case_file = read_case_file(path)
        rows = case_file.rows

        def kept(problems: list[LineProblem] | None) -> Iterator[SourceRow]:
            return iter(rows)

        return CaseSource(case_file.name, case_file.unit, list(case_file.problems), kept)
    name = path.name
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header: list[str] | None = None
        for cells in _csv_cells(reader, name):
            if header is None:
                header = cells
                if any(c.strip() for c in cells):
                    break
            elif any(c.strip() for c in cells):
                raise FileFormatError(f"文件 {name} 的第1行是空行：第1行应为表头。")
        if header is None or not any(c.strip() for c in header):
            raise FileFormatError(
                f"文件 {name} 是空的：第1行应为表头（信访日期、信访形式、反映问题…）。"
            )
    mapping = _map_header(header, name)

    def streamed(problems: list[LineProblem] | None) -> Iterator[SourceRow]:
        with path.open(encoding=encoding, newline="") as handle:
            cells_of = _csv_cells(csv.reader(handle), name)
            next(cells_of, None)
            yield from _table_rows(cells_of, header, mapping, problems, guarded=True)

    number_at = next((i for i, key in mapping.items() if key == "number"), None)

    def numbers() -> Iterator[tuple[int, str | None]]:
        with path.open(encoding=encoding, newline="") as handle:
            cells_of = _csv_cells(csv.reader(handle), name)
            next(cells_of, None)
            for line, cells in enumerate(cells_of, start=2):
                if not any(c.strip() for c in cells):
                    continue
                cell = (
                    cells[number_at].strip()
                    if number_at is not None and number_at < len(cells)
                    else ""
                )
                yield line, (unguard_cell(cell) if cell else None)

    return CaseSource(name, "行", [], streamed, numbers)


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
        raise FileFormatError(f"无法读取文件 {path}：{exc.strerror}") from None
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
            text_value = _cell_text(value).strip()
            if key and text_value and key not in DERIVED_KEYS:
                values[key] = text_value
        rows.append(SourceRow(index, values))
    return CaseFile(name=name, rows=rows, unit="条")


_COLUMN_ORDER = {header: index for index, (_, header) in enumerate(CASE_COLUMNS)}


def problem_report(case_file: CaseFile, problems: list[LineProblem]) -> str:
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
