"""Bad input (issue 2, "Bad input"): one Chinese message on stderr, the documented exit code, an
untouched ledger, never a traceback.

Exit codes (docs/exit-codes.md): 1 the ledger says no in the case's state; 2 fix the command (a value
that cannot be read or is out of range, an unknown number / category / department / channel, a
ledger that cannot be opened).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import (
    Run,
    accept,
    add_case,
    build_template,
    close_case,
    copy_ledger,
    extend_case,
    ok,
    rate_case,
    reject_case,
)

Xf = Callable[..., Run]
Snapshot = Callable[[], object]

CHINESE = "错误："


def refused(run: Run, code: int, *parts: str) -> None:
    """One plain Chinese message on stderr, nothing on stdout, no traceback."""
    assert run.exit_code == code, (run.exit_code, run.stdout, run.stderr)
    assert run.stderr.startswith(CHINESE), run.stderr
    for part in parts:
        assert part in run.stderr, (part, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    assert "内部错误" not in run.stderr
    assert run.stdout == ""


def build_cases(run: Xf) -> None:
    """XF2025-0001 registered 03-01 (宿舍与住宿); XF2025-0002 handling, accepted 03-02, due 05-01;
    XF2025-0003 closed 03-10; XF2025-0004 rejected; XF2025-0005 handling and extended once."""
    for _ in range(5):
        add_case(run, received="2025-03-01", category="宿舍与住宿")  # ADD, filed under 宿舍与住宿
    accept(run, "XF2025-0002", on="2025-03-02")
    accept(run, "XF2025-0003", on="2025-03-02")
    close_case(run, "XF2025-0003", on="2025-03-10")
    reject_case(run, "XF2025-0004", reason="重复", on="2025-03-02")
    accept(run, "XF2025-0005", on="2025-03-02")
    extend_case(run, "XF2025-0005", days=5, reason="待审批", on="2025-03-05")


@pytest.fixture(scope="module")
def cases_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger of `build_cases`, built once per module through the real CLI."""
    return build_template(tmp_path_factory, build_cases)


@pytest.fixture
def cases(xf: Xf, cases_template: Path, ledger_path: Path) -> Xf:
    """A private copy of the template ledger for one test."""
    copy_ledger(cases_template, ledger_path)
    return xf


ADD = ("add", "--received", "2025-03-01", "--channel", "来访", "--summary", "宿舍漏水")

