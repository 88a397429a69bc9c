"""The year-end summary draft (`report annual --docx FILE`): a Word document shaped like the
office's own 《年度信访维稳工作总结》 — the title, the opening paragraph (exactly the `--markdown`
paragraph), then sections with the figures in prose and tables, two charts, and clearly marked
placeholders 【请填写：…】 wherever people write their own words (measures, cases, plans).

Everything in it comes from the annual report's JSON dict (`reports.annual`): the prose, the
tables (the same `sheets.Document` the terminal and the workbook show) and the charts
(`charts.py`), so a number in the draft is the number the JSON prints. python-docx is imported
only here, only when a draft is written.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import charts
from .errors import FileFormatError, InputError, os_reason
from .figure_keys import cases_behind
from .figures import money, num
from .labels import STATUS_LABELS
from .ledger import Ledger
from .risk import CONFIDENTIAL_TEXT
from .sheets import CHANGE, INT, NUMERIC, PCT, Column, Sheet, annual_document, cell_text
from .summary import annual_markdown, rounding_note
from .text import display_width

PLACEHOLDER = "【请填写：{}】"
NUMERALS = "一二三四五六七八九十"
BODY_FONT = "宋体"
HEAD_FONT = "黑体"


@dataclass
class Draft:
    """What was written, for the command's confirmation and its warnings."""

    path: Path
    tables: int = 0
    charts: int = 0
    warnings: list[str] = field(default_factory=list)


# The cases the risk section lists by name, each list the cases behind the report's count.
LISTED = {"collective": "集体访", "bypass": "越级访", "overdue_open": "超期未结"}


