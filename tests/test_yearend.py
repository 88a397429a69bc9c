"""The year-end work of issue 12: every report count traceable to its cases (`list --figure`),
the topic words year on year, the Word draft (`report annual --docx`), native charts in the
workbooks and the bar chart in the terminal.

Two ledgers: the sample ledger (sample_data/cases.csv) and one generated at random (a fixed seed),
each built once per module through the real CLI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, build_template, ok
from xinfang_cli.labels import ANNUAL_FIGURES, MONTHLY_FIGURES

SAMPLE = Path(__file__).parent.parent / "sample_data" / "cases.csv"
HEADER = [
    "编号", "信访日期", "信访形式", "人数", "反映问题", "事项类别", "原件编号", "越级", "受理日期",
    "主办单位", "不予受理日期", "不予受理理由", "延期天数", "延期理由", "延期日期", "办结日期",
    "办理结果类型", "办理结果", "帮扶金额", "满意度", "评价日期",
]  # fmt: skip
CATEGORIES = ["宿舍与住宿", "考试与成绩", "餐饮与食堂", "教职工权益", "实习与就业", ""]
SUMMARIES = ["自习室座位紧张", "宿舍维修不及时", "食堂价格上涨", "职称评聘不公开", "校园网太慢"]


def generated_rows(seed: int = 12) -> list[list[str]]:
    """Cases of 2024 and 2025 in every state, with repeats, extensions, ratings and aid."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    received = sorted(date(2024, 1, 1) + timedelta(days=rng.randrange(730)) for _ in range(160))
    seq = {2024: 0, 2025: 0}
    for day in received:
        seq[day.year] += 1
        number = f"XF{day.year}-{seq[day.year]:04d}"
        row = dict.fromkeys(HEADER, "")
        row |= {
            "编号": number,
            "信访日期": day.isoformat(),
            "信访形式": rng.choice(["来信", "来访", "来电", "校长信箱"]),
            "人数": str(rng.choice([1, 1, 1, 2, 5, 8])),
            "反映问题": rng.choice(SUMMARIES),
            "事项类别": rng.choice(CATEGORIES),
            "越级": rng.choice(["否"] * 5 + ["是"]),
        }
        if rows and rng.random() < 0.15:
            row["原件编号"] = rng.choice(rows)[0]
        last = date(2025, 12, 31)
        fate = rng.random()
        if fate < 0.1:
            on = day + timedelta(days=rng.randrange(25))
            if on <= last:
                row |= {"不予受理日期": on.isoformat(), "不予受理理由": "不属于本校职责"}
        elif fate < 0.92:
            accepted = day + timedelta(days=rng.randrange(20))
            if accepted <= last:
                row |= {"受理日期": accepted.isoformat(), "主办单位": "后勤处"}
                limit = 60
                if rng.random() < 0.15:
                    extended = accepted + timedelta(days=rng.randrange(1, 50))
                    if extended <= last:
                        limit += 20
                        row |= {
                            "延期天数": "20",
                            "延期理由": "需进一步核实",
                            "延期日期": extended.isoformat(),
                        }
                closed = accepted + timedelta(days=rng.randrange(1, limit + 25))
                extended_on = row["延期日期"]
                if (
                    rng.random() < 0.8
                    and closed <= last
                    and (not extended_on or closed.isoformat() >= extended_on)
                ):
                    outcome = rng.choice(["解决到位", "教育到位", "帮扶到位"])
                    row |= {
                        "办结日期": closed.isoformat(),
                        "办理结果类型": outcome,
                        "办理结果": "已办理",
                        "帮扶金额": str(rng.randrange(100, 5000)) if outcome == "帮扶到位" else "",
                    }
                    if rng.random() < 0.75:
                        rated = closed + timedelta(days=rng.randrange(0, 10))
                        if rated <= last:
                            row |= {
                                "满意度": rng.choice(["满意", "满意", "基本满意", "不满意"]),
                                "评价日期": rated.isoformat(),
                            }
        rows.append([row[h] for h in HEADER])
    return rows


def _import(path: Path) -> Callable[[Callable[..., Run]], None]:
    def build(run: Callable[..., Run]) -> None:
        r = run("import", str(path))
        assert r.exit_code == 0, r.stderr

    return build


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    source = tmp_path_factory.mktemp("generated") / "cases.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(generated_rows())
    return {
        "sample": build_template(tmp_path_factory, _import(SAMPLE)),
        "generated": build_template(tmp_path_factory, _import(source)),
    }


