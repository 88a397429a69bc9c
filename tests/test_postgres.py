"""PostgreSQL as a first-class backend: the same ledger, the same figures, no lost registration
under load, a SQLite ledger moved onto it intact, and clear words when the server says no.

A real server runs for these tests (pgserver.py); each test gets a fresh database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import pgserver
from conftest import Run, ok

Xf = Callable[..., Run]
SAMPLE = Path(__file__).parent.parent / "sample_data" / "cases.csv"


@pytest.fixture(scope="session")
def pg() -> Iterator[pgserver.Server]:
    yield from pgserver.start()


@pytest.fixture
def pg_url(pg: pgserver.Server) -> str:
    return pg.url(pg.database())


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, ledger_path: Path) -> str:
    """The ledger's address on each backend."""
    if request.param == "sqlite":
        return str(ledger_path)
    server = request.getfixturevalue("pg")
    return server.url(server.database())


def test_a_fresh_database_is_migrated_to_exactly_the_models(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from xinfang_cli import models  # noqa: F401
    from xinfang_cli.db import open_engine

    engine, _ = open_engine(pg_url, create=True)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_the_whole_life_of_a_case(xf: Xf, backend: str, tmp_path: Path) -> None:
    def run(*args: str) -> Run:
        return ok(xf(*args, db=backend))

    run("init")
    run("add", "--received", "2025-03-01", "--channel", "来访", "--name", "张三",
        "--phone", "13812345678", "--summary", "宿舍漏水", "--category", "宿舍与住宿")  # fmt: skip
    run("add", "--received", "2025-03-02", "--channel", "来信", "--summary", "劳动纠纷")
    run("assign", "XF2025-0001", "--co", "资产处", "--on", "2025-03-02")
    run("extend", "XF2025-0001", "--days", "10", "--reason", "协调", "--on", "2025-03-05")
    run("reassign", "XF2025-0001", "--dept", "资产处", "--reason", "职责", "--on", "2025-03-06")
    run("close", "XF2025-0001", "--outcome", "解决到位", "--result", "已修", "--aid", "12.50",
        "--on", "2025-03-10")  # fmt: skip
    run("rate", "XF2025-0001", "满意", "--on", "2025-03-11")
    # letters, delivery, 复查, and an office template (bytes in the ledger)
    run("template", "export", str(tmp_path / "tpl"))
    run("template", "load", str(tmp_path / "tpl"))
    (tmp_path / "tpl" / "处理意见书.docx").write_bytes(
        (tmp_path / "tpl" / "受理告知书.docx").read_bytes()
    )
    run("template", "load", str(tmp_path / "tpl"))
    run("notice", "XF2025-0001", "答复", "-o", str(tmp_path / "a.docx"), "--on", "2025-03-11")
    run("deliver", "XF2025-0001", "答复", "--on", "2025-03-12", "--method", "邮寄")
    run("review", "request", "XF2025-0001", "--on", "2025-04-11")
    run("review", "decide", "XF2025-0001", "--decision", "维持", "--on", "2025-04-20")
    letters = json.loads(run("show", "XF2025-0001", "--json").stdout)
    assert letters["notices"][0]["delivered_on"] == "2025-03-12"
    assert letters["reviews"][0]["due_on"] == "2025-05-11"
    run("reject", "XF2025-0002", "--reason", "属仲裁范围", "--on", "2025-03-03")
    run("reopen", "XF2025-0002", "--reason", "复核", "--on", "2025-03-04")
    run("amend", "XF2025-0002", "--summary", "劳动合同纠纷", "--reason", "更正")
    run("void", "XF2025-0002", "--reason", "重复登记")
    case = json.loads(run("show", "XF2025-0001", "--json", "--reveal").stdout)
    assert (case["lead_dept"], case["aid_yuan"], case["rating"]) == ("资产处", 12.5, "satisfied")
    assert case["phone"] == "13812345678"
    assert run("verify", "-v").exit_code == 0
    assert "改派" in run("history", "XF2025-0001").stdout


def test_both_backends_report_the_sample_ledger_identically(
    xf: Xf, ledger_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinfang_cli import importer

    # both imports take the path of a large file: checked in a forked child, written here
    monkeypatch.setattr(importer, "PARALLEL_FROM", 0)
    monkeypatch.setattr(importer, "CHUNK", 50)

    def both(*args: str) -> tuple[object, object]:
        lite = json.loads(ok(xf(*args, db=ledger_path)).stdout)
        server = json.loads(ok(xf(*args, db=pg_url)).stdout)
        return lite, server

    for db in (ledger_path, pg_url):
        ok(xf("import", str(SAMPLE), db=db))
    for year in ("2024", "2025"):
        lite, server = both("report", "annual", "--year", year, "--as-of", "2026-01-31", "--json")
        assert lite == server, year
    for month in ("2025-03", "2025-11", "2025-12"):
        lite, server = both("report", "monthly", "--month", month, "--json")
        assert lite == server, month
    lite, server = both("list", "--json", "--year", "2025")
    assert lite == server
    for db in (ledger_path, pg_url):
        assert xf("overdue", "--json", db=db).exit_code == 1
    lite, server = (
        json.loads(xf("overdue", "--json", db=db).stdout) for db in (ledger_path, pg_url)
    )
    assert lite == server
    assert ok(xf("verify", "-v", db=pg_url)).exit_code == 0


WORKER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from xinfang_cli.fields import build_input
    from xinfang_cli.ledger import open_ledger
    from xinfang_cli.lifecycle import register

    url, who = sys.argv[1], sys.argv[2]
    ledger = open_ledger(url, actor=who, create=False)
    for i in range(25):
        data = build_input(
            ledger.taxonomy,
            {"received_on": date(2025, 3, 3), "channel": "来信", "summary": f"{who}-{i}"},
        )
        with ledger.transaction() as (session, log):
            register(ledger, session, log, data, today=date(2025, 12, 31))
    """
)


@pytest.mark.parametrize("round_", range(5))
def test_four_clerks_adding_at_once_lose_nothing(xf: Xf, pg_url: str, round_: int) -> None:
    ok(xf("init", db=pg_url))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, pg_url, f"文员{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )  # fmt: skip
        for n in range(4)
    ]
    for worker in workers:
        _out, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors
    numbers = [c["number"] for c in json.loads(ok(xf("list", "--json", db=pg_url)).stdout)]
    assert len(numbers) == len(set(numbers)) == 100
    assert sorted(numbers) == [f"XF2025-{i:04d}" for i in range(1, 101)]
    assert ok(xf("verify", "-v", db=pg_url)).exit_code == 0


def test_a_sqlite_ledger_moves_onto_the_server_intact(
    xf: Xf, ledger_path: Path, pg_url: str
) -> None:
    ok(xf("import", str(SAMPLE), db=ledger_path))
    ok(xf("amend", "XF2025-0001", "--phone", "13912345678", "--reason", "更正", db=ledger_path))
    r = ok(xf("migrate-to", pg_url, db=ledger_path))
    assert "校验通过：729 件案件" in r.stderr
    for year in ("2024", "2025"):
        args = ("report", "annual", "--year", year, "--as-of", "2026-01-31", "--json")
        assert json.loads(ok(xf(*args, db=ledger_path)).stdout) == json.loads(
            ok(xf(*args, db=pg_url)).stdout
        )
    assert (
        ok(xf("history", "XF2025-0001", db=pg_url)).stdout
        == ok(xf("history", "XF2025-0001", db=ledger_path)).stdout
    )
    # the server's own numbering goes on after the copied ids
    ok(xf("add", "--channel", "来信", "--summary", "新件", db=pg_url))
    assert ok(xf("verify", "-v", db=pg_url)).exit_code == 0
    # a second move onto the same (now full) database is refused
    r = xf("migrate-to", pg_url, db=ledger_path)
    assert r.exit_code == 2 and "不是空的" in r.stderr


def test_unreachable_server_is_one_message_without_the_password(xf: Xf, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://clerk:s3cret@/xinfang?host={tmp_path / 'nowhere'}"
    for args in (("list",), ("add", "--channel", "来信", "--summary", "x"), ("verify",)):
        r = xf(*args, db=url)
        assert r.exit_code == 2, r.stderr
        assert r.stderr.startswith("错误：") and r.stderr.count("\n") <= 2
        assert "s3cret" not in r.stderr and "***" in r.stderr
        assert "Traceback" not in r.stderr


def test_a_wrong_password_and_missing_rights_are_said_plainly(xf: Xf, pg: pgserver.Server) -> None:
    database = pg.database()
    roles = pg.sql("SELECT rolname FROM pg_roles").split()
    if "pwclerk" not in roles:
        pg.sql("CREATE ROLE pwclerk LOGIN PASSWORD 'right'")
    pg.sql(f'GRANT CONNECT ON DATABASE "{database}" TO pwclerk')
    r = xf("list", db=pg.url(database, user="pwclerk", password="wrong"))
    assert r.exit_code == 2 and "用户名或密码不正确" in r.stderr
    assert "wrong" not in r.stderr and "Traceback" not in r.stderr
    # the right password, but no right to create the ledger's tables on a database without them
    url = pg.url(database, user="pwclerk", password="right")
    r = xf("init", db=url)
    assert r.exit_code == 2 and "建表" in r.stderr and "right" not in r.stderr
    r = xf("list", db=url)
    assert r.exit_code == 2 and "尚未初始化" in r.stderr
    r = xf("list", db=pg.url("no_such_database"))
    assert r.exit_code == 2 and "数据库不存在" in r.stderr


README_GRANTS = """
CREATE ROLE {owner} LOGIN;
CREATE ROLE {clerk} LOGIN;
ALTER DATABASE "{db}" OWNER TO {owner};
"""
README_CLERK_RIGHTS = """
GRANT USAGE ON SCHEMA public TO {clerk};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {clerk};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {clerk};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {clerk};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO {clerk};
"""


def test_the_readme_recipe_gives_clerks_the_least_rights_that_work(
    xf: Xf, pg: pgserver.Server
) -> None:
    """An owner role creates and upgrades the schema; clerks only read and write rows."""
    import uuid

    db = pg.database()
    names = {"owner": "own_" + uuid.uuid4().hex[:6], "clerk": "clk_" + uuid.uuid4().hex[:6]}
    pg.sql(README_GRANTS.format(db=db, **names))
    pg.sql(f"GRANT CREATE ON SCHEMA public TO {names['owner']}", database=db)
    ok(xf("init", db=pg.url(db, user=names["owner"])))
    pg.sql(README_CLERK_RIGHTS.format(**names), database=db)
    clerk = pg.url(db, user=names["clerk"])
    ok(xf("add", "--received", "2025-03-01", "--channel", "来信", "--summary", "漏水", db=clerk))
    ok(xf("assign", "XF2025-0001", "--dept", "后勤处", "--co", "资产处", db=clerk))
    ok(xf("reassign", "XF2025-0001", "--dept", "资产处", "--reason", "职责", db=clerk))
    assert ok(xf("verify", "-v", db=clerk)).exit_code == 0
    # a clerk cannot change the schema
    r = xf("taxonomy", "show", db=clerk)
    assert r.exit_code == 0


def test_a_server_that_goes_away_mid_command_leaves_nothing_half_written(
    xf: Xf, pg: pgserver.Server, tmp_path: Path
) -> None:
    import time

    name = pg.database()
    url = pg.url(name)
    ok(xf("init", db=url))
    rows = "".join(f"2025-03-{i % 28 + 1:02d},来信,宿舍漏水第{i}件\n" for i in range(3000))
    source = tmp_path / "cases.csv"
    source.write_text("信访日期,信访形式,反映问题\n" + rows, encoding="utf-8")
    importing = subprocess.Popen(
        [sys.executable, "-m", "xinfang_cli", "--db", url, "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "XINFANG_USER": "测试员"},
    )
    # the server ends every connection of that database until the command gives up
    deadline = time.monotonic() + 120
    while importing.poll() is None and time.monotonic() < deadline:
        pg.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        time.sleep(0.05)
    _out, errors = importing.communicate(timeout=60)
    assert importing.returncode == 2, errors
    assert errors.startswith("错误：") and "Traceback" not in errors, errors
    assert "中断了连接" in errors or "无法" in errors, errors
    assert json.loads(ok(xf("list", "--json", db=url)).stdout) == []  # all or nothing
    assert ok(xf("verify", "-v", db=url)).exit_code == 0
