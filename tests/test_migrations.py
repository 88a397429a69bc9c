"""The schema: migrations shipped in the package build exactly the models, HEAD_REVISION names the
newest step, and a new ledger is a private WAL-mode SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import xinfang_cli.migrations
from conftest import Run, dump
from xinfang_cli import models  # noqa: F401  (registers the tables)
from xinfang_cli.db import open_engine, resolve_url
from xinfang_cli.migrations import HEAD_REVISION

Xf = Callable[..., Run]


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(Path(xinfang_cli.migrations.__file__).parent))
    return ScriptDirectory.from_config(config)


def test_a_freshly_migrated_ledger_equals_the_models(tmp_path: Path) -> None:
    engine, created = open_engine(resolve_url(str(tmp_path / "fresh.db")), create=True)
    try:
        assert created
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
        assert differences == [], differences
    finally:
        engine.dispose()


def test_head_revision_is_the_newest_migration() -> None:
    script = script_directory()
    heads = script.get_heads()
    assert heads == [HEAD_REVISION], "HEAD_REVISION must name the single newest migration"
    # every step chains back to the first: no forgotten branch
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    assert len({r.revision for r in revisions}) == len(revisions)


def test_a_new_ledger_is_stamped_with_the_head_revision(xf: Xf, ledger_path: Path) -> None:
    assert xf("init").exit_code == 0
    con = sqlite3.connect(ledger_path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
    finally:
        con.close()


@pytest.mark.parametrize(
    "args",
    [("init",), ("add", "--channel", "来访", "--summary", "宿舍漏水")],
    ids=["init", "add"],
)
def test_the_ledger_file_is_created_private(
    xf: Xf, ledger_path: Path, args: tuple[str, ...]
) -> None:
    assert xf(*args).exit_code == 0
    assert ledger_path.stat().st_mode & 0o777 == 0o600


def test_the_default_ledger_lives_under_xdg_data_home(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xinfang_cli.cli.main import app

    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "xdg" / "xinfang" / "ledger.db"  # conftest points XDG_DATA_HOME here
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0  # the folder is private too


def test_the_ledger_is_in_wal_mode(xf: Xf, ledger_path: Path) -> None:
    assert xf("init").exit_code == 0
    con = sqlite3.connect(ledger_path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        con.close()


def test_a_ledger_from_a_newer_xinfang_is_refused_in_chinese(xf: Xf, ledger_path: Path) -> None:
    assert xf("init").exit_code == 0
    con = sqlite3.connect(ledger_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = dump(ledger_path)
    for args in (("list",), ("add", "--channel", "来访", "--summary", "x")):
        r = xf(*args)
        assert r.exit_code == 2, r.stderr
        assert "账本" in r.stderr and "版本" in r.stderr
        assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
        assert dump(ledger_path) == before
