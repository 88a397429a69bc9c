"""Report documents (`sheets.Document`) written to files: CSV (every sheet as a section: a title
row, a header row, the rows, a blank line; percentages as `87.5%`, which spreadsheets read back
as numbers) and XLSX (one worksheet per sheet, the as-of date on each, numbers as numbers,
percentages as fractions formatted `0.0%`, printable one page wide). openpyxl is imported only
by the writer that needs it.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .errors import FileFormatError, os_reason
from .sheets import CHANGE, INT, MONEY, NUMERIC, PCT, SCORE, Cell, Document, cell_text
from .text import display_width, guard_cell


def _csv_text(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if cell.kind == MONEY:
        return f"{Decimal(str(cell.value)):.2f}"
    text = cell_text(cell)
    return text if cell.kind in NUMERIC else guard_cell(text)


# --- CSV ------------------------------------------------------------------------------------
def write_csv(doc: Document, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    for index, sheet in enumerate(doc.sheets):
        if index:
            writer.writerow([])
        writer.writerow([sheet.title])
        if index == 0:
            writer.writerow(["统计截至", doc.as_of.isoformat()])
            for note in doc.notes:
                writer.writerow([note])
        writer.writerow([c.header for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_csv_text(c) for c in sheet.cells(row)])
        if sheet.caption:
            writer.writerow([sheet.caption])


# --- XLSX -----------------------------------------------------------------------------------
HEADER_ROW = 4


def write_xlsx(doc: Document, path: Path) -> None:
    """One worksheet per sheet: title (row 1), 统计截至 + the date (row 2), a note (row 3),
    headers (row 4), data from row 5; panes frozen under the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    rule = Border(bottom=Side(style="thin"))
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for sheet in doc.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        ws["A1"] = sheet.title
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = "统计截至"
        ws["A2"].font = bold
        ws["B2"] = doc.as_of
        ws["B2"].number_format = "yyyy-mm-dd"
        ws["B2"].alignment = Alignment(horizontal="left")
        note = "；".join([*doc.notes, *([sheet.caption] if sheet.caption else [])])
        if note:
            ws["A3"] = note
            ws["A3"].font = Font(italic=True)
        widths = [display_width(c.header) for c in sheet.columns]
        for col, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=HEADER_ROW, column=col, value=column.header)
            cell.font = bold
            cell.fill = header_fill
            cell.border = rule
            if column.kind in NUMERIC:
                cell.alignment = Alignment(horizontal="right")
        texts: list[list[str]] = []
        for r_index, row in enumerate(sheet.rows, start=HEADER_ROW + 1):
            texts.append([])
            for col, c in enumerate(sheet.cells(row), start=1):
                target = ws.cell(row=r_index, column=col)
                _put(target, c)
                target.alignment = wrap if sheet.columns[col - 1].fold else top
                if c.style:
                    target.font = Font(bold="bold" in c.style, color=_xlsx_color(c.style))
                text = cell_text(c)
                texts[-1].append(text)
                widths[col - 1] = max(widths[col - 1], display_width(text))
        final = []
        for col, (column, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
            letter = ws.cell(row=HEADER_ROW, column=col).column_letter
            limit = 50 if column.fold else 30
            final.append(min(max(width + 2, 10), limit))
            ws.column_dimensions[letter].width = final[-1]
        # Spreadsheets do not grow a row for wrapped text they did not lay out themselves.
        for r_index, row_texts in enumerate(texts, start=HEADER_ROW + 1):
            lines = max(
                (
                    -(-display_width(t) // max(w - 1, 1))
                    for t, w in zip(row_texts, final, strict=True)
                ),
                default=1,
            )
            if lines > 1:
                ws.row_dimensions[r_index].height = 15 * lines
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
        # Printed, a sheet is one page wide (landscape), however many pages long.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if doc.charts:
        _add_charts(wb, doc)
    try:
        wb.save(path)
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None


CHART_SHEET = "图表"


def _add_charts(wb: Any, doc: Document) -> None:
    """Native Excel charts on a sheet of their own, each drawn from the cells of its table's
    sheet, so a clerk's correction of a cell redraws the chart."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.styles import Font

    ws = wb.create_sheet(CHART_SHEET)
    ws["A1"] = f"{doc.title} · 图表"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "统计截至"
    ws["A2"].font = Font(bold=True)
    ws["B2"] = doc.as_of
    ws["B2"].number_format = "yyyy-mm-dd"
    ws.column_dimensions["B"].width = 12
    rows = {sheet.name[:31]: len(sheet.rows) for sheet in doc.sheets}
    anchor_row = 4
    for spec in doc.charts:
        count = min(rows.get(spec.sheet[:31], 0), spec.rows or 10**6)
        if count == 0:
            continue  # nothing to draw (an empty table)
        source = wb[spec.sheet[:31]]
        last = HEADER_ROW + count
        labels = Reference(source, min_col=spec.labels, min_row=HEADER_ROW + 1, max_row=last)
        chart: Any
        if spec.kind == "pie":
            chart = PieChart()
            chart.dataLabels = DataLabelList()
            chart.dataLabels.showPercent = True
            for shown in ("showVal", "showCatName", "showSerName", "showLegendKey"):
                setattr(chart.dataLabels, shown, False)
        else:
            chart = BarChart()
            chart.type = "bar" if spec.kind == "barh" else "col"
            if spec.axis_title:
                chart.y_axis.title = spec.axis_title
            if spec.kind == "barh":
                chart.x_axis.scaling.orientation = "maxMin"  # the largest on top, as listed
        for column in spec.values:
            values = Reference(source, min_col=column, min_row=HEADER_ROW, max_row=last)
            chart.add_data(values, titles_from_data=True)
        chart.set_categories(labels)
        chart.title = spec.title
        height = 7.5 if spec.kind != "barh" else max(7.5, 0.55 * count + 2)
        chart.width, chart.height = 16, height
        ws.add_chart(chart, f"A{anchor_row}")
        anchor_row += int(height * 2) + 2


def _xlsx_color(style: str) -> str | None:
    for word, rgb in (("dark_orange", "C65911"), ("red", "C00000"), ("yellow", "9C6500")):
        if word in style.split():
            return rgb
    return None


def _put(target: Any, c: Cell) -> None:
    v = c.value
    if v is None:
        return  # an empty cell: the denominator was 0
    if c.kind in (PCT, CHANGE):
        target.value = float(Decimal(str(v)) / 100)
        target.number_format = "0.0%" if c.kind == PCT else "+0.0%;-0.0%;0.0%"
    elif c.kind == MONEY:
        target.value = float(v)
        target.number_format = "#,##0.00"
    elif c.kind == SCORE:
        target.value = float(v)
        target.number_format = "0.0"
    elif c.kind == INT:
        target.value = int(v)
        target.number_format = "0"
    else:
        target.value = str(v)
        target.data_type = "s"  # text, even when it starts with = (never a formula)
