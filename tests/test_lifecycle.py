"""A case's whole life at the real CLI, and the queries a clerk runs over the ledger.

Covers issue 2's "a whole lifecycle": add → classify → assign (co-departments, leader) → extend →
close (aid stored exactly) → rate, the reject path, numbering per year of receipt, the `list`
filters and output formats, the repeat-petitioner warning, `classify --auto`, and the date forms
a clerk types.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from conftest import (
    Run,
    accept,
    add_case,
    build_template,
    close_case,
    copy_ledger,
    ok,
    rate_case,
    reject_case,
    show,
)

Xf = Callable[..., Run]

# The keys docs/json.md documents in `show --json` and in every `list --json` item.
CASE_FILE_KEYS = {
    "number",
    "received_on",
    "channel",
    "name",
    "identity",
    "unit",
    "phone",
    "id_number",
    "persons",
    "summary",
    "content",
    "nature",
    "category",
    "repeat_of",
    "bypass",
    "confidential",
    "accepted_on",
    "lead_dept",
    "co_depts",
    "leader",
    "rejected_on",
    "reject_reason",
    "extended_days",
    "extend_reason",
    "extended_on",
    "extend_approver",
    "closed_on",
    "outcome",
    "result",
    "aid_yuan",
    "rating",
    "rated_on",
}
DERIVED_KEYS = {"group", "status", "accept_due", "due_on", "overdue"}


# Most cases here are the leaking tap of dorm 307, received 2025-03-01 by visit.
add = partial(add_case, summary="宿舍307水龙头漏水")


def listed(xf: Xf, *filters: str) -> list[str]:
    data = json.loads(ok(xf("list", "--json", *filters)).stdout)
    assert isinstance(data, list)
    return [item["number"] for item in data]


# --- the whole life ---------------------------------------------------------------------------
def test_whole_life_of_a_case(xf: Xf) -> None:
    r = ok(
        xf(
            "add",
            "--received",
            "2025-03-01",
            "--channel",
            "来访",
            "--name",
            "张三",
            "--identity",
            "学生",
            "--unit",
            "计算机学院",
            "--phone",
            "13812345678",
            "--summary",
            "宿舍307水龙头漏水多日未修",
        )
    )
    assert r.stdout.strip() == "XF2025-0001"
    assert "2025-03-16" in r.stderr  # 15 days to tell the petitioner whether it is accepted
    case = show(xf, "XF2025-0001")
    assert case["status"] == "registered" and case["category"] is None

    r = ok(xf("classify", "XF2025-0001", "--category", "宿舍与住宿", "--nature", "申诉求决"))
    assert "宿舍与住宿" in r.stderr

    r = ok(
        xf(
            "assign",
            "XF2025-0001",
            "--dept",
            "后勤处",
            "--co",
            "保卫处",
            "--co",
            "资产处",
            "--leader",
            "王副校长",
            "--on",
            "2025-03-02",
        )
    )
    assert "2025-05-01" in r.stderr  # accepted 03-02 + 60 calendar days

    r = ok(
        xf(
            "--by",
            "李主任",
            "extend",
            "XF2025-0001",
            "--days",
            "10",
            "--reason",
            "需更换整段管道",
            "--approver",
            "赵校长",
            "--on",
            "2025-03-10",
        )
    )
    assert "2025-05-11" in r.stderr

    r = ok(
        xf(
            "close",
            "XF2025-0001",
            "--outcome",
            "帮扶到位",
            "--result",
            "已更换管道并补助生活费",
            "--aid",
            "1234.56",
            "--on",
            "2025-03-20",
        )
    )
    assert "按期办结" in r.stderr and "1234.56" in r.stderr
    ok(xf("rate", "XF2025-0001", "满意", "--on", "2025-03-21"))

    raw = ok(xf("show", "XF2025-0001", "--json")).stdout
    case = json.loads(raw)
    assert set(case) >= CASE_FILE_KEYS | DERIVED_KEYS
    assert case == {
        **case,
        "number": "XF2025-0001",
        "received_on": "2025-03-01",
        "channel": "visit",
        "name": "张三",
        "identity": "student",
        "unit": "计算机学院",
        "phone": "138****5678",
        "persons": 1,
        "nature": "claim",
        "category": "dorm",
        "group": "logistics",
        "accepted_on": "2025-03-02",
        "lead_dept": "后勤处",
        "co_depts": ["保卫处", "资产处"],
        "leader": "王副校长",
        "extended_days": 10,
        "extend_reason": "需更换整段管道",
        "extended_on": "2025-03-10",
        "extend_approver": "赵校长",
        "closed_on": "2025-03-20",
        "outcome": "assisted",
        "result": "已更换管道并补助生活费",
        "aid_yuan": 1234.56,
        "rating": "satisfied",
        "rated_on": "2025-03-21",
        "status": "closed",
        "accept_due": "2025-03-16",
        "due_on": "2025-05-11",
        "overdue": False,
    }
    assert '"aid_yuan": 1234.56' in raw  # a JSON number, not a string, not 1234.5599999

    r = ok(xf("show", "XF2025-0001"))
    for text in ("已办结", "后勤服务 / 宿舍与住宿", "保卫处、资产处", "王副校长", "1234.56 元"):
        assert text in r.stdout


def test_history_tells_every_step_in_chinese_with_old_and_new_values_and_actor(xf: Xf) -> None:
    add(xf, "--name", "张三")
    ok(xf("classify", "XF2025-0001", "--category", "宿舍与住宿"))
    accept(xf, "XF2025-0001", co=["保卫处"], leader="王副校长", on="2025-03-02")
    ok(
        xf(
            "--by",
            "李主任",
            "extend",
            "XF2025-0001",
            "--days",
            "10",
            "--reason",
            "需更换管道",
            "--on",
            "2025-03-10",
        )
    )
    close_case(xf, "XF2025-0001", result="已修好", on="2025-03-20")
    rate_case(xf, "XF2025-0001", rating="基本满意", on="2025-03-21")

    out = ok(xf("history", "XF2025-0001")).stdout
    for action in ("登记", "分类", "受理交办", "延期", "办结", "评价"):
        assert action in out
    assert "测试员" in out  # XINFANG_USER
    assert "李主任" in out  # --by
    for change in (
        "编号：XF2025-0001",
        "信访日期：2025-03-01",
        "信访形式：来访",
        "信访人：张三",
        "反映问题：宿舍307水龙头漏水",
        "受理期限：2025-03-16",
        "事项类别：宿舍与住宿",
        "状态：已登记 → 办理中",
        "主办单位：后勤处",
        "协办单位：保卫处",
        "包案领导：王副校长",
        "办结期限：2025-05-01 → 2025-05-11",
        "状态：办理中 → 已办结",
        "办理结果类型：解决到位",
        "满意度：基本满意",
    ):
        assert change in out, change
    assert "需更换管道" in out  # the reason
    # Keys never leak into what a person reads.
    for key in ("handling", "closed", "dorm", "resolved", "basically_satisfied"):
        assert key not in out


def test_history_records_the_rating_changed_from_old_to_new(xf: Xf) -> None:
    add(xf, category="宿舍与住宿")
    accept(xf, "XF2025-0001", on="2025-03-02")
    close_case(xf, "XF2025-0001", result="已修好", on="2025-03-05")
    rate_case(xf, "XF2025-0001", rating="不满意", on="2025-03-06")
    ok(xf("rate", "XF2025-0001", "满意", "--on", "2025-03-07", "--replace", "--reason", "回访更正"))
    out = ok(xf("history", "XF2025-0001")).stdout
    assert "满意度：不满意 → 满意" in out
    assert show(xf, "XF2025-0001")["rating"] == "satisfied"


@pytest.mark.parametrize(
    ("typed", "stored_fen", "json_value"),
    [
        ("1234.56", 123456, 1234.56),
        ("0.30", 30, 0.3),
        ("0.1", 10, 0.1),
        # binary floats get these wrong: 0.57 * 100 == 56.99999999999999
        ("0.57", 57, 0.57),
        ("4.35", 435, 4.35),
        ("2,000", 200000, 2000),
        ("99999999.99", 9999999999, 99999999.99),
    ],
)
def test_aid_is_stored_exactly(
    xf: Xf, ledger_path: Path, typed: str, stored_fen: int, json_value: float
) -> None:
    add(xf, category="奖助评定与资助")
    accept(xf, "XF2025-0001", on="2025-03-02")
    close_case(
        xf, "XF2025-0001", outcome="帮扶到位", result="发放临时困难补助", aid=typed, on="2025-03-05"
    )
    con = sqlite3.connect(ledger_path)
    try:
        assert con.execute("SELECT aid_fen FROM cases").fetchone() == (stored_fen,)
    finally:
        con.close()
    raw = ok(xf("show", "XF2025-0001", "--json")).stdout
    assert json.loads(raw)["aid_yuan"] == json_value
    assert f'"aid_yuan": {float(json_value)!r},' in raw  # no binary-float noise
    csv_text = ok(xf("list", "--csv")).stdout
    row = next(csv.DictReader(io.StringIO(csv_text)))
    assert row["帮扶金额"] == f"{stored_fen // 100}.{stored_fen % 100:02d}"


def test_reject_path_with_reason_and_referral(xf: Xf) -> None:
    add(xf, summary="要求学校补发拖欠的劳务报酬")
    r = ok(
        xf(
            "reject",
            "XF2025-0001",
            "--reason",
            "属劳动争议，应通过仲裁解决",
            "--referral",
            "劳动人事争议仲裁委员会",
            "--on",
            "2025-03-03",
        )
    )
    assert "不予受理" in r.stderr and "劳动人事争议仲裁委员会" in r.stderr
    case = show(xf, "XF2025-0001")
    assert case["status"] == "not_accepted"
    assert case["rejected_on"] == "2025-03-03"
    assert case["reject_reason"] == "属劳动争议，应通过仲裁解决"
    assert case["referral"] == "劳动人事争议仲裁委员会"
    assert case["overdue"] is False  # a decided case runs against no deadline
    out = ok(xf("history", "XF2025-0001")).stdout
    assert "不予受理" in out and "状态：已登记 → 不予受理" in out
    assert "劳动人事争议仲裁委员会" in out
    assert listed(xf, "--status", "不予受理") == ["XF2025-0001"]


def test_assign_without_dept_uses_the_categorys_default_lead(xf: Xf) -> None:
    add(xf, category="宿舍与住宿")
    add(xf, category="考试与成绩", summary="期末考试成绩有误")
    ok(xf("assign", "XF2025-0001", "--on", "2025-03-02"))
    ok(xf("assign", "XF2025-0002", "--on", "2025-03-02"))
    assert show(xf, "XF2025-0001")["lead_dept"] == "后勤处"
    assert show(xf, "XF2025-0002")["lead_dept"] == "教务处"


def test_assign_does_not_list_the_lead_as_its_own_co_department(xf: Xf) -> None:
    add(xf, category="宿舍与住宿")
    ok(xf("assign", "XF2025-0001", "--co", "后勤处", "--co", "保卫处", "--co", "保卫处"))
    assert show(xf, "XF2025-0001")["co_depts"] == ["保卫处"]


def test_numbers_run_per_year_of_receipt(xf: Xf) -> None:
    assert add(xf, received="2025-03-01") == "XF2025-0001"
    assert add(xf, received="2025-01-05") == "XF2025-0002"
    assert add(xf, received="2024-12-30") == "XF2024-0001"
    assert add(xf, received="2025-12-31") == "XF2025-0003"
    assert add(xf, received="2024-01-02") == "XF2024-0002"
    # case numbers are matched whatever their case
    assert show(xf, "xf2024-0002")["number"] == "XF2024-0002"


def test_repeat_petitioner_is_warned_and_shown_the_earlier_case(xf: Xf) -> None:
    add(xf, "--name", "张三", "--phone", "13812345678", summary="宿舍漏水")
    r = ok(
        xf(
            "add",
            "--received",
            "2025-03-10",
            "--channel",
            "来电",
            "--name",
            "张三",
            "--phone",
            "138 1234 5678",
            "--summary",
            "宿舍漏水仍未修好",
        )
    )
    assert r.stdout.strip() == "XF2025-0002"  # without a terminal it still registers
    # without a terminal: plain lines, one per earlier case, no table to draw
    lines = r.stderr.splitlines()
    assert lines[:2] == [
        "注意：该信访人此前已有 1 件信访：",
        "XF2025-0001  2025-03-01  宿舍漏水  已登记",
    ]
    assert "--repeat-of" in r.stderr and not set("┃│┏━") & set(r.stderr)
    assert "XF2025-0001" not in r.stdout  # stdout stays the new number only, for scripts
    assert show(xf, "XF2025-0002")["repeat_of"] is None


@pytest.mark.parametrize(
    "same",
    [
        ("--id-number", "11010519491231002X"),
        ("--name", "李四", "--unit", "外国语学院"),
    ],
)
def test_repeat_petitioner_found_by_id_number_or_name_and_unit(
    xf: Xf, same: tuple[str, ...]
) -> None:
    add(xf, "--name", "李四", "--unit", "外国语学院", "--id-number", "11010519491231002X")
    r = ok(xf("add", "--received", "2025-04-01", "--channel", "来信", "--summary", "又来", *same))
    assert "XF2025-0001" in r.stderr and "--repeat-of" in r.stderr


def test_a_different_petitioner_is_not_warned(xf: Xf) -> None:
    add(xf, "--name", "张三", "--unit", "计算机学院", "--phone", "13812345678")
    r = ok(
        xf(
            "add",
            "--received",
            "2025-03-02",
            "--channel",
            "来访",
            "--name",
            "张三",
            "--unit",
            "外国语学院",
            "--phone",
            "13912345678",
            "--summary",
            "另一件事",
        )
    )
    assert "XF2025-0001" not in r.stderr and "--repeat-of" not in r.stderr


def test_repeat_of_links_the_earlier_case_and_silences_the_warning(xf: Xf) -> None:
    add(xf, "--phone", "13812345678")
    r = ok(
        xf(
            "add",
            "--received",
            "2025-03-10",
            "--channel",
            "来访",
            "--phone",
            "13812345678",
            "--summary",
            "宿舍漏水仍未修好",
            "--repeat-of",
            "xf2025-0001",
        )
    )
    assert "--repeat-of" not in r.stderr
    assert show(xf, "XF2025-0002")["repeat_of"] == "XF2025-0001"


def test_classify_auto_suggests_without_writing_and_apply_writes(
    xf: Xf, snapshot: Callable[[], object]
) -> None:
    add(xf, summary="期末考试成绩登记错误，申请复核")
    add(xf, summary="食堂饭菜价格上涨")
    add(xf, summary="说不清楚的事")
    add(xf, category="宿舍与住宿", summary="考试周宿舍停电")
    before = snapshot()
    r = ok(xf("classify", "--auto"))
    assert snapshot() == before
    assert "考试与成绩" in r.stdout and "餐饮与食堂" in r.stdout
    assert "XF2025-0004" not in r.stdout  # already classified: not touched
    assert "--apply" in r.stdout + r.stderr
    assert [show(xf, n)["category"] for n in ("XF2025-0001", "XF2025-0002")] == [None, None]

    r = ok(xf("classify", "--auto", "--apply"))
    assert show(xf, "XF2025-0001")["category"] == "exam"
    assert show(xf, "XF2025-0001")["group"] == "teaching"
    assert show(xf, "XF2025-0002")["category"] == "canteen"
    assert show(xf, "XF2025-0003")["category"] is None
    assert show(xf, "XF2025-0004")["category"] == "dorm"
    assert "按关键词自动分类" in ok(xf("history", "XF2025-0001")).stdout


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-03-04", "2025-03-04"),
        ("2025/3/4", "2025-03-04"),
        ("20250304", "2025-03-04"),
        ("2025年3月4日", "2025-03-04"),
        ("3月4日", "2025-03-04"),  # the current year (XINFANG_TODAY is 2025-12-31)
        ("昨天", "2025-12-30"),
        ("yesterday", "2025-12-30"),
        ("前天", "2025-12-29"),
        ("今天", "2025-12-31"),
    ],
)
def test_date_forms_for_received_and_on(xf: Xf, typed: str, expected: str) -> None:
    add(xf, category="宿舍与住宿", received=typed)
    assert show(xf, "XF2025-0001")["received_on"] == expected
    ok(xf("assign", "XF2025-0001", "--on", typed))
    assert show(xf, "XF2025-0001")["accepted_on"] == expected


def test_received_defaults_to_today(xf: Xf) -> None:
    ok(xf("add", "--channel", "phone", "--summary", "食堂排队太久"))
    assert show(xf, "XF2025-0001")["received_on"] == "2025-12-31"


# --- list: filters and formats ----------------------------------------------------------------
def build_ledger(run: Xf) -> None:
    """Six cases in every state: numbers XF2024-0001, XF2025-0001 … XF2025-0005."""
    add_case(run, received="2025-03-01", summary="宿舍漏水", category="宿舍与住宿")  # 0001
    add_case(run, received="2025-03-15", summary="成绩录入错误", category="考试与成绩")  # 0002
    add_case(run, received="2025-04-02", summary="食堂价格上涨", category="餐饮与食堂")  # 0003
    add_case(run, received="2025-04-20", summary="图书馆空调太冷")  # 0004, unclassified
    add_case(run, received="2025-05-06", summary="实习单位扣押证件", category="实习与就业")  # 0005
    add_case(run, received="2024-11-11", summary="宿舍热水供应不足", category="宿舍与住宿")
    accept(run, "XF2025-0001", co=["保卫处"], on="2025-03-02")  # due 2025-05-01
    close_case(run, "XF2025-0001", on="2025-03-09")
    accept(run, "XF2025-0002", dept="教务处", co=["后勤处"], on="2025-03-16")
    reject_case(run, "XF2025-0003", reason="已另案处理", on="2025-04-03")
    accept(run, "XF2024-0001", on="2024-11-12")
    close_case(run, "XF2024-0001", on="2024-12-01")


@pytest.fixture(scope="module")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger of `build_ledger`, built once per module through the real CLI."""
    return build_template(tmp_path_factory, build_ledger)


