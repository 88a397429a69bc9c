"""The morning overdue check, run as cron runs it.

Ledgers are built through the real CLI (the in-process `xf` fixture, "today" pinned to
2025-12-31); the check itself runs as a subprocess under `env -i` with stdin from /dev/null and
no terminal, exactly like a crontab line, and always with an explicit --as-of.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from conftest import Run, accept, add_case, close_case, extend_case, ok, reject_case
from xinfang_cli.deadlines import WorkCalendar, due_date
from xinfang_cli.ledger import open_ledger
from xinfang_cli.overdue import check
from xinfang_cli.taxonomy import default_source

XF = Callable[..., Run]

_SCRIPT = Path(sys.executable).parent / "xinfang"
XINFANG = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "xinfang_cli"]


# Every case here comes by letter.
letter = partial(add_case, channel="来信")


def cron(
    db: Path, *args: str, lang: str | None = "C", extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[bytes]:
    """`env -i PATH=… [LANG=C] xinfang --db DB overdue ARGS…` with no terminal and stdin closed."""
    env = ["env", "-i", "PATH=" + os.environ.get("PATH", "/usr/bin:/bin"), *extra]
    if lang is not None:
        env.append(f"LANG={lang}")
    return subprocess.run(
        [*env, *XINFANG, "--db", str(db), "overdue", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )


def text(result: subprocess.CompletedProcess[bytes]) -> str:
    assert b"\x1b" not in result.stdout and b"\x1b" not in result.stderr, "ANSI escape in output"
    return result.stdout.decode("utf-8")  # strict: the Chinese must be real UTF-8


@pytest.fixture
def office(xf: XF, ledger_path: Path) -> Path:
    """A small ledger: as of 2025-12-31 one handling case is 30 days overdue (后勤处), one
    registered case is 6 days past its acceptance deadline, one is due in 4 days; one case is
    closed, one rejected."""
    ok(xf("init"))
    dorm = letter(xf, received="2025-10-01", summary="宿舍307水龙头漏水", category="宿舍与住宿")
    accept(xf, dorm, leader="王副校长", on="2025-10-02")  # due 2025-12-01
    # two still to be accepted: due 12-25 and 2026-01-04
    letter(xf, received="2025-12-10", summary="食堂饭菜价格上涨", category="餐饮与食堂")
    letter(xf, received="2025-12-20", summary="期末考试安排冲突", category="考试与成绩")
    done = letter(xf, received="2025-03-01", summary="图书馆空调不制冷", category="校园设施与环境")
    accept(xf, done, on="2025-03-02")
    close_case(xf, done, result="已维修", on="2025-03-10")
    rejected = letter(xf, received="2025-06-01", summary="劳动合同纠纷", category="教职工权益")
    reject_case(xf, rejected, reason="属于劳动人事争议仲裁范围", on="2025-06-03")
    return ledger_path


# --- the three exit codes -------------------------------------------------------------------
def test_clean_run_is_completely_silent(office: Path) -> None:
    # 2025-11-20: the dorm case is due 12-01 (11 days away); the December cases are not received yet.
    result = cron(office, "--as-of", "2025-11-20")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    result = cron(office, "--as-of", "2025-11-20", "--json")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_only_due_soon_lists_them_and_exits_0(office: Path) -> None:
    result = cron(office, "--as-of", "2025-11-26")
    out = text(result)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    assert "XF2025-0001" in out and "办结临期" in out and "还剩 5 天" in out
    assert "【后勤处】" in out and "超期" not in out.split("\n", 1)[1].replace("临期", "")


def test_overdue_exits_1_grouped_by_department(office: Path) -> None:
    result = cron(office, "--as-of", "2025-12-31")
    out = text(result)
    assert result.returncode == 1
    assert result.stderr == b""
    assert out.startswith("信访事项督办提醒（截至 2025-12-31）")
    dorm = out.index("【后勤处】")
    pending = out.index("【信访办（待受理）】")
    assert "XF2025-0001  办结超期 30 天  期限 2025-12-01  包案领导：王副校长" in out[dorm:]
    assert "XF2025-0002  受理超期 6 天  期限 2025-12-25" in out[pending:]
    assert "XF2025-0003  受理临期 还剩 4 天  期限 2026-01-04" in out[pending:]
    # closed and rejected cases are never listed
    assert "XF2025-0004" not in out and "XF2025-0005" not in out


def test_output_is_utf8_whatever_the_locale(office: Path) -> None:
    reference = text(cron(office, "--as-of", "2025-12-31"))
    for lang, extra in (
        (None, ()),  # LANG unset, HOME unset
        ("C", ("LC_ALL=C",)),
        ("POSIX", ("PYTHONIOENCODING=ascii",)),
    ):
        result = cron(office, "--as-of", "2025-12-31", lang=lang, extra=extra)
        assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
        assert text(result) == reference


def test_missing_ledger_is_exit_2_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ledger.db"
    result = cron(missing)
    assert result.returncode == 2
    assert result.stdout == b""
    assert "账本不存在" in result.stderr.decode("utf-8")
    assert not missing.exists() and not missing.parent.exists()


def test_corrupt_ledger_is_exit_2(tmp_path: Path) -> None:
    corrupt = tmp_path / "ledger.db"
    corrupt.write_bytes(b"this is not a database\n" * 200)
    result = cron(corrupt, "--as-of", "2025-12-31")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode("utf-8").startswith("错误：无法打开账本")


def test_ledger_without_cases_table_is_exit_2(office: Path) -> None:
    con = sqlite3.connect(office)
    con.execute("DROP TABLE co_departments")
    con.execute("DROP TABLE cases")
    con.commit()
    con.close()
    result = cron(office, "--as-of", "2025-12-31")
    assert result.returncode == 2 and result.stdout == b""
    assert "错误：" in result.stderr.decode("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--warn-days", "-1"), "不能为负数"),
        (("--warn-days", "七"), "不是整数"),
        (("--warn-days", "9999"), "不能超过"),
        (("--as-of", "2025-13-45"), "无法识别的日期"),
        (("--as-of", "下周"), "无法识别的日期"),
        (("--dept", "后勤"), "后勤处"),  # unknown department: the nearest names are suggested
        (("--no-such-option",), "--no-such-option"),
    ],
)
def test_bad_options_are_exit_2_and_never_silent(
    office: Path, args: tuple[str, ...], message: str
) -> None:
    result = cron(office, *args)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert result.stdout == b""
    assert err.startswith("错误") and message in err
    assert b"Traceback" not in result.stderr


def test_bad_options_change_nothing(office: Path, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    assert cron(office, "--new", "--warn-days", "-1").returncode == 2
    assert cron(office, "--new", "--dept", "不存在的处").returncode == 2
    assert snapshot() == before


# --- the department filter ------------------------------------------------------------------
def test_dept_limits_to_one_department(office: Path) -> None:
    out = text(cron(office, "--as-of", "2025-12-31", "--dept", "后勤处"))
    assert "XF2025-0001" in out and "XF2025-0002" not in out and "【信访办（待受理）】" not in out
    pending = cron(office, "--as-of", "2025-12-31", "--dept", "待受理")
    assert pending.returncode == 1
    out = text(pending)
    assert "XF2025-0002" in out and "XF2025-0003" in out and "XF2025-0001" not in out
    quiet = cron(office, "--as-of", "2025-12-31", "--dept", "教务处")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")


# --- JSON -----------------------------------------------------------------------------------
def test_json_shape(office: Path) -> None:
    result = cron(office, "--as-of", "2025-12-31", "--json")
    assert result.returncode == 1
    data = json.loads(text(result))
    assert {"as_of", "warn_days", "overdue", "due_soon", "by_department"} <= set(data)
    assert data["as_of"] == "2025-12-31" and data["warn_days"] == 7 and data["new_only"] is False
    first, second = data["overdue"]
    assert first == first | {
        "number": "XF2025-0001",
        "kind": "handle_overdue",
        "due": "2025-12-01",
        "days_overdue": 30,
        "lead_dept": "后勤处",
        "leader": "王副校长",
        "summary": "宿舍307水龙头漏水",
        "status": "handling",
    }
    assert second == second | {
        "number": "XF2025-0002",
        "kind": "accept_overdue",
        "due": "2025-12-25",
        "days_overdue": 6,
        "lead_dept": None,
        "leader": None,
        "status": "registered",
        "department": "信访办（待受理）",
    }
    (soon,) = data["due_soon"]
    assert soon == soon | {
        "number": "XF2025-0003",
        "kind": "due_soon",
        "stage": "accept",
        "due": "2026-01-04",
        "days_left": 4,
    }
    assert data["by_department"] == [
        {"name": "信访办（待受理）", "overdue": 1, "due_soon": 1},
        {"name": "后勤处", "overdue": 1, "due_soon": 0},
    ]


def test_warn_days_option_overrides_the_taxonomy(office: Path) -> None:
    data = json.loads(text(cron(office, "--as-of", "2025-12-31", "--json", "--warn-days", "0")))
    assert data["warn_days"] == 0 and data["due_soon"] == []
    data = json.loads(text(cron(office, "--as-of", "2025-11-20", "--json", "--warn-days", "11")))
    assert [i["number"] for i in data["due_soon"]] == ["XF2025-0001"]


def test_confidential_matter_is_not_in_the_forwarded_list(xf: XF, ledger_path: Path) -> None:
    ok(xf("init"))
    number = letter(xf, "--nature", "检举控告", received="2025-12-01", summary="举报某处长收受礼金")
    result = cron(ledger_path, "--as-of", "2025-12-31", "--json")
    (item,) = json.loads(text(result))["overdue"]
    assert item["number"] == number and item["confidential"] is True
    assert "礼金" not in result.stdout.decode("utf-8")
    assert "礼金" not in text(cron(ledger_path, "--as-of", "2025-12-31"))


# --- --new: announce once -------------------------------------------------------------------
def reminders(db: Path) -> list[tuple[str, str, dict[str, list[Any]]]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT case_number, on_date, changes FROM events WHERE action = 'remind' ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [(number, on_date, json.loads(changes)) for number, on_date, changes in rows]


def test_without_new_nothing_is_recorded(office: Path, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    assert cron(office, "--as-of", "2025-12-31").returncode == 1
    assert cron(office, "--as-of", "2025-12-31", "--json").returncode == 1
    assert snapshot() == before


def test_new_does_not_repeat_itself_next_day(office: Path) -> None:
    day1 = cron(office, "--new", "--as-of", "2025-12-26")
    out = text(day1)
    assert day1.returncode == 1
    assert "仅列新增" in out and "XF2025-0001" in out and "XF2025-0002" in out
    assert "XF2025-0003" not in out  # due 2026-01-04: outside the 7-day window on 12-26
    assert reminders(office) == [
        (
            "XF2025-0001",
            "2025-12-26",
            {"kind": [None, "handle_overdue"], "due": [None, "2025-12-01"]},
        ),
        (
            "XF2025-0002",
            "2025-12-26",
            {"kind": [None, "accept_overdue"], "due": [None, "2025-12-25"]},
        ),
    ]

    # Next morning: the same cases are still overdue, but nothing is new: no mail.
    day2 = cron(office, "--new", "--as-of", "2025-12-27")
    assert (day2.returncode, day2.stdout, day2.stderr) == (0, b"", b"")
    assert len(reminders(office)) == 2
    # Without --new everything is still listed.
    assert cron(office, "--as-of", "2025-12-27").returncode == 1

    # 12-28: XF2025-0003 enters the warning window; only it is announced, with exit 0.
    day3 = cron(office, "--new", "--as-of", "2025-12-28")
    out = text(day3)
    assert day3.returncode == 0
    assert "XF2025-0003" in out and "受理临期" in out
    assert "XF2025-0001" not in out and "XF2025-0002" not in out
    assert "另有 2 件超期案件此前已提醒" in out
    assert cron(office, "--new", "--as-of", "2025-12-29").stdout == b""

    # 2026-01-05: XF2025-0003 became overdue: announced again, as overdue, exit 1.
    day4 = cron(office, "--new", "--as-of", "2026-01-05", "--json")
    assert day4.returncode == 1
    data = json.loads(text(day4))
    assert [(i["number"], i["kind"]) for i in data["overdue"]] == [
        ("XF2025-0003", "accept_overdue")
    ]
    assert data["due_soon"] == [] and data["new_only"] is True
    assert data["announced_before"] == {"overdue": 2, "due_soon": 0}
    assert [r[2]["kind"][1] for r in reminders(office)] == [
        "handle_overdue",
        "accept_overdue",
        "due_soon",
        "accept_overdue",
    ]


def test_new_announces_again_after_an_extension(xf: XF, ledger_path: Path) -> None:
    ok(xf("init"))
    number = letter(
        xf, received="2025-10-20", summary="实验室开放时间不足", category="课程与教学安排"
    )
    accept(xf, number, on="2025-10-21")  # handling due 2025-12-20
    first = cron(ledger_path, "--new", "--as-of", "2025-12-15")
    assert first.returncode == 0 and "还剩 5 天  期限 2025-12-20" in text(first)
    assert cron(ledger_path, "--new", "--as-of", "2025-12-16").stdout == b""
    extend_case(xf, number, days=10, reason="需协调实验中心", on="2025-12-16")
    assert cron(ledger_path, "--new", "--as-of", "2025-12-17").stdout == b""  # due 12-30 now
    again = cron(ledger_path, "--new", "--as-of", "2025-12-24")
    assert again.returncode == 0 and "期限 2025-12-30" in text(again)
    late = cron(ledger_path, "--new", "--as-of", "2025-12-31")
    assert late.returncode == 1 and "办结超期 1 天" in text(late)
    # the reminders are part of the case's history
    history = ok(xf("history", number)).stdout
    assert "督办提醒" in history and "办结超期" in history


def test_new_limited_to_a_department_leaves_the_others_for_later(office: Path) -> None:
    assert cron(office, "--new", "--as-of", "2025-12-31", "--dept", "后勤处").returncode == 1
    rest = cron(office, "--new", "--as-of", "2025-12-31")
    out = text(rest)
    assert rest.returncode == 1
    assert "XF2025-0001" not in out and "XF2025-0002" in out and "XF2025-0003" in out


# --- working days: the National Day break ---------------------------------------------------
def working_taxonomy(tmp_path: Path) -> Path:
    source = default_source()
    assert 'day_mode = "calendar"' in source
    path = tmp_path / "working.toml"
    path.write_text(source.replace('day_mode = "calendar"', 'day_mode = "working"', 1), "utf-8")
    return path


def test_warning_window_counts_working_days_across_national_day(xf: XF, tmp_path: Path) -> None:
    # 2025: 10-01..10-08 off; 09-28 (Sun) and 10-11 (Sat) are make-up workdays. As of Tue 09-30
    # the next three workdays are 10-09, 10-10 and Sat 10-11.
    cal = WorkCalendar()
    working_db, calendar_db = tmp_path / "working.db", tmp_path / "calendar.db"
    ok(xf("init", "--taxonomy", str(working_taxonomy(tmp_path)), db=working_db))
    ok(xf("init", db=calendar_db))
    received = date(2025, 9, 12)
    assert due_date(received, 15, mode="working", calendar=cal) == date(2025, 10, 10)
    inside = letter(xf, received=received.isoformat(), summary="奖学金评定有异议", db=working_db)
    edge = letter(xf, received="2025-09-15", summary="助学金发放延迟", db=working_db)
    beyond = letter(xf, received="2025-09-16", summary="实习补贴未发", db=working_db)
    for number, due in ((inside, "2025-10-10"), (edge, "2025-10-11"), (beyond, "2025-10-13")):
        shown = json.loads(ok(xf("show", number, "--json", db=working_db)).stdout)
        assert shown["accept_due"] == due
    same_due = letter(xf, received="2025-09-25", summary="奖学金评定有异议", db=calendar_db)
    shown = json.loads(ok(xf("show", same_due, "--json", db=calendar_db)).stdout)
    assert shown["accept_due"] == "2025-10-10"

    result = cron(working_db, "--as-of", "2025-09-30", "--warn-days", "3")
    out = text(result)
    assert result.returncode == 0
    assert f"{inside}  受理临期 还剩 2 个工作日  期限 2025-10-10" in out
    assert f"{edge}  受理临期 还剩 3 个工作日  期限 2025-10-11" in out  # make-up Saturday
    assert beyond not in out  # Mon 10-13 is the 4th workday
    data = json.loads(text(cron(working_db, "--as-of", "2025-09-30", "--warn-days", "3", "--json")))
    assert [(i["number"], i["days_left"], i["day_mode"]) for i in data["due_soon"]] == [
        (inside, 2, "working"),
        (edge, 3, "working"),
    ]

    # Counted in calendar days the window ends 10-03: the same due date is not yet due soon.
    quiet = cron(calendar_db, "--as-of", "2025-09-30", "--warn-days", "3")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")
    # … nor with the default window of 7 days; it takes 10 calendar days to reach it.
    assert cron(calendar_db, "--as-of", "2025-09-30").stdout == b""
    assert same_due in text(cron(calendar_db, "--as-of", "2025-09-30", "--warn-days", "10"))


# --- the query reads only open, near-due cases through the indexes --------------------------
@pytest.mark.parametrize("analyzed", [False, True], ids=["no-statistics", "after-ANALYZE"])
def test_query_plan_uses_the_status_due_indexes(office: Path, analyzed: bool) -> None:
    con = sqlite3.connect(office)
    con.executescript(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
        INSERT INTO cases (number, year, seq, received_on, channel, persons, summary, bypass,
            confidential, status, accept_days, handle_days, extend_max_days, day_mode, roll_over,
            accept_due, accepted_on, lead_dept, handle_due, due_on, closed_on, outcome, result,
            created_at, updated_at)
        SELECT printf('XF2020-%05d', i), 2020, i, '2020-01-01', 'letter', 1, '旧案', 0, 0,
            'closed', 15, 60, 30, 'calendar', 0, '2020-01-16', '2020-01-02', '后勤处',
            '2020-03-02', '2020-03-02', '2020-02-01', 'resolved', '已办结', 'x', 'x' FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 15000)
        INSERT INTO events (case_number, at, on_date, actor, action, changes, prev_hash, hash)
        SELECT printf('XF2020-%05d', i / 3 + 1), 'x', '2020-01-01', '导入', 'register', '{}',
            'x', 'x' FROM n;
        """
        + ("ANALYZE;" if analyzed else "")
    )
    con.close()
    ledger = open_ledger(str(office), actor="测试员", create=False)
    executed: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        executed.append((statement, parameters))

    event.listen(ledger.engine, "before_cursor_execute", capture)
    try:
        report = check(ledger, as_of=date(2025, 12, 31), new_only=True)
    finally:
        event.remove(ledger.engine, "before_cursor_execute", capture)
    assert [r.number for r in report.overdue] == ["XF2025-0001", "XF2025-0002"]

    plans: dict[str, str] = {}
    raw = ledger.engine.raw_connection()
    try:
        for statement, parameters in executed:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans[statement] = " | ".join(str(row[-1]) for row in rows)
    finally:
        raw.close()
        ledger.engine.dispose()
    on_cases = [plan for statement, plan in plans.items() if "FROM cases" in statement]
    assert len(on_cases) == 2, plans
    joined = " ".join(on_cases)
    assert "ix_cases_status_accept_due" in joined and "ix_cases_status_due_on" in joined
    assert all("SEARCH cases USING INDEX" in plan for plan in on_cases)
    assert not any("SCAN cases" in plan for plan in on_cases), plans
    # (the audit log's own read of the chain's tip walks the rowid backwards: one row)
    on_events = [plan for statement, plan in plans.items() if "events.case_number IN" in statement]
    assert on_events and all("ix_events_case_number" in plan for plan in on_events), plans
