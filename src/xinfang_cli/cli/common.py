"""What every command shares: global options, the error boundary, consoles, dates, opening the ledger.

Imports only typer and rich at module level so `xinfang --help` never loads SQLAlchemy.
"""

import functools
import getpass
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from ..config import Location
    from ..ledger import Ledger


def _console_class() -> Any:
    from rich.console import Console
    from rich.segment import Segment

    class _Console(Console):
        """Rich's console, printing what comes from the ledger as text only: a control character
        in a stored value (an escape sequence in a name) is shown as its symbol (␛), never sent
        to the terminal; and a closed pipe ends the output quietly."""

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            from ..text import printable

            return super()._render_buffer(
                segment if segment.control else Segment(printable(segment.text), segment.style)
                for segment in buffer
            )

        def on_broken_pipe(self) -> None:
            """`xinfang history … | head`: the reader has what it wanted; end quietly, exit 0."""
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)

    return _Console


class _Lazy:
    """A console made on first use: a command whose output is JSON, CSV or plain lines (and
    whose messages go to a pipe) never loads Rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def _made(self) -> Any:
        if self._console is None:
            console = _console_class()(**self._options)
            # Rich fixes the size from COLUMNS/LINES when a console is made; left unset it reads
            # them (and the terminal) on each use, as a console made at import did
            console._width = console._height = None
            self._console = console
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    # Rich's Live (progress bars) buffers its output with `with console:`
    def __enter__(self) -> Any:
        return self._made().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._made().__exit__(*exc)


if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console
else:
    out = _Lazy(highlight=False, soft_wrap=False)
    err = _Lazy(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    db: str | None = None
    by: str | None = None
    db_from_env: bool = False  # --db's value came from XINFANG_DB, not the command line


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def actor(ctx: typer.Context) -> str:
    """Who acts, for the audit log: the name given (--by / XINFANG_USER) and, when that is not
    the account running the command, the account too — 李主任（clerk1）— so a shared ledger
    always shows which account did what. Without a name: the login name, as it always was."""
    from ..sharing import current_account

    # A blank --by / XINFANG_USER must not put an empty name in the audit log.
    name = (settings(ctx).by or "").strip() or (os.environ.get("XINFANG_USER") or "").strip()
    account = current_account()
    if name:
        return name if name == account else f"{name}（{account}）"
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return account


def location(ctx: typer.Context) -> "Location":
    """Where the ledger is, and which setting said so (for doctor and the new-ledger notice)."""
    from ..config import locate

    s = settings(ctx)
    return locate(None if s.db_from_env else s.db)


# Ledgers the running command used; when it succeeds, one any account may read is warned about.
_used: list[str] = []


def _warn_exposed() -> None:
    """Every command on a ledger any account may read says so (personal data), until fixed."""
    from ..db import sqlite_path
    from ..sharing import exposure

    for url in dict.fromkeys(_used):
        path = sqlite_path(url)
        warning = exposure(path) if path is not None else None
        if warning:
            err.print(warning, markup=False)


def ledger_url(ctx: typer.Context) -> str:
    """The ledger's URL for commands that open it themselves (verify, backup, restore)."""
    from ..db import url_of

    url = url_of(location(ctx).value)
    _used.append(url)
    return url


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
# Every ledger the running command opened: whether one committed decides what a Ctrl-C says.
_opened: "list[Ledger]" = []


def open_ledger(ctx: typer.Context, *, write: bool) -> "Ledger":
    from ..ledger import open_ledger as _open

    url = ledger_url(ctx)
    ledger = _open(url, actor=actor(ctx), create=write)
    _opened.append(ledger)
    if ledger.created:
        _created.append(ledger)
        _announce.append(location(ctx).describe_source())
    return ledger


# What the new-ledger notice names: which setting chose the path of a ledger created just now.
_announce: list[str] = []


def _announce_created() -> None:
    """A ledger made by any command but init is announced, so a forgotten --db is noticed."""
    from ..db import describe

    for ledger, source in zip(_created, _announce, strict=False):
        err.print(
            f"已新建账本 {describe(ledger.url)}（位置来自{source}）。"
            "如果本应使用已有的账本，请检查 --db、XINFANG_DB 或配置文件（xinfang doctor 可查看）。",
            markup=False,
        )


def _discard_created() -> None:
    from ..ledger import discard_if_unused

    _announce.clear()
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


# Input no check of a field saw, that the database cannot take: bytes that were not UTF-8 in an
# argument (a search, a path), a number far past any a ledger holds (`--limit 9999…`).
_UNSTORABLE: dict[type, str] = {
    UnicodeEncodeError: "输入中含有无法识别的字节（不是 UTF-8 文字），请检查终端的编码。",
    OverflowError: "输入的数字太大，超出了账本能存放的范围。",
}


def guard(fn: F) -> F:
    """The one error boundary: XinfangError → one Chinese line on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import XinfangError

        _created.clear()
        _announce.clear()
        _used.clear()
        _opened.clear()
        try:
            result = fn(*args, **kwargs)
            _announce_created()
            _warn_exposed()
            _created.clear()
            _announce.clear()
            return result
        except XinfangError as exc:
            _discard_created()
            done(f"错误：{exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort):
            _created.clear()
            _announce.clear()
            raise
        except BrokenPipeError:
            # `xinfang list --json | head`: the reader left; nothing more to say to anyone.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (KeyboardInterrupt, EOFError):
            if any(ledger.committed for ledger in _opened):
                _created.clear()
                _announce.clear()
                done(
                    "已中断。中断前本次操作已写入账本（可用 xinfang history、xinfang verify 查看）。"
                )
            else:
                _discard_created()
                done("已取消，账本未改动。")
            raise typer.Exit(2) from None
        except (UnicodeEncodeError, OverflowError) as exc:
            _discard_created()
            done(f"错误：{_UNSTORABLE[type(exc)]}账本未改动。")
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


def print_table(table: Any) -> None:
    """A Rich table on a terminal; piped or redirected, its title on a line of its own, then a
    header line and one tab-separated line per row (as `list` does): no box drawing or wrapped
    rows for grep, cut or a spreadsheet."""
    if out.is_terminal:
        out.print(table)
        return
    from rich.text import Text

    from ..text import line_cell

    def cell(value: Any) -> str:
        text = getattr(value, "text", value)  # a Wrap holds its Text
        # a str cell is Rich markup (escaped where it is free text), as the terminal shows it
        return line_cell(
            text.plain if isinstance(text, Text) else Text.from_markup(str(text)).plain
        )

    lines = [cell(table.title)] if table.title else []
    if table.show_header:
        lines.append("\t".join(cell(column.header) for column in table.columns))
    lines += [
        "\t".join(map(cell, row)) for row in zip(*(c.cells for c in table.columns), strict=True)
    ]
    sys.stdout.write("\n".join(lines) + "\n")


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
    if stderr_is_terminal():
        from .wrap import Wrap

        err.print(Wrap(message))
    else:
        from ..text import printable

        _write_stderr(printable(message) + "\n")


def _write_stderr(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except BrokenPipeError:
        pass


def read_text(path: Path) -> str:
    """A text file the clerk names (a taxonomy, a template): UTF-8, with or without BOM."""
    from ..errors import FileFormatError, os_reason

    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"文件 {path} 不是 UTF-8 编码的文本。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{os_reason(exc)}") from None


def done_quietly(message: str, *, verbose: bool) -> None:
    """A success line only a person at a terminal reads (or -v asks for): commands cron runs
    (backup, verify) stay silent when all is well, so cron mails only when something is wrong."""
    if verbose or stderr_is_terminal():
        done(message)


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
