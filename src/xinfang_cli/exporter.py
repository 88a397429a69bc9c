"""`xinfang export`: the ledger's cases written as a case file — CSV (UTF-8 with BOM, so Excel
opens it), XLSX (dates as dates, numbers as numbers) or JSON — with the case-file columns and then
the derived ones. Personal data is masked unless the caller asks to reveal it; a reveal is
recorded per case in the audit log before the file appears under its name, and a file only
replaces an existing one once it is completely written.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .casefile import CASE_COLUMNS, DERIVED_COLUMNS, file_format
from .dates import check_year
from .errors import FileFormatError, os_reason
from .ledger import Ledger
from .records import CaseFilter, case_record, co_map, labelled, record_reveal, select_cases
from .taxonomy import Taxonomy
from .text import display_width, guard_cell


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
    kind = file_format(path)
    if year is not None:
        check_year(year)
    flt = CaseFilter(
        received_from=date(year, 1, 1) if year else None,
        received_to=date(year, 12, 31) if year else None,
        voided=None,  # voided cases too (marked), so export --reveal → import gives them back
    )
    with ledger.reading() as session:
        cases = select_cases(session, ledger, flt)
        cos = co_map(session, cases)
    records = [case_record(c, cos.get(c.id or 0, []), as_of=today, reveal=reveal) for c in cases]
    writer = {".csv": _write_csv, ".xlsx": _write_xlsx, ".json": _write_json}[kind]
    with _staged(path) as staged:
        writer(staged, records, ledger.taxonomy)
        if reveal and records:
            record_reveal(
                ledger,
                [record["number"] for record in records],
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
            raise FileFormatError(f"无法写入 {self.path}：{os_reason(exc)}") from None
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
                raise FileFormatError(f"无法写入 {self.path}：{os_reason(error)}") from None
        self.tmp.unlink(missing_ok=True)


def _columns() -> tuple[tuple[str, str], ...]:
    return CASE_COLUMNS + DERIVED_COLUMNS


def _write_csv(path: Path, records: list[dict[str, Any]], tax: Taxonomy) -> None:
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([header for _, header in _columns()])
            for record in records:
                text = labelled(record, tax)
                writer.writerow([guard_cell(text[key]) for key, _ in _columns()])
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None


def _write_json(path: Path, records: list[dict[str, Any]], _tax: Taxonomy) -> None:
    try:
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None


XLSX_DATE_KEYS = frozenset(
    {"received_on", "accepted_on", "rejected_on", "extended_on", "closed_on", "rated_on"}
    | {"accept_due", "due_on"}
)
XLSX_NUMBER_KEYS = frozenset({"persons", "extended_days", "aid_yuan"})


def _write_xlsx(path: Path, records: list[dict[str, Any]], tax: Taxonomy) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with = (never a formula)
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
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None
