"""Personal data at the CLI: masked by default in every view, confidential cases hide the name,
`--reveal` shows it and leaves a trace in the audit log naming who looked."""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
from collections.abc import Callable
from typing import Any

import pytest

from conftest import Run, add_case, ok, show

Xf = Callable[..., Run]
Snapshot = Callable[[], object]

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID, ID_MASKED = "11010519491231002X", "110105********002X"


@pytest.fixture
def people(xf: Xf) -> Xf:
    """XF2025-0001: an open complaint by 李四; XF2025-0002: a confidential accusation by 张三."""
    li = ("--name", "李四", "--unit", "外国语学院", "--phone", "13912345678")
    add_case(xf, *li, received="2025-03-01", summary="宿舍漏水")
    zhang = ("--name", "张三", "--phone", PHONE, "--id-number", ID, "--nature", "检举控告")
    add_case(xf, *zhang, received="2025-03-02", channel="来信", summary="举报某教师收受学生礼品")
    return xf


def events(xf: Xf, number: str) -> str:
    return ok(xf("history", number)).stdout


def test_phone_and_id_are_masked_everywhere_by_default(people: Xf) -> None:
    views = [
        ok(people("show", "XF2025-0002")).stdout,
        ok(people("show", "XF2025-0002", "--json")).stdout,
        ok(people("list")).stdout,
        ok(people("list", "--json")).stdout,
        ok(people("list", "--csv")).stdout,
        ok(people("history", "XF2025-0002")).stdout,
    ]
    for view in views:
        assert PHONE not in view and ID not in view
        assert "12345678" not in view.replace("138****5678", "")
    for view in views[:2] + views[3:5]:
        assert PHONE_MASKED in view and ID_MASKED in view
    case = show(people, "XF2025-0002")
    assert case["phone"] == PHONE_MASKED and case["id_number"] == ID_MASKED
    assert show(people, "XF2025-0001")["phone"] == "139****5678"


def test_an_accusation_is_confidential_and_hides_the_name(people: Xf) -> None:
    case = show(people, "XF2025-0002")
    assert case["confidential"] is True and case["name"] == "张*"
    text = ok(people("show", "XF2025-0002")).stdout
    assert "张*" in text and "张三" not in text and "保密" in text
    listing = ok(people("list")).stdout
    assert "张*" in listing and "张三" not in listing
    assert "李四" in listing  # a case that is not confidential shows its name
    items = json.loads(ok(people("list", "--json")).stdout)
    assert [i["name"] for i in items] == ["李四", "张*"]
    rows = list(csv.DictReader(io.StringIO(ok(people("list", "--csv")).stdout)))
    assert [r["信访人"] for r in rows] == ["李四", "张*"]
    assert "张三" not in events(people, "XF2025-0002")


def test_confidential_flag_hides_the_name_of_any_case(xf: Xf) -> None:
    add_case(xf, "--name", "王五", "--confidential", received="2025-03-01", summary="反映导师问题")
    assert show(xf, "XF2025-0001")["name"] == "王*"
    assert "王五" not in ok(xf("list")).stdout


def test_classifying_as_an_accusation_makes_the_case_confidential(people: Xf) -> None:
    ok(people("classify", "XF2025-0001", "--nature", "检举控告"))
    assert show(people, "XF2025-0001")["name"] == "李*"
    assert "李四" not in ok(people("list")).stdout
    assert "李四" not in events(people, "XF2025-0001")


def test_show_reveal_shows_everything_and_records_who_looked(people: Xf) -> None:
    assert "查看个人信息" not in events(people, "XF2025-0002")
    r = ok(people("--by", "纪委王老师", "show", "XF2025-0002", "--reveal"))
    for text in ("张三", PHONE, ID):
        assert text in r.stdout
    case = show(people, "XF2025-0002", "--reveal")
    assert (case["name"], case["phone"], case["id_number"]) == ("张三", PHONE, ID)
    log = events(people, "XF2025-0002")
    assert "查看个人信息" in log and "纪委王老师" in log and "--reveal" in log
    assert "测试员" in log  # the JSON reveal, by XINFANG_USER
    # the other case was not revealed
    assert "查看个人信息" not in events(people, "XF2025-0001")
    # and the masked view is back without --reveal
    assert show(people, "XF2025-0002")["name"] == "张*"


def test_a_reveal_is_one_event_per_case_in_the_audit_log(
    people: Xf, snapshot: Snapshot, ledger_path: Any
) -> None:
    import sqlite3

    def reveals() -> list[tuple[str, str]]:
        con = sqlite3.connect(ledger_path)
        try:
            return list(
                con.execute(
                    "SELECT case_number, actor FROM events WHERE action = 'reveal' ORDER BY id"
                )
            )
        finally:
            con.close()

    before = snapshot()
    ok(people("show", "XF2025-0002"))
    ok(people("list", "--json"))
    assert snapshot() == before  # a masked read writes nothing
    ok(people("--by", "审计员", "list", "--reveal"))
    who = f"审计员（{pwd.getpwuid(os.geteuid()).pw_name}）"  # the name given, and the account
    assert reveals() == [("XF2025-0001", who), ("XF2025-0002", who)]
    assert "张三" in ok(people("list", "--reveal")).stdout
    revealed = json.loads(ok(people("list", "--reveal", "--json")).stdout)
    assert [(c["name"], c["phone"]) for c in revealed] == [("李四", "13912345678"), ("张三", PHONE)]


def test_a_confidential_petitioner_cannot_be_found_by_name(people: Xf) -> None:
    assert json.loads(ok(people("list", "--json", "--search", "张三")).stdout) == []
    assert json.loads(ok(people("list", "--json", "--search", "张")).stdout) == []
    found = json.loads(ok(people("list", "--json", "--search", "李四")).stdout)
    assert [c["number"] for c in found] == ["XF2025-0001"]
    found = json.loads(ok(people("list", "--json", "--search", "收受")).stdout)
    assert [c["number"] for c in found] == ["XF2025-0002"]  # the matter itself is searchable


def test_search_wildcards_are_taken_literally(people: Xf) -> None:
    for needle in ("%", "_", "举报%礼品", "XF2025_0001"):
        found = json.loads(ok(people("list", "--json", "--search", needle)).stdout)
        assert found == [], needle
    add_case(people, received="2025-03-03", channel="来电", summary="食堂菜价上涨50%")
    found = json.loads(ok(people("list", "--json", "--search", "50%")).stdout)
    assert [c["number"] for c in found] == ["XF2025-0003"]


def test_the_repeat_warning_does_not_leak_personal_data(people: Xf) -> None:
    r = ok(
        people(
            "add",
            "--received",
            "2025-03-10",
            "--channel",
            "来电",
            "--phone",
            PHONE,
            "--summary",
            "询问举报处理进度",
        )
    )
    assert "XF2025-0002" in r.stderr
    assert PHONE not in r.stderr and ID not in r.stderr and "张三" not in r.stderr


def test_search_by_a_whole_phone_number_finds_the_petitioner_but_stays_masked(xf) -> None:  # type: ignore[no-untyped-def]
    li = ("--name", "李四", "--phone", "13812345678")
    add_case(xf, *li, received="2025-03-01", channel="来电", summary="食堂排队")
    add_case(xf, received="2025-03-02", channel="来信", summary="路灯不亮")
    out = xf("list", "--search", "138 1234 5678", "--json").stdout
    assert '"XF2025-0001"' in out and '"XF2025-0002"' not in out
    assert "13812345678" not in out and "138****5678" in out
