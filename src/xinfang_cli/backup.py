"""`xinfang backup`: a consistent copy of a SQLite ledger, taken while clerks write, and the
rotation of dated backups in a directory.

The copy is made with SQLite's online backup API from the ledger's file, in one step: it reads
one snapshot (what was committed when it started; a transaction still open elsewhere is not in
it) and never blocks the writers (the ledger runs in WAL mode). It is written to a temporary file
beside the target, checked (`integrity_check`), flushed to disk, and only then given the
target's name, so a failed backup never leaves a half-written file under that name. The copy is
one self-contained file in rollback-journal mode, so it can be read where it cannot be written
(a clerk opening it with `--db`, a read-only directory) without SQLite making -wal/-shm files.
A private ledger's backup is its owner's only (0600); a shared ledger's (group read and write)
is readable by that group (0640), so the clerks can open it. The ledger is never migrated,
created or written by a backup.

`backup DIR` names the file after the ledger and the local time (`ledger-2026-12-02T0730.db`,
with the seconds when that name is taken, so that the names sort in time order);
`--keep N` then removes the oldest of that ledger's dated backups in DIR beyond N.

No Typer, no Rich: `backup_ledger` returns a BackupResult the CLI renders.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import sharing
from .db import BUSY_TIMEOUT_MS, describe, sqlite_path
from .errors import FileFormatError, InputError, LedgerUnavailable, os_reason

SIDE_FILES = ("-wal", "-shm", "-journal")
STAMP_FORMAT = "%Y-%m-%dT%H%M"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    cases: int
    size: int  # bytes
    mode: int = 0o600
    removed: list[Path] = field(default_factory=list)  # older backups removed by --keep


def backup_ledger(
    url: str,
    target: Path,
    *,
    force: bool = False,
    keep: int | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Copy the SQLite ledger at `url` to `target`; refuse to overwrite unless `force`.

    When `target` is a directory the copy gets a dated name in it, and with `keep` only the
    newest `keep` dated backups of this ledger stay there.
    """
    source = sqlite_path(url)
    if source is None:
        raise InputError(
            f"账本 {describe(url)} 不是 SQLite 文件，xinfang backup 只能备份 SQLite 账本；"
            "请使用该数据库自带的备份工具（如 PostgreSQL 的 pg_dump）。"
        )
    if source.is_dir():
        raise LedgerUnavailable(f"账本路径 {source} 是一个目录，请指定账本文件。")
    if not source.exists():
        raise LedgerUnavailable(_missing(source))
    denied = sharing.access_problem(source, write=False)
    if denied:
        raise LedgerUnavailable(f"无法备份账本 {source}：{denied}")
    if keep is not None and keep < 1:
        raise InputError(f"--keep 应为正整数（保留的备份份数），收到 {keep}。")
    rotate_in: Path | None = None
    if target.is_dir():
        denied = sharing.cannot_write_in(target)
        if denied:
            raise InputError(f"无法写入备份目录 {target}：{denied}")
        rotate_in = target
        target = dated_target(target, source, now or datetime.now())
        force = False
    elif keep is not None:
        raise InputError(
            f"--keep 只用于备份到目录：xinfang backup 目录 --keep {keep}（{target} 不是目录）。"
        )
    _check_target(source, target, force=force)
    directory = target.parent
    try:
        fd, name = tempfile.mkstemp(prefix=".xinfang-backup-", suffix=".db", dir=directory)
    except OSError as exc:
        raise FileFormatError(f"无法写入备份文件 {target}：{os_reason(exc)}") from None
    os.close(fd)  # mkstemp made it 0600; SQLite writes into it and keeps the mode
    staged = Path(name)
    try:
        _copy(source, staged)
        cases = _check_copy(staged, target)
        mode = _share_like(source, staged)
        _fsync(staged)
        _install(staged, target, force=force)
    except BaseException:
        for suffix in ("", *SIDE_FILES):
            Path(str(staged) + suffix).unlink(missing_ok=True)
        raise
    removed = rotate(rotate_in, source, keep) if rotate_in is not None and keep else []
    return BackupResult(
        path=target, cases=cases, size=target.stat().st_size, mode=mode, removed=removed
    )


