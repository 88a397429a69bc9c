"""`xinfang restore BACKUP`: putting a backup in place of a SQLite ledger without losing anything.

Copying a backup over `ledger.db` by hand corrupts it when a stale `ledger.db-wal` (left by a
killed process) lies beside it: SQLite replays that WAL onto the copy. So a restore:

1. checks the backup before touching anything: a copy of it, staged in the ledger's directory,
   must pass SQLite's integrity check and `verify` (hash chain, cases against their events);
2. reads what it can of the current ledger (read-only; it may be damaged or gone) to tell which
   case numbers were issued after the backup, and makes numbering continue above them (or from
   `--next-number`), so no number handed to a petitioner is given again — when nothing tells
   (no readable ledger), it asks for `--next-number` rather than guess;
3. records the restore in the staged copy's audit log ("restored from a backup taken at …",
   the numbering floor: `numbering.floors`), still before touching anything;
4. refuses while anyone has the ledger open (a write in progress, a clerk's command, cron): it
   takes the same lock SQLite's own exclusive lock takes, and holds it while it
5. moves the ledger and its -wal/-shm aside under one name (never deletes them: opened with
   `--db`, the set-aside ledger still has its WAL) and renames the staged copy into place with
   the old ledger's owner, group and mode.

No Typer, no Rich: `restore_ledger` returns a RestoreResult the CLI renders.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import numbering, sharing
from .audit import AuditLog
from .backup import taken_at
from .db import BUSY_TIMEOUT_MS, sqlite_path, url_of
from .errors import InputError, LedgerUnavailable, NotAllowed, os_reason
from .ledger import open_ledger
from .verify import verify_ledger

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
# SQLite's unix locking: every open connection to a WAL ledger holds a read lock on this range;
# SQLite's EXCLUSIVE lock is a write lock on it (os_unix.c: PENDING_BYTE + 2, 510 bytes).
_SHARED_FIRST = 0x40000000 + 2
_SHARED_SIZE = 510


@dataclass(frozen=True)
class YearTop:
    year: int
    number: str  # the highest number of the year


@dataclass
class RestoreResult:
    ledger: Path
    backup: Path
    cases: int
    taken_at: datetime  # when the backup was taken (local time; backup.taken_at)
    last_event_at: str | None  # the newest change the backup holds (UTC, ISO)
    aside: list[Path] = field(default_factory=list)
    owner: str = ""
    group: str = ""
    mode: int = 0o600
    not_kept: str | None = None  # what of the old owner/group could not be kept
    current_readable: bool = False
    current_problem: str | None = None  # why the current ledger could not be read
    after_backup: list[str] = field(default_factory=list)  # numbers only the replaced ledger had
    backup_tops: list[YearTop] = field(default_factory=list)
    next_numbers: list[str] = field(default_factory=list)  # where numbering continues now


@dataclass
class _Numbers:
    """Case numbers of a ledger: all of them, the top sequence per year, restore floors."""

    numbers: set[str] = field(default_factory=set)
    tops: dict[int, tuple[int, str]] = field(default_factory=dict)  # year → (seq, number)
    floors: dict[int, int] = field(default_factory=dict)

    def highest(self, year: int) -> int:
        return max(self.tops.get(year, (0, ""))[0], self.floors.get(year, 0))

    def years(self) -> set[int]:
        return set(self.tops) | set(self.floors)


def restore_ledger(
    url: str,
    backup: Path,
    *,
    actor: str,
    next_number: str | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Put `backup` in place of the SQLite ledger at `url` (see the module's docstring)."""
    ledger = sqlite_path(url)
    if ledger is None:
        raise InputError(
            "xinfang restore 只适用于 SQLite 账本文件；PostgreSQL 等请用数据库自带的工具（如 pg_restore）。"
        )
    ledger = ledger.absolute()
    _check_backup_file(backup, ledger)
    directory = ledger.parent
    if not directory.is_dir():
        raise InputError(
            f"账本所在的目录 {directory} 不存在。请先创建它（多人共用时：install -d -m 2770 -g 用户组 {directory}）。"
        )
    denied = sharing.access_problem(ledger, write=True)
    if denied:
        raise LedgerUnavailable(f"无法恢复账本 {ledger}：{denied}")
    exists = ledger.exists()
    if exists:
        _refuse_if_in_use(ledger)  # early, before the long checks; taken again for the swap
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    staged = _stage(backup, directory)
    try:
        result = _check_and_record(
            staged,
            ledger=ledger,
            backup=backup,
            actor=actor,
            next_number=next_number,
        )
        _take_modes(result, staged, ledger, exists=exists)
        _swap(staged, ledger, stamp, result)
    except BaseException:
        for suffix in ("", *SIDE_SUFFIXES):
            Path(str(staged) + suffix).unlink(missing_ok=True)
        raise
    return result


