"""Where the ledger lives and how it is opened: URL resolution, engine, SQLite pragmas, migrations.

A ledger is a SQLAlchemy URL. A plain path means a SQLite file. Which ledger: `config.locate`
(--db, XINFANG_DB, the configuration files, the default path). A missing SQLite ledger is created
(private 0600, or 0660 for the group of a shared directory: `sharing`) only when the caller
intends to write; a read of a missing ledger is an error so a cron job pointed at the wrong path
fails loudly. A file this account may not open is refused before SQLite tries, with the fix.
Every open brings the schema to the newest migration shipped in `xinfang_cli/migrations`.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from . import sharing
from .config import default_ledger_path, locate
from .errors import LedgerUnavailable
from .migrations import HEAD_REVISION

BUSY_TIMEOUT_MS = 10_000

__all__ = ["default_ledger_path"]  # kept importable from here


def resolve_url(db: str | None) -> str:
    """The ledger URL from --db, else XINFANG_DB, the configuration files, the default path."""
    return url_of(locate(db).value)


def url_of(value: str) -> str:
    """A path or URL as written → a URL (a path becomes an absolute sqlite:/// URL)."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory or non-SQLite ledgers."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise LedgerUnavailable(f"无法识别的账本地址“{url}”：{exc}") from exc
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def describe(url: str) -> str:
    """The ledger's location for messages, without any password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # SQLAlchemy's "begin" hook issues BEGIN ourselves (see _sqlite_begin), so pysqlite must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_wal(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Only a writer puts a file into WAL mode (a ledger stays in it). A read leaves the file as
    # it is: a backup (rollback mode) read with --db, or by verify, is not changed by a byte.
    dbapi_connection.execute("PRAGMA journal_mode = WAL")


WRITE = {"xinfang_write": True}  # execution option of a unit of work that will write


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front (it waits out the busy timeout instead of failing on
    # a lock upgrade); a reader starts a plain snapshot and never blocks the clerks who write.
    write = conn.get_execution_options().get("xinfang_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, *, write: bool = True) -> Engine:
    """An engine for the ledger at `url`; `write`: it may write (SQLite: WAL mode)."""
    try:
        engine = create_engine(url)
    except ImportError as exc:
        raise LedgerUnavailable(
            f"无法打开账本 {describe(url)}：没有安装该数据库的驱动（{exc.name or exc}）。"
            "PostgreSQL 请安装 postgres 扩展（见 README“安装”：make install … EXTRAS=postgres）。"
        ) from exc
    except ArgumentError as exc:
        raise LedgerUnavailable(f"无法打开账本 {describe(url)}：{exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if write:
            event.listen(engine, "connect", _sqlite_wal)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        # psycopg logs what it ignores while a lost connection is torn down; the command says
        # in Chinese what happened, so its English lines never reach the clerk's terminal
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
    return engine


def open_engine(url: str, *, create: bool) -> tuple[Engine, bool]:
    """Open the ledger at `url` and migrate it; returns (engine, created_now).

    `create` says the caller will write: only then is a missing SQLite file created.
    """
    path = sqlite_path(url)
    created = False
    if path is not None:
        denied = sharing.access_problem(path, write=create)
        if denied:
            raise LedgerUnavailable(f"无法打开账本 {path}：{denied}")
        if path.is_dir():
            raise LedgerUnavailable(f"账本路径 {path} 是一个目录，请指定账本文件。")
        if not path.exists():
            if not create:
                raise LedgerUnavailable(
                    f"账本不存在：{path}。请先运行 xinfang init 创建，或用 --db / XINFANG_DB 指定正确的账本。"
                )
            sharing.create_ledger_file(path)
            created = True
    if path is not None and not created:
        # A read must not write. Even the WAL pragma rewrites a file's header, so look first
        # (with plain sqlite3) whether it is a ledger at all; a write may also begin a ledger in
        # an empty file, but never adds its tables to somebody else's database.
        _check_is_ledger(path, url, empty_ok=create)
    engine = make_engine(url, write=create)
    try:
        if not create and current_revision(engine) is None:
            raise _not_initialised(url)
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        if created and path is not None:
            path.unlink(missing_ok=True)
        raise LedgerUnavailable(f"无法打开账本 {describe(url)}：{explain(exc)}") from exc
    except LedgerUnavailable:
        engine.dispose()
        if created and path is not None:
            path.unlink(missing_ok=True)
        raise
    return engine, created


def _not_initialised(url: str) -> LedgerUnavailable:
    return LedgerUnavailable(
        f"账本 {describe(url)} 尚未初始化（不是 xinfang 账本）。请先运行 xinfang init，"
        "或用 --db / XINFANG_DB 指定正确的账本。"
    )


def _check_is_ledger(path: Path, url: str, *, empty_ok: bool = False) -> None:
    """Refuse, without changing a byte, a SQLite file that is corrupt or holds no ledger
    (`empty_ok`: a file with no tables at all may become one)."""
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {
                name
                for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise LedgerUnavailable(f"无法打开账本 {path}：{_explain_text(str(exc))}") from exc
    if "alembic_version" in tables or (empty_ok and not tables):
        return
    if tables and empty_ok:
        raise LedgerUnavailable(
            f"{path} 是另一个 SQLite 数据库（其中已有别的表），不是 xinfang 账本，不会写入。"
            "请用 --db / XINFANG_DB 指定 xinfang 账本，或指定一个新文件。"
        )
    raise _not_initialised(url)


# What SQLite's own (English) messages mean for the clerk.
_SQLITE_MESSAGES = (
    ("file is not a database", "文件已损坏，或不是 xinfang 账本"),
    ("database disk image is malformed", "账本文件已损坏，请用备份恢复"),
    ("could not decode to utf-8", "账本文件已损坏（其中的文字无法读出），请用备份恢复"),
    ("database is locked", "账本正被其他人写入，请稍后重试"),
    ("readonly database", "账本文件只读，无法写入"),
    ("unable to open database file", "无法打开账本文件，请检查路径和权限"),
    ("disk i/o error", "磁盘读写出错"),
    ("database or disk is full", "磁盘已满"),
    ("no such table", "账本结构不完整，可能已损坏"),
    # PostgreSQL (psycopg)
    ("password authentication failed", "数据库用户名或密码不正确"),
    ("no password supplied", "数据库需要密码：请在地址中写明（用户:密码@主机）"),
    ("role", "数据库中没有这个用户（role）"),
    (
        "permission denied for schema",
        "该数据库用户没有建表的权限：请由数据库管理员运行一次 xinfang init，或授予权限",
    ),
    (
        "permission denied",
        "该数据库用户没有所需的权限：请联系数据库管理员（见 README“PostgreSQL”）",
    ),
    ('database "', "数据库不存在：请先由数据库管理员创建"),
    ("connection refused", "无法连接数据库服务器：服务器未运行或地址、端口有误"),
    ("no such file or directory", "无法连接数据库服务器：服务器未运行或地址有误"),
    ("could not translate host name", "无法连接数据库服务器：主机名有误"),
    ("timeout expired", "连接数据库服务器超时"),
    ("server closed the connection", "数据库服务器中断了连接，本次操作未完成，请稍后重试"),
    ("terminating connection", "数据库服务器中断了连接，本次操作未完成，请稍后重试"),
    ("consuming input failed", "数据库服务器中断了连接，本次操作未完成，请稍后重试"),
)


def explain(exc: SQLAlchemyError) -> str:
    """A database error in words a clerk reads, with the driver's own words in brackets."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return _explain_text(str(exc.orig))
    return _explain_text(str(exc))


def _explain_text(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # PostgreSQL puts the reason in a FATAL/ERROR line after the connection details
    fatal = [line for line in lines if "FATAL:" in line or "ERROR:" in line]
    detail = (fatal[-1] if fatal else lines[0]) if lines else text
    lowered = text.lower()
    for needle, words in _SQLITE_MESSAGES:
        if needle == "role" and not ('role "' in lowered and "does not exist" in lowered):
            continue
        if needle == 'database "' and "does not exist" not in lowered:
            continue
        if needle in lowered:
            return f"{words}（{detail}）"
    return detail


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Apply the shipped migrations unless the ledger is already at the newest one."""
    if current_revision(engine) == HEAD_REVISION:
        return
    # Alembic is imported only when there is something to do: opening a current ledger stays fast.
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except CommandError as exc:
        # e.g. the ledger was migrated by a newer xinfang whose revision this one does not know
        raise LedgerUnavailable(
            f"账本 {describe(str(engine.url))} 的结构版本无法识别，可能由更新版本的 xinfang 创建，"
            f"请升级 xinfang 后再试（{exc}）。"
        ) from exc
