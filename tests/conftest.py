"""Shared test fixtures: every test gets its own data directory and ledger; nothing real is touched."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xinfang_cli.cli.main import app


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    # no configuration file of the machine running the tests applies (/etc/xinfang, ~/.config)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XINFANG_SYSTEM_CONFIG", str(tmp_path / "etc" / "config.toml"))
    monkeypatch.delenv("XINFANG_DB", raising=False)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def ok(run: Run) -> Run:
    """The command succeeded (and never showed a traceback)."""
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    return run


def show(xf: Callable[..., Run], number: str, *extra: str) -> dict[str, Any]:
    """`show NUMBER --json` as a dict."""
    data = json.loads(ok(xf("show", number, "--json", *extra)).stdout)
    assert isinstance(data, dict)
    return data


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


TEST_ENV = {
    "XINFANG_USER": "测试员",
    "XINFANG_TODAY": "2025-12-31",
    "NO_COLOR": "1",
    "COLUMNS": "160",
}


def build_template(
    factory: pytest.TempPathFactory, build: Callable[[Callable[..., Run]], None]
) -> Path:
    """A ledger built once (per test module) through the real CLI by `build(run)`."""
    path = factory.mktemp("template") / "ledger.db"
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(app, ["--db", str(path), *args])
        return Run(result.exit_code, result.stdout, result.stderr)

    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_DATA_HOME", str(path.parent / "xdg"))
        env.setenv("XDG_CONFIG_HOME", str(path.parent / "xdg-config"))
        env.setenv("XINFANG_SYSTEM_CONFIG", str(path.parent / "etc" / "config.toml"))
        env.delenv("XINFANG_DB", raising=False)
        for name, value in TEST_ENV.items():
            env.setenv(name, value)
        build(run)
    return path


def copy_ledger(source: Path, target: Path) -> None:
    """A private copy of a template ledger (the backup API also copies what is still in the WAL)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    target.chmod(0o600)  # as xinfang makes a ledger (a world-readable one is warned about)


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
