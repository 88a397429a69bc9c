"""What a clerk sees in a narrow terminal or a pipe: nothing is cut, long Chinese text wraps."""

import re

import pytest
from rich.cells import cell_len

from conftest import accept, add_case

LONG = "食堂饭菜价格上涨过快学生意见很大希望学校能够加强对承包商的监管并公示成本构成另外窗口排队时间太长"


@pytest.mark.parametrize("columns", ["80", "100"])
def test_list_keeps_every_column_and_wraps_long_summaries(xf, monkeypatch, columns: str) -> None:  # type: ignore[no-untyped-def]
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
    r = xf("list")
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
