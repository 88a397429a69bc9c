"""The `overdue` command: the morning deadline check cron runs, rendered as plain Chinese text
(grouped by department, ready to forward) or JSON, with the exit code cron mails on.

Exit codes: 0 nothing overdue (and no output at all when nothing is due soon either),
1 overdue cases (with --new: newly announced overdue cases), 2 the check could not run.
"""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import emit_json, guard, open_ledger, out, parse_day, today
from .options import complete_department

if TYPE_CHECKING:
    from rich.text import Text

    from ..overdue import OverdueReport, Reminder

SUPERVISE_PANEL = "督办"


def register(app: typer.Typer) -> None:
    app.command("overdue", rich_help_panel=SUPERVISE_PANEL)(overdue)


@guard
def overdue(
    ctx: typer.Context,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="以该日为准检查（默认今天），如 2025-12-31、昨天"),
    ] = None,
    warn_days: Annotated[
        Optional[str],
        typer.Option(
            "--warn-days",
            metavar="天数",
            help="临期预警天数（默认取分类体系的 warn_days，通常 7）；按工作日计时的案件按工作日数",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出一个 JSON 对象（无事可报时同样不输出）")
    ] = False,
    new_only: Annotated[
        bool,
        typer.Option(
            "--new",
            help="只列上次检查以来新超期、新进入预警期的案件，并记入操作日志（退出码 1 表示有新超期）",
        ),
    ] = False,
    dept: Annotated[
        Optional[str],
        typer.Option(
            "--dept",
            help="只看一个主办单位；“信访办（待受理）”为尚未受理的案件",
            autocompletion=complete_department,
        ),
    ] = None,
) -> None:
    """督办检查（供 cron 每日运行）：列出超期和临期的未办结案件及未答复的复查、复核，按单位分组。

    退出码：0 无超期（无临期时不输出任何内容）；1 有超期案件（加 --new 时：有新超期案件）；
    2 无法检查（账本不存在或损坏、参数有误）。
    """
    from ..overdue import check, parse_warn_days, resolve_department

    when = parse_day(as_of, default=today())
    window = parse_warn_days(warn_days)
    ledger = open_ledger(ctx, write=False)
    try:
        wanted = resolve_department(ledger, dept) if dept is not None else None
        report = check(
            ledger, as_of=when, warn_days=window, dept=wanted, new_only=new_only, today=today()
        )
    finally:
        ledger.engine.dispose()
    if report.empty:
        return  # cron mails whatever is printed: nothing to report is no output at all
    if as_json:
        emit_json(report.to_json())
    else:
        _render(report)
    if report.overdue:
        raise typer.Exit(1)


def _render(report: "OverdueReport") -> None:
    from rich.text import Text

    lines: list[Text] = [Text(_headline(report), style="bold"), Text()]
    for part in report.by_department():
        counts = [f"超期 {len(part.overdue)} 件"] if part.overdue else []
        counts += [f"临期 {len(part.due_soon)} 件"] if part.due_soon else []
        lines.append(Text(f"【{part.name}】" + "，".join(counts), style="bold"))
        lines += [_line(item) for item in part.overdue + part.due_soon]
        lines.append(Text())
    footer = _footer(report)
    if footer:
        lines += [Text(line) for line in footer.split("\n")]
    elif lines and not lines[-1].plain:
        lines.pop()
    # Piped (cron mails it) each case stays one line; on a terminal lines wrap between words,
    # never inside a number or a date.
    from .wrap import Wrap

    for line in lines:
        out.print(Wrap(line) if out.is_terminal else line, soft_wrap=not out.is_terminal)


def _headline(report: "OverdueReport") -> str:
    accept = sum(1 for r in report.overdue if r.stage == "accept")
    handle = sum(1 for r in report.overdue if r.stage == "handle")
    review = sum(1 for r in report.overdue if r.stage == "review")
    final_review = sum(1 for r in report.overdue if r.stage == "final_review")
    working = any(r.day_mode == "working" for r in report.due_soon)
    window = f"{report.warn_days} 天内到期" + ("（按工作日计时的案件为工作日）" if working else "")
    scope = f"截至 {report.as_of.isoformat()}"
    if report.dept:
        scope += f"，{report.dept}"
    if report.new_only:
        scope += "，仅列新增"
    parts = []
    if report.overdue:
        detail = "，".join(
            f"{word} {n} 件"
            for word, n in (
                ("受理超期", accept),
                ("办结超期", handle),
                ("复查超期", review),
                ("复核超期", final_review),
            )
            if n
        )
        parts.append(
            f"{'新增' if report.new_only else ''}超期 {len(report.overdue)} 件（{detail}）"
        )
    if report.due_soon:
        parts.append(
            f"{'新进入预警期' if report.new_only else '临期'} {len(report.due_soon)} 件（{window}）"
        )
    return f"信访事项督办提醒（{scope}）：" + "；".join(parts) + "。"


def _line(item: "Reminder") -> "Text":
    from rich.text import Text

    from ..labels import day_unit
    from ..overdue import shown_summary

    line = Text("  " + item.number + "  ")
    if item.overdue:
        line.append(f"{item.label} {item.days_overdue} 天", style="bold red")
    else:
        unit = day_unit(item.day_mode)
        left = "今天到期" if item.due == item.as_of else f"还剩 {item.days_left} {unit}"
        line.append(f"{item.label} {left}", style="yellow")
    line.append(f"  期限 {item.due.isoformat()}")
    if item.stage == "accept":
        line.append(f"  信访日期 {item.received_on.isoformat()}")
    elif item.stage in ("review", "final_review"):
        line.append("  （申请后 30 日内答复）")
    elif item.leader:
        line.append(f"  包案领导：{item.leader}")
    line.append("  " + shown_summary(item))
    return line


def _footer(report: "OverdueReport") -> str:
    lines = []
    earlier = report.announced_before_overdue
    if report.new_only and earlier:
        lines.append(
            f"另有 {earlier} 件超期案件此前已提醒、至今未办结；运行 xinfang overdue 可查看全部。"
        )
    if report.provisional:
        years = sorted({y for _n, _d, ys in report.provisional for y in ys})
        shown = "、".join(f"{n}（{d.isoformat()}）" for n, d, _ys in report.provisional[:10])
        more = f"等 {len(report.provisional)} 件" if len(report.provisional) > 10 else ""
        lines.append(
            f"期限暂定：{'、'.join(f'{y} 年' for y in years)}的节假日安排尚未收录，"
            f"以下期限暂按仅跳过周末计算，补充安排后会自动更正：{shown}{more}。"
        )
    return "\n".join(lines)
