"""What a clerk sees in a narrow terminal or a pipe: nothing is cut, long Chinese text wraps."""

import re

import pytest
from rich.cells import cell_len

from conftest import accept, add_case, close_case, ok

LONG = "食堂饭菜价格上涨过快学生意见很大希望学校能够加强对承包商的监管并公示成本构成另外窗口排队时间太长"


@pytest.mark.parametrize("columns", ["80", "100"])
def test_list_table_fits_the_width_and_wraps_long_summaries(xf, monkeypatch, columns: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", columns)
    r = xf(
        "add",
        "--received",
        "2025-12-01",
        "--channel",
        "来信",
        "--name",
        "欧阳娜娜",
        "--summary",
        LONG,
        "--category",
        "餐饮与食堂",
    )
    assert r.exit_code == 0
    r = xf("list", "--table")
    lines = r.stdout.splitlines()
    assert all(cell_len(line) <= int(columns) for line in lines)  # terminal cells, not characters
    assert "2025-12-16" in r.stdout  # the due date column survives whole
    # the summary is folded over several lines, never cut: every character is there, in order
    cells = "".join(re.sub(r"\s+", "", line) for line in lines)
    assert re.search(".*".join(LONG), cells)


def test_history_at_100_columns_keeps_dates_whole(xf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "100")
    add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, "XF2025-0001", on="2025-03-02")
    r = xf("history", "XF2025-0001")
    assert "受理期限：2025-03-16" in r.stdout
    assert "办结期限：（空） → 2025-05-01" in r.stdout or "办结期限：2025-05-01" in r.stdout


def test_brackets_in_free_text_are_shown_as_typed_everywhere(xf) -> None:  # type: ignore[no-untyped-def]
    """A summary like "宿舍[/]漏水[red]" is text: no view may read it as markup (or crash on it)."""
    typed = "宿舍[/]漏水[red]x"
    person = ("--name", "王五", "--unit", "化学院", "--received", "2025-03-01", "--channel", "来信")
    assert xf("add", *person, "--summary", typed).exit_code == 0
    # the same petitioner again: the warning lists the earlier case, brackets and all
    r = xf("add", *person, "--summary", "又[/]漏")
    assert r.exit_code == 0, r.stderr
    assert typed in r.stderr.replace("\n", "").replace(" ", "").replace("│", "")
    for args in (
        ("list",),
        ("show", "XF2025-0001"),
        ("history", "XF2025-0001"),
        ("classify", "--auto"),
    ):
        r = xf(*args)
        assert r.exit_code == 0, (args, r.stderr)
        flat = "".join(r.stdout.split()).replace("│", "")
        assert "宿舍[/]漏" in flat and "[red]" in flat, args


def _three_cases(xf) -> None:  # type: ignore[no-untyped-def]
    for summary in ("宿舍307水龙头漏水 已两周", LONG, "图书馆空调不制冷"):
        r = xf("add", "--received", "2025-12-01", "--channel", "来信", "--summary", summary)
        assert r.exit_code == 0, r.stderr


def test_list_at_80_columns_gives_the_summary_at_least_half_the_width(xf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    _three_cases(xf)
    header = xf("list", "--table").stdout.splitlines()[0]
    start = cell_len(header[: header.index("反映问题")])
    end = cell_len(header[: header.index("状态")])
    assert end - start >= 40, header


def test_piped_list_is_one_tab_separated_line_per_case_under_a_header(xf, ledger_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    _three_cases(xf)
    con = sqlite3.connect(ledger_path)  # a tab stored before one-line fields refused it
    con.execute("UPDATE cases SET summary = replace(summary, ' ', char(9))")
    con.commit()
    con.close()
    r = xf("list")
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[:5] == ["编号", "信访日期", "信访人", "事项类别", "反映问题"]
    assert len(lines) == 4  # the header and one line per case, however long the summary
    assert all(line.count("\t") == 8 for line in lines)
    assert not any(line != line.strip() or "  " in line for line in lines)  # no padding
    # a tab inside a value cannot break the columns
    assert lines[1].split("\t")[4] == "宿舍307水龙头漏水 已两周"
    assert "共 3 件" in r.stderr


@pytest.mark.parametrize("columns", ["80", "100"])
def test_report_numbers_never_split_across_lines(xf, monkeypatch, columns: str) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    monkeypatch.setenv("COLUMNS", columns)
    sample = Path(__file__).parent.parent / "sample_data" / "cases.csv"
    assert xf("import", str(sample)).exit_code == 0
    args = ("report", "annual", "--year", "2025", "--as-of", "2026-01-31")
    figures = json.loads(xf(*args, "--json").stdout)
    text = xf(*args).stdout
    assert all(cell_len(line) <= int(columns) for line in text.splitlines())
    for key in ("total", "first_time", "first_time_closed", "first_time_one_time", "closed",
                "closed_on_time", "decided", "decided_in_time", "rated", "satisfied"):  # fmt: skip
        assert re.search(rf"(?<![\d.]){figures[key]}(?![\d.])", text), (key, figures[key])
    month = ("report", "monthly", "--month", "2025-12", "--as-of", "2025-12-31")
    alerts = json.loads(xf(*month, "--json").stdout)["alerts"]
    shown = xf(*month).stdout
    for alert in alerts:
        if alert.get("case"):
            assert alert["case"] in shown, alert["case"]  # a case number stays whole


BOX = re.compile("[\u2500-\u257f]")  # box drawing: ─ │ ┃ ━ ╇ …


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (
            ("followup", "--as-of", "2025-12-31"),
            "编号\t办结日期\t已过天数\t信访人\t联系电话\t反映问题",
        ),
        (("calendar", "show", "2025"), "日期\t星期\t类别\t名称\t来源"),
        (("activity", "list"), "编号\t日期\t类别\t人次\t备注"),
        (("taxonomy", "show"), "分组\t类别\t牵头单位\t时限（受理/办结/延期）\t关键词"),
    ],
    ids=["followup", "calendar", "activity", "taxonomy"],
)
def test_piped_tables_are_tab_separated_lines_without_box_drawing(xf, args, header) -> None:  # type: ignore[no-untyped-def]
    """Piped (as the test runner's output is), every table is a header line and one line per
    row, each value whole on its line: grep, cut and a spreadsheet read it as they read `list`."""
    number = add_case(xf, summary=f"{LONG}[加急]", category="餐饮与食堂")
    accept(xf, number)
    close_case(xf, number, on="2025-03-10")
    ok(
        xf(
            "activity",
            "add",
            "--kind",
            "校领导接待日",
            "--on",
            "2025-03-04",
            "--note",
            "宿舍 [专场]",
        )
    )
    r = ok(xf(*args))
    assert not BOX.search(r.stdout), r.stdout
    lines = r.stdout.splitlines()
    assert header in lines, r.stdout
    rows = lines[lines.index(header) + 1 :]
    width = header.count("\t")
    body = [line for line in rows if line.count("\t") == width]
    assert body, r.stdout
    if args[0] == "followup":
        assert body[0].split("\t")[0] == number and body[0].endswith(f"{LONG}[加急]")
    if args[0] == "activity":
        assert body[0].split("\t")[1:3] == ["2025-03-04", "校领导接待日"]
        assert body[0].endswith("宿舍 [专场]")
