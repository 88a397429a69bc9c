"""The written side of a case: `notice` (a letter as .docx), `deliver` (送达), `review request`
and `review decide` (复查/复核), `template export|load` (the office's letter templates) and
`followup` (回访). Each command parses, calls one service, renders."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import done, emit_json, guard, open_ledger, out, parse_day, print_table, today

LETTER_PANEL = "告知与复查"

review_app = typer.Typer(
    help="复查、复核：信访人对处理意见不服的申请（《信访工作条例》第三十五、三十六条）。",
    no_args_is_help=True,
)
template_app = typer.Typer(
    help="告知书模板（.docx）：导出后在 Word 中加上信头、印章位置和本单位的措辞，再载入账本。",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("notice", rich_help_panel=LETTER_PANEL)(notice)
    app.command("deliver", rich_help_panel=LETTER_PANEL)(deliver)
    app.add_typer(review_app, name="review", rich_help_panel=LETTER_PANEL)
    app.add_typer(template_app, name="template", rich_help_panel=LETTER_PANEL)
    app.command("followup", rich_help_panel=LETTER_PANEL)(followup)


Number = Annotated[str, typer.Argument(help="案件编号，如 XF2025-0001", show_default=False)]
Kind = Annotated[
    str,
    typer.Argument(
        help="告知书：受理、不予受理、延期、答复（处理意见书）、复查意见、复核意见",
        show_default=False,
    ),
]


@guard
def notice(
    ctx: typer.Context,
    number: Number,
    kind: Kind,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", help="输出文件（默认当前目录下的 编号-告知书名.docx）", metavar="FILE"
        ),
    ] = None,
    on: Annotated[
        Optional[str], typer.Option("--on", help="落款日期（默认今天），如 2025-03-04")
    ] = None,
) -> None:
    """生成告知书（Word 文件，仅本人可读），并记入操作日志。

    受理告知书须已受理，不予受理告知书须已作出不予受理决定，延期告知书须已延期，
    处理意见书须已办结，复查/复核意见书须已作出复查/复核决定；否则退出码 1。"""
    from ..letters import notice_kind
    from ..notices import write_notice

    key = notice_kind(kind)
    when = parse_day(on, default=today())
    ledger = open_ledger(ctx, write=True)
    written = write_notice(
        ledger, number, key, on=when, today=today(), target=output, directory=Path.cwd()
    )
    from ..labels import NOTICE_LABELS

    out.print(str(written.path), markup=False)
    source = "本单位模板" if written.own_template else "默认模板"
    done(f"已生成 {written.number} 的{NOTICE_LABELS[key]}（{source}）：{written.path}")


@guard
def deliver(
    ctx: typer.Context,
    number: Number,
    kind: Kind,
    on: Annotated[str, typer.Option("--on", help="送达日期，如 2025-03-04", show_default=False)],
    method: Annotated[
        Optional[str],
        typer.Option("--method", help="送达方式：当面、邮寄、短信、电子邮件、平台"),
    ] = None,
) -> None:
    """记录告知书送达信访人的日期和方式；处理意见书的送达日开始计算复查申请期限。"""
    from ..labels import NOTICE_LABELS
    from ..letters import deliver as do_deliver
    from ..letters import delivery_method, notice_kind
    from ..lifecycle import on_case

    key = notice_kind(kind)
    how = delivery_method(method) if method is not None else None
    when = parse_day(on)
    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger, number, do_deliver, kind=key, on=when, method=how, today=today()
    )
    done(f"{case.number} 的{NOTICE_LABELS[key]}已于 {when} 送达。")


@review_app.command("request")
@guard
def review_request(
    ctx: typer.Context,
    number: Number,
    on: Annotated[str, typer.Option("--on", help="申请日期，如 2025-04-01", show_default=False)],
) -> None:
    """记录复查申请（第一次）或复核申请（第二次）。

    须在所不服的答复送达之日起 30 日内（未记录送达时自答复之日起）；逾期、或已复核后再申请，
    退出码 1。"""
    from ..letters import request_review
    from ..lifecycle import on_case

    when = parse_day(on)
    ledger = open_ledger(ctx, write=True)
    case, changes = on_case(ledger, number, request_review, on=when, today=today())
    word = "复核" if changes["review_level"][1] == "final_review" else "复查"
    done(f"{case.number} 已受理{word}申请（{when}），应于 {changes['review_due'][1]} 前答复。")


@review_app.command("decide")
@guard
def review_decide(
    ctx: typer.Context,
    number: Number,
    decision: Annotated[
        str, typer.Option("--decision", help="决定：维持、撤销、变更", show_default=False)
    ],
    on: Annotated[str, typer.Option("--on", help="决定日期，如 2025-04-20", show_default=False)],
    result: Annotated[Optional[str], typer.Option("--result", help="复查/复核意见")] = None,
) -> None:
    """记录复查或复核的决定（维持、撤销、变更原处理意见）。"""
    from ..labels import DECISION_LABELS, REVIEW_LEVEL_LABELS
    from ..letters import decide_review, decision_key
    from ..lifecycle import on_case

    key = decision_key(decision)
    when = parse_day(on)
    ledger = open_ledger(ctx, write=True)
    case, changes = on_case(
        ledger, number, decide_review, decision=key, on=when, result=result, today=today()
    )
    word = REVIEW_LEVEL_LABELS[changes["review_level"][1]]
    done(f"{case.number} 的{word}决定：{DECISION_LABELS[key]}（{when}）。")


@template_app.command("export")
@guard
def template_export(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(help="导出到的目录（不存在则新建）", show_default=False, metavar="目录"),
    ],
) -> None:
    """导出现行的告知书模板（受理告知书.docx 等），供在 Word 中修改。"""
    from ..notices import PLACEHOLDERS, export_templates

    ledger = open_ledger(ctx, write=False)
    written = export_templates(ledger, directory)
    for path, _own in written:
        out.print(str(path), markup=False)
    own = sum(1 for _p, o in written if o)
    done(
        f"已导出 {len(written)} 个模板到 {directory}（本单位模板 {own} 个，其余为默认模板）。"
        "可用的占位符：" + "、".join("{{ " + k + " }}" for k in PLACEHOLDERS) + "。"
    )


@template_app.command("load")
@guard
def template_load(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(help="存放模板的目录（文件名同导出时）", show_default=False, metavar="目录"),
    ],
) -> None:
    """检查并载入目录中的告知书模板（每个占位符都须认识），此后所有人生成的告知书都用它。"""
    from ..labels import NOTICE_LABELS
    from ..notices import load_templates

    ledger = open_ledger(ctx, write=True)
    loaded = load_templates(ledger, directory)
    if loaded:
        done("已载入模板：" + "、".join(NOTICE_LABELS[k] for k in loaded) + "。")
    else:
        done("模板与账本中现行的相同，没有变化。")


@guard
def followup(
    ctx: typer.Context,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以该日为准（默认今天）")] = None,
    after: Annotated[
        Optional[str],
        typer.Option(
            "--after",
            metavar="天数",
            help="办结满多少天仍未评价即列入（默认取分类体系的 followup_days，通常 7）",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON 数组（同 list --json）")
    ] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="显示完整电话（记入操作日志）")] = False,
) -> None:
    """回访清单：办结若干天后仍未评价的案件，办结早的在前，供电话回访收集满意度。"""
    from rich.table import Table

    from ..followup import awaiting, parse_after
    from .wrap import Wrap

    when = parse_day(as_of, default=today())
    ledger = open_ledger(ctx, write=False)
    days = parse_after(after, ledger.taxonomy.followup_days)
    cases, records = awaiting(ledger, as_of=when, after_days=days, reveal=reveal)
    if as_json:
        emit_json(records)
        return
    if not cases:
        done(f"截至 {when}，没有办结满 {days} 天仍未评价的案件。")
        return
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for header in ("编号", "办结日期", "已过天数", "信访人", "联系电话", "反映问题"):
        table.add_column(header, no_wrap=header != "反映问题", overflow="fold")
    for case, record in zip(cases, records, strict=True):
        assert case.closed_on is not None
        table.add_row(
            case.number,
            case.closed_on.isoformat(),
            str((when - case.closed_on).days),
            record["name"] or "匿名",
            record["phone"] or "",
            Wrap(case.summary),
        )
    print_table(table)
    done(
        f"截至 {when}，办结满 {days} 天仍未评价的案件 {len(cases)} 件，请回访并用 xinfang rate 记录评价。"
    )
