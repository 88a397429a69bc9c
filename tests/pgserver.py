"""A throwaway PostgreSQL server for the tests: Debian's `initdb` into a temporary directory,
listening on a Unix socket only, trust authentication; run as the `postgres` account when the
tests run as root (CI), as the current user otherwise. One server per test session, one fresh
database per test.

Without the server programs the PostgreSQL tests skip with one clear reason — except where
`XINFANG_REQUIRE_POSTGRES` is set (CI sets it in `.ci/run`, which installs the server), where
they fail instead of silently not running.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def unavailable(reason: str) -> None:
    if os.environ.get("XINFANG_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL tests cannot run: {reason}")
    pytest.skip(f"PostgreSQL 测试未运行：{reason}（apt-get install postgresql 后即可运行）")


class Server:
    """A running cluster; `database()` makes an empty database and returns its URL."""

    def __init__(self, root: Path, run_as: list[str], socket_dir: Path, admin: str) -> None:
        self.root = root
        self.run_as = run_as
        self.socket_dir = socket_dir
        self.admin = admin

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        who = user or self.admin
        if password is not None:
            who += f":{password}"
        return f"postgresql+psycopg://{who}@/{database}?host={self.socket_dir}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        psql = _binary("psql")
        assert psql is not None
        done = subprocess.run(
            [*self.run_as, psql, "-h", str(self.socket_dir), "-U", self.admin, "-d", database,
             "-v", "ON_ERROR_STOP=1", "-Atc", statement],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.sql(f'CREATE DATABASE "{name}"')
        return name


def start() -> Iterator[Server]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl or not _binary("psql"):
        unavailable("找不到 initdb / pg_ctl / psql")
    assert initdb is not None and pg_ctl is not None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg 未安装")
    root = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))
    run_as: list[str] = []
    admin = os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        run_as, admin = ["runuser", "-u", "postgres", "--"], "postgres"
        shutil.chown(root, "postgres")
    os.chmod(root, 0o755)
    data, socket_dir = root / "data", root / "socket"
    for directory in (data, socket_dir):
        directory.mkdir()
        if run_as:
            shutil.chown(directory, "postgres")
    init = subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", admin, "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if init.returncode != 0:
        unavailable(f"initdb 失败：{init.stderr.strip()[:200]}")
    # one role that must give its password, to see a wrong one refused
    hba = data / "pg_hba.conf"
    hba.write_text("local all pwclerk scram-sha-256\n" + hba.read_text())
    options = f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=60"
    started = subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if started.returncode != 0:
        unavailable(f"pg_ctl start 失败：{started.stderr.strip()[:200]}")
    try:
        yield Server(root, run_as, socket_dir, admin)
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