def _share_like(source: Path, staged: Path) -> int:
    """A shared ledger's backup is readable by its group; anything else stays 0600."""
    gid = sharing.shared_group_of_file(source)
    if gid is None:
        return 0o600
    try:
        os.chown(staged, -1, gid)
        os.chmod(staged, sharing.BACKUP_SHARED_MODE)
    except OSError:
        return 0o600  # not in the group (root's cron is): still a private, complete backup
    return sharing.BACKUP_SHARED_MODE


# --- dated backups in a directory ---------------------------------------------------------------
def _dated_pattern(source: Path) -> re.Pattern[str]:
    stem = re.escape(source.stem)
    return re.compile(rf"^{stem}-(\d{{4}}-\d{{2}}-\d{{2}}T\d{{4}})(\d{{2}})?(?:_(\d+))?\.db$")


_STAMP_IN_NAME = re.compile(r"-(\d{4}-\d{2}-\d{2}T\d{4})(\d{2})?(?:_\d+)?\.db$")


def taken_at(backup: Path) -> datetime:
    """When a backup was taken: from its dated name (`backup DIR` names it so), else the file's
    modification time (a copy made without keeping it shows the time of the copy)."""
    match = _STAMP_IN_NAME.search(backup.name)
    if match:
        return datetime.strptime(match[1] + (match[2] or "00"), "%Y-%m-%dT%H%M%S")
    return datetime.fromtimestamp(backup.stat().st_mtime)


def dated_target(directory: Path, source: Path, now: datetime) -> Path:
    """DIR/ledger-2026-12-02T0730.db; a second backup within the minute gets the seconds too
    (ledger-2026-12-02T073015.db, which sorts after it), a third within the second _2, _3 …"""
    stamp = now.strftime(STAMP_FORMAT)
    candidate = directory / f"{source.stem}-{stamp}.db"
    if candidate.exists():
        stamp += now.strftime("%S")
        candidate = directory / f"{source.stem}-{stamp}.db"
    n = 2
    while candidate.exists():
        candidate = directory / f"{source.stem}-{stamp}_{n}.db"
        n += 1
    return candidate


def rotate(directory: Path, source: Path, keep: int) -> list[Path]:
    """Remove this ledger's oldest dated backups in `directory` beyond the newest `keep`.

    Only files named as `backup DIR` names them are considered; anything else stays."""
    pattern = _dated_pattern(source)
    dated: list[tuple[tuple[str, str, int], Path]] = []
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            dated.append(((match[1], match[2] or "", int(match[3] or 1)), path))
    dated.sort()
    removed = []
    for _key, path in dated[: max(0, len(dated) - keep)]:
        try:
            path.unlink()
        except OSError as exc:
            raise FileFormatError(
                f"备份已完成，但无法删除旧备份 {path}：{os_reason(exc)}"
            ) from None
        removed.append(path)
    return removed


def _check_target(source: Path, target: Path, *, force: bool) -> None:
    resolved = target.expanduser().resolve()
    ledger_files = {Path(str(source.resolve()) + suffix) for suffix in ("", *SIDE_FILES)}
    same = resolved in ledger_files
    if not same and target.exists() and source.exists():
        try:
            same = os.path.samefile(target, source)
        except OSError:
            same = False
    if same:
        raise InputError(f"备份文件 {target} 就是账本本身（或其日志文件），请另选一个文件名。")
    if target.is_dir():
        raise InputError(
            f"{target} 是一个目录，请指定备份文件名（如 {target / 'ledger-backup.db'}）。"
        )
    if target.exists() and not force:
        raise InputError(f"备份文件 {target} 已存在，未覆盖；确需覆盖请加 --force。")
    if not target.parent.is_dir():
        raise InputError(f"无法写入备份文件 {target}：目录 {target.parent} 不存在。")