@pytest.fixture
def ledger(xf: Xf, ledger_template: Path, ledger_path: Path) -> Xf:
    """A private copy of the template ledger for one test."""
    copy_ledger(ledger_template, ledger_path)
    return xf


ALL = ["XF2024-0001", "XF2025-0001", "XF2025-0002", "XF2025-0003", "XF2025-0004", "XF2025-0005"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), ALL),
        (("--status", "办理中"), ["XF2025-0002"]),
        (("--status", "handling"), ["XF2025-0002"]),
        (("--status", "已办结"), ["XF2024-0001", "XF2025-0001"]),
        (("--status", "closed"), ["XF2024-0001", "XF2025-0001"]),
        (("--status", "已登记"), ["XF2025-0004", "XF2025-0005"]),
        (("--status", "registered"), ["XF2025-0004", "XF2025-0005"]),
        (("--status", "不予受理"), ["XF2025-0003"]),
        (("--status", "not_accepted"), ["XF2025-0003"]),
        (("--status", "未办结"), ["XF2025-0002", "XF2025-0004", "XF2025-0005"]),
        (("--category", "宿舍与住宿"), ["XF2024-0001", "XF2025-0001"]),
        (("--category", "dorm"), ["XF2024-0001", "XF2025-0001"]),
        (("--group", "后勤服务"), ["XF2024-0001", "XF2025-0001", "XF2025-0003"]),
        (("--group", "teaching"), ["XF2025-0002"]),
        (("--dept", "后勤处"), ["XF2024-0001", "XF2025-0001", "XF2025-0002"]),  # lead or co
        (("--dept", "保卫处"), ["XF2025-0001"]),  # co only
        (("--dept", "教务处"), ["XF2025-0002"]),
        (
            ("--from", "2025-03-15", "--to", "2025-04-20"),
            ["XF2025-0002", "XF2025-0003", "XF2025-0004"],
        ),
        (("--from", "2025/4/1"), ["XF2025-0003", "XF2025-0004", "XF2025-0005"]),
        (("--to", "2025年3月1日"), ["XF2024-0001", "XF2025-0001"]),
        (("--month", "2025-04"), ["XF2025-0003", "XF2025-0004"]),
        (("--month", "2024年11月"), ["XF2024-0001"]),
        (("--year", "2024"), ["XF2024-0001"]),
        (("--search", "食堂"), ["XF2025-0003"]),
        (("--search", "宿舍"), ["XF2024-0001", "XF2025-0001"]),
        (("--search", "XF2025-0005"), ["XF2025-0005"]),
        (("--search", "不存在的词"), []),
        (("--status", "未办结", "--category", "考试与成绩"), ["XF2025-0002"]),
        # period filters narrow each other instead of one silently replacing another
        (("--year", "2025", "--from", "2025-04-15"), ["XF2025-0004", "XF2025-0005"]),
        (("--month", "2025-03", "--from", "2025-03-10"), ["XF2025-0002"]),
        (("--year", "2025", "--to", "2025-03-01"), ["XF2025-0001"]),
    ],
)
def test_list_filters(ledger: Xf, filters: tuple[str, ...], expected: list[str]) -> None:
    assert listed(ledger, *filters) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # 0004 (received 04-20) is due for acceptance 05-05; 0005 (05-06) → 05-21;
        # 0002 accepted 03-16 is due 05-15.
        ("2025-05-05", []),
        ("2025-05-06", ["XF2025-0004"]),
        ("2025-05-16", ["XF2025-0002", "XF2025-0004"]),
        ("2025-05-22", ["XF2025-0002", "XF2025-0004", "XF2025-0005"]),
    ],
)
def test_list_overdue_as_of(ledger: Xf, as_of: str, expected: list[str]) -> None:
    assert listed(ledger, "--overdue", "--as-of", as_of) == expected
    items = json.loads(ok(ledger("list", "--json", "--as-of", as_of)).stdout)
    assert [i["number"] for i in items if i["overdue"]] == expected


