"""Importing the spreadsheets offices really keep: a title row over the header, 序号, their own
header words, date cells, Excel serial numbers and text dates, abbreviated department names, a
合计 row, a sheet per year — and the refusals that say how to fix what cannot be read."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import Run, ok

Xf = Callable[..., Run]

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
]


def office_workbook(path: Path, *, second_sheet: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2024年"
    ws.append(["2024年信访工作台账"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(HEADER)
    ws.append(
        [1, date(2024, 3, 5), "来信", "张三", "13812345678", "宿舍漏水", "宿舍与住宿", "后勤处"]
        + ["已维修", date(2024, 3, 20)]
    )
    # an Excel serial number (45358 = 2024-03-07) and an abbreviated department
    ws.append([2, 45358, "来访", "李四", None, "奖学金评定不公", "奖助评定与资助", "学工部"])
    # a text date as clerks type it, a channel in the office's word, no department yet
    ws.append([3, "2024.3.12", "电话", None, None, "食堂价格高", "餐饮与食堂"])
    # a date-time cell; a closing date written as text with 上午
    ws.append(
        [4, datetime(2024, 3, 15, 10, 30), "来信", "王五", None, "考试安排冲突", "考试与成绩"]
        + ["研工部", "已答复", "2024/03/25 上午"]
    )
    ws.append(["合计", "4件"])
    if second_sheet:
        ws2 = wb.create_sheet("2025年")
        ws2.append(["序号", "信访时间", "来信来访形式", "姓名", "主要内容", "问题类别", "承办单位"])
        ws2.append([1, date(2025, 1, 6), "来访", "赵六", "门禁故障", "校园设施与环境", "保卫处"])
    wb.save(path)
    return path


def cases(xf: Xf) -> dict[str, dict[str, Any]]:
    return {c["number"]: c for c in json.loads(ok(xf("list", "--json", "--reveal")).stdout)}


def test_an_office_workbook_imports_with_its_own_words(xf: Xf, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "台账.xlsx")
    r = ok(xf("import", str(book), "--default", "outcome=解决到位"))
    assert "第3行为表头" in r.stderr and "略去末尾的合计行 1 行" in r.stderr
    assert "信访时间→信访日期（同义词）" in r.stderr and "序号（序号列）" in r.stderr
    assert "已导入 4 件" in r.stderr
    got = cases(xf)
    assert sorted(got) == ["XF2024-0001", "XF2024-0002", "XF2024-0003", "XF2024-0004"]
    one, two, three, four = (got[f"XF2024-000{i}"] for i in range(1, 5))
    assert (one["received_on"], one["name"], one["phone"]) == ("2024-03-05", "张三", "13812345678")
    assert (one["status"], one["closed_on"], one["outcome"]) == ("closed", "2024-03-20", "resolved")
    assert (one["accepted_on"], one["lead_dept"]) == ("2024-03-05", "后勤处")  # inferred
    assert (two["received_on"], two["lead_dept"], two["status"]) == (
        "2024-03-07",
        "学生工作部",
        "handling",
    )
    assert (three["received_on"], three["channel"], three["status"]) == (
        "2024-03-12",
        "phone",
        "registered",
    )
    assert (four["received_on"], four["lead_dept"], four["closed_on"]) == (
        "2024-03-15",
        "研究生院",
        "2024-03-25",
    )
    history = ok(xf("history", "XF2024-0001")).stdout
    assert "导入时推定" in history and "受理日期取信访日期" in history
    assert "导入时推定" not in ok(xf("history", "XF2024-0003")).stdout  # nothing inferred
    assert "校验通过" in ok(xf("verify", "-v")).stderr + ok(xf("verify", "-v")).stdout


def test_without_a_default_outcome_a_closing_stays_open_with_a_warning(
    xf: Xf, tmp_path: Path
) -> None:
    book = office_workbook(tmp_path / "台账.xlsx", second_sheet=False)
    r = ok(xf("import", str(book)))
    assert r.stderr.count("暂按未办结导入") == 2  # rows 4 and 7
    assert "第4行" in r.stderr and "第7行" in r.stderr
    got = cases(xf)
    assert got["XF2024-0001"]["status"] == "handling" and got["XF2024-0001"]["closed_on"] is None


def test_all_sheets_and_one_sheet(xf: Xf, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "台账.xlsx")
    r = ok(xf("import", str(book), "--sheet", "2025年", "--dry-run"))
    assert "工作表“2025年”，第1行为表头，数据 1 行" in r.stderr and "可导入 1 件" in r.stderr
    r = ok(xf("import", str(book), "--all-sheets", "--default", "outcome=解决到位"))
    assert "已导入 5 件" in r.stderr
    assert cases(xf)["XF2025-0001"]["lead_dept"] == "保卫处"
    history = ok(xf("history", "XF2025-0001")).stdout
    assert "工作表“2025年”第2行" in history
    # a problem names its sheet
    bad = tmp_path / "bad.xlsx"
    office_workbook(bad)
    from openpyxl import load_workbook

    wb = load_workbook(bad)
    wb["2025年"]["B2"] = "2025-02-30"
    wb.save(bad)
    r = xf("import", str(bad), "--all-sheets", db=tmp_path / "other.db")
    assert r.exit_code == 2 and "工作表“2025年”第2行 〔信访日期〕" in r.stderr


def test_dry_run_prints_the_plan_and_writes_nothing(xf: Xf, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "台账.xlsx", second_sheet=False)
    ok(xf("init"))
    r = ok(xf("import", str(book), "--dry-run", "--default", "outcome=解决到位"))
    for part in (
        "工作表“2024年”，第3行为表头，数据 4 行",
        "承办单位→主办单位（同义词）",
        "忽略的列：序号（序号列）",
        "推定：3 行有主办单位而无受理日期",
        "推定：2 行有办结日期而无办理结果类型，按 --default 取",
        "可导入 4 件",
    ):
        assert part in r.stderr, part
    assert json.loads(ok(xf("list", "--json")).stdout) == []


def test_an_unknown_header_names_the_fix(xf: Xf, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "信访时间,来信来访形式,主要内容,备注\n2024-03-05,来信,宿舍漏水,已电话回复\n",
        encoding="gb18030",
    )
    r = xf("import", str(path))
    assert r.exit_code == 2
    assert (
        "未知的列：备注" in r.stderr and "--map 备注=" in r.stderr and "--ignore 备注" in r.stderr
    )
    assert not (tmp_path / "ledger.db").exists()
    r = ok(xf("import", str(path), "--map", "备注=具体内容"))
    assert cases(xf)["XF2024-0001"]["content"] == "已电话回复"
    r = ok(xf("import", str(path), "--ignore", "备注", db=tmp_path / "b.db"))
    assert "备注（--ignore）" in r.stderr


def test_unknown_values_are_listed_once_and_fixed_in_one_go(xf: Xf, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    rows = "".join(f"2024-03-0{i},来信,宿舍漏水{i},宿舍与住宿,后勤服务中心\n" for i in range(1, 6))
    path.write_text("信访时间,来信来访形式,主要内容,问题类别,承办单位\n" + rows, encoding="utf-8")
    r = xf("import", str(path))
    assert r.exit_code == 2
    assert r.stderr.count("未知的单位“后勤服务中心”") == 1  # once, with its lines and count
    assert "（共 5 行）" in r.stderr and "--value-map 主办单位=后勤服务中心:" in r.stderr
    r = ok(xf("import", str(path), "--value-map", "主办单位=后勤服务中心:后勤处"))
    assert {c["lead_dept"] for c in cases(xf).values()} == {"后勤处"}


def test_aliases_work_for_every_command(xf: Xf) -> None:
    number = ok(xf("add", "--received", "2025-03-01", "--channel", "走访", "--summary", "x")).stdout
    number = number.strip()
    ok(xf("assign", number, "--dept", "学工部", "--on", "2025-03-02"))
    got = cases(xf)[number]
    assert (got["channel"], got["lead_dept"]) == ("visit", "学生工作部")


def test_an_office_adds_its_own_aliases_and_header_words(xf: Xf, tmp_path: Path) -> None:
    ok(xf("init"))
    source = ok(xf("taxonomy", "show", "--toml")).stdout if False else None
    assert source is None
    from xinfang_cli.taxonomy import default_source

    text = (
        default_source()
        .replace("[aliases.departments]\n", '[aliases.departments]\n"后勤集团" = "后勤处"\n')
        .replace(
            '"身份" = ["人员类别", "人员身份"]', '"身份" = ["人员类别", "人员身份", "来访人类型"]'
        )
    )
    tax = tmp_path / "tax.toml"
    tax.write_text(text, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tax)))
    path = tmp_path / "old.csv"
    path.write_text(
        "信访时间,来信来访形式,主要内容,承办单位,来访人类型\n2024-03-05,来信,宿舍漏水,后勤集团,学生\n",
        encoding="utf-8",
    )
    ok(xf("import", str(path)))
    got = cases(xf)["XF2024-0001"]
    assert (got["lead_dept"], got["identity"]) == ("后勤处", "student")


def test_a_bad_alias_in_the_taxonomy_is_refused(xf: Xf, tmp_path: Path) -> None:
    from xinfang_cli.taxonomy import default_source

    tax = tmp_path / "tax.toml"
    tax.write_text(
        default_source().replace(
            "[aliases.departments]\n", '[aliases.departments]\n"后勤集团" = "不存在的处"\n'
        ),
        encoding="utf-8",
    )
    r = xf("init", "--taxonomy", str(tax))
    assert r.exit_code == 2 and "不存在的处" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sheet", "2023年"), "没有工作表“2023年”。其中的工作表：2024年、2025年"),
        (("--map", "信访时间=不存在"), "“不存在”不是台账的列"),
        (("--value-map", "主办单位=学工部"), "列=旧值:新值"),
        (("--default", "outcome"), "--default 的写法"),
        (("--sheet", "2024年", "--all-sheets"), "只能选一个"),
        (("--map", "手机=信访日期"), "重复的列"),
    ],
)
def test_bad_layout_options_exit_2_and_write_nothing(
    xf: Xf, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    book = office_workbook(tmp_path / "台账.xlsx")
    r = xf("import", str(book), *args)
    assert r.exit_code == 2, r.stderr
    assert r.stderr.startswith("错误：") and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "ledger.db").exists()


def test_files_that_are_not_spreadsheets(xf: Xf, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an encrypted/OLE file
    r = xf("import", str(fake))
    assert r.exit_code == 2 and "加密" in r.stderr
    no_header = tmp_path / "x.csv"
    no_header.write_text("甲,乙\n1,2\n", encoding="utf-8")
    r = xf("import", str(no_header))
    assert r.exit_code == 2 and "没有找到表头" in r.stderr


def test_excel_serial_numbers() -> None:
    from xinfang_cli.casefile import excel_serial

    assert excel_serial("45352") == "2024-03-01"
    assert excel_serial("45352.5") == "2024-03-01"
    assert excel_serial("61") == "1900-03-01"
    assert excel_serial("59") == "1900-02-28"  # before Excel's 1900-02-29
    assert excel_serial("60") is None  # the day that never was
    assert excel_serial("20240305") is None  # a compact date, read as a date elsewhere
    assert excel_serial("2024-03-05") is None
