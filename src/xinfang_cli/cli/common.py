"""What every command shares: global options, the error boundary, consoles, dates, opening the ledger.

Imports only typer and rich at module level so `xinfang --help` never loads SQLAlchemy.
"""

import functools
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from ..ledger import Ledger


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """`xinfang history … | head`: the reader has what it wanted; end quietly, exit 0."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0)


out = _Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    db: str | None = None
    by: str | None = None


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def actor(ctx: typer.Context) -> str:
    # A blank --by / XINFANG_USER must not put an empty name in the audit log.
    name = (settings(ctx).by or "").strip() or (os.environ.get("XINFANG_USER") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def today() -> date:
    """The clerk's today. XINFANG_TODAY (YYYY-MM-DD) pins it for training ledgers and tests."""
    pinned = os.environ.get("XINFANG_TODAY")
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            from ..errors import InputError

            raise InputError(
                f"环境变量 XINFANG_TODAY 的值“{pinned}”不是 YYYY-MM-DD 日期。"
            ) from None
    return date.today()


# Ledgers the running command created; the error boundary removes them again if it fails.
_created: "list[Ledger]" = []


def open_ledger(ctx: typer.Context, *, write: bool) -> "Ledger":
    from ..ledger import open_ledger as _open

    s = settings(ctx)
    ledger = _open(s.db, actor=actor(ctx), create=write)
    if ledger.created:
        _created.append(ledger)
    return ledger


def _discard_created() -> None:
    from ..ledger import discard_if_unused

    while _created:
        discard_if_unused(_created.pop())


def parse_day(text: str | None, *, default: date | None = None) -> date:
    from ..dates import parse_date

    if text is None or not text.strip():
        if default is None:
            raise AssertionError("a date is required here")
        return default
    return parse_date(text, today=today())


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def guard(fn: F) -> F:
    """The one error boundary: XinfangError → one Chinese line on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import XinfangError

        _created.clear()
        try:
            result = fn(*args, **kwargs)
            _created.clear()
            return result
        except XinfangError as exc:
            _discard_created()
            done(f"错误：{exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort):
            _created.clear()
            raise
        except BrokenPipeError:
            # `xinfang list --json | head`: the reader left; nothing more to say to anyone.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (KeyboardInterrupt, EOFError):
            _discard_created()
            done("已取消，账本未改动。")
            raise typer.Exit(2) from None
        except Exception as exc:  # a bug: still no traceback for the clerk
            _discard_created()
            if os.environ.get("XINFANG_DEBUG"):
                raise
            done(
                f"内部错误：{type(exc).__name__}: {exc}。本次操作未完成。"
                "设置环境变量 XINFANG_DEBUG=1 后重试可看到详细信息，请反馈给维护人员。"
            )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def escape(text: str) -> str:
    """Free text (summaries, names) shown in a Rich table: brackets are text, never markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def emit_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def emit_csv(headers: list[str], rows: list[list[str]]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)


def warn_provisional(case: Any, *fields: str) -> None:
    """Once, after a step that counted a deadline through a year without holiday data."""
    from ..steps import provisional_years

    years = provisional_years(case, *fields)
    if years:
        shown = "、".join(f"{y} 年" for y in years)
        done(
            f"注意：{shown}的节假日安排尚未收录（chinese-calendar 和分类体系的 [calendar] 都没有），"
            "以上期限暂按仅跳过周末计算。收到国务院的放假通知后，请写入分类体系的 [calendar] "
            "并运行 xinfang taxonomy load，暂定期限会自动更正。"
        )


def done(message: str) -> None:
    """A message for the clerk (a confirmation, a warning, an error): stderr, so stdout stays
    clean for scripts. On a terminal it wraps between words and characters, never inside a
    number or a date; elsewhere it is one line, as written."""
    if err.is_terminal:
        from .wrap import Wrap

        err.print(Wrap(message))
    else:
        err.print(message, markup=False)


def read_text(path: Path) -> str:
    """A text file the clerk names (a taxonomy, a template): UTF-8, with or without BOM."""
    from ..errors import FileFormatError

    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"文件 {path} 不是 UTF-8 编码的文本。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{exc.strerror}") from None
