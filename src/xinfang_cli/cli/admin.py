"""Commands that look after the ledger itself: init, verify and backup."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import done, emit_json, guard, out, read_text, settings

ADMIN_PANEL = "账本管理"


def register(app: typer.Typer) -> None:
    app.command("init", rich_help_panel=ADMIN_PANEL)(init)
    app.command("verify", rich_help_panel=ADMIN_PANEL)(verify)
    app.command("backup", rich_help_panel=ADMIN_PANEL)(backup)


@guard
def init(
    ctx: typer.Context,
    taxonomy: Annotated[
        Optional[Path],
        typer.Option("--taxonomy", help="用此 TOML 文件作为分类体系（默认内置分类）"),
    ] = None,
) -> None:
    """创建账本（仅本人可读写）并写入分类体系。"""
    from ..db import resolve_url, sqlite_path
    from ..errors import NotAllowed
    from ..ledger import open_ledger as open_raw
    from ..taxonomy import parse_taxonomy

    source = None
    if taxonomy is not None:
        source = read_text(taxonomy)
        parse_taxonomy(source)  # refuse a bad file before anything is created
    from .common import actor

    url = resolve_url(settings(ctx).db)
    path = sqlite_path(url)
    existed = path is not None and path.exists() and path.stat().st_size > 0
    ledger = open_raw(settings(ctx).db, actor=actor(ctx), create=True, taxonomy_source=source)
    if existed and not ledger.created:
        if source is not None:
            raise NotAllowed(
                f"账本 {ledger.location} 已存在；如需更换分类体系请用 xinfang taxonomy load {taxonomy}。"
            )
        done(f"账本 {ledger.location} 已存在，未作改动。")
        return
    done(
        f"已创建账本 {ledger.location}（{len(ledger.taxonomy.categories)} 个类别、"
        f"{len(ledger.taxonomy.departments)} 个单位）。"
    )


PROBLEMS_SHOWN = 200  # problems listed on screen; --json carries up to verify.MAX_KEPT


@guard
def verify(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="输出一个 JSON 对象：ok、cases、events、problems"),
    ] = False,
) -> None:
    """校验账本：数据库完整性、操作日志哈希链、每件案件与其操作日志是否一致。

    发现的问题逐条列出（每行一条）。退出码：0 校验通过；1 发现问题；
    2 无法校验（账本不存在、无法打开或已损坏）。
    """
    from ..db import resolve_url
    from ..verify import verify_ledger
    from .wrap import Wrap

    report = verify_ledger(resolve_url(settings(ctx).db))
    if as_json:
        emit_json(report.to_json())
    if report.ok:
        done(f"账本校验通过：{report.cases} 件案件、{report.events} 条操作日志，哈希链完整。")
        return
    if not as_json:
        for problem in report.problems[:PROBLEMS_SHOWN]:
            out.print(
                Wrap(problem.message) if out.is_terminal else problem.message,
                markup=False,
                soft_wrap=not out.is_terminal,
            )
        hidden = report.problem_count - min(len(report.problems), PROBLEMS_SHOWN)
        if hidden:
            out.print(f"……另有 {hidden} 个问题未列出（可用 --json 查看更多）。", markup=False)
    scope = (
        f"（共 {report.cases} 件案件、{report.events} 条操作日志）"
        if report.complete
        else "（账本文件受损，未再核对操作日志和案件）"
    )
    done(f"账本校验未通过：发现 {report.problem_count} 个问题{scope}。")
    raise typer.Exit(1)


@guard
def backup(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="备份文件（如 ledger-2025-12-31.db）", show_default=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="备份文件已存在时覆盖它")] = False,
) -> None:
    """备份账本：他人正在写入时也能得到一致的副本（只含已提交的内容），副本仅本人可读写。

    只支持 SQLite 账本；PostgreSQL 等请用数据库自带的工具（如 pg_dump）。
    """
    from ..backup import backup_ledger, human_size
    from ..db import resolve_url

    result = backup_ledger(resolve_url(settings(ctx).db), file, force=force)
    done(f"已备份到 {result.path}（{result.cases} 件案件，大小 {human_size(result.size)}）。")