def test_list_json_is_an_array_of_full_records(ledger: Xf) -> None:
    items = json.loads(ok(ledger("list", "--json")).stdout)
    assert isinstance(items, list) and len(items) == 6
    for item in items:
        assert set(item) >= CASE_FILE_KEYS | DERIVED_KEYS
    one = next(i for i in items if i["number"] == "XF2025-0002")
    assert one["status"] == "handling"
    assert one["lead_dept"] == "教务处" and one["co_depts"] == ["后勤处"]
    assert one["accept_due"] == "2025-03-30" and one["due_on"] == "2025-05-15"
    assert one["overdue"] is True  # as of today, 2025-12-31
    assert json.loads(ok(ledger("list", "--json", "--search", "没有这件事")).stdout) == []


def test_list_csv_has_chinese_headers_and_labels(ledger: Xf) -> None:
    text = ok(ledger("list", "--csv", "--status", "办理中")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    for header in ("编号", "信访日期", "信访形式", "反映问题", "事项类别", "主办单位", "协办单位"):
        assert header in row
    for header in ("事项分组", "状态", "受理期限", "办结期限", "超期"):
        assert header in row
    assert row["编号"] == "XF2025-0002"
    assert row["信访形式"] == "来访" and row["事项类别"] == "考试与成绩"
    assert row["事项分组"] == "教学管理" and row["状态"] == "办理中"
    assert row["协办单位"] == "后勤处" and row["超期"] == "是"


def test_list_table_is_chinese(ledger: Xf) -> None:
    r = ok(ledger("list"))
    for text in ("编号", "信访日期", "反映问题", "状态", "已办结", "办理中", "不予受理", "未分类"):
        assert text in r.stdout
    assert "共 6 件" in r.stderr
    r = ok(ledger("list", "--search", "不存在的词"))
    assert r.stdout == "" and "没有符合条件的案件" in r.stderr


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (("--status", "差不多"), "未知的状态"),
        (("--category", "宿舍"), "宿舍与住宿"),
        (("--group", "后勤"), "后勤服务"),
        (("--dept", "后勤部"), "后勤处"),
        (("--month", "2025-13"), "无法识别的月份"),
        (("--from", "2025-02-30"), "2025年2月没有30日"),
        (("--from", "2025-05-01", "--to", "2025-04-01"), "晚于截止日期"),
        (("--json", "--csv"), "只能选一个"),
        (("--year", "2024", "--month", "2025-03"), "矛盾"),
        (("--year", "0"), "年份 0"),
    ],
)
def test_list_refuses_bad_filters(
    ledger: Xf, snapshot: Callable[[], object], filters: tuple[str, ...], message: str
) -> None:
    before = snapshot()
    r = ledger("list", *filters)
    assert r.exit_code == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    assert snapshot() == before


