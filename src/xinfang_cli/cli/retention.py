"""`xinfang purge`: the retention policy applied — the petitioners of cases finished before a date
de-identified, every figure kept. Parses, calls `retention.purge`, says what was done."""

from typing import Annotated, Optional

import typer

from .common import done, guard, open_ledger, out, parse_day, today

ADMIN_PANEL = "账本管理"


def register(app: typer.Typer) -> None:
    app.command("purge", rich_help_panel=ADMIN_PANEL)(purge)


@guard
def purge(
    ctx: typer.Context,
    closed_before: Annotated[
        str,
        typer.Option(
            "--closed-before",
            help="清除此日期之前办结（或作废）的案件的信访人个人信息",
            show_default=False,
        ),
    ],
    rejected_before: Annotated[
        Optional[str],
        typer.Option(
            "--rejected-before", help="不予受理的案件另用的日期（默认同 --closed-before）"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只列出将被清除的案件，不作改动")
    ] = False,
) -> None:
    """按保存期限清除信访人个人信息（姓名、电话、身份证号、单位），统计数字不变。

    案件本身、类别、日期、办理结果、评价等全部保留；操作日志中的个人信息一并清除，哈希链仍可校验；
    SQLite 账本文件随后整理，文件中不再残留被清除的内容。每件案件记一条操作日志。
    """
    from ..labels import FIELD_LABELS
    from ..retention import purge as do_purge

    closed = parse_day(closed_before)
    rejected = parse_day(rejected_before) if rejected_before else None
    ledger = open_ledger(ctx, write=not dry_run)
    result = do_purge(
        ledger, closed_before=closed, rejected_before=rejected, today=today(), dry_run=dry_run
    )
    scope = f"{result.closed_before} 之前办结、作废或 {result.rejected_before} 之前不予受理的案件"
    if not result.cases:
        done(f"没有需要清除的案件（{scope}的个人信息都已清除，或没有这样的案件）。")
        return
    if dry_run:
        for item in result.cases:
            fields = "、".join(FIELD_LABELS[f] for f in item.fields)
            out.print(f"{item.number}\t{item.finished}\t{fields}", markup=False)
        done(f"将清除 {len(result.cases)} 件案件的个人信息（{scope}）；未作改动。")
        return
    done(f"已清除 {len(result.cases)} 件案件的信访人个人信息（{scope}）。统计数字不变。")
    if result.linked:
        done(f"同一信访人的另外 {result.linked} 件案件加注了关联标记（不含个人信息）。")
    if result.redacted_events:
        done(
            f"其中 {result.redacted_events} 条较早的操作日志记录的个人信息已清除，"
            "这些日志的内容今后无法再逐字核对（哈希链仍完整）。"
        )