BAD_INPUT = [
    # impossible and unreadable dates
    pytest.param(
        (*ADD[:2], "2025-02-30", *ADD[3:]),
        ("2025-02-30", "2025年2月没有30日"),
        id="impossible-date",
    ),
    pytest.param((*ADD[:2], "下周", *ADD[3:]), ("无法识别的日期", "下周"), id="unreadable-date"),
    pytest.param(
        ("assign", "XF2025-0001", "--on", "2025-13-01"), ("无法识别的日期",), id="bad-month"
    ),
    # a date after today (XINFANG_TODAY = 2025-12-31)
    pytest.param((*ADD[:2], "2026-01-01", *ADD[3:]), ("晚于今天",), id="received-in-future"),
    pytest.param(
        ("assign", "XF2025-0001", "--on", "2026-01-02"), ("晚于今天",), id="accepted-in-future"
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "解决到位", "--result", "x", "--on", "2026-01-01"),
        ("晚于今天",),
        id="closed-in-future",
    ),
    # dates in the wrong order
    pytest.param(
        ("assign", "XF2025-0001", "--on", "2025-02-28"),
        ("受理日期", "早于信访日期"),
        id="accepted-before-received",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "解决到位", "--result", "x", "--on", "2025-03-01"),
        ("办结日期", "早于受理日期"),
        id="closed-before-accepted",
    ),
    pytest.param(
        ("close", "XF2025-0005", "--outcome", "解决到位", "--result", "x", "--on", "2025-03-04"),
        ("办结日期", "早于延期日期"),
        id="closed-before-extended",
    ),
    pytest.param(
        ("rate", "XF2025-0003", "满意", "--on", "2025-03-09"),
        ("评价日期", "早于办结日期"),
        id="rated-before-closed",
    ),
    pytest.param(
        ("reject", "XF2025-0001", "--reason", "x", "--on", "2025-02-01"),
        ("早于信访日期",),
        id="rejected-before-received",
    ),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "5", "--reason", "x", "--on", "2025-03-01"),
        ("延期日期", "早于受理日期"),
        id="extended-before-accepted",
    ),
    # unknown names: the message names the nearest valid ones
    pytest.param((*ADD[:4], "来仿", *ADD[5:]), ("未知的信访形式", "来访"), id="unknown-channel"),
    pytest.param(
        (*ADD, "--category", "宿舍"), ("未知的事项类别", "宿舍与住宿"), id="unknown-category"
    ),
    pytest.param(
        ("classify", "XF2025-0001", "--category", "考试成绩"),
        ("未知的事项类别", "考试与成绩"),
        id="unknown-category-classify",
    ),
    pytest.param(
        ("assign", "XF2025-0001", "--dept", "后勤部"), ("未知的单位", "后勤处"), id="unknown-dept"
    ),
    pytest.param(
        ("assign", "XF2025-0001", "--dept", "后勤处", "--co", "保卫部"),
        ("未知的单位", "保卫处"),
        id="unknown-co-dept",
    ),
    pytest.param((*ADD, "--identity", "老师"), ("未知的身份",), id="unknown-identity"),
    pytest.param((*ADD, "--nature", "投诉"), ("未知的性质", "检举控告"), id="unknown-nature"),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "解决了", "--result", "x", "--on", "2025-03-05"),
        ("未知的办理结果类型", "解决到位"),
        id="unknown-outcome",
    ),
    pytest.param(("rate", "XF2025-0003", "很满意"), ("未知的满意度", "满意"), id="unknown-rating"),
    # personal data
    pytest.param((*ADD, "--phone", "1381234567"), ("电话号码", "1381234567"), id="phone-too-short"),
    pytest.param((*ADD, "--phone", "12812345678"), ("电话号码",), id="phone-bad-prefix"),
    pytest.param((*ADD, "--phone", "电话"), ("电话号码",), id="phone-not-digits"),
    pytest.param(
        (*ADD, "--id-number", "110105194912310021"),
        ("身份证号", "校验位应为X"),
        id="id-wrong-check-char",
    ),
    pytest.param(
        (*ADD, "--id-number", "11010519491231002"), ("身份证号", "18位"), id="id-too-short"
    ),
    pytest.param(
        (*ADD, "--id-number", "11010519490230002X"),
        ("身份证号", "出生日期"),
        id="id-bad-birth-date",
    ),
    # counts and amounts
    pytest.param((*ADD, "--persons", "0"), ("人数", "至少为 1"), id="persons-0"),
    pytest.param((*ADD, "--persons", "-3"), ("人数",), id="persons-negative"),
    pytest.param((*ADD, "--persons", "三"), ("人数", "不是整数"), id="persons-not-a-number"),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "31", "--reason", "x", "--on", "2025-03-05"),
        ("延期天数", "30"),
        id="extension-over-limit",
    ),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "0", "--reason", "x", "--on", "2025-03-05"),
        ("延期天数",),
        id="extension-zero",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "帮扶到位", "--result", "x", "--aid", "12.345"),
        ("帮扶金额", "两位小数"),
        id="aid-three-decimals",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "帮扶到位", "--result", "x", "--aid", "-5"),
        ("帮扶金额", "非负数"),
        id="aid-negative",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "帮扶到位", "--result", "x", "--aid", "五百"),
        ("帮扶金额", "不是数字"),
        id="aid-not-a-number",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "帮扶到位", "--result", "x", "--aid", "1e1000000"),
        ("帮扶金额",),
        id="aid-absurd-exponent",
    ),
    pytest.param(
        ("close", "XF2025-0002", "--outcome", "帮扶到位", "--result", "x", "--aid", "NaN"),
        ("帮扶金额",),
        id="aid-nan",
    ),
    # required text that is blank
    pytest.param((*ADD[:6], "   "), ("反映问题",), id="blank-summary"),
    pytest.param(("reject", "XF2025-0001", "--reason", "  "), ("理由",), id="blank-reject-reason"),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "5", "--reason", " ", "--on", "2025-03-05"),
        ("理由",),
        id="blank-extend-reason",
    ),
    # unknown case numbers
    pytest.param(("show", "XF2025-0099"), ("XF2025-0099",), id="unknown-number-show"),
    pytest.param(("history", "XF2025-0099"), ("XF2025-0099",), id="unknown-number-history"),
    pytest.param(("assign", "XF2099-0001"), ("XF2099-0001",), id="unknown-number-assign"),
    pytest.param(("rate", "XF2025-0099", "满意"), ("XF2025-0099",), id="unknown-number-rate"),
    pytest.param(
        (*ADD, "--repeat-of", "XF2025-0099"), ("XF2025-0099",), id="unknown-number-repeat-of"
    ),
    # usage mistakes Typer catches, still in Chinese
    pytest.param(
        ("extend", "XF2025-0002", "--days", "abc", "--reason", "x"), ("--days",), id="days-not-int"
    ),
    pytest.param(("extend", "XF2025-0002", "--days", "5"), ("--reason",), id="missing-reason"),
    pytest.param(("assign",), ("缺少必填参数 编号",), id="missing-number"),
    pytest.param(("show", "XF2025-0001", "XF2025-0002"), ("多余的参数：XF2025-0002",), id="extra"),
    # numbers past what the ledger can hold: a rule where there is one, a message where not
    pytest.param(
        (*ADD, "--persons", "99999999999999999999"), ("人数最多为 1000000",), id="persons-huge"
    ),
    pytest.param(
        ("amend", "XF2025-0001", "--persons", "1000001", "--reason", "x"),
        ("人数最多为 1000000",),
        id="amend-persons-huge",
    ),
    pytest.param(("list", "--limit", "99999999999999999999"), ("数字太大",), id="limit-huge"),
    pytest.param(
        ("activity", "delete", "99999999999999999999", "--reason", "x"),
        ("数字太大",),
        id="activity-id-huge",
    ),
    # longer than the field is stored: refused by the commands as by `import` (which must take
    # back every `export --reveal`)
    pytest.param((*ADD, "--name", "王" * 65), ("--name", "最多 64 个字"), id="name-too-long"),
    pytest.param((*ADD, "--unit", "院" * 129), ("--unit", "最多 128 个字"), id="unit-too-long"),
    pytest.param(
        ("amend", "XF2025-0001", "--name", "王" * 65, "--reason", "x"),
        ("最多 64 个字",),
        id="amend-name-too-long",
    ),
    pytest.param(
        ("assign", "XF2025-0001", "--leader", "李" * 65), ("--leader", "最多 64 个字"), id="leader"
    ),
    # bytes that were not UTF-8 (a terminal in another encoding), and a text direction override
    pytest.param((*ADD[:-1], "宿舍\udcff漏水"), ("--summary", "不是 UTF-8"), id="summary-not-utf8"),
    pytest.param(
        (*ADD, "--name", "\u202e三张"), ("--name", "\\u202e"), id="name-direction-override"
    ),
    pytest.param(("list", "--search", "宿\udcff"), ("不是 UTF-8",), id="search-not-utf8"),
    # the operating system's reasons, in Chinese
    pytest.param(
        ("report", "annual", "--year", "2025", "--xlsx", "/nonexistent/年报.xlsx"),
        ("无法写入 /nonexistent/年报.xlsx：文件或目录不存在",),
        id="xlsx-into-missing-directory",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_exit_2_with_a_chinese_message_and_an_untouched_ledger(
    cases: Xf, snapshot: Snapshot, args: tuple[str, ...], message: tuple[str, ...]
) -> None:
    before = snapshot()
    r = cases(*args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr and "内部错误" not in r.stderr
    assert "错误" in r.stderr and r.stdout == ""
    for part in message:
        assert part in r.stderr, (part, r.stderr)
    assert snapshot() == before


NOT_ALLOWED = [
    pytest.param(
        ("extend", "XF2025-0005", "--days", "5", "--reason", "x", "--on", "2025-03-06"),
        ("只能延期一次",),
        id="second-extension",
    ),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "5", "--reason", "x", "--on", "2025-05-02"),
        ("2025-05-01", "到期"),
        id="extension-after-due-date",
    ),
    pytest.param(
        ("extend", "XF2025-0002", "--days", "5", "--reason", "x"),  # today: 2025-12-31
        ("到期",),
        id="extension-today-after-due-date",
    ),
    pytest.param(
        ("extend", "XF2025-0001", "--days", "5", "--reason", "x"),
        ("已登记",),
        id="extend-registered",
    ),
    pytest.param(
        ("close", "XF2025-0003", "--outcome", "解决到位", "--result", "x"),
        ("已办结", "不能办结"),
        id="close-closed",
    ),
    pytest.param(
        ("close", "XF2025-0001", "--outcome", "解决到位", "--result", "x"),
        ("已登记", "不能办结"),
        id="close-registered",
    ),
    pytest.param(
        ("close", "XF2025-0004", "--outcome", "解决到位", "--result", "x"),
        ("不予受理",),
        id="close-rejected",
    ),
    pytest.param(("rate", "XF2025-0002", "满意"), ("办理中", "不能评价"), id="rate-unclosed"),
    pytest.param(("rate", "XF2025-0001", "满意"), ("已登记", "不能评价"), id="rate-registered"),
    pytest.param(
        ("assign", "XF2025-0004", "--dept", "后勤处"), ("不予受理",), id="assign-rejected"
    ),
    pytest.param(("assign", "XF2025-0002"), ("办理中",), id="assign-twice"),
    pytest.param(("assign", "XF2025-0003"), ("已办结",), id="assign-closed"),
    pytest.param(("reject", "XF2025-0002", "--reason", "x"), ("办理中",), id="reject-handling"),
    pytest.param(("reject", "XF2025-0004", "--reason", "x"), ("不予受理",), id="reject-twice"),
]


