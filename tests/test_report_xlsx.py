"""`report … --xlsx FILE`: read back with openpyxl, and — where LibreOffice is installed —
converted by `soffice --headless` to CSV and PDF to check that the same numbers show."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import build_template
from xinfang_cli.cli.main import app

AS_OF = "2025-12-20"
ANNUAL_SHEETS = [
    "总体情况",
    "各月收到",
    "事项分组",
    "事项类别",
    "信访人身份",
    "信访形式",
    "办理结果",
    "帮扶案件",
    "单位考核",
    "近五年趋势",
]
MONTHLY_SHEETS = ["总体情况", "类别变化", "热点问题", "单位情况", "风险提示"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger of test_reports' CASES, built once per module through the real CLI."""
    from test_reports import build

    return build_template(tmp_path_factory, build)


@pytest.fixture(scope="module")
def workbooks(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("books")
    runner = CliRunner()
    files = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XINFANG_TODAY", "2025-12-31")
        for kind in ("annual", "monthly"):
            target = out / f"{kind}.xlsx"
            result = runner.invoke(
                app, ["--db", str(built), "report", kind, "--as-of", AS_OF, "--xlsx", str(target)]
            )
            assert result.exit_code == 0, result.stderr
            assert result.stdout == ""  # the workbook is the output; the confirmation is stderr
            assert str(target) in result.stderr
            files[kind] = target
    return files


def _rows(ws: Any) -> list[list[Any]]:
    return [list(row) for row in ws.iter_rows(min_row=4, values_only=True)]


def test_every_sheet_has_title_as_of_and_chinese_headers(workbooks: dict[str, Path]) -> None:
    for kind, names in (("annual", ANNUAL_SHEETS), ("monthly", MONTHLY_SHEETS)):
        wb = load_workbook(workbooks[kind])
        assert wb.sheetnames == [*names, "图表"]  # the charts on a sheet of their own
        for ws in (wb[name] for name in names):
            assert ws["A1"].value and ws["A1"].font.bold
            assert ws["A2"].value == "统计截至"
            assert ws["B2"].value == datetime(2025, 12, 20)
            assert ws["B2"].number_format == "yyyy-mm-dd"
            headers = [c.value for c in ws[4] if c.value is not None]
            assert headers and all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers)
            assert ws.freeze_panes == "A5"
            for col in range(1, len(headers) + 1):
                letter = ws.cell(row=4, column=col).column_letter
                assert 10 <= ws.column_dimensions[letter].width <= 60


def test_annual_numbers_are_numbers_and_percentages_fractions(
    workbooks: dict[str, Path],
) -> None:
    wb = load_workbook(workbooks["annual"])
    head = {row[0]: row for row in _rows(wb["总体情况"])}
    assert head["指标"] == ["指标", "数值", "说明"]
    total = wb["总体情况"]["B5"]
    assert total.value == 23 and isinstance(total.value, int)
    rate = wb["总体情况"]["B6"]
    assert rate.value == pytest.approx(0.875) and rate.number_format == "0.0%"
    assert head["满意率"][1] == pytest.approx(0.667)
    assert head["及时受理率"][1] == pytest.approx(0.941)
    assert head["帮扶救助（元）"][1] == pytest.approx(1300.25)
    assert wb["总体情况"]["B14"].number_format == "#,##0.00"

    groups = _rows(wb["事项分组"])
    assert groups[0] == ["分组", "件次", "占比"]
    assert groups[1] == ["后勤服务", 14, pytest.approx(0.609)]
    assert wb["事项分组"]["C5"].number_format == "0.0%"

    depts = {row[0]: row for row in _rows(wb["单位考核"])}
    assert depts["单位"] == [
        "单位",
        "交办",
        "办结",
        "按期",
        "按期率",
        "超期未结",
        "评价",
        "满意率",
        "得分",
        "备注",
    ]
    assert depts["教务处"] == ["教务处", 3, 2, 1, 0.5, 1, 1, 1.0, 70.0, "样本较少"]
    # a rate whose denominator is 0 is an empty cell, not 0 and not a dash
    assert depts["人事处"] == ["人事处", 2, 0, 0, None, 0, 0, None, None, "样本较少"]
    assert "得分 = 100" in (wb["单位考核"]["A3"].value or "")

    outcomes = {row[0]: row for row in _rows(wb["办理结果"])}
    assert outcomes["帮扶到位"] == ["帮扶到位", 2, 0.25, 1300.25]
    assert outcomes["合计"] == ["合计", 8, 1.0, 1300.25]


def test_monthly_numbers(workbooks: dict[str, Path]) -> None:
    wb = load_workbook(workbooks["monthly"])
    cats = {row[0]: row for row in _rows(wb["类别变化"])}
    assert cats["宿舍与住宿"][:6] == ["宿舍与住宿", "后勤服务", 5, 2, 1.5, "红色"]
    assert wb["类别变化"]["E5"].number_format == "+0.0%;-0.0%;0.0%"
    assert cats["课程与教学安排"][4] is None
    alerts = _rows(wb["风险提示"])
    assert alerts[0] == ["级别", "对象", "原因", "反映问题"]
    assert len(alerts) == 1 + 14
    assert alerts[1][:2] == ["红色", "宿舍与住宿"]


# --- LibreOffice ----------------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _convert(source: Path, target_dir: Path, to: str) -> None:
    profile = target_dir / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(target_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_same_numbers(workbooks: dict[str, Path], tmp_path: Path) -> None:
    # Every sheet to its own CSV (filter option 12 = -1), as the cells are displayed.
    _convert(
        workbooks["annual"],
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
    )
    sheets = {p.stem.removeprefix("annual-"): p for p in tmp_path.glob("annual-*.csv")}
    assert set(sheets) == {*ANNUAL_SHEETS, "图表"}
    for path in sheets.values():
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert rows[1][:2] == ["统计截至", "2025-12-20"]
    head = {r[0]: r for r in csv.reader(sheets["总体情况"].open(encoding="utf-8")) if r}
    assert head["收到信访事项（件次）"][1] == "23"
    assert head["初信初访一次性办结率"][1] == "87.5%"
    assert head["满意率"][1] == "66.7%"
    assert head["帮扶救助（元）"][1] == "1,300.25"
    depts = {r[0]: r for r in csv.reader(sheets["单位考核"].open(encoding="utf-8")) if r}
    assert depts["教务处"][1:] == ["3", "2", "1", "50.0%", "1", "1", "100.0%", "70.0", "样本较少"]

    _convert(workbooks["annual"], tmp_path, "pdf")
    pdf = tmp_path / "annual.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF was written but its text is not checked")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for shown in ("87.5%", "94.1%", "66.7%", "1,300.25", "2025-12-20"):
        assert shown in text
