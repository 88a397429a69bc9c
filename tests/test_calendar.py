"""A calendar that knows what it does not know: deadlines through a year without holiday data are
provisional, said so, and corrected — exactly those — when the year's arrangement is added."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run, ok, show

Xf = Callable[..., Run]


def taxonomy(xf: Xf, tmp_path: Path, *, mode: str = "working", calendar: str = "") -> Path:
    """The ledger's taxonomy exported, with its day mode and `[calendar]` changed."""
    path = tmp_path / f"tax-{mode}-{len(calendar)}.toml"
    ok(xf("taxonomy", "export", str(path)))
    text = path.read_text(encoding="utf-8").replace('day_mode = "calendar"', f'day_mode = "{mode}"')
    if calendar:
        start = text.index("[calendar]")
        end = text.index("[[groups]]")
        text = text[:start] + "[calendar]\n" + calendar + "\n\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    return path


CALENDAR_2027 = 'holidays = ["2027-01-01", "2027-02-05..2027-02-11"]\nworkdays = ["2027-02-14"]'


@pytest.fixture
def working(xf: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Xf:
    """A ledger counting in working days, on 2026-12-28 (chinese-calendar knows 2026 only)."""
    monkeypatch.setenv("XINFANG_TODAY", "2026-12-28")
    ok(xf("init"))
    ok(xf("taxonomy", "load", str(taxonomy(xf, tmp_path))))
    return xf


def test_a_deadline_reaching_2027_is_provisional_said_once_and_marked(working: Xf) -> None:
    r = ok(working("add", "--received", "2026-12-25", "--channel", "来信", "--summary", "宿舍漏水"))
    assert "应于 2027-01-15 前" in r.stderr  # the 15th working day, weekends only
    assert r.stderr.count("2027 年的节假日安排尚未收录") == 1
    assert "xinfang taxonomy load" in r.stderr
    case = show(working, "XF2026-0001")
    assert case["deadline_provisional"] is True and case["accept_due"] == "2027-01-15"
    assert "暂按仅跳过周末计算" in ok(working("show", "XF2026-0001")).stdout
    listed = json.loads(ok(working("list", "--json")).stdout)
    assert listed[0]["deadline_provisional"] is True


def test_a_deadline_within_known_years_is_not_provisional(working: Xf) -> None:
    r = ok(working("add", "--received", "2026-11-02", "--channel", "来信", "--summary", "空调"))
    assert "尚未收录" not in r.stderr
    assert show(working, "XF2026-0001")["deadline_provisional"] is False


def test_calendar_days_are_never_provisional(xf: Xf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINFANG_TODAY", "2026-12-28")
    r = ok(xf("add", "--received", "2026-12-25", "--channel", "来信", "--summary", "漏水"))
    assert "尚未收录" not in r.stderr  # the regulation's calendar days need no holiday data
    assert show(xf, "XF2026-0001")["deadline_provisional"] is False


def test_adding_the_arrangement_corrects_exactly_the_provisional_deadlines(
    working: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(working("add", "--received", "2026-12-25", "--channel", "来信", "--summary", "宿舍漏水"))
    ok(working("add", "--received", "2026-11-02", "--channel", "来信", "--summary", "图书馆空调"))
    ok(working("add", "--received", "2026-12-20", "--channel", "来信", "--summary", "食堂"))
    ok(working("assign", "XF2026-0003", "--dept", "后勤处", "--on", "2026-12-21"))
    assert show(working, "XF2026-0003")["due_on"] == "2027-03-15"  # 60 working days, provisional
    ok(working("extend", "XF2026-0003", "--days", "10", "--reason", "协调", "--on", "2026-12-28"))
    untouched = show(working, "XF2026-0002")
    new = taxonomy(working, tmp_path, calendar=CALENDAR_2027)
    # a dry run lists what would move and changes nothing
    r = ok(working("taxonomy", "load", str(new), "--dry-run"))
    assert "XF2026-0001  受理期限 2027-01-15 → 2027-01-18" in r.stdout
    assert show(working, "XF2026-0001")["accept_due"] == "2027-01-15"
    monkeypatch.setenv("XINFANG_TODAY", "2027-01-17")
    r = ok(working("taxonomy", "load", str(new)))
    first = show(working, "XF2026-0001")
    assert (first["accept_due"], first["deadline_provisional"]) == ("2027-01-18", False)
    handled = show(working, "XF2026-0003")
    assert handled["deadline_provisional"] is False
    # 60 working days from 2026-12-21 now skip New Year and the Spring Festival week (+6 days,
    # minus the make-up Sunday): the extension counts on from the corrected date
    assert handled["due_on"] > "2027-03-29"
    assert show(working, "XF2026-0002") == untouched  # counted with real data: never touched
    history = ok(working("history", "XF2026-0001")).stdout
    assert "更正期限" in history and "补充2027年节假日安排" in history
    assert "2027-01-15 → 2027-01-18" in history
    assert ok(working("verify")).exit_code == 0


def test_the_load_says_when_the_correction_makes_a_case_overdue(
    working: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINFANG_TODAY", "2026-12-30")
    ok(working("add", "--received", "2026-12-30", "--channel", "来信", "--summary", "宿舍漏水"))
    assert show(working, "XF2026-0001")["accept_due"] == "2027-01-20"
    # a make-up Saturday (调休上班) brings the 15th working day a day earlier: on 01-20 the case
    # that was due today is a day overdue
    cal = 'holidays = []\nworkdays = ["2027-01-09"]'
    monkeypatch.setenv("XINFANG_TODAY", "2027-01-20")
    r = ok(working("taxonomy", "load", str(taxonomy(working, tmp_path, calendar=cal))))
    assert show(working, "XF2026-0001")["accept_due"] == "2027-01-19"
    assert "更正后 XF2026-0001 已超期" in r.stderr


def test_overdue_lists_provisional_deadlines_only_when_it_speaks(working: Xf) -> None:
    ok(working("add", "--received", "2026-12-25", "--channel", "来信", "--summary", "宿舍漏水"))
    # nothing overdue or due within 7 days: the cron run stays silent
    quiet = working("overdue")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    ok(working("add", "--received", "2026-12-01", "--channel", "来信", "--summary", "图书馆"))
    r = working("overdue")
    assert r.exit_code == 1
    assert (
        "期限暂定：2027 年的节假日安排尚未收录" in r.stdout
        and "XF2026-0001（2027-01-15）" in r.stdout
    )
    data = json.loads(working("overdue", "--json").stdout)
    assert data["provisional"] == [{"number": "XF2026-0001", "due": "2027-01-15", "years": [2027]}]


@pytest.mark.parametrize(
    ("today", "days", "code"),
    [("2026-10-02", "90", 0), ("2026-10-03", "89", 0), ("2026-10-03", "90", 1)],
)
def test_calendar_check_at_the_edge_of_the_data(xf: Xf, today: str, days: str, code: int) -> None:
    ok(xf("init"))
    r = xf("calendar", "check", "--days", days, "--as-of", today)
    assert r.exit_code == code, r.stdout + r.stderr
    if code:
        assert r.stdout.count("\n") == 1 and "2027 年的节假日安排尚未收录" in r.stdout
    else:
        assert (r.stdout, r.stderr) == ("", "")


def test_calendar_show_names_the_source(xf: Xf, tmp_path: Path) -> None:
    ok(xf("init"))
    r = ok(xf("calendar", "show", "2026"))
    assert "chinese-calendar" in r.stderr and "元旦" in r.stdout and "调休上班" in r.stdout
    r = ok(xf("calendar", "show", "2027"))
    assert "无（期限暂按仅跳过周末计算）" in r.stderr
    ok(xf("taxonomy", "load", str(taxonomy(xf, tmp_path, mode="calendar", calendar=CALENDAR_2027))))
    r = ok(xf("calendar", "show", "2027"))
    assert "本单位分类体系" in r.stderr
    assert (
        r.stdout.count("放假") == 8
        and "2027-02-14\t星期日\t调休上班\t\t分类体系" in r.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("calendar", "words"),
    [
        ('holidays = []\nworkdays = ["2027-02-15"]', ("2027-02-15（星期一）", "不是周末")),
        ('holidays = ["2027-02-05..2027-02-11"]\nworkdays = ["2027-02-06"]', ("同时被列为",)),
        ('holidays = ["2027-02-11..2027-02-05"]\nworkdays = []', ("区间",)),
        ('holidays = ["2027-2-30"]\nworkdays = []', ("YYYY-MM-DD",)),
    ],
)
def test_the_override_is_validated(
    xf: Xf, tmp_path: Path, snapshot: Callable[[], object], calendar: str, words: tuple[str, ...]
) -> None:
    ok(xf("init"))
    before = snapshot()
    r = xf("taxonomy", "load", str(taxonomy(xf, tmp_path, calendar=calendar)))
    assert r.exit_code == 2
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


def test_calendar_update_after_a_newer_chinese_calendar(
    working: Xf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinfang_cli import deadlines

    ok(working("add", "--received", "2026-12-25", "--channel", "来信", "--summary", "宿舍漏水"))
    assert ok(working("calendar", "update")).stderr.startswith("没有需要更正")
    # a newer chinese-calendar arrives, knowing 2027 (New Year's Day a holiday)
    known = deadlines._package_is_workday
    monkeypatch.setattr(deadlines, "_package_covers", lambda year: year <= 2027)
    monkeypatch.setattr(
        deadlines,
        "_package_is_workday",
        lambda day: (
            day != date(2027, 1, 1) and (day.weekday() < 5 if day.year == 2027 else known(day))
        ),
    )
    deadlines._workday_ordinals.cache_clear()
    try:
        r = ok(working("calendar", "update"))
        assert "XF2026-0001  受理期限 2027-01-15 → 2027-01-18" in r.stdout
        assert show(working, "XF2026-0001")["deadline_provisional"] is False
    finally:
        deadlines._workday_ordinals.cache_clear()


def test_an_import_warns_of_provisional_deadlines(working: Xf, tmp_path: Path) -> None:
    file = tmp_path / "cases.csv"
    file.write_text(
        "信访日期,信访形式,反映问题\n2026-12-25,来信,宿舍漏水\n2026-11-02,来信,空调\n", "utf-8"
    )
    r = ok(working("import", str(file)))
    assert "其中 1 件的期限涉及2027 年" in r.stderr