def test_a_blank_by_falls_back_to_xinfang_user(xf: Xf, ledger_path: Path) -> None:
    add(xf)
    ok(xf("--by", "  ", "reject", "XF2025-0001", "--reason", "重复", "--on", "2025-03-02"))
    con = sqlite3.connect(ledger_path)
    try:
        actors = {row[0] for row in con.execute("SELECT actor FROM events")}
    finally:
        con.close()
    # the name given (XINFANG_USER), and the account that ran the command beside it
    assert actors == {f"测试员（{pwd.getpwuid(os.geteuid()).pw_name}）"}


def test_extension_limits_are_inclusive(xf: Xf) -> None:
    """30 days is allowed, and on the due day itself (a deadline is the end of its day)."""
    add(xf, category="宿舍与住宿")
    accept(xf, "XF2025-0001", on="2025-03-02")  # due 2025-05-01
    r = ok(xf("extend", "XF2025-0001", "--days", "30", "--reason", "x", "--on", "2025-05-01"))
    assert "2025-05-31" in r.stderr
    assert show(xf, "XF2025-0001")["due_on"] == "2025-05-31"


def test_the_ledger_can_be_named_by_xinfang_db(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xinfang_cli.cli.main import app

    runner = CliRunner()
    env = {"XINFANG_DB": str(tmp_path / "env.db")}
    r = runner.invoke(app, ["add", "--channel", "来访", "--summary", "宿舍漏水"], env=env)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "env.db").exists()
    r = runner.invoke(app, ["list", "--json"], env=env)
    assert [c["number"] for c in json.loads(r.stdout)] == ["XF2025-0001"]
    # --db wins over XINFANG_DB
    r = runner.invoke(app, ["--db", str(tmp_path / "other.db"), "list"], env=env)
    assert r.exit_code == 2 and "other.db" in r.stderr
