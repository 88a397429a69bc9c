"""Starting up: `--help` and `--version` stay light (no SQLAlchemy/SQLModel), and the help a clerk
reads lists every command, in Chinese."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from xinfang_cli import __version__
from xinfang_cli.cli.main import _VALUED, app, command_named, narrow

HEAVY = ("sqlalchemy", "sqlmodel", "alembic")

PROBE = """
import json, sys
sys.argv = ["xinfang", *json.loads(sys.argv[1])]
from xinfang_cli.cli.main import run
try:
    run()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print("PROBE " + json.dumps({{"code": code, "heavy": sorted({{m.split(".")[0] for m in heavy}})}}))
"""


def probe(args: list[str], tmp_path: Path, **extra: str) -> dict[str, object]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "100"}
    env.update(extra)
    env.pop("XINFANG_DB", None)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=set(HEAVY)), json.dumps(args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("PROBE "))
    result = json.loads(line.removeprefix("PROBE "))
    result["stdout"] = proc.stdout
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["-h"],
        ["add", "--help"],
        ["list", "--help"],
        ["taxonomy", "--help"],
    ],
    ids=lambda a: " ".join(a),
)
def test_help_and_version_import_no_database_library(args: list[str], tmp_path: Path) -> None:
    result = probe(args, tmp_path)
    assert result["code"] in (0, None), result
    assert result["heavy"] == [], f"{' '.join(args)} imported {result['heavy']}"
    assert not (tmp_path / "xinfang").exists()  # nor touched any ledger


def test_the_probe_would_notice_a_database_import(tmp_path: Path) -> None:
    """The probe is not vacuous: a command that opens the ledger does import them."""
    result = probe(["--db", str(tmp_path / "l.db"), "init"], tmp_path)
    assert result["code"] in (0, None)
    assert "sqlalchemy" in result["heavy"]  # type: ignore[operator]


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xinfang_cli", "--version"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"xinfang {__version__}"


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["show", "XF2025-0001"], "show"),
        (["--db", "x.db", "--by", "张三", "report", "annual"], "report"),
        (["--db=x.db", "add", "--help"], "add"),
        (["--version"], ""),
        (["--db", "x.db", "--version", "list"], ""),
        (["--help"], None),
        (["-h", "add"], None),
        ([], None),
        (["--db", "x.db"], None),
        (["--install-completion"], None),
    ],
)
def test_the_command_a_line_runs_is_read_past_the_global_options(
    args: list[str], name: str | None
) -> None:
    assert command_named(args) == name


def _small_app() -> typer.Typer:
    small = typer.Typer()
    small.callback()(lambda: None)
    for name in ("add", "show", "list"):
        small.command(name)(lambda: None)
    small.add_typer(typer.Typer(), name="report")
    return small


@pytest.mark.parametrize(
    ("args", "commands", "groups"),
    [
        (["--db", "x.db", "show", "XF2025-0001"], ["show"], []),
        (["report", "annual"], [], ["report"]),
        (["--version"], [], []),
        (["--help"], ["add", "show", "list"], ["report"]),
        (["shwo"], ["add", "show", "list"], ["report"]),  # a typo: Click suggests from them all
    ],
)
def test_only_the_command_run_is_built(
    args: list[str], commands: list[str], groups: list[str]
) -> None:
    small = _small_app()
    narrow(small, args)
    assert [c.name for c in small.registered_commands] == commands
    assert [g.name for g in small.registered_groups] == groups


def test_the_global_options_that_take_a_value_are_the_ones_skipped() -> None:
    """A new global option with a value must be skipped too, or its value is read as the command."""
    root = typer.main.get_command(app)
    valued = {opt for p in root.params if not getattr(p, "is_flag", False) for opt in p.opts}
    assert valued == set(_VALUED)


def test_the_entry_point_runs_a_command_after_global_options_and_still_suggests(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "XINFANG_TODAY": "2025-12-31", "NO_COLOR": "1"}
    env.pop("XINFANG_DB", None)
    db = str(tmp_path / "l.db")

    def xinfang(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "xinfang_cli", *args], env=env, capture_output=True,
            text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    added = xinfang(f"--db={db}", "--by", "张三", "add", "--received", "2025-03-01",
                    "--channel", "来信", "--summary", "宿舍漏水")  # fmt: skip
    assert added.returncode == 0, added.stderr
    shown = xinfang("--db", db, "show", "XF2025-0001", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["summary"] == "宿舍漏水"
    typo = xinfang("--db", db, "shwo", "XF2025-0001")
    assert typo.returncode == 2
    assert "show" in typo.stderr and "Traceback" not in typo.stderr


COMMANDS = ["add", "classify", "assign", "reject", "extend", "close", "rate"]
COMMANDS += ["list", "show", "history", "init", "taxonomy"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_help_lists_every_command_in_chinese() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0
    out = result.stdout
    for name in [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]:
        assert name and re.search(rf"(?m)^\W*{re.escape(name)}\s+\S*[\u4e00-\u9fff]", out), name
    for name in COMMANDS:
        assert re.search(rf"(?m)^\W*{name}\s", out), name
    for heading in ("选项", "案件", "查询", "账本管理", "信访台账"):
        assert heading in out
    for english in ("Options", "Commands", "Arguments"):
        assert english not in out, english


@pytest.mark.parametrize("args", [["--help"], ["add", "--help"]], ids=["xinfang", "add"])
def test_help_has_no_english_left(args: list[str]) -> None:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0
    for english in ("Usage:", "Show this message"):
        assert english not in result.stdout, english


@pytest.mark.parametrize("command", COMMANDS)
def test_each_commands_help_is_chinese(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert len(CJK.findall(result.stdout)) > 10
    for english in ("Options", "Arguments", "Commands"):
        assert english not in result.stdout, english


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("xinfang as", "1", "assign"),
        ("xinfang assign XF2025-0001 --dept 后", "4", "后勤处"),
        ("xinfang list --category 宿", "3", "宿舍与住宿"),
        ("xinfang rate XF2025-0001 基", "3", "基本满意"),
    ],
)
def test_shell_completion_offers_commands_and_the_taxonomys_values(
    words: str, cword: str, expected: str, tmp_path: Path
) -> None:
    result = probe(
        [], tmp_path, _XINFANG_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword
    )
    assert expected in str(result["stdout"]).split(), result["stdout"]
    assert result["heavy"] == []  # as light as --help: the ledger's engine is never loaded


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "XINFANG_DB": str(tmp_path / "l.db"), "XINFANG_TODAY": "2025-12-31"}
    xinfang = [sys.executable, "-m", "xinfang_cli"]
    for i in range(40):
        subprocess.run(
            [*xinfang, "add", "--received", "2025-03-01", "--channel", "来信", "--summary",
             f"第{i}件：图书馆空调不制冷，学生反映多次"],
            env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    # `true` has left long before Python writes: every write meets a closed pipe
    for args in (["history", "XF2025-0001"], ["list", "--table"], ["list"], ["report", "annual"]):
        proc = subprocess.run(
            f"{' '.join(xinfang)} {' '.join(args)} | true; echo ${{PIPESTATUS[0]}}",
            shell=True, executable="/bin/bash", env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert proc.stdout.strip() == "0", (args, proc.stdout, proc.stderr)
        assert "错误" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
