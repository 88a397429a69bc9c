"""`xinfang restore BACKUP`: the backup is checked first; the ledger and its -wal/-shm are moved
aside, never deleted; a stale WAL of a killed process is never replayed onto the backup; the
ledger keeps its mode; the restore is in the audit log; no case number is ever given twice."""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import Run, ok

Xf = Callable[..., Run]
ADD = ("add", "--received", "2025-03-01", "--channel", "来访", "--summary")

# A clerk's process, stopped dead: committed cases still only in the WAL (no checkpoint), and
# a registration half-written in an open transaction.
WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from xinfang_cli.fields import build_input
    from xinfang_cli.ledger import open_ledger
    from xinfang_cli.lifecycle import register

    ledger = open_ledger(sys.argv[1], actor="被中断的文员", create=False)
    def add(summary):
        data = build_input(ledger.taxonomy, {"received_on": date(2025, 3, 2), "channel": "来电", "summary": summary})
        register(ledger, session, log, data, today=date(2025, 12, 31))
    for summary in ("备份后第一件", "备份后第二件"):
        with ledger.transaction() as (session, log):
            add(summary)
    with ledger.transaction() as (session, log):
        add("未提交")
        session.flush()
        print("ready", flush=True)
        time.sleep(120)
    """
)

# A clerk's command that has the ledger open (here: a long read).
READER = textwrap.dedent(
    """
    import sys, time
    from sqlmodel import select
    from xinfang_cli.ledger import open_ledger
    from xinfang_cli.models import Case

    ledger = open_ledger(sys.argv[1], actor="读者", create=False)
    with ledger.reading() as session:
        list(session.exec(select(Case)))
        print("ready", flush=True)
        time.sleep(120)
    """
)


@contextmanager
def process(script: str, ledger: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(ledger)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def numbers(xf: Xf, db: Path | None = None) -> list[str]:
    r = ok(xf("list", "--json", db=db)) if db else ok(xf("list", "--json"))
    return [case["number"] for case in json.loads(r.stdout)]


def files(directory: Path) -> list[str]:
    """The files in a directory, but for the -wal/-shm of ledgers this test process has open."""
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(("-wal", "-shm")))


@pytest.fixture
def backed_up(xf: Xf, ledger_path: Path, tmp_path: Path) -> Path:
    """A ledger with two cases, backed up; the backup sits in its own directory."""
    ok(xf(*ADD, "宿舍漏水"))
    ok(xf(*ADD, "食堂涨价"))
    (tmp_path / "backups").mkdir()
    backup = tmp_path / "backups" / "ledger-2025-12-31T0730.db"
    ok(xf("backup", str(backup)))
    # The commands above ran in this process and may keep their connections pooled until
    # collected. `xinfang restore` runs in a process of its own; as here, nothing else in it has
    # the ledger open (a connection left open in the restoring process would act on the files
    # moved aside when it is finally closed).
    gc.collect()
    return backup


def test_restore_over_a_stale_wal_of_a_killed_process(
    xf: Xf, ledger_path: Path, backed_up: Path, tmp_path: Path
) -> None:
    os.chmod(ledger_path, 0o660)  # a ledger shared with its group: the mode must survive
    with process(WRITER, ledger_path) as writer:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    wal = Path(f"{ledger_path}-wal")
    assert wal.stat().st_size > 0  # the killed process's WAL is still there, not checkpointed
    wal_bytes = wal.read_bytes()

    r = ok(xf("restore", str(backed_up)))

    assert numbers(xf) == ["XF2025-0001", "XF2025-0002"]  # the backup's cases
    v = xf("verify", "--json")
    assert v.exit_code == 0, v.stdout
    assert json.loads(v.stdout)["ok"] is True
    assert stat.S_IMODE(ledger_path.stat().st_mode) == 0o660
    # the old ledger and its WAL and shm are kept aside under one name, the WAL byte for byte
    aside = [p.name for p in tmp_path.iterdir() if p.name.startswith("ledger.db.replaced-")]
    base = min(aside, key=len)
    assert sorted(aside) == sorted([base, f"{base}-shm", f"{base}-wal"])
    assert (tmp_path / f"{base}-wal").read_bytes() == wal_bytes
    assert not any(n.startswith(".xinfang-") for n in files(tmp_path))
    # ... and opened with --db it still has everything that was committed, nothing half-written
    assert numbers(xf, tmp_path / base) == [f"XF2025-000{n}" for n in (1, 2, 3, 4)]
    # what the clerk is told: the numbers issued after the backup, and where numbering goes on
    assert "原账本已移到一旁（未删除）" in r.stderr and base in r.stderr
    assert "XF2025-0003、XF2025-0004" in r.stderr
    assert "新登记的编号将从 XF2025-0005 起" in r.stderr
    assert "权限 0660（与原账本相同）" in r.stderr
    # numbering never hands out XF2025-0003 again: it was given to a petitioner
    assert ok(xf(*ADD, "恢复后第一件")).stdout.strip() == "XF2025-0005"


def test_the_restore_is_in_the_audit_log_and_verify_still_passes(
    xf: Xf, ledger_path: Path, backed_up: Path
) -> None:
    ok(xf(*ADD, "备份后"))
    ok(xf("restore", str(backed_up)))
    con = sqlite3.connect(ledger_path)
    try:
        actor, changes, reason = con.execute(
            "SELECT actor, changes, reason FROM events WHERE action = 'restore'"
        ).fetchone()
    finally:
        con.close()
    # taken at: the time in the backup's dated name (ledger-2025-12-31T0730.db)
    assert reason == "从备份恢复：备份取于 2025-12-31 07:30:00（ledger-2025-12-31T0730.db）"
    assert json.loads(changes)["next_numbers"] == [None, ["XF2025-0004"]]
    assert json.loads(changes)["issued_after_backup"] == [None, ["XF2025-0003"]]
    assert actor.startswith("测试员")
    ok(xf("assign", "XF2025-0001", "--dept", "后勤处", "--on", "2025-03-02"))
    assert xf("verify").exit_code == 0
    # the restore event is sealed in the chain like any other: altering it is found
    con = sqlite3.connect(ledger_path)
    with con:
        con.execute("UPDATE events SET reason = '改过' WHERE action = 'restore'")
    con.close()
    r = xf("verify")
    assert r.exit_code == 1 and "从备份恢复" in r.stdout and "被改动过" in r.stdout


def test_next_number_continues_from_the_given_number_for_add_and_import(
    xf: Xf, ledger_path: Path, backed_up: Path, tmp_path: Path
) -> None:
    ledger_path.unlink()  # the ledger is lost: nothing can tell which numbers came after
    r = xf("restore", str(backed_up))
    assert r.exit_code == 2 and "--next-number" in r.stderr and "XF2025-0002" in r.stderr
    assert not ledger_path.exists() and not any(n.startswith(".xinfang-") for n in files(tmp_path))

    ok(xf("restore", str(backed_up), "--next-number", "XF2025-0060"))
    assert ok(xf(*ADD, "恢复后")).stdout.strip() == "XF2025-0060"
    assert ok(xf(*ADD, "又一件")).stdout.strip() == "XF2025-0061"
    rows = tmp_path / "cases.csv"
    rows.write_text("信访日期,信访形式,反映问题\n2025-04-01,来信,补录一件\n", encoding="utf-8")
    ok(xf("import", str(rows)))
    assert numbers(xf)[-1] == "XF2025-0062"
    # a case re-entered from paper keeps the number it was given before the loss
    old = tmp_path / "old.csv"
    old.write_text(
        "编号,信访日期,信访形式,反映问题\nXF2025-0003,2025-03-02,来电,丢失的一件\n", "utf-8"
    )
    ok(xf("import", str(old)))
    assert "XF2025-0003" in numbers(xf)
    assert ok(xf(*ADD, "再一件")).stdout.strip() == "XF2025-0063"
    # another year is untouched by the floor
    r = ok(xf("add", "--received", "2024-05-01", "--channel", "来访", "--summary", "旧"))
    assert r.stdout.strip() == "XF2024-0001"
    assert xf("verify").exit_code == 0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("XF2025-0002", "已经发出过"),
        ("XF2025-0004", "已经发出过"),  # the current ledger already gave 0004
        ("AB2025-0100", "前缀"),
        ("第60号", "格式"),
    ],
)
def test_a_next_number_that_would_reuse_a_number_is_refused(
    xf: Xf, ledger_path: Path, backed_up: Path, snapshot, given: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    ok(xf(*ADD, "备份后一"))
    ok(xf(*ADD, "备份后二"))
    before = snapshot()
    r = xf("restore", str(backed_up), "--next-number", given)
    assert r.exit_code == 2 and message in r.stderr and r.stderr.count("\n") == 1
    assert snapshot() == before


def test_a_ledger_in_use_is_not_restored(
    xf: Xf, ledger_path: Path, backed_up: Path, tmp_path: Path, snapshot
) -> None:  # type: ignore[no-untyped-def]
    ok(xf(*ADD, "备份后"))
    before = snapshot()
    listing = files(tmp_path)
    with process(READER, ledger_path):
        r = xf("restore", str(backed_up))
    assert r.exit_code == 2 and "正在使用中" in r.stderr and "cron" in r.stderr
    assert snapshot() == before and files(tmp_path) == listing


def test_a_backup_that_fails_verify_is_refused_before_anything_changes(
    xf: Xf, ledger_path: Path, backed_up: Path, tmp_path: Path, snapshot
) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(backed_up)
    with con:
        con.execute("UPDATE cases SET summary = '被改动' WHERE number = 'XF2025-0001'")
    con.close()
    before, listing = snapshot(), files(tmp_path)
    r = xf("restore", str(backed_up))
    assert r.exit_code == 1 and "未通过校验" in r.stderr and "账本未改动" in r.stderr
    assert snapshot() == before and files(tmp_path) == listing


@pytest.mark.parametrize("kind", ["junk", "missing", "directory", "itself"])
def test_what_is_not_a_backup_is_exit_2(
    xf: Xf, ledger_path: Path, tmp_path: Path, snapshot, kind: str
) -> None:  # type: ignore[no-untyped-def]
    ok(xf(*ADD, "宿舍漏水"))
    before, listing = snapshot(), files(tmp_path)
    target = {
        "junk": tmp_path / "junk.db",
        "missing": tmp_path / "nowhere.db",
        "directory": tmp_path,
        "itself": ledger_path,
    }[kind]
    if kind == "junk":
        target.write_bytes(b"not a database" * 200)
        listing = files(tmp_path)
    r = xf("restore", str(target), "--next-number", "XF2025-0010")
    assert r.exit_code == 2 and r.stderr.startswith("错误：") and r.stderr.count("\n") == 1
    assert snapshot() == before and files(tmp_path) == listing


def test_a_server_ledger_points_to_its_own_tools(xf: Xf, backed_up: Path) -> None:
    r = xf("restore", str(backed_up), db="postgresql+psycopg://clerk:secret@db.example/xf")
    assert r.exit_code == 2 and "pg_restore" in r.stderr and "secret" not in r.stderr
