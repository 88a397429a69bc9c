"""`xinfang backup FILE`: a consistent, private copy taken while others write; never overwrites
by accident, never copies onto the ledger, never creates a missing ledger."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run, accept, add_case, build_template, close_case, copy_ledger

Xf = Callable[..., Run]


def build_ledger(run: Callable[..., Run]) -> None:
    """XF2025-0001 closed 03-10 by 后勤处 with 资产处; XF2025-0002 a letter, registered only."""
    dorm = add_case(run, received="2025-03-01", category="宿舍与住宿")
    accept(run, dorm, dept="后勤处", co=["资产处"], on="2025-03-02")
    close_case(run, dorm, on="2025-03-10")
    add_case(run, received="2025-04-01", channel="来信", summary="食堂涨价")


@pytest.fixture(scope="module")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_ledger)


@pytest.fixture
def ledger(xf: Xf, ledger_template: Path, ledger_path: Path) -> Xf:
    copy_ledger(ledger_template, ledger_path)
    return xf


def listing(xf: Xf, db: Path) -> list[dict[str, object]]:
    r = xf("list", "--json", db=db)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".xinfang-"))


def test_the_copy_is_the_ledger_private_and_checked(
    ledger: Xf, ledger_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "备份" / "台账-2025-12-31.db"
    target.parent.mkdir()
    r = ledger("backup", "-v", str(target))
    assert r.exit_code == 0, r.stderr
    assert f"已备份到 {target}（2 件案件，大小 " in r.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # one self-contained file: no temporary file, no -wal or -shm beside it
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert listing(ledger, target) == listing(ledger, ledger_path)
    assert ledger("verify", db=target).exit_code == 0


def test_a_backup_during_an_open_write_has_the_committed_state_only(
    ledger: Xf, ledger_path: Path, tmp_path: Path
) -> None:
    from xinfang_cli.fields import build_input
    from xinfang_cli.ledger import open_ledger
    from xinfang_cli.lifecycle import register

    before = listing(ledger, ledger_path)
    writer = open_ledger(str(ledger_path), actor="写者", create=False)
    target = tmp_path / "backup.db"
    try:
        with writer.transaction() as (session, log):
            data = build_input(
                writer.taxonomy,
                {"received_on": date(2025, 5, 1), "channel": "来电", "summary": "尚未提交"},
            )
            register(writer, session, log, data, today=date(2025, 12, 31))
            session.flush()  # the row is written inside the open transaction, not committed
            # The writer never commits during the backup: had the backup waited for it, it would
            # have failed with "locked" after the busy timeout instead of succeeding.
            r = ledger("backup", "-v", str(target))
            assert r.exit_code == 0, r.stderr
    finally:
        writer.engine.dispose()
    assert listing(ledger, target) == before
    assert "（2 件案件" in r.stderr
    after = listing(ledger, ledger_path)  # the write committed afterwards, into the ledger only
    assert len(after) == len(before) + 1
    assert ledger("verify", db=target).exit_code == 0


def test_an_existing_file_is_kept_unless_force(
    ledger: Xf, ledger_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "old.db"
    target.write_bytes(b"an older backup")
    r = ledger("backup", str(target))
    assert r.exit_code == 2 and "已存在" in r.stderr and "--force" in r.stderr
    assert target.read_bytes() == b"an older backup"
    r = ledger("backup", str(target), "--force")
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert listing(ledger, target) == listing(ledger, ledger_path)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_the_ledger_itself_is_refused(
    ledger: Xf, ledger_path: Path, tmp_path: Path, snapshot, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    if spelling == "same":
        target = ledger_path
    elif spelling == "dotted":
        (tmp_path / "sub").mkdir()
        target = tmp_path / "sub" / ".." / ledger_path.name
    else:
        target = tmp_path / "link.db"
        os.symlink(ledger_path, target)
    r = ledger("backup", str(target), "--force")
    assert r.exit_code == 2 and "账本本身" in r.stderr
    assert snapshot() == before
    assert leftovers(tmp_path) == []


def test_a_missing_ledger_is_exit_2_and_nothing_is_created(xf: Xf, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    r = xf("backup", str(target), db=tmp_path / "nowhere.db")
    assert r.exit_code == 2 and "账本不存在" in r.stderr
    assert not (tmp_path / "nowhere.db").exists() and not target.exists()
    assert leftovers(tmp_path) == []


def test_a_file_that_is_not_a_ledger_is_refused(xf: Xf, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    target = tmp_path / "backup.db"
    r = xf("backup", str(target), db=junk)
    assert r.exit_code == 2 and r.stderr.startswith("错误：")
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_missing_directory_is_exit_2(ledger: Xf, tmp_path: Path) -> None:
    r = ledger("backup", str(tmp_path / "no-such-dir" / "b.db"))
    assert r.exit_code == 2 and "不存在" in r.stderr
    assert not (tmp_path / "no-such-dir").exists()


def test_a_server_ledger_points_to_its_own_tools(xf: Xf, tmp_path: Path) -> None:
    r = xf("backup", str(tmp_path / "b.db"), db="postgresql+psycopg://clerk:secret@db.example/xf")
    assert r.exit_code == 2 and "pg_dump" in r.stderr
    assert "secret" not in r.stderr
    assert not (tmp_path / "b.db").exists()


def test_backup_dir_keep_2_run_three_times_keeps_the_newest_two(
    ledger: Xf, ledger_path: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / "notes.txt").write_text("not a backup")
    (directory / "other-2025-01-01T0000.db").write_bytes(b"another ledger's backup")
    made = []
    for _ in range(3):
        r = ledger("backup", str(directory), "--keep", "2", "-v")
        assert r.exit_code == 0, r.stderr
        made.append(r.stderr.split("已备份到 ", 1)[1].split("（", 1)[0])
    names = sorted(p.name for p in directory.iterdir())
    kept = sorted(Path(m).name for m in made[1:])
    assert names == sorted([*kept, "notes.txt", "other-2025-01-01T0000.db"])
    assert all(re.fullmatch(r"ledger-\d{4}-\d{2}-\d{2}T\d{4}(\d{2})?(_\d+)?\.db", n) for n in kept)
    assert sorted(made) == made  # the names sort in the order they were made (ls | tail -n 1)
    assert not Path(made[0]).exists()  # the oldest went
    assert "已删除较早的备份 1 份" in r.stderr
    for name in kept:
        assert listing(ledger, directory / name) == listing(ledger, ledger_path)


def test_keep_needs_a_directory_and_a_positive_count(ledger: Xf, tmp_path: Path) -> None:
    r = ledger("backup", str(tmp_path / "b.db"), "--keep", "2")
    assert r.exit_code == 2 and "--keep 只用于备份到目录" in r.stderr
    r = ledger("backup", str(tmp_path), "--keep", "0")
    assert r.exit_code == 2 and "--keep" in r.stderr
    assert leftovers(tmp_path) == [] and not list(tmp_path.glob("ledger-*.db"))


def test_a_backup_is_one_file_in_rollback_mode(ledger: Xf, tmp_path: Path) -> None:
    """Readable where it cannot be written (test_shared: a clerk opens the group's backup)."""
    target = tmp_path / "b.db"
    assert ledger("backup", str(target)).exit_code == 0
    con = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.glob("b.db*")) == ["b.db"]