def _missing(source: Path) -> str:
    return f"账本不存在：{source}。请用 --db / XINFANG_DB 指定要备份的账本。"


def _connect_ledger(source: Path) -> sqlite3.Connection:
    """The ledger, opened without ever creating it (a missing ledger must stay missing)."""
    try:
        con = sqlite3.connect(
            source.resolve().as_uri() + "?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        if not source.exists():
            raise LedgerUnavailable(_missing(source)) from None
        raise LedgerUnavailable(f"无法打开账本 {source}：{_words(exc)}") from None
    try:
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
    except sqlite3.Error as exc:
        con.close()
        raise LedgerUnavailable(f"无法打开账本 {source}：{_words(exc)}") from None
    if found is None:
        con.close()
        raise LedgerUnavailable(f"{source} 不是 xinfang 账本（尚未初始化），未备份。")
    return con


def _copy(source: Path, staged: Path) -> None:
    ledger = _connect_ledger(source)
    try:
        copy = sqlite3.connect(staged)
        try:
            # pages=-1 (all at once): one read snapshot, so the copy is one committed state.
            ledger.backup(copy)
            # rollback-journal mode: readable from a read-only file, with no -wal/-shm made
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise LedgerUnavailable(f"备份账本 {source} 失败：{_words(exc)}") from None
    finally:
        ledger.close()


def _check_copy(staged: Path, target: Path) -> int:
    """Open the copy and check it; returns its number of cases."""
    try:
        con = sqlite3.connect(staged)
        try:
            verdict = [row[0] for row in con.execute("PRAGMA integrity_check")]
            cases = int(con.execute("SELECT count(*) FROM cases").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise LedgerUnavailable(f"备份副本无法读取，未写入 {target}：{_words(exc)}") from None
    if verdict != ["ok"]:
        raise LedgerUnavailable(
            f"备份副本未通过完整性检查，未写入 {target}：{'；'.join(verdict[:5])}。"
            "账本本身可能已损坏，请运行 xinfang verify。"
        )
    return cases


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _install(staged: Path, target: Path, *, force: bool) -> None:
    """Give the checked copy the target's name; without `force` never replace a file that
    appeared meanwhile (a hard link fails if the name is taken)."""
    try:
        if force:
            os.replace(staged, target)
        else:
            try:
                os.link(staged, target)
            except FileExistsError:
                raise InputError(
                    f"备份文件 {target} 已存在，未覆盖；确需覆盖请加 --force。"
                ) from None
            except OSError:
                # a file system without hard links: check, then rename
                if target.exists():
                    raise InputError(
                        f"备份文件 {target} 已存在，未覆盖；确需覆盖请加 --force。"
                    ) from None
                os.replace(staged, target)
            else:
                staged.unlink()
    except OSError as exc:
        raise FileFormatError(f"无法写入备份文件 {target}：{os_reason(exc)}") from None
    try:
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)  # the new name survives a power cut too
    except OSError:
        pass
    finally:
        os.close(fd)


_SQLITE_WORDS = (
    ("file is not a database", "文件已损坏，或不是 xinfang 账本"),
    ("database disk image is malformed", "账本文件已损坏"),
    ("database is locked", "账本正忙，请稍后重试"),
    ("unable to open database file", "无法打开账本文件，请检查路径和权限"),
    ("disk i/o error", "磁盘读写出错"),
    ("database or disk is full", "磁盘已满"),
)


def _words(exc: sqlite3.Error) -> str:
    detail = str(exc)
    for needle, words in _SQLITE_WORDS:
        if needle in detail.lower():
            return f"{words}（{detail}）"
    return detail


def human_size(size: int) -> str:
    """812 字节, 48.0 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} 字节"
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"
