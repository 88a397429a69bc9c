"""The one exception tree of xinfang: every failure a user can cause is a XinfangError.

The CLI catches XinfangError at a single boundary, prints its Chinese message to stderr and exits
with its code (docs/exit-codes.md): 1 the ledger says no, 2 fix the command or its
surroundings.
"""

from __future__ import annotations

import errno
import re


class XinfangError(Exception):
    """Base class: a message for the user (in Chinese) and an exit code."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def prefixed(self, prefix: str) -> XinfangError:
        """The same error, its message led by where the value came from (“--received：…”)."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.message = prefix + self.message
        copy.args = (copy.message,)
        return copy


class InputError(XinfangError):
    """A value the user typed cannot be read or is out of range (exit 2)."""

    exit_code = 2


class NotFoundError(XinfangError):
    """An unknown case number, category, department, channel… (exit 2). `suggestions`: the
    nearest valid names, nearest first (a prompt offers the first as its default)."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class LedgerUnavailable(XinfangError):
    """The ledger cannot be opened, does not exist for a read, or is corrupt (exit 2)."""

    exit_code = 2


class FileFormatError(XinfangError):
    """An input file cannot be read, or its rows are invalid (exit 2)."""

    exit_code = 2


class NotAllowed(XinfangError):
    """The action is not allowed in the case's present state (exit 1)."""

    exit_code = 1


# What the operating system's (English) reasons mean for the clerk; others keep its own words.
_OS_REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许这样操作（权限不足）",
    errno.EEXIST: "已经存在",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "所在的文件系统只读",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "正被占用",
    errno.EIO: "磁盘读写出错",
    errno.EDQUOT: "超出了磁盘配额",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (“文件或目录不存在”)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


# tomllib's (English) reasons, by how they begin; the position is read off the end.
_TOML_REASONS = (
    ("Invalid value", '值的写法有误（文字要加双引号，如 "教务处"）'),
    ("Expected '=' after a key", "键的后面缺少 ="),
    ("Invalid statement", "无法识别这一行"),
    ("Invalid initial character for a key part", "键的写法有误"),
    ("Unclosed array", "方括号 [ ] 没有闭合"),
    ("Unclosed inline table", "花括号 { } 没有闭合"),
    ("Unterminated string", "字符串缺少结束的引号"),
    ("Illegal character", "含有不允许的字符"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个表写了两次"),
    ("Expected newline or end of document", "一行中写了多项（每项一行）"),
)
_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def toml_reason(exc: ValueError) -> str:
    """Where and why a TOML text does not parse, in Chinese (“第 2 行第 5 列：键的后面缺少 =”)."""
    text = str(exc)
    at = _TOML_AT.search(text)
    reason = _TOML_AT.sub("", text)
    for start, chinese in _TOML_REASONS:
        if reason.startswith(start):
            reason = chinese
            break
    if at is None:
        return reason
    return (
        f"第 {at.group(1)} 行第 {at.group(2)} 列：{reason}"
        if at.group(1)
        else f"文件末尾：{reason}"
    )