def test_reading_a_backup_does_not_change_it(ledger: Xf, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    assert ledger("backup", str(target)).exit_code == 0
    before = target.read_bytes()
    for args in (("verify",), ("list",), ("report", "annual", "--year", "2025"), ("doctor",)):
        assert ledger(*args, db=target).exit_code == 0, args
    assert target.read_bytes() == before  # not even put into WAL mode
    assert sorted(p.name for p in tmp_path.glob("b.db*")) == ["b.db"]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI as cron runs it: a separate process, stdout and stderr pipes, no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "xinfang_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_backup_and_verify_are_silent_on_success_without_a_terminal(
    ledger: Xf, ledger_path: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "XINFANG_DB": str(ledger_path)}
    (tmp_path / "backups").mkdir()
    for args in (["backup", str(tmp_path / "backups"), "--keep", "7"], ["verify"]):
        proc = cli(*args, env=env)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", ""), args
        loud = cli(*args, "-v", env=env)
        assert loud.returncode == 0 and loud.stdout == ""
        assert loud.stderr.startswith(("已备份到", "账本校验通过")), loud.stderr
    # and a failure still speaks
    proc = cli("verify", env={**env, "XINFANG_DB": str(tmp_path / "nowhere.db")})
    assert proc.returncode == 2 and "账本不存在" in proc.stderr
