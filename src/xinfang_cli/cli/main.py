"""The `xinfang` application: global options, the command list, and the process entry point."""

import sys
from typing import Annotated, Optional

import typer

from .. import __version__
from . import (
    activity,
    admin,
    cases,
    corrections,
    letters,
    overdue,
    queries,
    reports,
    retention,
    taxonomy,
    transfer,
    usage_zh,
)
from .common import settings

# Typer's own headings and messages in Chinese (its Rich renderer configured when loaded).
usage_zh.install()

app = typer.Typer(
    name="xinfang",
    help="信访台账：登记、分类、交办、督办、办结、评价信访事项，并生成月度与年度统计。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xinfang {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            envvar="XINFANG_DB",
            help="账本位置：文件路径（SQLite）或 SQLAlchemy 地址（如 postgresql+psycopg://…）。"
            "未指定时依次取环境变量 XINFANG_DB、~/.config/xinfang/config.toml、"
            "/etc/xinfang/config.toml 中的 db，最后是 $XDG_DATA_HOME/xinfang/ledger.db。",
            show_envvar=True,
        ),
    ] = None,
    by: Annotated[
        Optional[str],
        typer.Option(
            "--by",
            envvar="XINFANG_USER",
            help="经办人（记入操作日志）；默认当前登录名。",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
    ] = False,
) -> None:
    """信访台账：登记、分类、交办、督办、办结、评价信访事项，并生成月度与年度统计。"""
    s = settings(ctx)
    s.db = db
    s.by = by
    source = ctx.get_parameter_source("db")
    s.db_from_env = source is not None and source.name == "ENVIRONMENT"


cases.register(app)
corrections.register(app)
queries.register(app)
overdue.register(app)
reports.register(app)
admin.register(app)
taxonomy.register(app)
retention.register(app)
activity.register(app)
letters.register(app)
transfer.register(app)


# Global options that take a value (the word after them is not the command's name); a test
# holds this to `main`'s options.
_VALUED = ("--db", "--by")
_VALUED_JOINED = tuple(f"{name}=" for name in _VALUED)  # --db=ledger.db


def command_named(args: list[str]) -> str | None:
    """The command (or command group) a command line runs, read past the global options; "" for
    `--version`, which runs none; None when the line asks for the whole application (`--help`,
    no command, completion options)."""
    at = 0
    while at < len(args):
        word = args[at]
        if word in _VALUED:
            at += 2
        elif word.startswith(_VALUED_JOINED):
            at += 1
        elif word == "--version":
            return ""
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


def narrow(application: typer.Typer, args: list[str]) -> None:
    """Keep only the command the line runs, so Typer builds one command's options, not all
    forty-two: a command pays for itself, not for every other one. `--help` and shell completion
    (which runs with no arguments) still see them all; a name that is no command leaves the
    list whole, so Click's message about it is unchanged."""
    name = command_named(args)
    if name is None:
        return
    commands = [c for c in application.registered_commands if c.name == name]
    groups = [g for g in application.registered_groups if g.name == name]
    if name and not commands and not groups:
        return
    application.registered_commands[:] = commands
    application.registered_groups[:] = groups


def run() -> None:
    # cron runs us with LANG unset: Chinese must still come out as UTF-8, never as an encode error.
    for stream in (sys.stdout, sys.stderr):
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")
    narrow(app, sys.argv[1:])
    app()
