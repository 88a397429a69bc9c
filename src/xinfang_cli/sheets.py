"""One neutral shape for every report view: a `Document` is a title, the as-of date and a list
of `Sheet`s — titled tables whose cells know whether they are counts, percentages, changes, money
or text. `annual_document` / `monthly_document` build it from a report's JSON dict, so a terminal
table (cli/tables.py), a CSV and a workbook (render.py) always show the same figures with the
same words. No Rich, no openpyxl here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .figures import change_pct, money, num
from .labels import LEVEL_LABELS, PENDING_GROUP

# Cell kinds
TEXT, INT, PCT, CHANGE, MONEY, SCORE = "text", "int", "pct", "change", "money", "score"
NUMERIC = (INT, PCT, CHANGE, MONEY, SCORE)
LEVEL_STYLES = {"red": "bold red", "orange": "bold dark_orange", "yellow": "yellow"}
# A terminal with 16 colours has no orange (dark_orange would print as bright red, next to red):
# there red and orange become badges of their own, and the level word is printed in any case.
LEVEL_STYLES_16 = {
    "bold red": "bold white on red",
    "bold dark_orange": "bold black on yellow",
    "yellow": "bold yellow",
}
PENDING_STYLE = "dim"
SMALL_SAMPLE = "样本较少"


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
    brief: str | None = None  # a shorter header for the terminal, where 80 columns must do
    keep: bool = False  # a name the terminal never folds (a department)


@dataclass
class Sheet:
    name: str  # the worksheet's name (≤ 31 characters)
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    caption: str | None = None
    bars: bool = False  # on a terminal drawn as bars (label, then counts), a table elsewhere

    def cells(self, row: list[Any]) -> list[Cell]:
        return [
            v if isinstance(v, Cell) else Cell(v, c.kind)
            for v, c in zip(row, self.columns, strict=True)
        ]


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a sheet's own cells: categories from column `labels`, one series per
    column of `values` (1-based columns of the sheet), over all its data rows."""

    title: str
    sheet: str
    labels: int
    values: tuple[int, ...]
    kind: str = "bar"  # bar (columns), barh (horizontal bars), pie
    axis_title: str | None = None
    rows: int | None = None  # only the first N data rows (a total row left out)


@dataclass
class Document:
    title: str
    as_of: date
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


