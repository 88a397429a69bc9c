"""The reports as a leader reads them: department tables that add up to the totals (with the
office's own 信访办（待受理） row), year on year by category, petitioners by identity, the
five-year trend, the largest aid cases, the scorecard's small samples and order, level colours
that stay apart on a 16-colour terminal."""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, accept, add_case, close_case, rate_case, reject_case

Xf = Callable[..., Run]
LEVELS = ("红色", "橙色", "黄色")

DEPTS = ["教务处", "后勤处", "学生工作部", "研究生院", "财务处", "保卫处"]
CATEGORIES = ["宿舍与住宿", "餐饮与食堂", "考试与成绩", "课程与教学安排", "教职工权益"]
CHANNELS = ["来信", "来访", "来电", "校长信箱"]
IDENTITIES = ["学生", "教职工", "家长", ""]
OUTCOMES = ["解决到位", "教育到位", "帮扶到位", "依法处理"]
HEADER = [
    "信访日期",
    "信访形式",
    "身份",
    "反映问题",
    "事项类别",
    "受理日期",
    "主办单位",
    "不予受理日期",
    "不予受理理由",
    "办结日期",
    "办理结果类型",
    "办理结果",
    "帮扶金额",
    "满意度",
    "评价日期",
]


def generated_case_file(path: Path, seed: int, n: int = 400) -> None:
    """A random ledger over 2023–2025: registered-only (some overdue), rejected, handling and
    closed cases, aid with and without amounts, ratings."""
    rnd = random.Random(seed)
    today = date(2025, 12, 31)  # the tests' today: no step may be dated later
    rows = []
    for _ in range(n):
        received = date(2023, 1, 1) + timedelta(days=rnd.randrange(0, 3 * 365))
        row = {h: "" for h in HEADER}
        row.update(
            信访日期=received.isoformat(),
            信访形式=rnd.choice(CHANNELS),
            身份=rnd.choice(IDENTITIES),
            反映问题="宿舍空调维修",
            事项类别=rnd.choice(CATEGORIES),
        )
        fate = rnd.random()
        if fate < 0.15:
            pass  # never decided: 待受理, overdue after 15 days
        elif fate < 0.25 and received + timedelta(days=20) <= today:
            row.update(
                不予受理日期=(received + timedelta(days=rnd.randrange(1, 20))).isoformat(),
                不予受理理由="不属于本校职责范围",
            )
        elif received + timedelta(days=20) <= today:
            accepted = received + timedelta(days=rnd.randrange(1, 20))
            row.update(受理日期=accepted.isoformat(), 主办单位=rnd.choice(DEPTS))
            closed = accepted + timedelta(days=rnd.randrange(1, 80))
            if rnd.random() < 0.7 and closed + timedelta(days=5) <= today:
                outcome = rnd.choice(OUTCOMES)
                row.update(办结日期=closed.isoformat(), 办理结果类型=outcome, 办理结果="已办理")
                if outcome == "帮扶到位" and rnd.random() < 0.6:
                    row["帮扶金额"] = str(rnd.randrange(100, 5000))
                if rnd.random() < 0.8:
                    row.update(
                        满意度=rnd.choice(["满意", "基本满意", "不满意"]),
                        评价日期=(closed + timedelta(days=rnd.randrange(0, 5))).isoformat(),
                    )
        rows.append(row)
    rows.sort(key=lambda r: r["信访日期"])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


def as_json(xf: Xf, *args: str) -> dict[str, Any]:
    r = xf(*args, "--json")
    assert r.exit_code == 0, r.stderr
    data: dict[str, Any] = json.loads(r.stdout)
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_department_tables_add_up_to_the_totals(xf: Xf, tmp_path: Path, seed: int) -> None:
    source = tmp_path / "cases.csv"
    generated_case_file(source, seed)
    assert xf("import", str(source)).exit_code == 0
    checked_pending = 0
    for year, as_of in ((2024, "2024-12-31"), (2025, "2025-06-30"), (2025, "2026-01-31")):
        r = as_json(xf, "report", "annual", "--year", str(year), "--as-of", as_of)
        depts = r["by_department"]
        assert sum(d["overdue_open"] for d in depts) == r["overdue_open"]
        pending = [d for d in depts if d["name"] == "信访办（待受理）"]
        waiting = r["total"] - r["accepted"] - r["not_accepted"]
        assert [d["count"] for d in pending] == ([waiting] if waiting else [])
        checked_pending += bool(pending)
        # every case received is in exactly one row of identity, of category
        assert sum(i["count"] for i in r["by_identity"]) == r["total"]
        assert sum(c["count"] for c in r["by_category"]) == r["total"]
        # the trend's last year is the report's own year, figure for figure
        last = r["trend"][-1]
        assert last == {
            "year": year,
            "total": r["total"],
            "one_time_rate_pct": r["one_time_rate_pct"],
            "on_time_rate_pct": r["on_time_rate_pct"],
            "satisfaction_pct": r["satisfaction_pct"],
        }
    for month, as_of in (("2024-03", "2024-03-31"), ("2025-11", "2025-12-10")):
        m = as_json(xf, "report", "monthly", "--month", month, "--as-of", as_of)
        depts = m["by_department"]
        assert sum(d["open"] for d in depts) == m["open_at_end"]
        assert sum(d["overdue"] for d in depts) == m["overdue"]
        # received in the month = accepted + rejected + still waiting (the office's row)
        waiting = sum(d["received"] for d in depts if d.get("pending"))
        assert m["accepted"] == sum(d["received"] for d in depts if not d.get("pending"))
        assert m["accepted"] + waiting <= m["received"]
    assert checked_pending  # the generated ledgers do have cases waiting for a decision


