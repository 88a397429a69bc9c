"""The taxonomy and its holiday calendar: `taxonomy show|export|load` and `calendar
show|check|update`. Each command parses, calls one service (`holidays.py` for the load and the
calendar), and renders."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import (
    done,
    escape,
    guard,
    open_ledger,
    out,
    parse_day,
    print_table,
    read_text,
    today,
)

if TYPE_CHECKING:
    from ..holidays import LoadResult

ADMIN_PANEL = "账本管理"

taxonomy_app = typer.Typer(
    help="查看、导出、载入分类体系（类别、单位、信访形式、时限、敏感词、节假日…）。",
    no_args_is_help=True,
)
calendar_app = typer.Typer(
    help="节假日与调休：查看某年的安排，检查即将到来的年份是否已有数据，更正暂定期限。",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(taxonomy_app, name="taxonomy", rich_help_panel=ADMIN_PANEL)
    app.add_typer(calendar_app, name="calendar", rich_help_panel=ADMIN_PANEL)


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
        soft_wrap=True,
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
    print_table(table)
    out.print("单位：" + "、".join(tax.departments), markup=False, soft_wrap=True)
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
            soft_wrap=True,
        )
    out.print("敏感词：" + "、".join(tax.sensitive_words), markup=False, soft_wrap=True)
    out.print("热点词：" + "、".join(tax.topic_words), markup=False, soft_wrap=True)


@taxonomy_app.command("export")
@guard
def taxonomy_export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="写入的 TOML 文件", show_default=False)],
) -> None:
    """把当前分类体系导出为 TOML 文件，可编辑后用 load 载入。"""
    from ..errors import FileFormatError, os_reason

    ledger = open_ledger(ctx, write=False)
    try:
        file.write_text(ledger.taxonomy.source, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"无法写入 {file}：{os_reason(exc)}") from None
    done(f"已导出分类体系到 {file}。")


@taxonomy_app.command("load")
@guard
def taxonomy_load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="要载入的 TOML 文件", show_default=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只列出会更正的暂定期限，不载入、不写入")
    ] = False,
) -> None:
    """载入新的分类体系（先校验；会使已有案件失去类别或单位的不予载入）。

    时限属于政策：已登记案件的时限不变。节假日属于事实：新的 [calendar] 补上了某年的放假
    安排时，按“仅跳过周末”暂定的期限会按案件自己的时限重新计算（每件一条操作日志）。
    """
    from ..holidays import load_taxonomy

    source = read_text(file)
    ledger = open_ledger(ctx, write=not dry_run)
    result = load_taxonomy(ledger, source, today=today(), dry_run=dry_run)
    tax = result.taxonomy
    if not dry_run:
        done(
            f"已载入分类体系（{len(tax.categories)} 个类别、{len(tax.departments)} 个单位）。"
            "已登记案件的时限不受影响。"
        )
    _report_recount(result)


def _report_recount(result: "LoadResult") -> None:
    from ..labels import FIELD_LABELS

    if not result.moved:
        if result.years:
            done(f"补充了{_years(result.years)}的节假日安排；没有需要更正的暂定期限。")
        return
    cases = sorted({m.number for m in result.moved})
    verb = "将更正" if result.dry_run else "已更正"
    done(f"{verb} {len(cases)} 件案件的暂定期限（按补充的节假日安排重新计算）：")
    for m in result.moved:
        out.print(f"  {m.number}  {FIELD_LABELS[m.field]} {m.old} → {m.new}", markup=False)
    if result.now_overdue:
        shown = "、".join(result.now_overdue)
        done(f"注意：更正后 {shown} 已超期（原暂定期限未到）。")
    if result.still_provisional:
        done(f"另有 {result.still_provisional} 件案件的期限仍涉及尚无节假日数据的年份，仍为暂定。")
    if result.dry_run:
        done("以上为预览，未作改动；去掉 --dry-run 即载入并更正。")


def _years(years: "tuple[int, ...] | list[int]") -> str:
    return "、".join(f"{y} 年" for y in years)


@calendar_app.command("show")
@guard
def calendar_show(
    ctx: typer.Context,
    year: Annotated[
        Optional[int], typer.Argument(help="年份（默认今年）", show_default=False)
    ] = None,
) -> None:
    """某年的法定节假日和调休上班日，以及数据来自哪里（chinese-calendar 或本单位的分类体系）。"""
    from rich.table import Table

    from ..dates import check_year
    from ..holidays import year_days

    wanted = check_year(year) if year is not None else today().year
    ledger = open_ledger(ctx, write=False)
    source, days = year_days(ledger.calendar, wanted)
    where = {
        "package": "chinese-calendar 软件包",
        "office": "本单位分类体系的 [calendar]",
        None: "无（期限暂按仅跳过周末计算）",
    }[source]
    done(f"{wanted} 年节假日数据来源：{where}。")
    if not days:
        return
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for header in ("日期", "星期", "类别", "名称", "来源"):
        table.add_column(header, no_wrap=True)
    weekdays = "一二三四五六日"
    for d in days:
        table.add_row(
            d.day.isoformat(),
            "星期" + weekdays[d.day.weekday()],
            "放假" if d.kind == "holiday" else "调休上班",
            d.name,
            "软件包" if d.source == "package" else "分类体系",
        )
    print_table(table)


@calendar_app.command("check")
@guard
def calendar_check(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", help="向后检查的天数", min=1, max=3660)] = 90,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="从该日起算（默认今天）")] = None,
) -> None:
    """供 cron 使用：今后 N 天（默认 90）涉及尚无节假日数据的年份时，输出一行并以退出码 1 结束；
    否则不输出、退出码 0。"""
    from ..holidays import coverage_gap

    start = parse_day(as_of, default=today())
    ledger = open_ledger(ctx, write=False)
    gap = coverage_gap(ledger.calendar, start, days)
    if gap:
        out.print(
            f"xinfang：{_years(gap)}的节假日安排尚未收录，今后 {days} 天内的工作日期限将暂按"
            "仅跳过周末计算。请把国务院公布的放假安排写入分类体系的 [calendar] 后运行 "
            "xinfang taxonomy load。",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)


@calendar_app.command("update")
@guard
def calendar_update(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出会更正的期限，不写入")] = False,
) -> None:
    """按现有节假日数据重新计算暂定期限（升级 chinese-calendar 之后运行）。"""
    from ..holidays import recount

    ledger = open_ledger(ctx, write=not dry_run)
    result = recount(ledger, today=today(), dry_run=dry_run)
    if not result.moved:
        done("没有需要更正的暂定期限。")
        if result.still_provisional:
            done(f"{result.still_provisional} 件案件的期限仍涉及尚无节假日数据的年份。")
        return
    _report_recount(result)