# --- 1. the backup ------------------------------------------------------------------------------
def _check_backup_file(backup: Path, ledger: Path) -> None:
    if not backup.exists():
        raise InputError(f"找不到备份文件 {backup}。")
    if backup.is_dir():
        raise InputError(
            f"{backup} 是一个目录，请指定其中的一个备份文件（如 ledger-2026-12-02T0730.db）。"
        )
    resolved = backup.resolve()
    ledger_files = {Path(str(ledger.resolve()) + s) for s in ("", *SIDE_SUFFIXES)}
    if resolved in ledger_files or (ledger.exists() and os.path.samefile(backup, ledger)):
        raise InputError(f"{backup} 就是账本本身，不能用它恢复自己。")
    wal = Path(str(backup) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise InputError(
            f"备份文件旁有 {wal.name}：这不是 xinfang backup 做的完整备份，或仍有程序打开着它。"
            f"请先用 xinfang --db {backup} backup 新文件.db 得到一份完整的备份，再用它恢复。"
        )
    if not os.access(backup, os.R_OK):
        raise InputError(f"没有权限读取备份文件 {backup}。")


def _stage(backup: Path, directory: Path) -> Path:
    """A private copy of the backup in the ledger's directory (the later rename is atomic)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".xinfang-restore-", suffix=".db", dir=directory)
    except OSError as exc:
        raise LedgerUnavailable(f"无法在目录 {directory} 中写入：{os_reason(exc)}") from None
    os.close(fd)
    staged = Path(name)
    try:
        shutil.copyfile(backup, staged)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise InputError(f"无法读取备份文件 {backup}：{os_reason(exc)}") from None
    return staged


def _check_and_record(
    staged: Path, *, ledger: Path, backup: Path, actor: str, next_number: str | None
) -> RestoreResult:
    """Check the staged copy, work out the numbering, and write the restore event into it."""
    _check_storage(staged, backup)
    report = verify_ledger(url_of(str(staged)))  # also migrates an older backup's schema
    if not report.ok:
        first = report.problems[0].message if report.problems else ""
        raise NotAllowed(
            f"备份 {backup} 未通过校验（{report.problem_count} 个问题，如：{first}），未恢复，账本未改动。"
            "请换一份备份，或用 xinfang --db 备份文件 verify 查看全部问题。"
        )
    known, last_at = _read_numbers(staged, read_only=False)
    result = RestoreResult(
        ledger=ledger,
        backup=backup,
        cases=len(known.numbers),
        taken_at=taken_at(backup),
        last_event_at=last_at,
        backup_tops=[YearTop(y, known.tops[y][1]) for y in sorted(known.tops)],
    )
    current = _read_current(ledger, result)
    opened = open_ledger(str(staged), actor=actor, create=False)
    try:
        prefix = opened.taxonomy.number_prefix
        result.next_numbers = _continue_from(known, current, next_number, prefix, result)
        with opened.transaction() as (_session, log):
            _record(log, result)
    finally:
        opened.engine.dispose()
    return result


def _check_storage(staged: Path, backup: Path) -> None:
    try:
        con = sqlite3.connect(staged)
        try:
            verdict = [row[0] for row in con.execute("PRAGMA integrity_check")]
            found = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if verdict == ["ok"] and found:
                con.execute("PRAGMA journal_mode = WAL")  # a ledger's mode (backups are rollback)
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise InputError(f"{backup} 无法作为账本读取（{exc}），未恢复，账本未改动。") from None
    if verdict != ["ok"]:
        raise NotAllowed(
            f"备份 {backup} 未通过数据库完整性检查（{'；'.join(verdict[:3])}），未恢复，账本未改动。"
        )
    if not found:
        raise InputError(f"{backup} 不是 xinfang 账本的备份，未恢复。")


# --- 2. what the current ledger knows ---------------------------------------------------------
def _read_numbers(path: Path, *, read_only: bool) -> tuple[_Numbers, str | None]:
    """A ledger's case numbers, restore floors and the time of its newest event. Read-only, a
    connection neither checkpoints nor removes the ledger's WAL: not a byte of it changes."""
    mode = "ro" if read_only else "rw"
    con = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        known = _Numbers()
        for number, year, seq in con.execute("SELECT number, year, seq FROM cases"):
            known.numbers.add(number)
            if seq > known.tops.get(year, (0, ""))[0]:
                known.tops[year] = (seq, number)
        rows = con.execute(
            "SELECT changes FROM events WHERE action = ?", (numbering.RESTORE_ACTION,)
        )
        known.floors = numbering.floors_from(text for (text,) in rows)
        last = con.execute("SELECT at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return known, last[0] if last else None


def _read_current(ledger: Path, result: RestoreResult) -> _Numbers | None:
    """The numbers of the ledger being replaced, as far as it can be read (it may be damaged
    or gone); None when it cannot tell."""
    if not ledger.exists():
        result.current_problem = "原账本不存在"
        return None
    try:
        current, _last = _read_numbers(ledger, read_only=True)
    except sqlite3.Error as exc:
        result.current_problem = f"原账本无法读取：{exc}"
        return None
    result.current_readable = True
    return current


def _continue_from(
    backup: _Numbers,
    current: _Numbers | None,
    next_number: str | None,
    prefix: str,
    result: RestoreResult,
) -> list[str]:
    """The next number of each year where numbering must not simply follow the backup."""
    floors: dict[int, int] = {}
    if current is not None:
        result.after_backup = sorted(
            current.numbers - backup.numbers, key=lambda n: numbering.parse_number(n) or ("", 0, 0)
        )
        for year in current.years():
            if current.highest(year) > backup.highest(year):
                floors[year] = current.highest(year)
    if next_number is not None:
        parsed = numbering.parse_number(next_number)
        if parsed is None:
            raise InputError(
                f"--next-number “{next_number}”不是案件编号的格式（如 {prefix}2026-0060）。"
            )
        given_prefix, year, seq = parsed
        if given_prefix.upper() != prefix.upper():
            raise InputError(
                f"--next-number {next_number} 的前缀与本账本的编号前缀“{prefix}”不同（如 {prefix}{year}-{seq:04d}）。"
            )
        taken = max(backup.highest(year), floors.get(year, 0))
        if seq <= taken:
            raise InputError(
                f"编号 {next_number} 已经发出过（{_said(backup, current, year)}），不能再用；"
                f"下一个编号至少是 {prefix}{year}-{taken + 1:04d}。未恢复，账本未改动。"
            )
        floors[year] = seq - 1
    elif current is None:
        tops = "、".join(t.number for t in result.backup_tops[-2:]) or "（备份中没有案件）"
        year = max(backup.years(), default=datetime.now().year)
        hint = f"{prefix}{year}-{backup.highest(year) + 1:04d}"
        raise InputError(
            f"无法得知备份之后发出过哪些编号（{result.current_problem}）。备份中最后的编号：{tops}。"
            "请查对此后登记、告知过的编号（纸质登记簿、回执、邮件），再加 --next-number 指定"
            f"下一个编号重新运行；确认备份之后没有发出过编号时即为 --next-number {hint}。未恢复，账本未改动。"
        )
    return [f"{prefix}{year}-{seq + 1:04d}" for year, seq in sorted(floors.items())]


def _said(backup: _Numbers, current: _Numbers | None, year: int) -> str:
    where = []
    if backup.tops.get(year):
        where.append(f"备份中已有 {backup.tops[year][1]}")
    if current is not None and current.tops.get(year):
        where.append(f"原账本中已有 {current.tops[year][1]}")
    return "，".join(where) or "账本记录该年的编号已用到此后"


# --- 3. the audit event ---------------------------------------------------------------------
def _record(log: AuditLog, result: RestoreResult) -> None:
    taken = result.taken_at.strftime("%Y-%m-%d %H:%M:%S")
    changes: dict[str, tuple[object, object]] = {
        "backup_file": (None, str(result.backup)),
        "backup_taken_at": (None, result.taken_at.astimezone(UTC).isoformat()),
        "backup_last_event_at": (None, result.last_event_at),
    }
    if result.after_backup:
        changes["issued_after_backup"] = (None, result.after_backup)
    if result.next_numbers:
        changes[numbering.NEXT_NUMBERS] = (None, result.next_numbers)
    log.record(
        numbering.RESTORE_ACTION,
        changes=changes,
        reason=f"从备份恢复：备份取于 {taken}（{result.backup.name}）",
    )


# --- 4 and 5. the swap ----------------------------------------------------------------------------
def _in_use_message(ledger: Path) -> str:
    return (
        f"账本 {ledger} 正在使用中（有工作人员的命令、cron 任务或其他程序打开着它，可能正在写入），"
        "未恢复，账本未改动。请让各位工作人员退出 xinfang、暂停 cron 任务后再试。"
    )


def _lock(ledger: Path) -> int:
    """An fd holding SQLite's exclusive lock on `ledger`: nobody else has it open."""
    try:
        fd = os.open(ledger, os.O_RDWR)
    except OSError as exc:
        raise LedgerUnavailable(f"无法打开账本 {ledger}：{os_reason(exc)}") from None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise LedgerUnavailable(_in_use_message(ledger)) from None
    return fd


def _refuse_if_in_use(ledger: Path) -> None:
    os.close(_lock(ledger))


def _take_modes(result: RestoreResult, staged: Path, ledger: Path, *, exists: bool) -> None:
    """The old ledger's owner, group and mode (without one: as a new ledger would be made)."""
    if exists:
        st = ledger.stat()
        uid, gid, mode = st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)
    else:
        shared = sharing.shared_group_of_directory(ledger.parent)
        uid = os.geteuid()
        gid = shared if shared is not None else os.getegid()
        mode = sharing.SHARED_MODE if shared is not None else sharing.PRIVATE_MODE
    result.not_kept = sharing.apply_mode(staged, uid=uid, gid=gid, mode=mode)
    final = staged.stat()
    result.owner = sharing.user_name(final.st_uid)
    result.group = sharing.group_name(final.st_gid)
    result.mode = stat.S_IMODE(final.st_mode)
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())


def _aside_name(ledger: Path, stamp: str) -> Path:
    base = ledger.with_name(f"{ledger.name}.replaced-{stamp}")
    candidate, n = base, 2
    while any(Path(str(candidate) + s).exists() for s in ("", *SIDE_SUFFIXES)):
        candidate = Path(f"{base}-{n}")
        n += 1
    return candidate


def _swap(staged: Path, ledger: Path, stamp: str, result: RestoreResult) -> None:
    fd = _lock(ledger) if ledger.exists() else None
    aside = _aside_name(ledger, stamp)
    try:
        for suffix in ("", *SIDE_SUFFIXES):
            old = Path(str(ledger) + suffix)
            if old.exists():
                new = Path(str(aside) + suffix)
                os.rename(old, new)
                result.aside.append(new)
        os.rename(staged, ledger)
    except OSError as exc:
        # put back what was moved, so the ledger is as it was
        for moved in reversed(result.aside):
            os.rename(moved, Path(str(ledger) + moved.name[len(aside.name) :]))
        result.aside.clear()
        raise LedgerUnavailable(f"恢复时无法移动文件：{os_reason(exc)}，账本未改动。") from None
    finally:
        if fd is not None:
            os.close(fd)
    try:
        dir_fd = os.open(ledger.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
