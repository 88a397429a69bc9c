"""`xinfang doctor`: is this ledger set up right for the account running it? One finding per line.

Where the ledger is and which setting said so; the configuration files; who owns the ledger, its
group and mode, and its directory's; whether this account can read and write it; its -wal and
-shm files; the schema version (and whether a newer xinfang wrote it); whether the holiday data
covers the next 90 days. Each problem carries the exact command that fixes it. Doctor only
looks: it never creates, migrates or changes a ledger (SQLite is read with plain queries).

No Typer, no Rich: `diagnose` returns a DoctorReport the CLI renders.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import __version__, config, sharing
from .db import describe, explain, make_engine, sqlite_path, url_of
from .deadlines import load_calendar
from .errors import XinfangError
from .migrations import HEAD_REVISION
from .taxonomy import parse_taxonomy

HOLIDAY_HORIZON_DAYS = 90


@dataclass(frozen=True)
class Finding:
    topic: str
    text: str
    ok: bool = True
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "ok": self.ok, "text": self.text, "fix": self.fix}


@dataclass
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, topic: str, text: str, *, ok: bool = True, fix: str | None = None) -> None:
        self.findings.append(Finding(topic, text, ok, fix))


def diagnose(option: str | None, *, today: date) -> DoctorReport:
    """Look at the ledger `--db` (`option`, None when not given on the command line) names."""
    report = DoctorReport()
    report.add(
        "程序",
        f"xinfang {__version__}，Python {sys.version.split()[0]}（{sys.prefix}）；"
        f"当前账户 {sharing.current_account()}",
    )
    if not _configuration(report):
        return report
    location = config.locate(option)
    url = url_of(location.value)
    report.add("账本位置", f"{describe(url)}（来自{location.describe_source()}）")
    path = sqlite_path(url)
    if path is None:
        _server(report, url, today)
        return report
    if not _files(report, path):
        return report
    fetch = _sqlite_reader(path)
    _schema(report, fetch)
    _holidays(report, fetch, today)
    return report


# --- configuration ------------------------------------------------------------------------------
def _configuration(report: DoctorReport) -> bool:
    fine = True
    for source, path in (
        ("user", config.user_config_path()),
        ("system", config.system_config_path()),
    ):
        words = config.SOURCE_WORDS[source]
        try:
            settings = config.read_config(path)
        except XinfangError as exc:
            report.add("配置文件", exc.message, ok=False, fix=f"编辑 {path}")
            fine = False
            continue
        if settings is None:
            report.add("配置文件", f"{words} {path}：没有")
        else:
            # a URL's password is never shown
            shown = "，".join(
                f"{k} = {describe(v) if '://' in v else v}" for k, v in settings.items()
            )
            report.add("配置文件", f"{words} {path}：{shown}")
    return fine


# --- files and modes -----------------------------------------------------------------------------
def _files(report: DoctorReport, path: Path) -> bool:
    """Ownership and modes of the ledger, its directory and its -wal/-shm; whether this account
    may use it. Returns whether the ledger can be read for the remaining checks."""
    directory = path.parent
    denied = sharing.access_problem(path, write=True)
    try:
        exists = path.exists()
    except PermissionError:
        shown = denied.split("。")[0] if denied else "无法查看账本"
        report.add("你的权限", shown, ok=False, fix=_fix_in(denied))
        return False
    if not exists:
        report.add(
            "账本文件",
            "不存在",
            ok=False,
            fix=f"xinfang --db {path} init（多人共用：xinfang --db {path} init --shared 用户组）",
        )
        return False
    st = path.stat()
    dst = directory.stat()
    file_gid = sharing.shared_group_of_file(path)
    dir_gid = sharing.shared_group_of_directory(directory)
    gid = file_gid if file_gid is not None else dir_gid
    name = sharing.group_name(gid) if gid is not None else None

    # the ledger file
    mode = stat.S_IMODE(st.st_mode)
    if st.st_mode & 0o007:
        report.add(
            "账本文件",
            f"{sharing.owner_text(st)}——本机任何用户都能读取其中的个人信息",
            ok=False,
            fix=f"chmod {'660' if file_gid is not None else '600'} {path}",
        )
    elif gid is not None and (st.st_gid != gid or mode != sharing.SHARED_MODE):
        report.add(
            "账本文件",
            f"{sharing.owner_text(st)}——所在目录由用户组 {name} 共用，但组内其他工作人员无法读写账本",
            ok=False,
            fix=f"chgrp {name} {path} && chmod 660 {path}",
        )
    elif gid is not None:
        report.add("账本文件", f"{sharing.owner_text(st)}（用户组 {name} 共用）")
    else:
        report.add("账本文件", f"{sharing.owner_text(st)}（仅属主可读写：一人使用）")

    # its directory
    problem = sharing.directory_problem(directory, gid) if gid is not None else None
    if problem:
        report.add(
            "目录",
            f"{directory}：{sharing.owner_text(dst)}——共用账本的目录应为用户组 {name}、权限 2770",
            ok=False,
            fix=f"chgrp {name} {directory} && chmod 2770 {directory}",
        )
    else:
        report.add("目录", f"{directory}：{sharing.owner_text(dst)}")

    # this account
    if denied:
        report.add("你的权限", denied.split("。")[0], ok=False, fix=_fix_in(denied))
    else:
        report.add(
            "你的权限", f"{sharing.current_account()} 可以读写账本，并可在目录中写入 -wal/-shm"
        )

    # -wal and -shm
    sides = [Path(str(path) + s) for s in sharing.SIDE_SUFFIXES]
    present = [s for s in sides if s.exists()]
    if not present:
        report.add("-wal/-shm", "没有（此刻无人打开账本）")
    for side in present:
        sst = side.stat()
        wrong = sst.st_gid != st.st_gid or stat.S_IMODE(sst.st_mode) != mode
        if wrong:
            report.add(
                "-wal/-shm",
                f"{side.name}：{sharing.owner_text(sst)}——与账本（{sharing.owner_text(st)}）不一致，其他工作人员可能无法打开账本",
                ok=False,
                fix=f"chgrp {sharing.group_name(st.st_gid)} {side} && chmod {mode:o} {side}",
            )
        else:
            report.add("-wal/-shm", f"{side.name}：{sharing.owner_text(sst)}")
    return os.access(path, os.R_OK)


def _fix_in(message: str | None) -> str | None:
    """The command at the end of an access message (after 运行：), if it has one."""
    if message and "运行：" in message:
        return message.rsplit("运行：", 1)[1].rstrip("。")
    return None


# --- what is inside ---------------------------------------------------------------------------
Fetch = Callable[[str], list[tuple[Any, ...]]]


def _sqlite_reader(path: Path) -> Fetch:
    # As any reader opens it (never creating it): a read-only connection would leave its -wal and
    # -shm behind, where an ordinary reader's are gone again when it closes.
    def fetch(sql: str) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(path.absolute().as_uri() + "?mode=rw", uri=True, timeout=10)
        try:
            return list(con.execute(sql))
        finally:
            con.close()

    return fetch


def _schema(report: DoctorReport, fetch: Fetch) -> None:
    try:
        rows = fetch("SELECT version_num FROM alembic_version")
    except sqlite3.Error as exc:
        text = str(exc)
        if "no such table" in text:
            report.add(
                "结构版本", "不是 xinfang 账本（没有结构版本）", ok=False, fix="xinfang init"
            )
        else:
            report.add("结构版本", f"无法读取账本：{text}", ok=False, fix="xinfang verify")
        return
    except Exception as exc:  # a server ledger: the driver's own errors
        report.add("结构版本", f"无法读取账本：{str(exc).splitlines()[0]}", ok=False)
        return
    revision = rows[0][0] if rows else None
    if revision == HEAD_REVISION:
        report.add("结构版本", f"{revision}（本版本 xinfang 的最新结构）")
    elif revision in _known_revisions():
        report.add(
            "结构版本",
            f"{revision}：下次打开时将自动升级到 {HEAD_REVISION}（升级前请先备份：xinfang backup 目录）",
        )
    else:
        report.add(
            "结构版本",
            f"{revision}：由更新版本的 xinfang 写入，本版本（{__version__}）无法使用它",
            ok=False,
            fix="升级 xinfang（见 README“升级”），不要用旧版本写入",
        )


def _known_revisions() -> set[str]:
    versions = Path(__file__).parent / "migrations" / "versions"
    known = set()
    for script in versions.glob("*.py"):
        for line in script.read_text(encoding="utf-8").splitlines():
            if line.startswith("revision = "):
                known.add(line.split("=", 1)[1].strip().strip("\"'"))
    return known


def _holidays(report: DoctorReport, fetch: Fetch, today: date) -> None:
    try:
        rows = fetch("SELECT source FROM taxonomy_versions ORDER BY id DESC LIMIT 1")
        taxonomy = parse_taxonomy(rows[0][0])
        calendar = load_calendar(taxonomy.holidays, taxonomy.workdays)
    except (IndexError, XinfangError, sqlite3.Error):
        report.add("节假日数据", "无法读取分类体系", ok=False, fix="xinfang verify")
        return
    except Exception as exc:  # a server ledger: the driver's own errors
        report.add("节假日数据", f"无法读取分类体系：{str(exc).splitlines()[0]}", ok=False)
        return
    end = today + timedelta(days=HOLIDAY_HORIZON_DAYS)
    missing = [y for y in range(today.year, end.year + 1) if not calendar.covers(y)]
    uses_workdays = (
        taxonomy.day_mode == "working"
        or taxonomy.roll_over
        or any(c.day_mode == "working" for c in taxonomy.categories.values())
    )
    span = f"{today} 至 {end}"
    if not missing:
        report.add("节假日数据", f"覆盖今后 {HOLIDAY_HORIZON_DAYS} 天（{span}）")
    elif not uses_workdays:
        report.add(
            "节假日数据",
            f"{'、'.join(map(str, missing))} 年尚无节假日数据；本账本按自然日计算期限，不受影响",
        )
    else:
        years = "、".join(map(str, missing))
        report.add(
            "节假日数据",
            f"{years} 年尚无节假日数据：今后 {HOLIDAY_HORIZON_DAYS} 天（{span}）内按工作日计算的期限将只跳过周末",
            ok=False,
            fix=f"把 {years} 年的法定节假日和调休上班日写入分类体系的 [calendar]（holidays、workdays），"
            "再 xinfang taxonomy load 分类.toml",
        )


# --- a database server --------------------------------------------------------------------------
def _server(report: DoctorReport, url: str, today: date) -> None:
    report.add("权限", "由数据库服务器管理（账户、GRANT），不看文件权限")
    try:
        engine = make_engine(url)
    except XinfangError as exc:
        report.add("连接", exc.message, ok=False)
        return

    def fetch(sql: str) -> list[tuple[Any, ...]]:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]

    try:
        try:
            fetch("SELECT 1")
        except SQLAlchemyError as exc:
            report.add("连接", f"无法连接：{explain(exc)}", ok=False)
            return
        report.add("连接", "可以连接")
        _schema(report, fetch)
        _holidays(report, fetch, today)
    finally:
        engine.dispose()
