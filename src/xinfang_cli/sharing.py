"""Who may open a SQLite ledger file: Unix owner, group and modes of the ledger and its directory.

A private ledger is 0600 (its owner only). A shared ledger belongs to a Unix group: the file is
0660 and its directory 2770 — group-writable, and setgid so that the -wal and -shm files any clerk
makes belong to the group too (SQLite gives them the ledger's mode). A new ledger in a directory
that is already set up that way is shared with the directory's group without being asked.

Everything here is worded for the person at the terminal: which account they are, what the
file's owner, group and mode are, and the exact `chgrp`/`chmod`/`usermod` line that fixes it.
Only the standard library: this runs before SQLAlchemy opens anything.
"""

from __future__ import annotations

import getpass
import grp
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, LedgerUnavailable, os_reason

PRIVATE_MODE = 0o600
SHARED_MODE = 0o660
SHARED_DIR_MODE = 0o2770
BACKUP_SHARED_MODE = 0o640  # a backup of a shared ledger: the group may read it, nobody writes it
SIDE_SUFFIXES = ("-wal", "-shm")


# --- names ------------------------------------------------------------------------------------
def current_account() -> str:
    """The Unix account running this process (not a name it was told)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except (KeyError, OSError):
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def group_id(name: str) -> int:
    """The id of the Unix group `name`; a clear error when there is none."""
    name = name.strip()
    if not name:
        raise InputError("请给出用户组名，如 --shared xinfang。")
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise InputError(
            f"没有名为“{name}”的用户组。请先由管理员创建并加入工作人员："
            f"groupadd {name} && usermod -aG {name} 用户名"
        ) from None


def in_group(gid: int) -> bool:
    """Whether this process acts with group `gid` (root may use any group)."""
    return os.geteuid() == 0 or os.getegid() == gid or gid in os.getgroups()


def listed_in_group(gid: int, account: str) -> bool:
    """Whether /etc/group lists `account` in group `gid` (perhaps not yet in force: re-login)."""
    try:
        entry = grp.getgrgid(gid)
        return account in entry.gr_mem or pwd.getpwnam(account).pw_gid == gid
    except KeyError:
        return False


def mode_text(mode: int) -> str:
    """0660, 2770 — as chmod takes it."""
    return f"{stat.S_IMODE(mode) & 0o7777:04o}"


def owner_text(st: os.stat_result) -> str:
    """clerk1:xinfang，权限 0660"""
    return f"{user_name(st.st_uid)}:{group_name(st.st_gid)}，权限 {mode_text(st.st_mode)}"


def _access(path: Path, wanted: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, wanted, effective_ids=True)
    return os.access(path, wanted)


# --- the shape of a shared directory ----------------------------------------------------------
def shared_group_of_directory(directory: Path) -> int | None:
    """The group a directory shares its files with: setgid and group rwx; else None."""
    try:
        st = directory.stat()
    except OSError:
        return None
    if st.st_mode & stat.S_ISGID and st.st_mode & 0o070 == 0o070:
        return st.st_gid
    return None


def shared_group_of_file(path: Path) -> int | None:
    """The group a ledger file is shared with (group read and write); else None."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_gid if st.st_mode & 0o060 == 0o060 else None


def directory_problem(directory: Path, gid: int) -> str | None:
    """What is wrong with `directory` for a ledger shared with group `gid`, with the fix."""
    st = directory.stat()
    name = group_name(gid)
    wrong = []
    if st.st_gid != gid:
        wrong.append(f"属于用户组 {group_name(st.st_gid)}")
    if st.st_mode & 0o070 != 0o070:
        wrong.append("用户组不能读写")
    if not st.st_mode & stat.S_ISGID:
        wrong.append("没有 setgid 位（新文件不会属于该组）")
    if st.st_mode & 0o007:
        wrong.append("其他用户也能进入")
    if not wrong:
        return None
    return (
        f"目录 {directory}（{owner_text(st)}）{'、'.join(wrong)}。请运行：chgrp {name} {directory} && "
        f"chmod 2770 {directory}"
    )