def _json(xf: Callable[..., Run], db: Path, *args: str) -> Any:
    return json.loads(ok(xf(*args, "--json", db=db)).stdout)


# --- every count traceable ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sample", "generated"])
@pytest.mark.parametrize(
    ("year", "as_of"), [(2025, "2025-12-31"), (2025, "2025-07-15"), (2024, "2025-03-01")]
)
def test_every_annual_key_lists_as_many_cases_as_the_report_counts(
    xf: Callable[..., Run], ledgers: dict[str, Path], name: str, year: int, as_of: str
) -> None:
    db = ledgers[name]
    report = _json(xf, db, "report", "annual", "--year", str(year), "--as-of", as_of)
    for key in ANNUAL_FIGURES:
        cases = _json(xf, db, "list", "--figure", key, "--year", str(year), "--as-of", as_of)
        assert len(cases) == report[key], (key, len(cases), report[key])
        assert all(c["received_on"].startswith(str(year)) for c in cases)
    assert report["total"] > 0


@pytest.mark.parametrize("name", ["sample", "generated"])
@pytest.mark.parametrize(
    ("month", "as_of"),
    [("2025-12", "2025-12-31"), ("2025-06", "2025-06-20"), ("2024-10", "2025-12-31")],
)
def test_every_monthly_key_lists_as_many_cases_as_the_report_counts(
    xf: Callable[..., Run], ledgers: dict[str, Path], name: str, month: str, as_of: str
) -> None:
    db = ledgers[name]
    report = _json(xf, db, "report", "monthly", "--month", month, "--as-of", as_of)
    for key in MONTHLY_FIGURES:
        cases = _json(xf, db, "list", "--figure", key, "--month", month, "--as-of", as_of)
        assert len(cases) == report[key], (key, len(cases), report[key])


def test_every_figure_key_has_a_condition_and_a_label() -> None:
    from sqlalchemy import true

    from xinfang_cli.figure_keys import Month, annual_conditions, monthly_conditions
    from xinfang_cli.standing import AsOf

    at = AsOf(date(2025, 12, 31))
    assert list(annual_conditions(at, collective_threshold=5)) == list(ANNUAL_FIGURES)
    month = Month(date(2025, 12, 1), date(2025, 12, 31))
    conditions = monthly_conditions(month, at, collective_threshold=5, due_soon=true())
    assert list(conditions) == list(MONTHLY_FIGURES)


def test_shell_completion_offers_the_figure_keys() -> None:
    from xinfang_cli.cli.options import complete_figure

    offered = dict(complete_figure("o"))
    assert offered == {
        "open": "未办结",
        "overdue_open": "超期未办结",
        "open_at_end": "月末在办",
        "overdue": "月末超期",
    }


def test_the_traced_cases_are_the_right_ones(
    xf: Callable[..., Run], ledgers: dict[str, Path]
) -> None:
    db = ledgers["sample"]
    args = ("--year", "2025", "--as-of", "2025-12-31")
    repeats = _json(xf, db, "list", "--figure", "repeat", *args)
    assert repeats and all(c["repeat_of"] for c in repeats)
    overdue = _json(xf, db, "list", "--figure", "overdue_open", *args)
    assert len(overdue) == 5 and all(c["overdue"] for c in overdue)
    aided = _json(xf, db, "list", "--figure", "aided", *args)
    assert all(c["aid_yuan"] and c["closed_on"] for c in aided)
    unhappy = _json(xf, db, "list", "--figure", "dissatisfied", *args)
    assert {c["rating"] for c in unhappy} == {"dissatisfied"}
    # the other filters of list narrow the figure's cases
    housing = _json(xf, db, "list", "--figure", "closed", *args, "--group", "后勤服务")
    closed = _json(xf, db, "list", "--figure", "closed", *args)
    assert 0 < len(housing) < len(closed)
    assert len({c["group"] for c in housing}) == 1
    # CSV: a header row and one row per case
    r = ok(xf("list", "--figure", "repeat", *args, "--csv", db=db))
    rows = list(csv.reader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert rows[0][0] == "编号" and len(rows) == 1 + len(repeats)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--figure", "bogus", "--year", "2025"], "overdue_open"),
        (["--figure", "receivd", "--month", "2025-12"], "received"),
        (["--figure", "received", "--year", "2025"], "未知的年度指标"),
        (["--figure", "repeat"], "--year"),
        (["--figure", "repeat", "--year", "2025", "--month", "2025-12"], "只能选一个"),
        (["--figure", "repeat", "--year", "2030"], "晚于截止日期"),
        (["--figure", "repeat", "--month", "2025-13"], "月"),
    ],
)
def test_bad_figure_is_exit_2(
    xf: Callable[..., Run], ledgers: dict[str, Path], args: list[str], says: str
) -> None:
    r = xf("list", *args, db=ledgers["sample"])
    assert r.exit_code == 2 and r.stdout == ""
    assert says in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2


