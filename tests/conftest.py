"""Shared test fixtures: every test gets its own data directory and ledger; nothing real is touched."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinfang_cli.cli.main import app


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("XINFANG_DB", raising=False)
    monkeypatch.setenv("XINFANG_USER", "测试员")
    monkeypatch.setenv("XINFANG_TODAY", "2025-12-31")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def xf(ledger_path: Path) -> Callable[..., Run]:
    """Run `xinfang --db <temp ledger> ARGS…` in-process; returns exit code, stdout, stderr."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, db: Path | str | None = None) -> Run:
        target = str(db if db is not None else ledger_path)
        result = runner.invoke(app, ["--db", target, *args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table, to assert that a refused command left the ledger untouched."""
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return [(t, list(con.execute(f'SELECT * FROM "{t}" ORDER BY rowid'))) for t in tables]
    finally:
        con.close()


@pytest.fixture
def snapshot(ledger_path: Path) -> Callable[[], list[tuple[str, list[tuple[object, ...]]]]]:
    return lambda: dump(ledger_path)