def listed_cases(ledger: Ledger, *, year: int, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """For the risk section: the cases behind `collective`, `bypass` and `overdue_open` (the
    same condition the report counts with, so each list is as long as the report's figure)."""
    return {key: cases_behind(ledger, key, as_of=as_of, year=year)[1] for key in LISTED}


def check_target(path: Path) -> None:
    """Refuse, before any work, a target the draft cannot be written to."""
    if path.is_dir():
        raise InputError(f"{path} 是一个目录，请给出文件名，如 {path / '年度总结.docx'}")
    if path.suffix.lower() != ".docx":
        raise InputError(f"--docx 的文件名应以 .docx 结尾：{path}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"目录 {parent} 不存在，无法写入 {path}。")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"没有写入 {path} 的权限。")


def opening_paragraph(r: dict[str, Any]) -> str:
    """The draft's first paragraph: the first paragraph of `report annual --markdown`."""
    return annual_markdown(r).split("\n\n")[0].strip()


def shares_sentence(r: dict[str, Any]) -> str | None:
    """The 教学管理类(占比31%)… sentence of `--markdown`, when there are cases to share out."""
    parts = annual_markdown(r).strip().split("\n\n")
    return parts[1] if len(parts) > 1 else None


def _change(pct: float | None, up: str, down: str) -> str:
    if pct is None:
        return "上年无可比数据"
    if pct == 0:
        return "与上年持平"
    return f"同比{up if pct > 0 else down}{num(abs(pct))}%"


def _rate(value: float | None) -> str:
    return "—（无可计算的案件）" if value is None else f"{num(value)}%"


def write_summary(
    r: dict[str, Any], path: Path, *, cases: dict[str, list[dict[str, Any]]] | None = None
) -> Draft:
    """Write the year-end draft of the annual report `r` to `path` (a .docx); `cases` (from
    `listed_cases`) are listed by number in the risk section."""
    check_target(path)
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    draft = Draft(path)
    year = r["year"]
    tables = annual_document(r)
    sheet = {s.name: s for s in tables.sheets}
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)

    def east_asian(style_or_run: Any, font: str) -> None:
        r_pr = style_or_run.element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = r_pr.makeelement(qn("w:rFonts"), {})
            r_pr.append(fonts)
        fonts.set(qn("w:eastAsia"), font)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        style = doc.styles[name]
        east_asian(style, HEAD_FONT)
        style.font.color.rgb = RGBColor(0, 0, 0)

    def para(text: str, *, indent: bool = True) -> Any:
        p = doc.add_paragraph(text)
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        p.paragraph_format.line_spacing = 1.5
        return p

    def placeholder(what: str) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(24)
        run = p.add_run(PLACEHOLDER.format(what))
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        run.bold = True

    def table(s: Sheet) -> None:
        caption = doc.add_paragraph(s.title, style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = True
        t = doc.add_table(rows=1, cols=len(s.columns))
        t.style = "Table Grid"
        t.autofit = False
        texts = [[cell_text(v) for v in s.cells(row)] for row in s.rows]
        widths = column_widths(s, texts)
        for cell, column in zip(t.rows[0].cells, s.columns, strict=True):
            cell.text = column.brief or column.header  # a page is as narrow as 80 columns
            cell.paragraphs[0].runs[0].bold = True
        # the header row repeats on every page a long table runs onto
        t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for row in texts:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        for grid_column, width in zip(t.columns, widths, strict=True):
            grid_column.width = Cm(width)  # the grid LibreOffice lays out by
        for row in t.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays whole
            for cell, column, width in zip(row.cells, s.columns, widths, strict=True):
                cell.width = Cm(width)
                for p in cell.paragraphs:
                    if column.kind in NUMERIC:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    for run in p.runs:
                        run.font.size = Pt(9)
        if s.caption:
            note = doc.add_paragraph(s.caption)
            note.runs[0].font.size = Pt(9)
        else:
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
        draft.tables += 1

    def chart(png: bytes, title: str) -> None:
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph(title, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
        draft.charts += 1

    numeral = iter(NUMERALS)

    def heading(text: str) -> None:
        doc.add_heading(f"{next(numeral)}、{text}", level=1)

    # --- title and opening ------------------------------------------------------------------
    title = doc.add_heading(f"{year}年学校信访维稳工作总结", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = doc.add_paragraph(
        f"（初稿：数字由信访台账生成，统计截至{r['as_of']}；红色【请填写】处由撰稿人补写，"
        "补写后删去提示。）"
    )
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.runs[0].font.size = Pt(9)
    para(opening_paragraph(r))
    rounding = doc.add_paragraph(f"（{rounding_note(r)}定稿时可删去。）")
    rounding.runs[0].font.size = Pt(9)
    placeholder("全年形势、指导思想与总体成效（如“校园政治安全……持续稳定”）")
    para("现将全年工作情况总结如下：")
    for line in tables.notes:
        para(line)

    # --- overall ------------------------------------------------------------------------------
    heading("总体情况")
    para(_overall_prose(r))
    table(sheet["总体情况"])
    chart(charts.monthly_chart(r), f"图1  {year}年与{year - 1}年各月收到信访事项（件次）")
    if sheet.get("各月收到"):
        table(sheet["各月收到"])

    # --- distribution -------------------------------------------------------------------------
    heading("信访事项分布")
    shares = shares_sentence(r)
    if shares:
        para(shares)
    para(_category_prose(r))
    table(sheet["事项分组"])
    table(sheet["事项类别"])
    chart(charts.share_chart(r), f"图2  {year}年信访事项分组占比与各类别件次")
    placeholder("各类事项的办理指南、牵头单位与典型做法")

    # --- channels -----------------------------------------------------------------------------
    heading("信访渠道")
    para(_channel_prose(r))
    table(sheet["信访形式"])
    placeholder("“线上+线下”诉求表达渠道建设情况")

    # --- outcomes -----------------------------------------------------------------------------
    heading("办理结果（“三到位一处理”）")
    para(_outcome_prose(r))
    table(sheet["办理结果"])
    placeholder("典型案例（如帮扶困难学生、依法处理缠访闹访）")

    # --- timeliness ---------------------------------------------------------------------------
    heading("办理时效与满意度")
    para(_timeliness_prose(r))
    table(_timeliness_sheet(r))

    # --- units --------------------------------------------------------------------------------
    heading("二级单位信访工作考核")
    para(
        f"按主办单位统计，{sum(1 for d in r['by_department'] if not d.get('pending'))}个单位"
        "承办了信访事项，"
        "各单位交办、办结、按期、超期与满意情况如下表。"
        if r["by_department"]
        else "尚无交办给主办单位的信访事项。"
    )
    table(sheet["单位考核"])
    placeholder("考核结果运用（通报、约谈、纳入年度考核等）")

    # --- hot topics ---------------------------------------------------------------------------
    heading("热点问题同比变化")
    para(_topics_prose(r))
    table(_topics_sheet(r))
    placeholder("针对热点问题采取的措施及成效（如新增开放实验室、自习座位）")

    # --- risk ---------------------------------------------------------------------------------
    heading("风险防控与重复访、集体访")
    para(_risk_prose(r))
    watched = _watched_sheet(r, cases or {})
    if watched.rows:
        table(watched)
    placeholder("重点信访问题包案化解情况、矛盾隐患排查情况")

    # --- activities ---------------------------------------------------------------------------
    heading("信访工作开展情况")
    para(_activities_prose(r))
    if r.get("activities"):
        table(_activities_sheet(r))
    placeholder("制度建设、队伍建设与其他工作")

    # --- the rest is theirs -------------------------------------------------------------------
    heading("存在问题与下一步工作")
    placeholder("存在的问题与不足")
    placeholder("下一年度工作思路与重点举措")

    if charts.cjk_font() is None:
        draft.warnings.append(
            "警告：未找到中文字体（如 Noto Sans CJK），图表中的中文可能显示为方框；"
            "请安装 fonts-noto-cjk 后重新生成。"
        )
    try:
        doc.save(str(path))
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None
    return draft


TEXT_WIDTH_CM = 15.8
FOLDED_MIN_CM = 1.8  # a column of text or names folds, but no narrower than this


def column_widths(s: Sheet, texts: list[list[str]]) -> list[float]:
    """Column widths (cm) over the text width: a column of figures, dates or names as wide as its
    widest cell (9 pt: about 0.21 cm a half-width character, and the margins), free text the rest."""
    widest = [
        max(
            [
                display_width(column.brief or column.header),
                *(display_width(r[index]) for r in texts),
            ]
        )
        for index, column in enumerate(s.columns)
    ]
    fixed = {
        index: 0.21 * min(width, 30) + 0.55
        for index, (column, width) in enumerate(zip(s.columns, widest, strict=True))
        if not (column.fold or column.keep)
    }
    # free text, and names (a department) that may fold on paper where figures may not
    folded = [index for index, column in enumerate(s.columns) if column.fold or column.keep]
    if not folded:
        scale = TEXT_WIDTH_CM / sum(fixed.values())  # spread the spare width over every column
        return [fixed[index] * scale for index in range(len(s.columns))]
    spare = TEXT_WIDTH_CM - sum(fixed.values())
    least = FOLDED_MIN_CM * len(folded)
    if spare < least:
        scale = (TEXT_WIDTH_CM - least) / sum(fixed.values())
        fixed = {index: width * scale for index, width in fixed.items()}
        spare = least
    share = sum(widest[index] for index in folded) or 1
    return [
        fixed[index] if index in fixed else spare * widest[index] / share
        for index in range(len(s.columns))
    ]


# --- prose ------------------------------------------------------------------------------------
def _period(r: dict[str, Any]) -> str:
    """全年, or — before the year is over — 截至M月D日 (as the opening paragraph says)."""
    if r.get("complete", True):
        return "全年"
    as_of = date.fromisoformat(r["as_of"])
    return f"截至{as_of.month}月{as_of.day}日，"


def _overall_prose(r: dict[str, Any]) -> str:
    year = r["year"]
    # 收到 (received) here, 受理 (accepted) below: the opening paragraph keeps the office's words
    text = f"{year}年共收到信访事项{r['total']}件(次)"
    complete = r.get("complete", True)
    if r["previous_total"] and complete:
        text += (
            f"，上年{r['previous_total']}件(次)，{_change(r['total_change_pct'], '上升', '下降')}"
        )
    elif r["previous_total"]:
        text += f"（上年全年{r['previous_total']}件(次)，本年数据尚不完整，不作同比）"
    text += (
        f"。其中初信初访{r['first_time']}件，重复访{r['repeat']}件(次)，"
        f"集体访{r['collective']}件(次)，越级访{r['bypass']}件(次)。"
        f"已受理{r['accepted']}件，不予受理{r['not_accepted']}件"
        + (
            f"，待受理{pending}件"
            if (pending := r["total"] - r["accepted"] - r["not_accepted"])
            else ""
        )
        + f"；已办结{r['closed']}件，"
        f"未办结{r['open']}件"
    )
    text += f"（其中超期{r['overdue_open']}件）。" if r["overdue_open"] else "，无超期未办结事项。"
    busiest = max(r["by_month"], key=lambda m: m["count"], default=None)
    if busiest and busiest["count"]:
        text += f"收到最多的是{int(busiest['month'][5:])}月（{busiest['count']}件次）。"
    return text


def _category_prose(r: dict[str, Any]) -> str:
    top = [c for c in r["by_category"] if c["count"]][:3]
    if not top:
        return f"{_period(r)}无已分类的信访事项。"
    named = "、".join(f"{c['name']}（{c['count']}件次，占{num(c['pct'])}%）" for c in top)
    return f"按事项类别看，件次最多的是{named}。"


def _channel_prose(r: dict[str, Any]) -> str:
    items = [c for c in r["by_channel"] if c["count"]]
    if not items:
        return f"{_period(r)}未收到信访事项。"
    named = "、".join(f"{c['name']}{c['count']}件次（{num(c['pct'])}%）" for c in items)
    return f"按信访形式统计：{named}。"


def _outcome_prose(r: dict[str, Any]) -> str:
    if not r["closed"]:
        return f"{_period(r)}尚无办结的信访事项。"
    named = "、".join(f"{o['name']}{o['count']}件" for o in r["by_outcome"])
    text = f"{_period(r)}办结信访事项{r['closed']}件，其中{named}。"
    if r["aided"]:
        assisted = next((o["count"] for o in r["by_outcome"] if o["name"] == "帮扶到位"), 0)
        text += f"记有帮扶金额的{r['aided']}件，金额合计{money(r['aid_total_yuan'])}元"
        missing = r.get("aid_without_amount", 0)
        text += f"（帮扶到位{assisted}件中{missing}件未填金额）。" if missing else "。"
    return text


def _timeliness_prose(r: dict[str, Any]) -> str:
    return (
        f"及时受理率{_rate(r['timely_acceptance_pct'])}（已告知{r['decided']}件，"
        f"按期告知{r['decided_in_time']}件）；按期办结率{_rate(r['on_time_rate_pct'])}"
        f"（已办结{r['closed']}件，按期{r['closed_on_time']}件）；"
        f"初信初访一次性办结率{_rate(r['one_time_rate_pct'])}；"
        f"参评率{_rate(r.get('rating_participation_pct'))}（已评价{r['rated']}件）；"
        f"满意率{_rate(r['satisfaction_pct'])}。"
    )


def _topics_prose(r: dict[str, Any]) -> str:
    topics = r.get("hot_topics") or []
    if not topics:
        return "分类体系中的热点词在本年和上年均未出现。"
    falling = [t for t in topics if t["change_pct"] is not None and t["change_pct"] < 0]
    rising = [t for t in topics if t["count"] > t["previous"]]
    parts = []
    if falling:
        falling.sort(key=lambda t: t["change_pct"])
        parts.append(
            "同比下降的有"
            + "、".join(
                f"“{t['term']}”（{t['previous']}件→{t['count']}件，下降{num(abs(t['change_pct']))}%）"
                for t in falling[:3]
            )
        )
    if rising:
        rising.sort(key=lambda t: (-(t["count"] - t["previous"]), t["term"]))
        parts.append(
            "上升的有"
            + "、".join(f"“{t['term']}”（{t['previous']}件→{t['count']}件）" for t in rising[:3])
        )
    return "对照上年，热点问题中" + "；".join(parts) + "。" if parts else "热点问题与上年持平。"


def _risk_prose(r: dict[str, Any]) -> str:
    year = r["year"]
    text = f"{_period(r)}重复访{r['repeat']}件(次)"
    complete = r.get("complete", True)
    if r["previous_repeat"] and complete:
        text += f"，{_change(r['repeat_change_pct'], '增加', '减少')}"
    text += f"；集体访（{r.get('collective_threshold', 5)}人及以上）{r['collective']}件(次)；"
    text += "越级访实现“零发生”" if r["bypass"] == 0 else f"越级访{r['bypass']}件(次)"
    text += "；" + (f"截至{r['as_of']}，" if complete else "")
    text += f"超期未办结{r['overdue_open']}件，不满意评价{r['dissatisfied']}件。"
    text += (
        f"每项计数背后的案件可用 xinfang list --figure 指标 --year {year} 列出"
        "（如 repeat、collective、overdue_open、dissatisfied）。"
    )
    return text


def _activities_prose(r: dict[str, Any]) -> str:
    items = r.get("activities") or []
    if not items:
        return "台账中尚未登记本年度的信访工作活动（可用 xinfang activity add 登记）。"
    parts = []
    for a in items:
        part = f"{a['name']}{a['count']}场(次)"
        if a.get("people"):
            part += f"，覆盖{a['people']}人次"
        parts.append(part)
    return f"{_period(r)}开展" + "；".join(parts) + "。"


# --- tables beyond the report's own sheets (from the same dict) -------------------------------
def _timeliness_sheet(r: dict[str, Any]) -> Sheet:

    return Sheet(
        "办理时效",
        "办理时效与满意度",
        [Column("指标"), Column("比率", PCT), Column("分子", INT), Column("分母", INT)],
        [
            ["及时受理率", r["timely_acceptance_pct"], r["decided_in_time"], r["decided"]],
            ["按期办结率", r["on_time_rate_pct"], r["closed_on_time"], r["closed"]],
            [
                "初信初访一次性办结率",
                r["one_time_rate_pct"],
                r["first_time_one_time"],
                r["first_time_closed"],
            ],
            ["参评率", r.get("rating_participation_pct"), r["rated"], r["closed"]],
            [
                "满意率",
                r["satisfaction_pct"],
                r["satisfied"] + r["basically_satisfied"],
                r["rated"],
            ],
        ],
    )


def _topics_sheet(r: dict[str, Any]) -> Sheet:

    year = r["year"]
    return Sheet(
        "热点问题",
        "热点问题同比（反映问题与具体内容中出现的件数）",
        [
            Column("热点词"),
            Column(f"{year}年", INT),
            Column(f"{year - 1}年", INT),
            Column("同比", CHANGE),
        ],
        [
            [t["term"], t["count"], t["previous"], t["change_pct"]]
            for t in r.get("hot_topics") or []
        ],
    )


def _watched_sheet(r: dict[str, Any], cases: dict[str, list[dict[str, Any]]]) -> Sheet:
    short = {"registered": "待受理", "handling": "办理中", "closed": "已办结"}
    rows = []
    for key, kind in LISTED.items():
        for c in cases.get(key, []):
            summary = CONFIDENTIAL_TEXT if c["confidential"] else c["summary"]
            rows.append(
                [
                    kind,
                    c["number"],
                    c["received_on"],
                    summary,
                    c["persons"],
                    c["lead_dept"] or "",
                    short.get(c["status"], STATUS_LABELS.get(c["status"], c["status"])),
                ]
            )
    return Sheet(
        "重点案件",
        f"集体访、越级访与超期未办结案件（统计截至{r['as_of']}）",
        [
            Column("类型"),
            Column("编号"),
            Column("信访日期"),
            Column("反映问题", fold=True),
            Column("人数", INT),
            Column("主办单位"),
            Column("目前状态"),
        ],
        rows,
    )


def _activities_sheet(r: dict[str, Any]) -> Sheet:

    return Sheet(
        "工作开展",
        "信访工作开展情况",
        [Column("工作"), Column("场(次)", INT), Column("覆盖人次", INT)],
        [[a["name"], a["count"], a.get("people")] for a in r.get("activities") or []],
    )