# --- making ledger files ----------------------------------------------------------------------
def create_ledger_file(path: Path) -> None:
    """Create an empty ledger file: shared (0660, the directory's group) when its directory is a
    shared one, else private (0600). A missing directory is made private (0700)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        gid = shared_group_of_directory(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise LedgerUnavailable(_cannot_create(path, exc)) from exc
    try:
        if gid is not None:
            os.fchown(fd, -1, gid)
            os.fchmod(fd, SHARED_MODE)  # explicit: the umask must not take the group's rights
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise LedgerUnavailable(_cannot_create(path, exc)) from exc
    os.close(fd)


def _cannot_create(path: Path, exc: OSError) -> str:
    problem = access_problem(path, write=True)
    return problem or f"无法创建账本文件 {path}：{os_reason(exc)}"


@dataclass(frozen=True)
class SharedSetup:
    gid: int
    directory_made: bool
    file_made: bool
    converted: bool  # an existing private ledger was given to the group


def prepare_shared(path: Path, group: str) -> SharedSetup:
    """For `init --shared GROUP`: the directory (made 2770, or checked), and the ledger file
    (made 0660 with the group, or an existing ledger given to the group). Refuses, changing
    nothing, when the group is unknown, the user is not in it, or the directory is not right."""
    gid = group_id(group)
    account = current_account()
    if not in_group(gid):
        if listed_in_group(gid, account):
            raise InputError(
                f"你（{account}）已加入用户组 {group}，但本次登录尚未生效。请重新登录（或运行 newgrp {group}）后再试。"
            )
        raise InputError(
            f"你（{account}）不在用户组 {group} 中，不能把账本交给该组。请管理员运行："
            f"usermod -aG {group} {account}，然后重新登录。"
        )
    directory = path.parent
    directory_made = False
    try:
        exists = directory.exists()
    except PermissionError:
        raise LedgerUnavailable(
            access_problem(path, write=True) or f"无法进入 {directory}。"
        ) from None
    if path.is_dir():
        raise InputError(f"账本路径 {path} 是一个目录，请指定账本文件。")
    if not exists:
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
            directory.mkdir(mode=0o700)
            os.chown(directory, -1, gid)
            os.chmod(directory, SHARED_DIR_MODE)
        except OSError as exc:
            raise LedgerUnavailable(
                access_problem(directory / "x", write=True)
                or f"无法创建目录 {directory}：{os_reason(exc)}"
            ) from None
        directory_made = True
    else:
        problem = directory_problem(directory, gid)
        if problem:
            raise InputError(problem)
        if not _access(directory, os.W_OK | os.X_OK):
            raise LedgerUnavailable(
                access_problem(path, write=True) or f"无法写入目录 {directory}。"
            )
    converted = file_made = False
    if path.exists():
        st = path.stat()
        if st.st_gid != gid or stat.S_IMODE(st.st_mode) != SHARED_MODE:
            _give_to_group(path, gid)
            converted = True
    else:
        create_ledger_file(path)
        file_made = True
    return SharedSetup(gid, directory_made, file_made, converted)


def _give_to_group(path: Path, gid: int) -> None:
    """An existing ledger (and its -wal/-shm) made 0660 for the group."""
    for file in (path, *(Path(str(path) + s) for s in SIDE_SUFFIXES)):
        if not file.exists():
            continue
        try:
            os.chown(file, -1, gid)
            os.chmod(file, SHARED_MODE)
        except OSError as exc:
            st = file.stat()
            raise InputError(
                f"无法把 {file} 交给用户组 {group_name(gid)}：{os_reason(exc)}（它属于 "
                f"{user_name(st.st_uid)}，只有属主或 root 能更改）。请运行："
                f"chgrp {group_name(gid)} {file} && chmod 660 {file}"
            ) from None


def apply_mode(path: Path, *, uid: int, gid: int, mode: int) -> str | None:
    """Give `path` an owner, group and mode (as far as this account may); returns a sentence
    saying what could not be kept, or None."""
    missed = []
    if os.geteuid() == 0:
        os.chown(path, uid, gid)
    else:
        if uid != os.geteuid():
            missed.append(
                f"属主为 {current_account()}（原为 {user_name(uid)}，只有 root 能更改属主）"
            )
        try:
            os.chown(path, -1, gid)
        except OSError:
            missed.append(f"用户组为 {group_name(os.getegid())}（原为 {group_name(gid)}）")
    os.chmod(path, stat.S_IMODE(mode))
    return "；".join(missed) or None


# --- who may open it ----------------------------------------------------------------------------
def access_problem(path: Path, *, write: bool) -> str | None:
    """Why the current account cannot read (or read and write) the ledger at `path`, with the
    fix; None when it can, or when the file does not exist and may be created."""
    account = current_account()
    blocked = _blocking_directory(path)
    if blocked is not None:
        return _denied(blocked, account, what=f"进入目录 {blocked}", target=path)
    try:
        st = path.stat()
    except FileNotFoundError:
        directory = path.parent
        if write and directory.exists() and not _access(directory, os.W_OK | os.X_OK):
            return _denied(directory, account, what=f"在目录 {directory} 中新建账本", target=path)
        return None
    except OSError:
        return None
    wanted = os.R_OK | os.W_OK if write else os.R_OK
    if not _access(path, wanted):
        return _denied(path, account, what="读写账本" if write else "读取账本", target=path)
    if write and not _access(path.parent, os.W_OK | os.X_OK) and stat.S_ISREG(st.st_mode):
        # SQLite makes the -wal and -shm files beside the ledger
        return _denied(
            path.parent,
            account,
            what=f"在目录 {path.parent} 中写入日志文件（-wal、-shm）",
            target=path,
        )
    for side in (Path(str(path) + suffix) for suffix in SIDE_SUFFIXES):
        # every reader writes the -shm (and a writer the -wal) someone else may have made
        if side.exists() and not _access(side, os.R_OK | os.W_OK):
            return _denied_side(side, path, account)
    return None


def _denied_side(side: Path, path: Path, account: str) -> str:
    st = side.stat()
    ledger = path.stat()
    name = group_name(ledger.st_gid)
    return (
        f"没有权限读写 {side.name}（{owner_text(st)}；你是 {account}）：它应与账本同组同权限。"
        "请其属主或管理员运行："
        f"chgrp {name} {side} && chmod {mode_text(ledger.st_mode)[1:]} {side}"
    )


def _blocking_directory(path: Path) -> Path | None:
    """The first directory on the way to `path` this account may not enter, if any."""
    for parent in reversed(path.absolute().parents):
        try:
            if not parent.exists():
                return None
        except PermissionError:
            return parent.parent
        if not _access(parent, os.X_OK):
            return parent
    return None


def _denied(what_path: Path, account: str, *, what: str, target: Path) -> str:
    try:
        st = what_path.stat()
        owner = owner_text(st)
    except OSError:
        st = None
        owner = "无法查看其属主"
    message = f"没有权限{what}（{owner}；你是 {account}）"
    if st is None:
        return message + "。请管理员检查目录权限。"
    # the group may enter (a directory) or read (a file): joining the group is the fix
    group_may = st.st_mode & (0o040 if stat.S_ISREG(st.st_mode) else 0o010)
    if group_may and not in_group(st.st_gid):
        name = group_name(st.st_gid)
        if listed_in_group(st.st_gid, account):
            return message + f"。你已加入用户组 {name}，重新登录（或运行 newgrp {name}）后生效。"
        return (
            message
            + f"。请管理员把你加入用户组 {name}，运行：usermod -aG {name} {account}（重新登录后生效）。"
        )
    gid = shared_group_of_directory(target.parent)
    if gid is not None and stat.S_ISREG(st.st_mode):
        name = group_name(gid)
        return (
            message
            + f"。请账本的属主或管理员运行：chgrp {name} {what_path} && chmod 660 {what_path}"
        )
    return (
        message
        + "。多位工作人员共用一个账本的设置见 README“一台服务器、多位工作人员”，或运行 xinfang doctor。"
    )


def cannot_write_in(directory: Path) -> str | None:
    """Why this account cannot make files in `directory` (owner, group, mode); None if it can."""
    if _access(directory, os.W_OK | os.X_OK):
        return None
    try:
        st = directory.stat()
        owner = owner_text(st)
    except OSError:
        owner = "无法查看其属主"
    return f"没有权限（{owner}；你是 {current_account()}）。"


def exposure(path: Path) -> str | None:
    """A warning when every account on the machine may read the ledger (personal data)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not st.st_mode & 0o007:
        return None
    fix = "660" if st.st_mode & 0o060 == 0o060 else "600"
    return (
        f"警告：账本 {path} 的权限为 {mode_text(st.st_mode)}，本机任何用户都能读取其中的个人信息。"
        f"请运行：chmod {fix} {path}"
    )
