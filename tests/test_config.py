"""Which ledger: `--db` > XINFANG_DB > the user's config file > the system's > the default path;
`doctor` names the setting that applied, and a ledger made by any command but init is announced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Run, ok
from xinfang_cli.cli.main import app


def run(*args: str, env: dict[str, str] | None = None) -> Run:
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    """The five places a ledger may be named, each a different file."""
    return {
        "default": tmp_path / "xdg" / "xinfang" / "ledger.db",
        "system": tmp_path / "srv" / "system.db",
        "user": tmp_path / "home" / "user.db",
        "env": tmp_path / "env.db",
        "option": tmp_path / "option.db",
    }


def numbers(db: Path) -> list[str]:
    return [c["number"] for c in json.loads(ok(run("--db", str(db), "list", "--json")).stdout)]


def location_line(*args: str) -> str:
    r = run(*args, "doctor")
    return next(line for line in r.stdout.splitlines() if "账本位置" in line)


def test_each_level_wins_over_the_ones_below_and_doctor_names_it(
    places: dict[str, Path], tmp_path: Path
) -> None:
    add = ("add", "--channel", "来访", "--summary", "宿舍漏水")

    # nothing set: the default path, announced as a new ledger
    r = ok(run(*add))
    assert places["default"].exists()
    assert f"已新建账本 {places['default']}（位置来自默认位置）" in r.stderr
    assert f"{places['default']}（来自默认位置）" in location_line()

    # the system file
    system = write(tmp_path / "etc" / "config.toml", f'db = "{places["system"]}"\n')
    r = ok(run(*add))
    assert f"已新建账本 {places['system']}（位置来自系统配置文件 {system}）" in r.stderr
    assert f"{places['system']}（来自系统配置文件 {system}）" in location_line()

    # the user's file wins over the system file
    user = write(tmp_path / "xdg-config" / "xinfang" / "config.toml", f"db = '{places['user']}'\n")
    r = ok(run(*add))
    assert f"已新建账本 {places['user']}（位置来自用户配置文件 {user}）" in r.stderr
    assert f"{places['user']}（来自用户配置文件 {user}）" in location_line()

    # XINFANG_DB wins over both files
    env = {"XINFANG_DB": str(places["env"])}
    r = ok(run(*add, env=env))
    assert "位置来自环境变量 XINFANG_DB" in r.stderr
    assert f"{places['env']}（来自环境变量 XINFANG_DB）" in run("doctor", env=env).stdout

    # --db wins over everything
    r = ok(run("--db", str(places["option"]), *add, env=env))
    assert "位置来自命令行选项 --db" in r.stderr
    assert "（来自命令行选项 --db）" in location_line("--db", str(places["option"]))

    # each command went where its level said, and nowhere else
    for name in ("default", "system", "user", "env", "option"):
        assert numbers(places[name]) == ["XF2025-0001"], name


def test_a_path_in_a_config_file_is_relative_to_that_file(tmp_path: Path) -> None:
    write(tmp_path / "etc" / "config.toml", 'db = "ledgers/office.db"\n')
    ok(run("init"))
    assert (tmp_path / "etc" / "ledgers" / "office.db").exists()


def test_a_server_url_in_the_config_file_is_used_as_is(tmp_path: Path) -> None:
    write(
        tmp_path / "etc" / "config.toml", 'db = "postgresql+psycopg://clerk:secret@db.example/xf"\n'
    )
    r = run("doctor")
    line = next(x for x in r.stdout.splitlines() if "账本位置" in x)
    assert "postgresql+psycopg://clerk:***@db.example/xf" in line and "secret" not in r.stdout


def test_only_a_new_ledger_is_announced_and_init_says_it_its_own_way(xf, ledger_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = ok(xf("init"))
    assert "已新建账本" not in r.stderr and f"已创建账本 {ledger_path}" in r.stderr
    r = ok(xf("add", "--channel", "来访", "--summary", "宿舍漏水"))
    assert "已新建账本" not in r.stderr  # it existed


def test_a_failed_first_command_announces_nothing_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "typo.db"
    r = run("--db", str(target), "classify", "XF2025-0001", "--category", "宿舍与住宿")
    assert r.exit_code == 2 and "已新建账本" not in r.stderr
    assert not target.exists()


def test_import_announces_the_ledger_it_made(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "sample_data" / "cases.csv"
    target = tmp_path / "new.db"
    r = ok(run("--db", str(target), "import", str(sample)))
    assert r.stderr.count("已新建账本") == 1 and str(target) in r.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('db = "unclosed\n', "格式有误"),
        ("db = /srv/x.db\n", "第 1 行第 6 列：值的写法有误（文字要加双引号"),
        ('dbb = "/srv/x.db"\n', "未知的设置“dbb”"),
        ("db = 3\n", "应为非空的字符串"),
        ('db = "  "\n', "应为非空的字符串"),
    ],
)
def test_a_bad_config_file_is_a_clear_exit_2_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    config = write(tmp_path / "xdg-config" / "xinfang" / "config.toml", text)
    r = run("add", "--channel", "来访", "--summary", "宿舍漏水")
    assert r.exit_code == 2
    assert str(config) in r.stderr and message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "xdg" / "xinfang").exists()  # no ledger anywhere
    d = run("doctor")  # doctor reports it as a problem rather than stopping
    assert d.exit_code == 1 and message in d.stdout