# --- hot topics year on year ------------------------------------------------------------------
def test_hot_topics_year_on_year(xf: Callable[..., Run]) -> None:
    for day, summary in [
        ("2024-03-01", "自习室座位紧张"),
        ("2024-04-01", "公共自习室座位不够"),
        ("2024-05-01", "自习室座位被占"),
        ("2024-05-02", "校园网太慢"),
        ("2025-03-01", "自习室座位紧张"),
        ("2025-03-02", "宿舍维修不及时"),
    ]:
        ok(xf("add", "--received", day, "--channel", "来信", "--summary", summary))
    r = ok(xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31", "--json"))
    data = json.loads(r.stdout)
    assert data["hot_topics"] == [
        {"term": "自习室座位", "count": 1, "previous": 3, "change_pct": -66.7},
        {"term": "宿舍维修", "count": 1, "previous": 0, "change_pct": None},
        {"term": "校园网", "count": 0, "previous": 1, "change_pct": -100.0},
    ]


# --- the Word draft ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def draft(ledgers: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from typer.testing import CliRunner

    from xinfang_cli.cli.main import app

    target = tmp_path_factory.mktemp("draft") / "2025年工作总结.docx"
    db = str(ledgers["sample"])
    runner = CliRunner()
    base = ["--db", db, "report", "annual", "--year", "2025", "--as-of", "2025-12-31"]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XINFANG_TODAY", "2025-12-31")
        made = runner.invoke(app, [*base, "--docx", str(target)])
        markdown = runner.invoke(app, [*base, "--markdown"]).stdout
        data = json.loads(runner.invoke(app, [*base, "--json"]).stdout)
    assert made.exit_code == 0, made.stderr
    assert made.stdout == "" and str(target) in made.stderr
    return {"path": target, "markdown": markdown, "data": data, "stderr": made.stderr}


def _tables(doc: Any) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]


def _find(tables: list[list[list[str]]], header: list[str]) -> list[list[str]]:
    return next(t for t in tables if t[0] == header)


def test_docx_opens_with_the_markdown_paragraph(draft: dict[str, Any]) -> None:
    from docx import Document

    doc = Document(str(draft["path"]))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "2025年学校信访维稳工作总结"
    first, shares, note = draft["markdown"].strip().split("\n\n")
    body = [t for t in texts[1:] if not t.startswith("（初稿")]
    assert body[0] == first
    assert first.startswith("全年共受理信访事项327件(次)，同比下降18.7%")
    assert shares in texts  # 将信访事项划分为教学管理类(占比31%)…
    assert "教学管理类(占比31%)" in shares
    # the rounding note follows the paragraph, for the writer (18.7, not the 18.6 of the seed)
    assert body[1] == f"（{note}定稿时可删去。）" and "18.66%" in note
    placeholders = [t for t in texts if t.startswith("【请填写：")]
    assert len(placeholders) >= 5
    headings = [p.text for p in doc.paragraphs if p.style and p.style.name == "Heading 1"]
    for words in (
        "总体情况",
        "分布",
        "渠道",
        "三到位一处理",
        "时效",
        "考核",
        "热点",
        "风险",
        "开展",
    ):
        assert any(words in h for h in headings), words


