"""The taxonomy at the CLI: export/load round-trip, refusing a taxonomy that would orphan cases,
limits that stay with the cases registered under them, bad files, and working-day ledgers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, accept, add_case, close_case, extend_case, ok, rate_case, show

Xf = Callable[..., Run]
Snapshot = Callable[[], object]


def export(xf: Xf, path: Path) -> str:
    r = ok(xf("taxonomy", "export", str(path)))
    assert str(path) in r.stderr
    return path.read_text(encoding="utf-8")


def without_category(source: str, key: str) -> str:
    """The TOML text with the [[categories]] block of `key` removed."""
    blocks = source.split("[[categories]]")
    kept = [b for b in blocks if f'key = "{key}"' not in b]
    assert len(kept) == len(blocks) - 1
    return "[[categories]]".join(kept)


def set_setting(source: str, name: str, value: str) -> str:
    new, count = re.subn(rf"(?m)^{name} = .*$", f"{name} = {value}", source, count=1)
    assert count == 1, name
    return new


def test_export_then_load_round_trips(xf: Xf, tmp_path: Path) -> None:
    add_case(xf, received="2025-03-01", category="宿舍与住宿")
    first = export(xf, tmp_path / "a.toml")
    assert "[[categories]]" in first and "宿舍与住宿" in first
    shown = ok(xf("taxonomy", "show")).stdout
    r = ok(xf("taxonomy", "load", str(tmp_path / "a.toml")))
    assert "已载入" in r.stderr
    assert export(xf, tmp_path / "b.toml") == first
    assert ok(xf("taxonomy", "show")).stdout == shown
    assert show(xf, "XF2025-0001")["category"] == "dorm"


def test_taxonomy_show_is_chinese_and_complete(xf: Xf) -> None:
    add_case(xf, received="2025-03-01")
    out = ok(xf("taxonomy", "show")).stdout
    for text in ("事项类别", "教学管理", "后勤服务", "权益保障", "其他", "宿舍与住宿", "后勤处"):
        assert text in out
    for text in ("心理健康教育中心", "上级转办", "检举控告", "帮扶到位", "基本满意", "受理 15 天"):
        assert text in out


def test_a_loaded_edit_is_used_for_new_cases(xf: Xf, snapshot: Snapshot, tmp_path: Path) -> None:
    add_case(xf, received="2025-03-01")
    source = export(xf, tmp_path / "t.toml")
    source = source.replace('name = "宿舍与住宿"', 'name = "学生宿舍"')
    source = source.replace('"心理健康教育中心",', '"心理健康教育中心", "保卫部",')
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    add_case(xf, received="2025-03-02", category="学生宿舍")
    accept(xf, "XF2025-0002", dept="保卫部", on="2025-03-03")
    assert show(xf, "XF2025-0002")["category"] == "dorm"
    assert show(xf, "XF2025-0002")["lead_dept"] == "保卫部"
    assert "学生宿舍" in ok(xf("taxonomy", "show")).stdout
    before = snapshot()
    r = xf(
        "add",
        "--received",
        "2025-03-02",
        "--channel",
        "来访",
        "--summary",
        "x",
        "--category",
        "宿舍与住宿",
    )
    assert r.exit_code == 2 and "学生宿舍" in r.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda s: without_category(s, "dorm"), ("事项类别", "宿舍与住宿", "1 件")),
        (lambda s: s.replace('"资产处", ', ""), ("主办单位", "资产处")),
        (
            lambda s: s.replace('"保卫处", ', "").replace('lead = "保卫处"', 'lead = "后勤处"'),
            ("协办单位", "保卫处"),
        ),
        (
            lambda s: (
                s.replace('visit = "来访"\n', "")
                .replace('"走访" = "来访"\n', "")
                .replace('"当面" = "来访"\n', "")
            ),
            ("信访形式", "visit"),
        ),
        (lambda s: s.replace('assisted = "帮扶到位"\n', ""), ("办理结果类型", "assisted")),
        (lambda s: s.replace('satisfied = "满意"\n', ""), ("满意度", "satisfied")),
    ],
    ids=["category", "lead-dept", "co-dept", "channel", "outcome", "rating"],
)
def test_loading_a_taxonomy_that_orphans_cases_is_refused(
    xf: Xf, snapshot: Snapshot, tmp_path: Path, edit: Callable[[str], str], words: tuple[str, ...]
) -> None:
    add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, "XF2025-0001", dept="资产处", co=["保卫处"], on="2025-03-02")
    close_case(xf, "XF2025-0001", outcome="帮扶到位", result="x", on="2025-03-03")
    rate_case(xf, "XF2025-0001", rating="满意", on="2025-03-04")
    source = export(xf, tmp_path / "t.toml")
    edited = edit(source)
    assert edited != source
    (tmp_path / "t.toml").write_text(edited, encoding="utf-8")
    before = snapshot()
    r = xf("taxonomy", "load", str(tmp_path / "t.toml"))
    assert r.exit_code == 1, r.stderr
    assert "未载入" in r.stderr and "Traceback" not in r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


def test_removing_an_unused_category_is_allowed(xf: Xf, tmp_path: Path) -> None:
    add_case(xf, received="2025-03-01", category="宿舍与住宿")
    source = without_category(export(xf, tmp_path / "t.toml"), "canteen")
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    assert "餐饮与食堂" not in ok(xf("taxonomy", "show")).stdout


def test_a_limits_edit_does_not_move_existing_deadlines(
    xf: Xf, snapshot: Snapshot, tmp_path: Path
) -> None:
    old_registered = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    old_handling = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, old_handling, on="2025-03-02")
    assert show(xf, old_registered)["accept_due"] == "2025-03-16"
    assert show(xf, old_handling)["due_on"] == "2025-05-01"

    source = export(xf, tmp_path / "t.toml")
    source = set_setting(source, "accept_days", "5")
    source = set_setting(source, "handle_days", "20")
    source = set_setting(source, "extend_max_days", "10")
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))

    # the cases registered before keep the limits in force when they were registered
    assert show(xf, old_registered)["accept_due"] == "2025-03-16"
    assert show(xf, old_handling)["due_on"] == "2025-05-01"
    accept(xf, old_registered, on="2025-03-02")
    assert show(xf, old_registered)["due_on"] == "2025-05-01"  # 60 days, not 20
    extend_case(xf, old_registered, days=30, reason="x", on="2025-03-05")
    assert show(xf, old_registered)["due_on"] == "2025-05-31"  # 30 allowed, not 10
    assert "60 天" in ok(xf("show", old_registered)).stdout

    # a case registered after uses the new ones
    new = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    assert show(xf, new)["accept_due"] == "2025-03-06"
    accept(xf, new, on="2025-03-02")
    assert show(xf, new)["due_on"] == "2025-03-22"
    before = snapshot()
    r = xf("extend", new, "--days", "11", "--reason", "x", "--on", "2025-03-05")
    assert r.exit_code == 2 and "10" in r.stderr
    assert snapshot() == before


def test_a_per_category_limit_applies_to_that_category_only(xf: Xf, tmp_path: Path) -> None:
    add_case(xf, received="2025-03-01")
    source = export(xf, tmp_path / "t.toml")
    source = source.replace(
        'lead = "后勤处"\nkeywords = ["宿舍"',
        'lead = "后勤处"\nhandle_days = 3\nkeywords = ["宿舍"',
    )
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    dorm = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    canteen = add_case(xf, received="2025-03-01", category="餐饮与食堂")
    accept(xf, dorm, on="2025-03-02")
    accept(xf, canteen, on="2025-03-02")
    assert show(xf, dorm)["due_on"] == "2025-03-05"
    assert show(xf, canteen)["due_on"] == "2025-05-01"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("garbage = [\n", "不是有效的 TOML：文件末尾："),
        ("这不是 TOML", "不是有效的 TOML"),
        (None, "牵头单位"),  # a category led by a department that is not in the list
        ("", "分类体系文件有误"),
    ],
    ids=["unclosed", "prose", "bad-lead", "empty"],
)
def test_an_invalid_taxonomy_file_is_exit_2(
    xf: Xf, snapshot: Snapshot, tmp_path: Path, content: str | None, message: str
) -> None:
    add_case(xf, received="2025-03-01")
    if content is None:
        content = export(xf, tmp_path / "t.toml").replace('lead = "研究生院"', 'lead = "研究院"')
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    before = snapshot()
    r = xf("taxonomy", "load", str(tmp_path / "bad.toml"))
    assert r.exit_code == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert snapshot() == before


def test_loading_a_missing_or_non_utf8_file_is_exit_2(
    xf: Xf, snapshot: Snapshot, tmp_path: Path
) -> None:
    add_case(xf, received="2025-03-01")
    before = snapshot()
    r = xf("taxonomy", "load", str(tmp_path / "nope.toml"))
    assert r.exit_code == 2 and "找不到文件" in r.stderr
    (tmp_path / "gbk.toml").write_bytes("分类 = 1".encode("gb18030"))
    r = xf("taxonomy", "load", str(tmp_path / "gbk.toml"))
    assert r.exit_code == 2 and "UTF-8" in r.stderr
    assert snapshot() == before


def working_day_taxonomy(xf: Xf, tmp_path: Path) -> Path:
    other = tmp_path / "other.db"
    ok(xf("init", db=other))
    source = export_from(xf, other, tmp_path / "default.toml")
    path = tmp_path / "working.toml"
    path.write_text(set_setting(source, "day_mode", '"working"'), encoding="utf-8")
    return path


def export_from(xf: Xf, db: Path, path: Path) -> str:
    ok(xf("taxonomy", "export", str(path), db=db))
    return path.read_text(encoding="utf-8")


def test_init_with_a_working_day_taxonomy_skips_the_national_day_break(
    xf: Xf, tmp_path: Path, ledger_path: Path
) -> None:
    taxonomy = working_day_taxonomy(xf, tmp_path)
    r = ok(xf("init", "--taxonomy", str(taxonomy)))
    assert "已创建账本" in r.stderr
    assert ledger_path.exists()
    # 2025-09-28 is a 调休 Sunday; 10-01…10-08 are off; 10-11 (Saturday) is worked.
    number = add_case(xf, received="2025-09-28", category="宿舍与住宿")
    case = show(xf, number)
    assert case["accept_due"] == "2025-10-24"
    assert "工作日" in ok(xf("show", number)).stdout
    accept(xf, number, on="2025-09-30")
    # 60 working days after 2025-09-30 (the 8-day break skipped, 10-11 counted)
    assert show(xf, number)["due_on"] == "2025-12-30"


def test_init_refuses_a_bad_taxonomy_and_creates_nothing(
    xf: Xf, tmp_path: Path, ledger_path: Path
) -> None:
    (tmp_path / "bad.toml").write_text("garbage = [", encoding="utf-8")
    r = xf("init", "--taxonomy", str(tmp_path / "bad.toml"))
    assert r.exit_code == 2 and "TOML" in r.stderr
    assert not ledger_path.exists()


def test_init_on_an_existing_ledger_changes_nothing(
    xf: Xf, snapshot: Snapshot, tmp_path: Path, ledger_path: Path
) -> None:
    ok(xf("init"))
    assert ledger_path.stat().st_mode & 0o777 == 0o600
    add_case(xf, received="2025-03-01")
    before = snapshot()
    r = ok(xf("init"))
    assert "已存在" in r.stderr
    taxonomy = working_day_taxonomy(xf, tmp_path)
    r = xf("init", "--taxonomy", str(taxonomy))
    assert r.exit_code == 1 and "taxonomy load" in r.stderr
    assert snapshot() == before


def test_a_category_moved_to_another_group_takes_its_cases_along(xf: Xf, tmp_path: Path) -> None:
    number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, number, on="2025-03-02")
    before = show(xf, number)
    source = export(xf, tmp_path / "t.toml")
    source = source.replace(
        'name = "宿舍与住宿"\ngroup = "logistics"', 'name = "宿舍与住宿"\ngroup = "rights"'
    )
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    after = show(xf, number)
    assert after["group"] == "rights"
    # nothing else moves: not the category, not a deadline
    assert {k: v for k, v in after.items() if k != "group"} == {
        k: v for k, v in before.items() if k != "group"
    }
    assert listed_in_group(xf, "权益保障") == [number]
    assert listed_in_group(xf, "后勤服务") == []
    log = ok(xf("history", number)).stdout
    assert "分组：后勤服务 → 权益保障" in log and "分类体系更新" in log


def test_a_group_can_be_dropped_once_its_categories_have_moved(xf: Xf, tmp_path: Path) -> None:
    number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    source = export(xf, tmp_path / "t.toml")
    source = source.replace('[[groups]]\nkey = "logistics"\nname = "后勤服务"\n', "")
    source = source.replace('group = "logistics"', 'group = "rights"')
    (tmp_path / "t.toml").write_text(source, encoding="utf-8")
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    assert show(xf, number)["group"] == "rights"
    assert "后勤服务" not in ok(xf("taxonomy", "show")).stdout


def listed_in_group(xf: Xf, group: str) -> list[str]:
    return [c["number"] for c in json.loads(ok(xf("list", "--json", "--group", group)).stdout)]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda s: s.replace("category_red_min = 5", 'category_red_min = "五"'),
            "risk.category_red_min",
        ),
        (lambda s: s.replace("roll_over = false", 'roll_over = "false"'), "roll_over"),
        (
            lambda s: s.replace('keywords = ["宿舍"', 'keywords = "宿舍"\nxkeywords = ["宿舍"'),
            "keywords",
        ),
        (lambda s: s.replace("holidays = []", 'holidays = "2027-01-01"'), "calendar.holidays"),
        (lambda s: s.replace('visit = "来访"', "visit = 1"), "信访形式"),
        (
            lambda s: s.replace("holidays = []", 'holidays = ["2027-01-01"]').replace(
                "workdays = []", 'workdays = ["2027-01-01"]'
            ),
            "同时被列为节假日和调休工作日",
        ),
    ],
    ids=[
        "risk-not-a-number",
        "roll-over-string",
        "keywords-string",
        "holidays-string",
        "channel-not-text",
        "holiday-and-workday",
    ],
)
def test_a_malformed_taxonomy_is_exit_2_and_the_ledger_keeps_working(
    xf: Xf, snapshot: Snapshot, tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    add_case(xf, received="2025-03-01")
    source = export(xf, tmp_path / "t.toml")
    edited = edit(source)
    assert edited != source
    (tmp_path / "bad.toml").write_text(edited, encoding="utf-8")
    before = snapshot()
    r = xf("taxonomy", "load", str(tmp_path / "bad.toml"))
    assert r.exit_code == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert snapshot() == before
    ok(xf("list"))
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    r = xf("init", "--taxonomy", str(tmp_path / "bad.toml"), db=tmp_path / "fresh.db")
    assert r.exit_code == 2 and message in r.stderr
    assert not (tmp_path / "fresh.db").exists()
