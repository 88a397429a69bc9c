"""Shared test fixtures: every test gets its own data directory and ledger; nothing real is touched."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
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


# --- factories: cases built through the real CLI ---------------------------------------------
# Each drives whatever runner it is given: the `xf` fixture (which also takes `db=` to work on
# another ledger) or the `run` of a `build_template` build (which does not). Each asserts that its
# command succeeded, naming the command if it did not. The defaults tell one small story: received
# 2025-03-01 by visit (来访), accepted 03-02, extended 03-05, closed 03-10, rated 03-11; rejected
# 03-02. `extra` are further options of the command, e.g. "--name", "张三" for `add`. `on=None`
# leaves the date out, so that it defaults to today (XINFANG_TODAY).

Runner = Callable[..., Run]
CASE_NUMBER = re.compile(r"XF\d{4}-\d{4,}")


def succeed(run: Runner, *args: str, db: Path | str | None = None) -> Run:
    """Run `xinfang ARGS…` through `run` and assert that it succeeded without a traceback."""
    r = run(*args) if db is None else run(*args, db=db)
    command = "xinfang " + " ".join(args)
    assert r.exit_code == 0, f"{command}: exit {r.exit_code}\n{r.stderr}{r.stdout}"
    assert "Traceback" not in r.stdout + r.stderr, f"{command}: traceback\n{r.stderr}{r.stdout}"
    return r


def _on(on: str | None) -> tuple[str, ...]:
    return () if on is None else ("--on", on)


def _option(name: str, value: str | None) -> tuple[str, ...]:
    return () if value is None else (name, value)


def add_case(
    run: Runner,
    *extra: str,
    received: str | None = "2025-03-01",
    channel: str = "来访",
    summary: str = "宿舍漏水",
    category: str | None = None,
    db: Path | str | None = None,
) -> str:
    """Register a case (`add`) and return the number it was given (stdout holds only that)."""
    r = succeed(
        run,
        "add",
        *_option("--received", received),
        "--channel",
        channel,
        "--summary",
        summary,
        *_option("--category", category),
        *extra,
        db=db,
    )
    number = r.stdout.strip()
    assert CASE_NUMBER.fullmatch(number), f"xinfang add printed {r.stdout!r}, not a case number"
    return number


def accept(
    run: Runner,
    number: str,
    *extra: str,
    on: str | None = "2025-03-02",
    dept: str | None = None,
    co: Iterable[str] = (),
    leader: str | None = None,
    db: Path | str | None = None,
) -> Run:
    """Accept a case and hand it to `dept` (`assign`); without `dept` the category's lead
    department takes it. `co` are the co-departments, in the order given."""
    assert not isinstance(co, str), "co= takes a list of departments"
    co_options = [part for name in co for part in ("--co", name)]
    return succeed(
        run,
        "assign",
        number,
        *_option("--dept", dept),
        *co_options,
        *_option("--leader", leader),
        *_on(on),
        *extra,
        db=db,
    )


def close_case(
    run: Runner,
    number: str,
    *extra: str,
    on: str | None = "2025-03-10",
    outcome: str = "解决到位",
    result: str = "已修",
    aid: str | None = None,
    db: Path | str | None = None,
) -> Run:
    """Close a handled case (`close`) with its outcome, the result told to the petitioner and,
    for 帮扶到位, the aid in yuan as typed."""
    return succeed(
        run,
        "close",
        number,
        "--outcome",
        outcome,
        "--result",
        result,
        *_option("--aid", aid),
        *_on(on),
        *extra,
        db=db,
    )


def rate_case(
    run: Runner,
    number: str,
    *extra: str,
    rating: str = "满意",
    on: str | None = "2025-03-11",
    db: Path | str | None = None,
) -> Run:
    """Record the petitioner's rating of a closed case (`rate`)."""
    return succeed(run, "rate", number, rating, *_on(on), *extra, db=db)


def reject_case(
    run: Runner,
    number: str,
    *extra: str,
    reason: str = "重复",
    referral: str | None = None,
    on: str | None = "2025-03-02",
    db: Path | str | None = None,
) -> Run:
    """Decide not to accept a registered case (`reject`), with the reason and, if given, where
    the petitioner was referred."""
    return succeed(
        run,
        "reject",
        number,
        "--reason",
        reason,
        *_option("--referral", referral),
        *_on(on),
        *extra,
        db=db,
    )


def extend_case(
    run: Runner,
    number: str,
    *extra: str,
    days: int = 30,
    reason: str = "需进一步核实",
    approver: str | None = None,
    on: str | None = "2025-03-05",
    db: Path | str | None = None,
) -> Run:
    """Extend a handling case's deadline once (`extend`) by `days`, with the reason and, if given,
    who approved it."""
    return succeed(
        run,
        "extend",
        number,
        "--days",
        str(days),
        "--reason",
        reason,
        *_option("--approver", approver),
        *_on(on),
        *extra,
        db=db,
    )


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