@pytest.mark.parametrize(("args", "message"), NOT_ALLOWED)
def test_action_not_allowed_in_the_cases_state_is_exit_1(
    cases: Xf, snapshot: Snapshot, args: tuple[str, ...], message: tuple[str, ...]
) -> None:
    before = snapshot()
    refused(cases(*args), 1, *message)
    assert snapshot() == before


def test_a_valid_id_number_with_x_is_accepted(xf: Xf) -> None:
    r = ok(xf(*ADD, "--id-number", "11010519491231002x"))
    assert r.stdout.strip() == "XF2025-0001"
    assert "110105********002X" in xf("show", "XF2025-0001").stdout


@pytest.mark.parametrize("missing", ["--summary", "--channel"])
def test_add_without_a_terminal_and_a_required_field_is_exit_2(
    cases: Xf, snapshot: Snapshot, missing: str
) -> None:
    args = list(ADD)
    at = args.index(missing)
    del args[at : at + 2]
    before = snapshot()
    refused(cases(*args), 2, missing)
    assert snapshot() == before


def test_add_without_a_terminal_does_not_wait_for_a_prompt(tmp_path: Path) -> None:
    env = {**os.environ, "XINFANG_DB": str(tmp_path / "l.db")}
    started = time.monotonic()
    with open(os.devnull) as devnull:
        proc = subprocess.run(
            [sys.executable, "-m", "xinfang_cli", "add", "--summary", "宿舍漏水"],
            stdin=devnull,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    assert "--channel" in proc.stderr and "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "l.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--overdue"),
        ("show", "XF2025-0001"),
        ("history", "XF2025-0001"),
        ("taxonomy", "show"),
        ("classify", "--auto"),
    ],
)
def test_a_read_command_on_a_missing_ledger_is_exit_2_and_creates_nothing(
    xf: Xf, tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "wrong" / "path" / "ledger.db"
    r = xf(*args, db=missing)
    refused(r, 2, str(missing))
    assert not missing.exists()
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    "args",
    [
        (*ADD[:4], "来仿", *ADD[5:]),
        (*ADD, "--category", "宿舍"),
        (*ADD, "--phone", "123"),
        ("assign", "XF2025-0001"),
        ("taxonomy", "load", "no-such-file.toml"),
    ],
)
def test_a_failed_write_on_a_missing_ledger_leaves_no_ledger_behind(
    xf: Xf, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A cron job pointed at the wrong path must keep failing, not find an empty ledger there."""
    missing = tmp_path / "new.db"
    r = xf(*args, db=missing)
    assert r.exit_code == 2, r.stderr
    assert not missing.exists()
    assert not Path(str(missing) + "-wal").exists()
    refused(xf("list", db=missing), 2)


def corrupt(path: Path, content: bytes) -> None:
    path.write_bytes(content)


GARBAGE = [
    pytest.param(b"this is not a ledger at all\n" * 40, id="text"),
    pytest.param(bytes(range(256)) * 64, id="binary"),
]


@pytest.mark.parametrize("content", GARBAGE)
@pytest.mark.parametrize(
    "args",
    [("list",), ("show", "XF2025-0001"), ADD, ("init",), ("taxonomy", "show")],
    ids=["list", "show", "add", "init", "taxonomy"],
)
def test_a_corrupt_ledger_is_exit_2_in_chinese_without_a_traceback(
    xf: Xf, ledger_path: Path, content: bytes, args: tuple[str, ...]
) -> None:
    corrupt(ledger_path, content)
    r = xf(*args)
    refused(r, 2, "账本")
    assert "已损坏" in r.stderr or "不是" in r.stderr
    assert ledger_path.read_bytes() == content  # left exactly as it was


def test_a_truncated_ledger_is_exit_2_without_a_traceback(xf: Xf, ledger_path: Path) -> None:
    import sqlite3

    for _ in range(30):
        ok(xf(*ADD, "--content", "很长的内容" * 200))
    con = sqlite3.connect(ledger_path)
    try:  # move everything into the main file, so that cutting it loses real pages
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    data = ledger_path.read_bytes()
    assert len(data) > 100_000
    for suffix in ("-wal", "-shm"):
        Path(str(ledger_path) + suffix).unlink(missing_ok=True)
    ledger_path.write_bytes(data[: len(data) // 3])
    for args in (("list",), ("show", "XF2025-0030"), ADD):
        r = xf(*args)
        refused(r, 2, "账本")
        assert "已损坏" in r.stderr, r.stderr


def _other_database(tmp_path: Path) -> Path:
    """Another program's SQLite database: a table, but no ledger."""
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    return other


def test_a_sqlite_file_that_is_not_a_ledger_is_not_changed_by_a_read(
    xf: Xf, tmp_path: Path
) -> None:
    other = _other_database(tmp_path)
    before = other.read_bytes()
    refused(xf("list", db=other), 2, "账本")
    assert other.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("add", "--channel", "来访", "--summary", "宿舍漏水"),
        ("init",),
    ],
    ids=["add", "init"],
)
def test_a_write_never_adds_a_ledger_to_another_sqlite_database(
    xf: Xf, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A mistyped --db naming another program's database: refused, not a byte changed."""
    other = _other_database(tmp_path)
    before = other.read_bytes()
    refused(xf(*args, db=other), 2, "另一个 SQLite 数据库", "不会写入")
    assert other.read_bytes() == before


def test_an_empty_ledger_file_is_not_initialised_by_a_read(xf: Xf, ledger_path: Path) -> None:
    ledger_path.touch()
    refused(xf("list"), 2, "init")
    assert ledger_path.stat().st_size == 0


def test_dates_on_the_boundaries_are_accepted(xf: Xf) -> None:
    """The same day is not "before": accepted, closed and rated on the day of receipt; a leap day."""
    leap = add_case(xf, received="2024-02-29", summary="x", category="宿舍与住宿")
    accept(xf, leap, on="2024-02-29")
    close_case(xf, leap, result="x", on="2024-02-29")
    rate_case(xf, leap, rating="满意", on="2024-02-29")
    add_case(xf, received="2025-12-31", summary="今天的事")
