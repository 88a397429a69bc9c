#!/usr/bin/env python3
"""生成“旧台账示例.xlsx”：一个学校信访办多年来自己用 Excel 记的台账的样子（sample of an
office's own spreadsheet ledger).

What this script owns: the shape of such a workbook, built from the 2024 and 2025 cases of
``cases.csv`` (the first 30 of each year): one sheet per year, a merged title row, a blank row,
the office's own headers (序号, 信访时间, 来信来访形式, 姓名, 手机, 主要内容, 问题类别, 承办单位,
办理情况, 办结时间, 办理结果类型), dates written three ways (date cells, Excel serial numbers,
text such as 2024.3.5), departments abbreviated as offices write them (学工部, 研工部) and a
合计 row at the end. ``xinfang import sample_data/旧台账示例.xlsx --all-sheets`` reads it with
no option at all; ``make demo`` does so.

Usage::

    make sample-data        # also runs this script
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
SOURCE = HERE / "cases.csv"
TARGET = HERE / "旧台账示例.xlsx"
PER_YEAR = 30
ABBREVIATIONS = {"学生工作部": "学工部", "研究生院": "研工部"}
HEADER = [
    "序号",
    "信访时间",
    "来信来访形式",
    "姓名",
    "手机",
    "主要内容",
    "问题类别",
    "承办单位",
    "办理情况",
    "办结时间",
    "办理结果类型",
]
EXCEL_EPOCH = date(1899, 12, 30)


def as_written(day: str, index: int) -> object:
    """A date as an office's sheet holds it: a date cell, a serial number, or text."""
    d = date.fromisoformat(day)
    if index % 3 == 0:
        return d
    if index % 3 == 1:
        return (d - EXCEL_EPOCH).days  # what a cell shows once its date format is lost
    return f"{d.year}.{d.month}.{d.day}"


def main() -> None:
    with SOURCE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for year in ("2024", "2025"):
        picked = [r for r in rows if r["信访日期"].startswith(year) and not r["不予受理日期"]]
        picked = picked[:PER_YEAR]
        ws = wb.create_sheet(f"{year}年")
        ws.append([f"{year}年信访工作台账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append([])
        ws.append(HEADER)
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for index, r in enumerate(picked, start=1):
            lead = r["主办单位"]
            ws.append(
                [
                    index,
                    as_written(r["信访日期"], index),
                    r["信访形式"],
                    r["信访人"] or None,
                    r["联系电话"] or None,
                    r["反映问题"],
                    r["事项类别"],
                    ABBREVIATIONS.get(lead, lead) or None,
                    r["办理结果"] or None,
                    as_written(r["办结日期"], index + 1) if r["办结日期"] else None,
                    r["办理结果类型"] or None,
                ]
            )
        ws.append(["合计", f"{len(picked)}件"])
        for column, width in zip(
            "ABCDEFGHIJK", (6, 12, 12, 8, 14, 30, 14, 12, 40, 12, 12), strict=True
        ):
            ws.column_dimensions[column].width = width
    wb.save(TARGET)
    print(f"已写入 {TARGET.name}")


if __name__ == "__main__":
    main()
