"""`xinfang verify`: a ledger written only through xinfang verifies clean; any change made behind
its back (a case row, an event, a deleted event, a damaged file) is found and named."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
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
    rate_case,
    reject_case,
    succeed,
)

Xf = Callable[..., Run]
ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_data" / "cases.csv"

SMALL_CSV = (
    "编号,信访日期,信访形式,信访人,反映问题,事项类别,受理日期,主办单位,协办单位,延期天数,延期理由,"
    "办结日期,办理结果类型,办理结果,帮扶金额,满意度\r\n"
    "XF2025-0101,2025-05-06,来信,赵六,食堂饭菜涨价,餐饮与食堂,2025-05-07,后勤处,资产处、保卫处,"
    "10,需核价,2025-05-20,解决到位,已调价,120.50,基本满意\r\n"
    "XF2025-0102,2025-05-08,来电,,自习室座位紧张,,,,,,,,,,,\r\n"
)


def build_ledger(run: Callable[..., Run]) -> None:
    """Every kind of event: the whole lifecycle, a rejection, a reveal, reminders, an import,
    and a taxonomy update that moves a category (and its cases) to another group."""
    zhang = ("--name", "张三", "--phone", "13812345678")
    tap = add_case(run, *zhang, received="2025-03-01", summary="宿舍307水龙头漏水")
    succeed(run, "classify", tap, "--category", "宿舍与住宿", "--nature", "申诉求决")
    accept(run, tap, dept="后勤处", co=["资产处", "保卫处"], leader="王处长", on="2025-03-02")
    extend_case(run, tap, days=10, reason="需更换管道", approver="李主任", on="2025-03-05")
    close_case(run, tap, result="已更换", aid="80.5", on="2025-03-20")
    rate_case(run, tap, rating="满意", on="2025-03-21")
    add_case(
        run,
        "--nature",
        "检举控告",
        received="2025-04-01",
        channel="来信",
        summary="某教师收受礼品",
        category="师德师风与作风",
    )
    fees = add_case(run, "--bypass", received="2025-04-02", channel="来电", summary="要求退还学费")
    reject_case(run, fees, reason="属诉讼事项", referral="人民法院", on="2025-04-03")
    add_case(run, received="2025-12-01", summary="食堂饭菜涨价", category="餐饮与食堂")
    succeed(run, "show", tap, "--reveal")
    assert run("overdue", "--new").exit_code == 1  # overdue cases, now recorded as reminders
    directory = Path(tempfile.mkdtemp(prefix="xinfang-verify-"))
    csv_file = directory / "小台账.csv"
    csv_file.write_text(SMALL_CSV, encoding="utf-8")
    succeed(run, "import", str(csv_file))
    toml = directory / "分类.toml"
    succeed(run, "taxonomy", "export", str(toml))
    source = toml.read_text(encoding="utf-8")
    moved = source.replace(
        'key = "canteen"\nname = "餐饮与食堂"\ngroup = "logistics"',
        'key = "canteen"\nname = "餐饮与食堂"\ngroup = "other"',
    )
    assert moved != source
    toml.write_text(moved, encoding="utf-8")
    succeed(run, "taxonomy", "load", str(toml))
    shutil.rmtree(directory)


@pytest.fixture(scope="module")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_ledger)


@pytest.fixture
def ledger(xf: Xf, ledger_template: Path, ledger_path: Path) -> Xf:
    copy_ledger(ledger_template, ledger_path)
    return xf


def tamper(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def problems(xf: Xf) -> tuple[Run, list[dict[str, object]]]:
    r = xf("verify", "--json")
    return r, json.loads(r.stdout)["problems"]


def event_id(path: Path, number: str, action: str) -> int:
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT id FROM events WHERE case_number = ? AND action = ? ORDER BY id LIMIT 1",
            (number, action),
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def test_a_ledger_kept_by_xinfang_verifies_clean(ledger: Xf, snapshot) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    r = ledger("verify", "-v")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert "账本校验通过：6 件案件" in r.stderr and "哈希链完整" in r.stderr
    data = json.loads(ledger("verify", "--json").stdout)
    assert data["ok"] is True and data["complete"] is True
    assert data["cases"] == 6 and data["problems"] == [] and data["problem_count"] == 0
    assert data["events"] > 15  # an imported case is one event, its whole state
    assert snapshot() == before  # verify only reads


def test_the_template_really_has_every_kind_of_event(ledger_template: Path) -> None:
    con = sqlite3.connect(ledger_template)
    try:
        actions = {a for (a,) in con.execute("SELECT DISTINCT action FROM events")}
        moved = con.execute(
            "SELECT count(*) FROM events WHERE action = 'classify' AND reason LIKE '分类体系更新%'"
        ).fetchone()[0]
    finally:
        con.close()
    assert {
        "init",
        "register",
        "classify",
        "assign",
        "extend",
        "close",
        "rate",
        "reject",
    } <= actions
    assert {"reveal", "remind", "taxonomy_load"} <= actions
    assert moved == 2  # both canteen cases followed their category to its new group


def test_a_changed_status_and_closing_date_are_named(ledger: Xf, ledger_path: Path) -> None:
    tamper(
        ledger_path,
        "UPDATE cases SET status = 'closed', closed_on = '2025-05-01' WHERE number = 'XF2025-0004'",
    )
    r = ledger("verify")
    assert r.exit_code == 1
    assert "XF2025-0004" in r.stdout and "状态" in r.stdout and "办结日期" in r.stdout
    assert "发现 2 个问题" in r.stderr
    _, found = problems(ledger)
    assert {(p["case"], p["field"]) for p in found} == {
        ("XF2025-0004", "status"),
        ("XF2025-0004", "closed_on"),
    }


def test_a_changed_amount_and_co_department_are_found(ledger: Xf, ledger_path: Path) -> None:
    tamper(
        ledger_path,
        "UPDATE cases SET aid_fen = 99999 WHERE number = 'XF2025-0001'",
        "DELETE FROM co_departments WHERE dept = '保卫处' AND case_id = "
        "(SELECT id FROM cases WHERE number = 'XF2025-0101')",
    )
    r, found = problems(ledger)
    assert r.exit_code == 1
    assert {(p["case"], p["field"]) for p in found} == {
        ("XF2025-0001", "aid_fen"),
        ("XF2025-0101", "co_depts"),
    }
    text = ledger("verify").stdout
    assert "999.99 元" in text and "80.50 元" in text


def test_an_edited_event_is_named_by_its_seal(ledger: Xf, ledger_path: Path) -> None:
    target = event_id(ledger_path, "XF2025-0001", "close")
    tamper(
        ledger_path,
        f"UPDATE events SET changes = replace(changes, '已更换', '未处理') WHERE id = {target}",
    )
    r = ledger("verify")
    assert r.exit_code == 1
    assert f"#{target}" in r.stdout and "XF2025-0001" in r.stdout and "办结" in r.stdout
    _, found = problems(ledger)
    seals = [p for p in found if p["kind"] == "seal"]
    assert [p["event"] for p in seals] == [target]
    # the edited event now disagrees with the case row as well
    assert ("XF2025-0001", "result") in {(p["case"], p.get("field")) for p in found}


def test_an_edited_event_with_a_recomputed_hash_breaks_the_chain(
    ledger: Xf, ledger_path: Path
) -> None:
    from xinfang_cli.audit import seal
    from xinfang_cli.models import Event

    target = event_id(ledger_path, "XF2025-0003", "reject")
    con = sqlite3.connect(ledger_path)
    row = con.execute(
        "SELECT prev_hash, case_number, at, on_date, actor, action, changes, reason, salt "
        "FROM events WHERE id = ?",
        (target,),
    ).fetchone()
    con.close()
    from datetime import date

    event = Event(
        prev_hash=row[0],
        case_number=row[1],
        at=row[2],
        on_date=date.fromisoformat(row[3]),
        actor="伪造者",
        action=row[5],
        changes=row[6],
        reason=row[7],
        hash="",
        salt=row[8],  # the forger has the whole file: the salt too
    )
    tamper(
        ledger_path,
        f"UPDATE events SET actor = '伪造者', hash = '{seal(event)}' WHERE id = {target}",
    )
    r, found = problems(ledger)
    assert r.exit_code == 1
    assert [p["kind"] for p in found] == ["chain"]
    assert found[0]["event"] == target + 1


def test_a_deleted_event_breaks_the_chain(ledger: Xf, ledger_path: Path) -> None:
    target = event_id(ledger_path, "XF2025-0001", "extend")
    tamper(ledger_path, f"DELETE FROM events WHERE id = {target}")
    r = ledger("verify")
    assert r.exit_code == 1
    assert "哈希链断开" in r.stdout and f"#{target + 1}" in r.stdout
    _, found = problems(ledger)
    kinds = {p["kind"] for p in found}
    assert "chain" in kinds
    # and the case no longer agrees with what is left of its log
    assert ("XF2025-0001", "extended_days") in {(p["case"], p.get("field")) for p in found}


def test_a_case_without_registration_and_events_without_a_case(
    ledger: Xf, ledger_path: Path
) -> None:
    tamper(ledger_path, "UPDATE cases SET number = 'XF2025-0999' WHERE number = 'XF2025-0002'")
    r = ledger("verify")
    assert r.exit_code == 1
    assert "案件 XF2025-0999 没有登记记录" in r.stdout
    assert "XF2025-0002" in r.stdout and "账本中没有这件案件" in r.stdout


def test_personal_data_stays_masked_in_problems(ledger: Xf, ledger_path: Path) -> None:
    tamper(ledger_path, "UPDATE cases SET phone = '13900001111' WHERE number = 'XF2025-0001'")
    r = ledger("verify")
    assert r.exit_code == 1 and "联系电话" in r.stdout
    assert "13900001111" not in r.stdout and "13812345678" not in r.stdout
    assert "139****1111" in r.stdout


def test_a_damaged_index_is_reported(ledger: Xf, ledger_path: Path) -> None:
    tamper(
        ledger_path,
        "PRAGMA writable_schema = ON",
        # an index that no longer matches its table is what integrity_check is for
        "UPDATE sqlite_master SET sql = replace(sql, '(case_number)', '(actor)') "
        "WHERE name = 'ix_events_case_number'",
    )
    r = ledger("verify")
    assert r.exit_code == 1
    assert "数据库完整性检查未通过" in r.stdout and "ix_events_case_number" in r.stdout
    assert "未再核对" in r.stderr
    assert json.loads(ledger("verify", "--json").stdout)["complete"] is False


def test_a_corrupt_file_is_exit_2(xf: Xf, ledger_path: Path) -> None:
    ledger_path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4096)
    r = xf("verify")
    assert r.exit_code == 2
    assert r.stderr.startswith("错误：") and "Traceback" not in r.stderr


def test_a_missing_ledger_is_exit_2_and_is_not_created(xf: Xf, ledger_path: Path) -> None:
    r = xf("verify")
    assert r.exit_code == 2 and "账本不存在" in r.stderr
    assert not any(p.name.startswith("ledger.db") for p in ledger_path.parent.iterdir())


def test_the_sample_ledger_verifies(xf: Xf) -> None:
    assert xf("import", str(SAMPLE)).exit_code == 0
    r = xf("verify", "-v")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "729 件案件" in r.stderr