def test_docx_tables_equal_the_json(draft: dict[str, Any]) -> None:
    from docx import Document

    doc = Document(str(draft["path"]))
    data = draft["data"]
    tables = _tables(doc)
    groups = _find(tables, ["分组", "件次", "占比"])
    assert groups[1:] == [
        [g["name"], str(g["count"]), f"{g['pct']:.1f}%"] for g in data["by_group"]
    ]
    categories = _find(tables, ["类别", "分组", "件次", "占比", "上年", "同比"])
    assert [r[0] for r in categories[1:]] == [c["name"] for c in data["by_category"]]
    assert [int(r[2]) for r in categories[1:]] == [c["count"] for c in data["by_category"]]
    assert [int(r[4]) for r in categories[1:]] == [c["previous"] for c in data["by_category"]]
    channels = _find(tables, ["信访形式", "件次", "占比"])
    assert [(r[0], int(r[1])) for r in channels[1:]] == [
        (c["name"], c["count"]) for c in data["by_channel"]
    ]
    months = _find(tables, ["月份", "2025年", "2024年", "同比"])
    assert [(int(r[1]), int(r[2])) for r in months[1:]] == [
        (m["count"], m["previous"]) for m in data["by_month"]
    ]
    units = _find(
        tables, ["单位", "交办", "办结", "按期", "按期率", "超期", "评价", "满意率", "得分", "备注"]
    )
    departments = [d for d in data["by_department"] if not d.get("pending")]
    assert [[r[0], int(r[1]), int(r[2]), int(r[3]), int(r[5])] for r in units[1:-1]] == [
        [d["name"], d["assigned"], d["closed"], d["closed_on_time"], d["overdue_open"]]
        for d in departments
    ]
    # the office's own row: cases not yet accepted, so the overdue column adds up
    assert units[-1][0] == "信访办（待受理）"
    assert sum(int(r[5]) for r in units[1:]) == data["overdue_open"]
    topics = _find(tables, ["热点词", "2025年", "2024年", "同比"])
    assert [(r[0], int(r[1]), int(r[2])) for r in topics[1:]] == [
        (t["term"], t["count"], t["previous"]) for t in data["hot_topics"]
    ]
    outcomes = _find(tables, ["办理结果", "件数", "占比", "帮扶金额（元）"])
    assert outcomes[-1][:2] == ["合计", str(data["closed"])]
    assert outcomes[-1][3] == f"{data['aid_total_yuan']:,.2f}"
    head = {r[0]: r for r in _find(tables, ["指标", "数值", "说明"])}
    assert head["收到信访事项（件次）"][1] == str(data["total"])
    assert head["满意率"][1] == f"{data['satisfaction_pct']:.1f}%"
    timeliness = {r[0]: r for r in _find(tables, ["指标", "比率", "分子", "分母"])}
    assert timeliness["参评率"][1:] == [
        f"{data['rating_participation_pct']:.1f}%",
        str(data["rated"]),
        str(data["closed"]),
    ]
    watched = _find(
        tables, ["类型", "编号", "信访日期", "反映问题", "人数", "主办单位", "目前状态"]
    )
    for kind, key in (
        ("集体访", "collective"),
        ("越级访", "bypass"),
        ("超期未结", "overdue_open"),
    ):
        assert sum(1 for r in watched[1:] if r[0] == kind) == data[key], key
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"记有帮扶金额的{data['aided']}件，金额合计{data['aid_total_yuan']:,.2f}元" in text
    assert f"中{data['aid_without_amount']}件未填金额" in text


def test_docx_holds_two_charts(draft: dict[str, Any]) -> None:
    from docx import Document

    doc = Document(str(draft["path"]))
    assert len(doc.inline_shapes) >= 2
    with zipfile.ZipFile(draft["path"]) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(images) >= 2
    assert "未找到中文字体" not in draft["stderr"]  # a CJK font is installed where tests run