def test_category_year_on_year_and_identity(xf: Xf) -> None:
    for _ in range(4):
        add_case(xf, received="2024-04-01", category="宿舍与住宿", channel="来信")
    add_case(xf, received="2024-05-01", category="餐饮与食堂")
    add_case(xf, received="2024-12-30", category="考试与成绩")
    for identity in ("学生", "学生", "教职工"):
        add_case(xf, "--identity", identity, received="2025-03-01", category="宿舍与住宿")
    add_case(xf, received="2025-04-01", category="考试与成绩")
    r = as_json(xf, "report", "annual", "--year", "2025", "--as-of", "2025-06-30")
    categories = {c["name"]: (c["count"], c["previous"], c["change_pct"]) for c in r["by_category"]}
    # before the year is over, last year is counted whole, as previous_total is
    assert r["previous_total"] == 6
    assert categories == {"宿舍与住宿": (3, 4, -25.0), "考试与成绩": (1, 1, 0.0)}
    assert r["by_identity"] == [
        {"name": "学生", "count": 2, "pct": 50.0},
        {"name": "教职工", "count": 1, "pct": 25.0},
        {"name": "未填", "count": 1, "pct": 25.0},
    ]


def test_trend_over_five_years_leaves_out_years_without_cases(xf: Xf) -> None:
    # 2020: before the five years
    add_case(xf, received="2020-05-01", category="宿舍与住宿")
    # 2021: two cases, closed on time, one rated 满意 → 100 / 100 / 100
    for day in ("2021-03-01", "2021-04-01"):
        number = add_case(xf, received=day, category="宿舍与住宿")
        accept(xf, number, on=day)
        close_case(xf, number, on=day.replace("-01", "-10", 1)[:8] + "10")
    rate_case(xf, "XF2021-0001", on="2021-03-11")
    # 2023: one case closed 10 days after its 60-day deadline, rated 不满意; a repeat of it in
    # 2023 makes it not one-time, and the repeat itself is never handled
    number = add_case(xf, received="2023-01-02", category="餐饮与食堂")
    accept(xf, number, on="2023-01-03")
    close_case(xf, number, on="2023-03-14")
    rate_case(xf, number, rating="不满意", on="2023-03-15")
    add_case(xf, "--repeat-of", number, received="2023-04-01", category="餐饮与食堂")
    # 2025: one rejected case — nothing closed, nothing rated
    number = add_case(xf, received="2025-02-01", category="考试与成绩")
    reject_case(xf, number, on="2025-02-03")
    r = as_json(xf, "report", "annual", "--year", "2025", "--as-of", "2025-12-31")
    assert r["trend"] == [
        {
            "year": 2021,
            "total": 2,
            "one_time_rate_pct": 100.0,
            "on_time_rate_pct": 100.0,
            "satisfaction_pct": 100.0,
        },
        {
            "year": 2023,
            "total": 2,
            "one_time_rate_pct": 0.0,
            "on_time_rate_pct": 0.0,
            "satisfaction_pct": 0.0,
        },
        {
            "year": 2025,
            "total": 1,
            "one_time_rate_pct": None,
            "on_time_rate_pct": None,
            "satisfaction_pct": None,
        },
    ]
    table = xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31").stdout
    assert "近五年趋势" in table and "2021年" in table and "2022年" not in table


def _department(xf: Xf, dept: str, n: int, rated: int, *, late: int = 0) -> None:
    for i in range(n):
        number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
        accept(xf, number, on="2025-03-02", dept=dept)
        close_case(xf, number, on="2025-06-01" if i < late else "2025-03-10")
        if i < rated:
            rate_case(xf, number, on="2025-06-02")


def test_scorecard_marks_small_samples_and_sorts_by_score(xf: Xf) -> None:
    _department(xf, "后勤处", 6, 6, late=2)  # scored below 100
    _department(xf, "教务处", 5, 5)  # 100
    _department(xf, "财务处", 5, 3)  # 100, but only 3 rated: 样本较少
    _department(xf, "保卫处", 2, 2)  # 100, 2 cases: 样本较少
    waiting = add_case(xf, received="2025-12-01", category="宿舍与住宿")
    r = as_json(xf, "report", "annual", "--year", "2025", "--as-of", "2025-12-31")
    rows = [(d["name"], d["score"], d["small_sample"]) for d in r["by_department"]]
    assert rows == [
        ("教务处", 100.0, False),
        ("后勤处", rows[1][1], False),
        ("财务处", 100.0, True),  # more cases first among equal scores
        ("保卫处", 100.0, True),
        ("信访办（待受理）", None, False),
    ]
    assert rows[1][1] is not None and rows[1][1] < 100
    assert r["scorecard_min_cases"] == 5
    assert r["by_department"][-1]["count"] == 1 and waiting
    text = xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31").stdout
    assert text.count("样本较少") >= 3  # two marks and the caption
    assert "信访办（待受理）" in text


