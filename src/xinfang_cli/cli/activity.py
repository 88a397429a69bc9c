"""`xinfang activity add|list|delete`: the office's own work, counted in the year-end summary.
Each command parses, calls one function of `activities.py`, renders."""

from typing import Annotated, Optional

import typer

from .common import done, emit_json, guard, open_ledger, parse_day, print_table, today

activity_app = typer.Typer(
    help="信访办自己的工作：校领导接待日、院长书记面对面、调研、联席会议、培训、通报批评……",
    no_args_is_help=True,
)


def _complete_kind(ctx: typer.Context, incomplete: str) -> list[str]:
    from .options import _enum

    return list(_enum("activities")(ctx, incomplete))


def register(app: typer.Typer) -> None:
    app.add_typer(activity_app, name="activity", rich_help_panel="统计")


@activity_app.command("add")
@guard
def activity_add(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="活动类别：校领导接待日、院长书记面对面、学情调研、专项调研、联席会议、形势分析会、"
            "矛盾隐患排查、专题培训、通报批评、约谈提醒（见分类体系的 \\[activities]）",
            show_default=False,
            autocompletion=_complete_kind,
        ),
    ],
    on: Annotated[str, typer.Option("--on", help="日期，如 2025-03-04、昨天", show_default=False)],
    people: Annotated[
        Optional[str], typer.Option("--people", help="接待或覆盖的人数（人次）", metavar="人数")
    ] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注，如主题、参加单位")] = None,
) -> None:
    """记录一次工作活动（记入操作日志），年度总结按类别统计场次和人次。"""
    from ..activities import add, parse_people

    count = parse_people(people)
    when = parse_day(on)
    ledger = open_ledger(ctx, write=True)
    item = add(ledger, kind=kind, on=when, people=count, note=note, today=today())
    who = f"，{item.people} 人次" if item.people is not None else ""
    done(f"已记录活动 #{item.id}：{item.on_date} {item.name}{who}。")


@activity_app.command("list")
@guard
def activity_list(
    ctx: typer.Context,
    year: Annotated[Optional[int], typer.Option("--year", help="只列该年的活动，如 2025")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组")] = False,
) -> None:
    """列出工作活动（按日期），末尾按类别合计场次和人次。"""
    from rich.table import Table

    from ..activities import listed
    from ..dates import check_year

    if year is not None:
        check_year(year)
    ledger = open_ledger(ctx, write=False)
    items = listed(ledger, year=year)
    if as_json:
        emit_json([item.to_json() for item in items])
        return
    if not items:
        done("没有活动记录。")
        return
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for header, justify in (("编号", "right"), ("日期", "left"), ("类别", "left"),
                            ("人次", "right"), ("备注", "left")):  # fmt: skip
        table.add_column(header, justify=justify, no_wrap=header != "备注")  # type: ignore[arg-type]
    for item in items:
        table.add_row(
            str(item.id),
            item.on_date.isoformat(),
            item.name,
            "" if item.people is None else str(item.people),
            item.note or "",
        )
    print_table(table)
    totals: dict[str, list[int]] = {}
    for item in items:
        total = totals.setdefault(item.name, [0, 0])
        total[0] += 1
        total[1] += item.people or 0
    done("合计：" + "；".join(f"{name} {n} 次" + (f"（{p} 人次）" if p else "") for name, (n, p) in totals.items()) + "。")  # fmt: skip


@activity_app.command("delete")
@guard
def activity_delete(
    ctx: typer.Context,
    activity_id: Annotated[
        int, typer.Argument(help="活动编号（见 activity list）", show_default=False, metavar="编号")
    ],
    reason: Annotated[Optional[str], typer.Option("--reason", help="删除的原因")] = None,
) -> None:
    """删除一条记错的活动（记入操作日志）。"""
    from ..activities import delete

    ledger = open_ledger(ctx, write=True)
    item = delete(ledger, activity_id, reason=reason)
    done(f"已删除活动 #{item.id}：{item.on_date} {item.name}。")