def test_docx_warns_in_one_line_without_a_cjk_font(
    xf: Callable[..., Run],
    ledgers: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xinfang_cli import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    target = tmp_path / "draft.docx"
    r = ok(xf("report", "annual", "--year", "2025", "--docx", str(target), db=ledgers["sample"]))
    warnings = [line for line in r.stderr.splitlines() if "未找到中文字体" in line]
    assert len(warnings) == 1 and target.exists()


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("missing/dir/draft.docx", "不存在"),
        (".", "目录"),
        ("draft.pdf", ".docx"),
    ],
)
def test_docx_bad_target_is_exit_2(
    xf: Callable[..., Run], ledgers: dict[str, Path], tmp_path: Path, target: str, says: str
) -> None:
    path = tmp_path / target
    before = sorted(tmp_path.rglob("*"))
    r = xf("report", "annual", "--year", "2025", "--docx", str(path), db=ledgers["sample"])
    assert r.exit_code == 2 and says in r.stderr and "Traceback" not in r.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_docx_to_a_read_only_directory_is_exit_2(
    xf: Callable[..., Run], ledgers: dict[str, Path], tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root writes through a directory's mode bits; /proc/self takes no new files from anyone
    target = Path("/proc/self/d.docx") if os.geteuid() == 0 else locked / "d.docx"
    try:
        r = xf("report", "annual", "--year", "2025", "--docx", str(target), db=ledgers["sample"])
        assert r.exit_code == 2 and "权限" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_docx_and_another_format_is_exit_2(
    xf: Callable[..., Run], ledgers: dict[str, Path], tmp_path: Path
) -> None:
    r = xf("report", "annual", "--json", "--docx", str(tmp_path / "d.docx"), db=ledgers["sample"])
    assert r.exit_code == 2 and "只能选一个" in r.stderr
    assert not (tmp_path / "d.docx").exists()


# --- charts in the workbooks ------------------------------------------------------------------
def test_workbooks_hold_native_charts_drawn_from_their_cells(
    xf: Callable[..., Run], ledgers: dict[str, Path], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    db = ledgers["sample"]
    annual, monthly = tmp_path / "annual.xlsx", tmp_path / "monthly.xlsx"
    ok(
        xf(
            "report",
            "annual",
            "--year",
            "2025",
            "--as-of",
            "2025-12-31",
            "--xlsx",
            str(annual),
            db=db,
        )
    )
    ok(
        xf(
            "report",
            "monthly",
            "--month",
            "2025-12",
            "--as-of",
            "2025-12-31",
            "--xlsx",
            str(monthly),
            db=db,
        )
    )
    for path, least, sources in (
        (annual, 3, ("各月收到", "事项分组", "事项类别")),
        (monthly, 1, ("类别变化",)),
    ):
        wb = load_workbook(path)
        assert "图表" in wb.sheetnames
        assert len(wb["图表"]._charts) >= least
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
            xml = "".join(z.read(n).decode("utf-8") for n in parts)
        assert len(parts) >= least
        for sheet in sources:
            assert f"'{sheet}'!$" in xml or f"{sheet}!$" in xml, sheet
    months = load_workbook(annual)["各月收到"]
    assert [months.cell(row=r, column=2).value for r in range(5, 17)] == [
        m["count"]
        for m in _json(xf, db, "report", "annual", "--year", "2025", "--as-of", "2025-12-31")[
            "by_month"
        ]
    ]


# --- the terminal -----------------------------------------------------------------------------
def test_terminal_draws_the_months_as_bars_and_a_pipe_gets_a_table(
    xf: Callable[..., Run], ledgers: dict[str, Path]
) -> None:
    from rich.console import Console

    from xinfang_cli.cli.tables import rich_renderables
    from xinfang_cli.sheets import annual_document

    data = _json(
        xf, ledgers["sample"], "report", "annual", "--year", "2025", "--as-of", "2025-12-31"
    )
    console = Console(record=True, width=100, color_system=None)
    for renderable in rich_renderables(annual_document(data), terminal=True):
        console.print(renderable)
    shown = console.export_text()
    month_lines = [line for line in shown.splitlines() if line.strip().startswith(("1月", "12月"))]
    assert len(month_lines) == 2 and all("█" in line for line in month_lines)
    assert shown.index("收到信访事项") < shown.index("█") < shown.index("按事项分组")
    piped = ok(
        xf("report", "annual", "--year", "2025", "--as-of", "2025-12-31", db=ledgers["sample"])
    ).stdout
    assert "█" not in piped and "各月收到件次" in piped
    june = next(line for line in piped.splitlines() if line.startswith("6月"))
    assert june.split()[1:3] == [
        str(data["by_month"][5]["count"]),
        str(data["by_month"][5]["previous"]),
    ]


# --- LibreOffice ------------------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_draft_to_pdf(draft: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "summary.docx"
    shutil.copy(draft["path"], source)
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "summary.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF was written but its text is not checked")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    first = draft["markdown"].split("\n\n")[0]
    assert "".join(first.split())[:40] in flat
    assert "【请填写：" in flat and "二级单位信访工作考核" in flat
