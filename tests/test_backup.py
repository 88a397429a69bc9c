"""`xinfang backup FILE`: a consistent, private copy taken while others write; never overwrites
by accident, never copies onto the ledger, never creates a missing ledger."""

from __future__ import annotations

import json
import os
import stat
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
    r = ledger("backup", str(target))
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
            r = ledger("backup", str(target))
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


def test_a_missing_directory_or_a_directory_target_is_exit_2(ledger: Xf, tmp_path: Path) -> None:
    r = ledger("backup", str(tmp_path / "no-such-dir" / "b.db"))
    assert r.exit_code == 2 and "不存在" in r.stderr
    r = ledger("backup", str(tmp_path))
    assert r.exit_code == 2 and "目录" in r.stderr


def test_a_server_ledger_points_to_its_own_tools(xf: Xf, tmp_path: Path) -> None:
    r = xf("backup", str(tmp_path / "b.db"), db="postgresql+psycopg://clerk:secret@db.example/xf")
    assert r.exit_code == 2 and "pg_dump" in r.stderr
    assert "secret" not in r.stderr
    assert not (tmp_path / "b.db").exists()
