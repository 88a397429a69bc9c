"""The office's own work: recorded, listed, deleted (audited), counted by year in the annual
report, and refused clearly when wrong."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import Run, ok

Xf = Callable[..., Run]


def test_activities_are_counted_by_kind_and_year(xf: Xf) -> None:
    ok(xf("init"))
    for args in (
        ("--kind", "校领导接待日", "--on", "2025-03-05", "--people", "40"),
        ("--kind", "reception_day", "--on", "2025-06-05", "--people", "35"),
        ("--kind", "联席会议", "--on", "2025-04-01", "--note", "职称评聘"),
        ("--kind", "联席会议", "--on", "2024-12-20"),
        ("--kind", "通报批评", "--on", "2025-12-30", "--note", "某学院"),
    ):
        ok(xf("activity", "add", *args))
    listed = json.loads(ok(xf("activity", "list", "--year", "2025", "--json")).stdout)
    assert [a["name"] for a in listed] == ["校领导接待日", "联席会议", "校领导接待日", "通报批评"]
    report = json.loads(ok(xf("report", "annual", "--year", "2025", "--json")).stdout)
    assert report["activities"] == [
        {"kind": "reception_day", "name": "校领导接待日", "count": 2, "people": 75},
        {"kind": "joint_meeting", "name": "联席会议", "count": 1, "people": None},
        {"kind": "criticism", "name": "通报批评", "count": 1, "people": None},
    ]
    # as of a date before the last one, it is not yet there
    early = json.loads(
        ok(xf("report", "annual", "--year", "2025", "--as-of", "2025-06-30", "--json")).stdout
    )
    assert [a["count"] for a in early["activities"]] == [2, 1]
    ok(xf("activity", "delete", str(listed[1]["id"]), "--reason", "记错日期"))
    report = json.loads(ok(xf("report", "annual", "--year", "2025", "--json")).stdout)
    assert [a["name"] for a in report["activities"]] == ["校领导接待日", "通报批评"]
    assert ok(xf("verify", "-v")).exit_code == 0


def test_a_changed_activity_row_fails_verify(xf: Xf, ledger_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    ok(xf("activity", "add", "--kind", "专题培训", "--on", "2025-05-01", "--people", "30"))
    con = sqlite3.connect(ledger_path)
    con.execute("UPDATE activities SET people = 300")
    con.commit()
    con.close()
    r = xf("verify")
    assert r.exit_code == 1 and "工作活动 #1" in r.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "--kind", "联席会", "--on", "2025-04-01"), ("联席会议",)),
        (("add", "--kind", "专题培训", "--on", "2025-13-01"), ("无法识别的日期",)),
        (("add", "--kind", "专题培训", "--on", "2025-04-01", "--people", "-3"), ("--people",)),
        (("add", "--kind", "专题培训", "--on", "2025-04-01", "--people", "十"), ("不是整数",)),
        (("add", "--kind", "专题培训", "--on", "明天"), ("晚于今天",)),
        (("add", "--kind", "专题培训", "--on", "2025-04-01", "--note", "a\x1bb"), ("控制字符",)),
        (("delete", "99"), ("没有编号为 99",)),
        (("list", "--year", "1800"), ("超出范围",)),
    ],
)
def test_bad_activities_are_refused(
    xf: Xf, snapshot: Callable[[], object], args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    ok(xf("init"))
    before = snapshot()
    r = xf("activity", *args)
    assert r.exit_code == 2, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before