# --- words ----------------------------------------------------------------------------------
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
    pending = r["total"] - r["accepted"] - r["not_accepted"]
    add(
        [
            # received (收到), not accepted (受理): the paragraph keeps the office's own words
            "收到信访事项（件次）",
            r["total"],
            _vs(
                r["total_change_pct"],
                r["total"],
                r["previous_total"],
                what="上年",
                up="同比上升",
                down="同比下降",
            )
            + f"；其中受理{r['accepted']}件、不予受理{r['not_accepted']}件"
            + (f"、待受理{pending}件" if pending else ""),
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
    add(["帮扶救助（元）", Cell(r["aid_total_yuan"], MONEY), _aid_words(r)])
    if "rating_participation_pct" in r:
        add(
            [
                "参评率",
                Cell(r["rating_participation_pct"], PCT),
                f"已办结{r['closed']}件，其中已评价{r['rated']}件",
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
        [
            Column("类别", fold=True),
            Column("分组"),
            Column("件次", INT),
            Column("占比", PCT),
            Column("上年", INT),
            Column("同比", CHANGE),
        ],
        [
            [c["name"], c["group"], c["count"], c["pct"], c.get("previous"), c.get("change_pct")]
            for c in r["by_category"]
        ],
    )
    identities = Sheet(
        "信访人身份",
        "按信访人身份",
        [Column("身份"), Column("件次", INT), Column("占比", PCT)],
        [[i["name"], i["count"], i["pct"]] for i in r.get("by_identity", [])],
    )
    trend = Sheet(
        "近五年趋势",
        "近五年趋势（各年按同一截止日期统计）",
        [
            Column("年份"),
            Column("信访事项", INT),
            Column("一次性办结率", PCT),
            Column("按期办结率", PCT),
            Column("满意率", PCT),
        ],
        [
            [
                f"{t['year']}年",
                t["total"],
                t["one_time_rate_pct"],
                t["on_time_rate_pct"],
                t["satisfaction_pct"],
            ]
            for t in r.get("trend", [])
        ],
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
        [
            [
                o["name"],
                o["count"],
                o["pct"],
                # an amount belongs to 帮扶到位; beside the other outcomes it would read as 0 aid
                o.get("aid_yuan") if o["name"] == AID_NAME or o.get("aid_yuan") else Cell(None),
            ]
            for o in r["by_outcome"]
        ],
        caption=f"已办结{r['closed']}件；{_aid_words(r)}，金额合计{money(r['aid_total_yuan'])}元",
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
            Column("单位", keep=True),
            Column("交办", INT),
            Column("办结", INT),
            Column("按期", INT),
            Column("按期率", PCT),
            Column("超期未结", INT, brief="超期"),
            Column("评价", INT),
            Column("满意率", PCT),
            Column("得分", SCORE),
            Column("备注", fold=True),
        ],
        [_department_row(d) for d in r["by_department"]],
        caption="；".join(
            part
            for part in (
                r.get("score_formula"),
                f"交办或评价少于{r.get('scorecard_min_cases', 5)}件的单位标注“{SMALL_SAMPLE}”，"
                "排在其他单位之后；“超期”即超期未结",
            )
            if part
        ),
    )
    months = month_sheet(r)
    sheets = [
        headline,
        *([months] if months else []),
        groups,
        categories,
        identities,
        channels,
        outcomes,
    ]
    if r.get("largest_aid"):
        sheets.append(
            Sheet(
                "帮扶案件",
                "帮扶金额较大的案件",
                [Column("编号"), Column("类别"), Column("信访人"), Column("帮扶金额（元）", MONEY)],
                [[a["number"], a["category"], a["name"], a["aid_yuan"]] for a in r["largest_aid"]],
            )
        )
    sheets += [departments, trend]
    charts = [
        Chart("各分组占比", groups.name, 1, (2,), kind="pie"),
        Chart("各类别件次", categories.name, 1, (3,), kind="barh", axis_title="件次"),
    ]
    if months:
        charts.insert(0, Chart(months.title, months.name, 1, (2, 3), axis_title="件次"))
    return Document(f"{year}年度信访工作统计", as_of, sheets, notes, charts)


def month_sheet(r: dict[str, Any]) -> Sheet | None:
    """Cases received in each month of the year and of the year before (None for a report dict
    from before the months were counted)."""
    if not r.get("by_month"):
        return None
    year = r["year"]
    return Sheet(
        "各月收到",
        f"各月收到件次（{year}年与{year - 1}年）",
        [
            Column("月份"),
            Column(f"{year}年", INT),
            Column(f"{year - 1}年", INT),
            Column("同比", CHANGE),
        ],
        [
            [
                f"{int(m['month'][5:])}月",
                m["count"],
                m["previous"],
                change_pct(m["count"], m["previous"]),
            ]
            for m in r["by_month"]
        ],
        bars=True,
    )


AID_NAME = "帮扶到位"


def _aid_words(r: dict[str, Any]) -> str:
    """Two counts that read alike: cases with an amount, and 帮扶到位 cases (some without one)."""
    assisted = next((o["count"] for o in r["by_outcome"] if o["name"] == AID_NAME), 0)
    words = f"记有帮扶金额{r['aided']}件"
    if assisted:
        words += f"；{AID_NAME}{assisted}件"
        missing = r.get("aid_without_amount", 0)
        if missing:
            words += f"，其中{missing}件未填金额"
    return words


def _department_row(d: dict[str, Any]) -> list[Any]:
    if d.get("pending"):
        # the office's own row: received, not yet accepted; nothing to assess
        dim = [Cell(d["name"], style=PENDING_STYLE)]
        return [
            *dim,
            Cell(None, TEXT),
            Cell(None, TEXT),
            Cell(None, TEXT),
            Cell(None, TEXT),
            d["overdue_open"],
            Cell(None, TEXT),
            Cell(None, TEXT),
            Cell(None, TEXT),
            Cell(f"待受理{d['count']}件", style=PENDING_STYLE),
        ]
    return [
        d["name"],
        d["assigned"],
        d["closed"],
        d["closed_on_time"],
        d["on_time_rate_pct"],
        d["overdue_open"],
        d["rated"],
        d["satisfaction_pct"],
        d.get("score"),
        SMALL_SAMPLE if d.get("small_sample") else "",
    ]


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
            "本月收到（件次）",
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
            )
            + (f"；其中已受理{r['accepted']}件" if "accepted" in r else ""),
        ]
    )
    add(["本月办结（件）", r["closed"], "按办结日期统计，含往月受理的案件"])
    add(["月末在办（件）", r["open_at_end"], f"截至{end}，含往月积存"])
    add(["其中超期（件）", r["overdue"], "已过受理告知或办结期限"])
    add(["其中临期（件）", r["due_soon"], f"{r.get('warn_days', 7)}天内到期"])
    if "awaiting_followup" in r:
        days = r.get("followup_days", 7)
        add(["待回访（件）", r["awaiting_followup"], f"办结满{days}天仍未评价（xinfang followup）"])
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
        [Column("单位"), Column("本月新收", INT), Column("在办", INT), Column("其中超期", INT)],
        [
            [
                Cell(d["name"], style=PENDING_STYLE) if d.get("pending") else d["name"],
                d["received"],
                d["open"],
                d["overdue"],
            ]
            for d in r["by_department"]
        ],
        caption=f"“{PENDING_GROUP}”为尚未受理、还没有主办单位的案件；各行之和等于月末在办与超期",
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
        [Chart("各类别本月与上月件次", categories.name, 1, (3, 4), kind="barh", axis_title="件次")],
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
