"""Ctrl-C: what the clerk is told matches what the ledger holds, before, at and after a commit."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from conftest import Run
from test_import import write_csv

Xf = Callable[..., Run]
HEADER = ["number", "received_on", "channel", "summary"]
ROWS = [
    ["XF2025-0001", "2025-05-06", "来信", "宿舍漏水"],
    ["XF2025-0002", "2025-05-07", "来电", "食堂涨价"],
]


def _cases(xf: Xf) -> list[str]:
    r = xf("list", "--json")
    return [c["number"] for c in json.loads(r.stdout)] if r.exit_code == 0 else []


def test_ctrl_c_as_the_import_commits_is_told_as_written(
    xf: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal lands while the commit runs: the commit completes, and the clerk is told the
    cases are in the ledger — not that it is unchanged."""
    assert xf("init").exit_code == 0
    commit = Session.commit

    def commit_then_ctrl_c(self: Session) -> None:
        commit(self)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(Session, "commit", commit_then_ctrl_c)
    r = xf("import", str(write_csv(tmp_path / "a.csv", HEADER, ROWS)))
    monkeypatch.undo()
    assert r.exit_code == 2
    assert "已中断" in r.stderr and "已写入账本" in r.stderr and "未改动" not in r.stderr
    assert _cases(xf) == ["XF2025-0001", "XF2025-0002"]
    assert xf("verify").exit_code == 0


def test_ctrl_c_after_the_commit_is_told_as_written(
    xf: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the import refreshes the planner's statistics, after its commit."""
    from xinfang_cli import importer

    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "_analyze", interrupted)
    r = xf("import", str(write_csv(tmp_path / "a.csv", HEADER, ROWS)))
    monkeypatch.undo()
    assert r.exit_code == 2 and "已中断" in r.stderr and "已写入账本" in r.stderr
    assert _cases(xf) == ["XF2025-0001", "XF2025-0002"]


def test_ctrl_c_before_the_commit_changes_nothing(
    xf: Xf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert xf("init").exit_code == 0
    from xinfang_cli import importer

    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "run_import", interrupted)
    r = xf("import", str(write_csv(tmp_path / "a.csv", HEADER, ROWS)))
    monkeypatch.undo()
    assert r.exit_code == 2 and "已取消，账本未改动" in r.stderr
    assert _cases(xf) == []
