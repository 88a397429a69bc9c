"""The configuration files and where the ledger is: `--db` > XINFANG_DB > user file > system file
> the default path.

An office sets the ledger once, in `/etc/xinfang/config.toml` (`db = "/srv/xinfang/ledger.db"`);
a clerk may override it in `$XDG_CONFIG_HOME/xinfang/config.toml` (default `~/.config`), a
script with XINFANG_DB, a single command with `--db`. `locate` says which of them applied, so
`doctor` and the new-ledger notice can name it. Only the standard library is used: resolving the
ledger's location must not slow down `--help`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, os_reason, toml_reason

SYSTEM_CONFIG = Path("/etc/xinfang/config.toml")
# Where the system file is read from instead (tests, packagers); not for everyday use.
SYSTEM_CONFIG_ENV = "XINFANG_SYSTEM_CONFIG"
KEYS = {"db": "账本位置（文件路径或 SQLAlchemy 地址）"}

SOURCE_WORDS = {
    "option": "命令行选项 --db",
    "env": "环境变量 XINFANG_DB",
    "user": "用户配置文件",
    "system": "系统配置文件",
    "default": "默认位置",
}


@dataclass(frozen=True)
class Location:
    """Where the ledger is (a path or URL as written) and which setting said so."""

    value: str
    source: str  # option, env, user, system, default
    file: Path | None = None  # the configuration file, for user and system

    def describe_source(self) -> str:
        """命令行选项 --db / 环境变量 XINFANG_DB / 用户配置文件 ~/.config/xinfang/config.toml …"""
        words = SOURCE_WORDS[self.source]
        return f"{words} {self.file}" if self.file is not None else words


def default_ledger_path() -> Path:
    """$XDG_DATA_HOME/xinfang/ledger.db, else ~/.local/share/xinfang/ledger.db."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "xinfang" / "ledger.db"


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "xinfang" / "config.toml"


def system_config_path() -> Path:
    return Path(os.environ.get(SYSTEM_CONFIG_ENV) or SYSTEM_CONFIG)


def read_config(path: Path) -> dict[str, str] | None:
    """The settings of one configuration file; None when there is no such file.

    A file that exists but cannot be read, is not TOML, or holds an unknown key is an error
    (exit 2): a typo there must not silently send everyone to the default ledger.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise InputError(f"配置文件 {path} 是一个目录。") from None
    except PermissionError:
        raise InputError(
            f"无法读取配置文件 {path}：没有权限。请管理员让它对所有用户可读（chmod 644 {path}）。"
        ) from None
    except OSError as exc:
        raise InputError(f"无法读取配置文件 {path}：{os_reason(exc)}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"配置文件 {path} 不是 UTF-8 编码的文本。") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"配置文件 {path} 的格式有误（TOML）：{toml_reason(exc)}。") from None
    settings: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            known = "、".join(KEYS)
            raise InputError(f"配置文件 {path} 中有未知的设置“{key}”（可用的设置：{known}）。")
        if not isinstance(value, str) or not value.strip():
            raise InputError(f'配置文件 {path} 中的 {key} 应为非空的字符串，如 {key} = "…"。')
        settings[key] = value.strip()
    return settings


def _from_file(path: Path, value: str) -> str:
    """A path in a configuration file: ~ expanded, relative to the file's directory."""
    if "://" in value:
        return value
    expanded = Path(value).expanduser()
    return str(expanded if expanded.is_absolute() else path.parent / expanded)


def locate(option: str | None) -> Location:
    """Where the ledger is. `option` is `--db` as given on the command line (None if absent)."""
    if option is not None and option.strip():
        return Location(option.strip(), "option")
    env = (os.environ.get("XINFANG_DB") or "").strip()
    if env:
        return Location(env, "env")
    for source, path in (("user", user_config_path()), ("system", system_config_path())):
        settings = read_config(path)
        if settings and "db" in settings:
            return Location(_from_file(path, settings["db"]), source, path)
    return Location(str(default_ledger_path()), "default")


def config_files() -> list[tuple[str, Path, bool]]:
    """(source, path, exists) of the user and system files, for `doctor`."""
    return [
        (source, path, path.is_file())
        for source, path in (("user", user_config_path()), ("system", system_config_path()))
    ]
