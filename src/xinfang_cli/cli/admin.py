"""Commands that look after the ledger itself: init, the taxonomy, verify and backup."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import done, emit_json, escape, guard, open_ledger, out, settings

ADMIN_PANEL = "账本管理"

taxonomy_app = typer.Typer(
    help="查看、导出、载入分类体系（类别、单位、信访形式、时限、敏感词…）。", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("init", rich_help_panel=ADMIN_PANEL)(init)
    app.add_typer(taxonomy_app, name="taxonomy", rich_help_panel=ADMIN_PANEL)
    app.command("verify", rich_help_panel=ADMIN_PANEL)(verify)
    app.command("backup", rich_help_panel=ADMIN_PANEL)(backup)


def _read_text(path: Path) -> str:
    from ..errors import FileFormatError

    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError(f"找不到文件 {path}。") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"文件 {path} 不是 UTF-8 编码的文本。") from None
    except OSError as exc:
        raise FileFormatError(f"无法读取文件 {path}：{exc.strerror}") from None


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
        source = _read_text(taxonomy)
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


@taxonomy_app.command("show")
@guard
def taxonomy_show(ctx: typer.Context) -> None:
    """显示当前分类体系。"""
    from rich.table import Table

    from ..labels import DAY_MODE_LABELS
    from .wrap import Wrap

    ledger = open_ledger(ctx, write=False)
    tax = ledger.taxonomy
    mode = DAY_MODE_LABELS.get(tax.day_mode, tax.day_mode)
    out.print(
        f"时限：受理 {tax.accept_days} 天，办结 {tax.handle_days} 天，延期不超过 {tax.extend_max_days} 天"
        f"（{mode}{'，逢节假日顺延' if tax.roll_over else ''}）；集体访 ≥ {tax.collective_threshold} 人；"
        f"临期预警 {tax.warn_days} 天。",
        markup=False,
    )
    table = Table(title="事项类别", title_justify="left")
    table.add_column("分组", no_wrap=True)
    table.add_column("类别", no_wrap=True)
    table.add_column("牵头单位", no_wrap=True)
    table.add_column("时限（受理/办结/延期）", no_wrap=True)
    table.add_column("关键词")
    for cat in tax.categories.values():
        table.add_row(
            escape(tax.group_name(cat.group)),
            escape(cat.name),
            escape(cat.lead),
            f"{cat.accept_days}/{cat.handle_days}/{cat.extend_max_days}",
            Wrap("、".join(cat.keywords)),
        )
    out.print(table)
    out.print("单位：" + "、".join(tax.departments), markup=False)
    for kind, word in (
        ("channels", "信访形式"),
        ("identities", "身份"),
        ("natures", "性质"),
        ("outcomes", "办理结果类型"),
        ("ratings", "满意度"),
    ):
        out.print(
            f"{word}：" + "、".join(f"{label}({key})" for key, label in tax.enums[kind].items()),
            markup=False,
        )
    out.print("敏感词：" + "、".join(tax.sensitive_words), markup=False)
    out.print("热点词：" + "、".join(tax.topic_words), markup=False)


@taxonomy_app.command("export")
@guard
def taxonomy_export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="写入的 TOML 文件", show_default=False)],
) -> None:
    """把当前分类体系导出为 TOML 文件，可编辑后用 load 载入。"""
    from ..errors import FileFormatError

    ledger = open_ledger(ctx, write=False)
    try:
        file.write_text(ledger.taxonomy.source, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"无法写入 {file}：{exc.strerror}") from None
    done(f"已导出分类体系到 {file}。")


@taxonomy_app.command("load")
@guard
def taxonomy_load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="要载入的 TOML 文件", show_default=False)],
) -> None:
    """载入新的分类体系（先校验；会使已有案件失去类别或单位的不予载入）。已登记案件的时限不变。"""
    from ..ledger import load_taxonomy

    source = _read_text(file)
    ledger = open_ledger(ctx, write=True)
    tax = load_taxonomy(ledger, source)
    done(
        f"已载入分类体系（{len(tax.categories)} 个类别、{len(tax.departments)} 个单位）。已登记案件的期限不受影响。"
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
