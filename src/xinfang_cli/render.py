"""Report results → what people read: Rich tables, CSV, XLSX and the Markdown summary paragraph.

One neutral shape feeds every format: `annual_document` / `monthly_document` turn a report dict
(from reports.py) into a `Document` — a title, the as-of date and a list of `Sheet`s (a titled
table whose cells know whether they are counts, percentages, money or text). Each writer then
renders the same sheets, so a terminal, a CSV and a workbook always show the same figures:
- Rich: headline figures first, free text folded (never padded by hand), plain when piped.
- CSV: every sheet as a section (a title row, a header row, the rows, a blank line);
  percentages written as `87.5%`, which spreadsheets read back as numbers.
- XLSX: one worksheet per sheet, the as-of date on each, numbers as numbers, percentages as
  fractions formatted `0.0%`.
Rich and openpyxl are imported only by the writer that needs them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import FileFormatError
from .figures import integer_shares, money, num
from .labels import LEVEL_LABELS
from .text import display_width

if TYPE_CHECKING:
    from rich.console import RenderableType

# Cell kinds
TEXT, INT, PCT, CHANGE, MONEY, SCORE = "text", "int", "pct", "change", "money", "score"
NUMERIC = (INT, PCT, CHANGE, MONEY, SCORE)
LEVEL_STYLES = {"red": "bold red", "orange": "bold dark_orange", "yellow": "yellow"}


@dataclass(frozen=True)
class Cell:
    """A value with its kind, where one column mixes kinds (the headline figures)."""

    value: Any
    kind: str = TEXT
    style: str | None = None


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    fold: bool = False  # free text: wraps inside its column
    ratio: int = 1  # a folded column's share of the spare width
    max_width: int | None = None  # terminal cells, for a folded column


@dataclass
class Sheet:
    name: str  # the worksheet's name (≤ 31 characters)
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    caption: str | None = None

    def cells(self, row: list[Any]) -> list[Cell]:
        return [
            v if isinstance(v, Cell) else Cell(v, c.kind)
            for v, c in zip(row, self.columns, strict=True)
        ]


@dataclass
class Document:
    title: str
    as_of: date
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)


# --- words ----------------------------------------------------------------------------------
def _change_words(pct: float | None, now: int, before: int, up: str, down: str) -> str:
    if before == 0:
        return ""
    if now == before:
        return "与上年持平"
    if pct == 0:
        return "与上年基本持平"
    assert pct is not None
    return f"同比{up if pct > 0 else down}{num(abs(pct))}%"


def _vs(pct: float | None, now: int, before: int, *, what: str, up: str, down: str) -> str:
    if before == 0:
        return f"{what}无数据，不作比较" if now else f"{what}亦为0"
    if now == before:
        return f"{what}{before}件，持平"
    assert pct is not None
    return f"{what}{before}件，{up if pct > 0 else down}{num(abs(pct))}%"


# --- annual ---------------------------------------------------------------------------------
def annual_document(r: dict[str, Any]) -> Document:
    as_of = date.fromisoformat(r["as_of"])
    year = r["year"]
    notes = []
    if not r.get("complete", True):
        notes.append(
            f"统计截至{as_of}，{year}年数据尚不完整；上年数按截至同日的{year - 1}年全年计。"
        )
    headline = Sheet(
        "总体情况",
        f"{year}年度信访工作统计 · 总体情况（统计截至{as_of}）",
        [Column("指标"), Column("数值", INT), Column("说明", fold=True)],
    )
    add = headline.rows.append
    add(
        [
            "受理信访事项（件次）",
            r["total"],
            _vs(
                r["total_change_pct"],
                r["total"],
                r["previous_total"],
                what="上年",
                up="同比上升",
                down="同比下降",
            ),
        ]
    )
    add(
        [
            "初信初访一次性办结率",
            Cell(r["one_time_rate_pct"], PCT),
            f"初信初访{r['first_time']}件，已办结{r['first_time_closed']}件，"
            f"其中一次性办结{r['first_time_one_time']}件（办结后无重复信访）",
        ]
    )
    add(
        [
            "重复访（件次）",
            r["repeat"],
            _vs(
                r["repeat_change_pct"],
                r["repeat"],
                r["previous_repeat"],
                what="上年",
                up="同比增加",
                down="同比减少",
            ),
        ]
    )
    add(["越级访（件次）", r["bypass"], "零发生" if r["bypass"] == 0 else ""])
    add(
        [
            "集体访（件次）",
            r["collective"],
            f"{r.get('collective_threshold', 5)}人及以上",
        ]
    )
    add(
        [
            "及时受理率",
            Cell(r["timely_acceptance_pct"], PCT),
            f"已告知{r['decided']}件（受理{r['accepted']}件、不予受理{r['not_accepted']}件），"
            f"其中在15日告知期限内{r['decided_in_time']}件",
        ]
    )
    add(
        [
            "按期办结率",
            Cell(r["on_time_rate_pct"], PCT),
            f"已办结{r['closed']}件，其中按期（含经批准延期）{r['closed_on_time']}件",
        ]
    )
    add(
        [
            "满意率",
            Cell(r["satisfaction_pct"], PCT),
            f"已评价{r['rated']}件：满意{r['satisfied']}件、基本满意{r['basically_satisfied']}件、"
            f"不满意{r['dissatisfied']}件",
        ]
    )
    add(["未办结（件）", r["open"], f"其中超期{r['overdue_open']}件"])
    add(
        [
            "帮扶救助（元）",
            Cell(r["aid_total_yuan"], MONEY),
            f"帮扶{r['aided']}件",
        ]
    )

    groups = Sheet(
        "事项分组",
        "按事项分组",
        [Column("分组"), Column("件次", INT), Column("占比", PCT)],
        [[g["name"], g["count"], g["pct"]] for g in r["by_group"]],
    )
    categories = Sheet(
        "事项类别",
        "按事项类别",
        [Column("类别", fold=True), Column("分组"), Column("件次", INT), Column("占比", PCT)],
        [[c["name"], c["group"], c["count"], c["pct"]] for c in r["by_category"]],
    )
    channels = Sheet(
        "信访形式",
        "按信访形式",
        [Column("信访形式"), Column("件次", INT), Column("占比", PCT)],
        [[c["name"], c["count"], c["pct"]] for c in r["by_channel"]],
    )
    outcomes = Sheet(
        "办理结果",
        "办理结果（三到位一处理，占已办结）",
        [
            Column("办理结果"),
            Column("件数", INT),
            Column("占比", PCT),
            Column("帮扶金额（元）", MONEY),
        ],
        [[o["name"], o["count"], o["pct"], o.get("aid_yuan", 0.0)] for o in r["by_outcome"]],
        caption=f"已办结{r['closed']}件；帮扶{r['aided']}件，金额合计{money(r['aid_total_yuan'])}元",
    )
    if r["by_outcome"]:
        outcomes.rows.append(
            [
                Cell("合计", style="bold"),
                r["closed"],
                100.0 if r["closed"] else None,
                r["aid_total_yuan"],
            ]
        )
    departments = Sheet(
        "单位考核",
        "二级单位信访工作考核（按主办单位）",
        [
            Column("单位"),
            Column("交办", INT),
            Column("办结", INT),
            Column("按期", INT),
            Column("按期率", PCT),
            Column("超期未结", INT),
            Column("评价", INT),
            Column("满意率", PCT),
            Column("得分", SCORE),
        ],
        [
            [
                d["name"],
                d["assigned"],
                d["closed"],
                d["closed_on_time"],
                d["on_time_rate_pct"],
                d["overdue_open"],
                d["rated"],
                d["satisfaction_pct"],
                d.get("score"),
            ]
            for d in r["by_department"]
        ],
        caption=r.get("score_formula"),
    )
    return Document(
        f"{year}年度信访工作统计",
        as_of,
        [headline, groups, categories, channels, outcomes, departments],
        notes,
    )


# --- monthly --------------------------------------------------------------------------------
def monthly_document(r: dict[str, Any]) -> Document:
    as_of = date.fromisoformat(r["as_of"])
    year, month = (int(p) for p in r["month"].split("-"))
    end = r.get("period_end", r["as_of"])
    notes = []
    if not r.get("complete", True):
        notes.append(f"本月数据截至{end}，尚不完整；上月、去年同月按全月计。")
    headline = Sheet(
        "总体情况",
        f"{year}年{month}月信访形势分析 · 总体情况（统计截至{as_of}）",
        [Column("指标"), Column("数值", INT), Column("说明", fold=True)],
    )
    add = headline.rows.append
    add(
        [
            "本月受理（件次）",
            r["received"],
            _vs(
                r["change_pct"],
                r["received"],
                r["previous_month"],
                what="上月",
                up="环比上升",
                down="环比下降",
            )
            + "；"
            + _vs(
                r["yoy_change_pct"],
                r["received"],
                r["same_month_last_year"],
                what="去年同月",
                up="同比上升",
                down="同比下降",
            ),
        ]
    )
    add(["本月办结（件）", r["closed"], "按办结日期统计，含往月受理的案件"])
    add(["月末在办（件）", r["open_at_end"], f"截至{end}，含往月积存"])
    add(["其中超期（件）", r["overdue"], "已过受理告知或办结期限"])
    add(["其中临期（件）", r["due_soon"], f"{r.get('warn_days', 7)}天内到期"])
    add(["重复访（件次）", r["repeat"], ""])
    add(["集体访（件次）", r["collective"], f"{r.get('collective_threshold', 5)}人及以上"])
    add(["越级访（件次）", r["bypass"], ""])
    levels = {level: sum(1 for a in r["alerts"] if a["level"] == level) for level in LEVEL_LABELS}
    add(
        [
            "风险提示（条）",
            len(r["alerts"]),
            "、".join(f"{LEVEL_LABELS[k]}{n}条" for k, n in levels.items() if n) or "无",
        ]
    )
    categories = Sheet(
        "类别变化",
        "按事项类别（本月与上月）",
        [
            Column("类别", fold=True),
            Column("分组"),
            Column("本月", INT),
            Column("上月", INT),
            Column("环比", CHANGE),
            Column("风险"),
            Column("原因", fold=True),
        ],
        [
            [
                c["name"],
                c["group"],
                c["count"],
                c["previous"],
                c["change_pct"],
                _level_cell(c["risk"]),
                "；".join(c["reasons"]),
            ]
            for c in r["by_category"]
        ],
    )
    topics = Sheet(
        "热点问题",
        "热点问题（反映问题与具体内容中出现的件数）",
        [
            Column("热点词", fold=True),
            Column("本月", INT),
            Column("上月", INT),
            Column("环比", CHANGE),
            Column("激增"),
        ],
        [
            [
                t["term"],
                t["count"],
                t["previous"],
                t.get("change_pct"),
                Cell("是", style="bold red") if t.get("surge") else "",
            ]
            for t in r["hot_topics"]
        ],
    )
    departments = Sheet(
        "单位情况",
        "按主办单位（超期多的在前）",
        [Column("单位"), Column("本月交办", INT), Column("在办", INT), Column("其中超期", INT)],
        [[d["name"], d["received"], d["open"], d["overdue"]] for d in r["by_department"]],
    )
    alerts = Sheet(
        "风险提示",
        "风险提示",
        [
            Column("级别"),
            Column("对象"),
            Column("原因", fold=True, ratio=3),
            Column("反映问题", fold=True, ratio=2, max_width=28),
        ],
        [
            [
                _level_cell(a["level"]),
                a.get("case") or a.get("category") or "",
                a["reason"],
                a.get("summary") or "",
            ]
            for a in r["alerts"]
        ],
    )
    return Document(
        f"{year}年{month}月信访形势分析",
        as_of,
        [headline, categories, topics, departments, alerts],
        notes,
    )


def _level_cell(level: str | None) -> Cell:
    if level is None:
        return Cell("")
    return Cell(LEVEL_LABELS[level], style=LEVEL_STYLES[level])


# --- text of a cell -------------------------------------------------------------------------
def cell_text(cell: Cell) -> str:
    v = cell.value
    if v is None:
        return "" if cell.kind == TEXT else "—"
    if cell.kind == PCT:
        return f"{v:.1f}%"
    if cell.kind == CHANGE:
        return f"{v:+.1f}%" if v else "0.0%"
    if cell.kind == MONEY:
        return money(v)
    if cell.kind == SCORE:
        return f"{v:.1f}"
    return str(v)


def _csv_text(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if cell.kind == MONEY:
        return f"{Decimal(str(cell.value)):.2f}"
    return cell_text(cell)


# --- Rich -----------------------------------------------------------------------------------
def rich_renderables(doc: Document) -> list[RenderableType]:
    """Each sheet as a bold title line, its table and its caption; titles are printed on their own
    line (not as the table's title) so a narrow table never folds a long title."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = []
    for index, sheet in enumerate(doc.sheets):
        if index:
            out.append(Text(""))
        out.append(Text(sheet.title, style="bold"))
        if index == 0:
            out.extend(Text(note, style="italic") for note in doc.notes)
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        for column in sheet.columns:
            numeric = column.kind in NUMERIC
            table.add_column(
                column.header,
                justify="right" if numeric else "left",
                no_wrap=not column.fold,
                overflow="fold" if column.fold else "ellipsis",
                ratio=column.ratio if column.fold else None,
                min_width=8 if column.fold else None,
                max_width=column.max_width,
            )
        for row in sheet.rows:
            table.add_row(
                *[
                    Text(
                        cell_text(c),
                        style=c.style or "",
                        justify="right" if c.kind in NUMERIC else "left",
                    )
                    for c in sheet.cells(row)
                ]
            )
        if not sheet.rows:
            table.add_row(*[Text("（无）", style="dim")] + [Text("")] * (len(sheet.columns) - 1))
        out.append(table)
        if sheet.caption:
            out.append(Text(sheet.caption, style="dim"))
    return out


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
    try:
        wb.save(path)
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{exc.strerror or exc}") from None


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


# --- the year-end summary paragraph ---------------------------------------------------------
def annual_markdown(r: dict[str, Any]) -> str:
    """The seed's opening paragraph with our figures, then the shares of the four groups."""
    total, previous = r["total"], r["previous_total"]
    # Before the year is over the paragraph says so, and draws no 同比 against a whole last year.
    complete = r.get("complete", True)
    if complete:
        period = "全年"
    else:
        as_of = date.fromisoformat(r["as_of"])
        period = f"截至{as_of.month}月{as_of.day}日，{r['year']}年"
    if total == 0:
        first = f"{period}未受理信访事项"
        if previous and complete:
            first += f"（上年{previous}件(次)）"
        return first + "。\n"
    head = f"{period}共受理信访事项{total}件(次)"
    change = (
        _change_words(r["total_change_pct"], total, previous, "上升", "下降") if complete else ""
    )
    if change:
        head += "，" + change
    middle = []
    if r["one_time_rate_pct"] is not None:
        middle.append(f"初信初访一次性办结率{num(r['one_time_rate_pct'])}%")
    middle.append(_repeat_words(r) if complete else f"重复访{r['repeat']}件(次)")
    middle.append("越级访实现“零发生”" if r["bypass"] == 0 else f"越级访{r['bypass']}件(次)")
    parts = [head, "，".join(p for p in middle if p)]
    if r["satisfaction_pct"] is not None:
        parts.append(f"师生信访满意度达{num(r['satisfaction_pct'])}%")
    first = "；".join(parts) + "。"
    return first + "\n\n" + _shares_sentence(r) + "\n"


def _repeat_words(r: dict[str, Any]) -> str:
    now, before = r["repeat"], r["previous_repeat"]
    if r["previous_total"] == 0 or before == 0:
        # no earlier year to compare with (or nothing to compare against): the count itself
        return "无重复访" if now == 0 else f"重复访{now}件(次)"
    if now == before:
        return "重复访与上年持平"
    pct = r["repeat_change_pct"]
    return f"重复访同比{'增加' if pct > 0 else '减少'}{num(abs(pct))}%"


def _shares_sentence(r: dict[str, Any]) -> str:
    groups = [g for g in r["by_group"] if g["count"] or g["name"] != "未分类"]
    shares = integer_shares([g["count"] for g in groups])
    named = [
        f"{g['name']}类(占比{s}%)"
        for g, s in zip(groups, shares, strict=True)
        if g["name"] != "未分类"
    ]
    rest = [s for g, s in zip(groups, shares, strict=True) if g["name"] == "未分类"]
    sentence = "将信访事项划分为" + "、".join(named)
    if rest:
        sentence += f"，另有未分类事项(占比{rest[0]}%)"
    return sentence + "。"