def test_aid_amounts_only_where_there_is_aid(xf: Xf, tmp_path: Path) -> None:
    amounts = ["50000", "40000", "30000", "3000", "2000", "1000"]
    for amount in amounts:
        number = add_case(xf, "--name", "王小明", received="2025-03-01", category="宿舍与住宿")
        accept(xf, number, on="2025-03-02")
        close_case(xf, number, on="2025-03-10", outcome="帮扶到位", aid=amount)
    for _ in range(2):  # 帮扶到位 without an amount
        number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
        accept(xf, number, on="2025-03-02")
        close_case(xf, number, on="2025-03-10", outcome="帮扶到位")
    number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, number, on="2025-03-02")
    close_case(xf, number, on="2025-03-10", outcome="解决到位")
    r = as_json(xf, "report", "annual", "--year", "2025", "--as-of", "2025-12-31")
    assert (r["aided"], r["aid_without_amount"]) == (6, 2)
    assert [a["aid_yuan"] for a in r["largest_aid"]] == [50000.0, 40000.0, 30000.0, 3000.0, 2000.0]
    assert {a["name"] for a in r["largest_aid"]} == {"王**"}  # masked
    text = xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31").stdout
    assert "帮扶到位8件，其中2件未填金额" in text
    assert "帮扶金额较大的案件" in text and "王小明" not in text
    # the outcome table: no 0.00 of aid beside 解决到位
    outcome_line = next(line for line in text.splitlines() if line.startswith("解决到位"))
    assert "0.00" not in outcome_line
    out = tmp_path / "annual.xlsx"
    assert xf("report", "annual", "--year", "2025", "--xlsx", str(out)).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(out)
    rows = [[c.value for c in row] for row in wb["办理结果"].iter_rows(min_row=5)]
    by_name = {row[0]: row for row in rows}
    assert by_name["解决到位"][3] is None and by_name["帮扶到位"][3] == 126000.0
    aid_rows = [[c.value for c in row] for row in wb["帮扶案件"].iter_rows(min_row=5)]
    assert [row[3] for row in aid_rows] == [50000.0, 40000.0, 30000.0, 3000.0, 2000.0]
    for sheet in ("信访人身份", "近五年趋势"):
        assert sheet in wb.sheetnames


def test_received_and_accepted_never_share_a_label(xf: Xf) -> None:
    add_case(xf, received="2025-12-01", category="宿舍与住宿")
    number = add_case(xf, received="2025-12-02", category="宿舍与住宿")
    accept(xf, number, on="2025-12-03")
    annual = xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31").stdout
    assert "收到信访事项（件次）" in annual and "受理信访事项（件次）" not in annual
    assert "其中受理1件、不予受理0件、待受理1件" in annual
    monthly = xf("report", "monthly", "--month", "2025-12", "--as-of", "2025-12-31").stdout
    assert "本月收到（件次）" in monthly and "本月受理" not in monthly
    assert "其中已受理1件" in monthly
    # the paragraph keeps the office's own sentence
    md = xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31", "--markdown").stdout
    assert md.startswith("全年共受理信访事项2件(次)")
    assert "\n注：" in md


def test_risk_levels_stay_apart_on_a_16_colour_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    monkeypatch.delenv("NO_COLOR", raising=False)

    from xinfang_cli.cli.tables import rich_renderables
    from xinfang_cli.sheets import Column, Document, Sheet, _level_cell

    sheet = Sheet("风险", "风险", [Column("级别")], [[_level_cell(k)] for k in ("red", "orange")])
    sheet.rows.append([_level_cell("yellow")])
    doc = Document("风险", date(2025, 12, 31), [sheet])

    def codes(system: str) -> list[str]:
        console = Console(force_terminal=True, color_system=system, width=40)  # type: ignore[arg-type]
        with console.capture() as captured:
            for item in rich_renderables(doc, colours=console.color_system):
                console.print(item)
        text = captured.get()
        # the SGR sequence that starts each level word
        return [re.search(r"\x1b\[([0-9;]*)m" + word, text).group(1) for word in LEVELS]  # type: ignore[union-attr]

    for system in ("standard", "256"):
        red, orange, yellow = codes(system)
        assert len({red, orange, yellow}) == 3, (system, red, orange, yellow)
    red, orange, _ = codes("standard")
    assert "91" not in orange.split(";")  # not the bright red dark_orange falls back to
    assert "38;5;208" in codes("256")[1]  # a true orange where the terminal has one
