"""The `report` commands: the monthly situation analysis and the year-end statistics.

Each command parses its options, asks reports.py for the figures once, and hands them to one
writer of render.py (Rich tables, JSON, CSV, XLSX or the Markdown paragraph).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .common import done, emit_json, guard, open_ledger, out, parse_day, today

if TYPE_CHECKING:
    from ..render import Document

REPORT_PANEL = "统计"

app = typer.Typer(
    help="统计报表：月度形势分析（report monthly）与年度统计（report annual）。",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report", rich_help_panel=REPORT_PANEL)


AsOf = Annotated[
    Optional[str],
    typer.Option(
        "--as-of",
        help="统计截止日期（默认今天）：此后收到的案件不计入，此后的受理、办结、延期、评价视为尚未发生",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON（各键见 docs/json.md）")]
AsCsv = Annotated[bool, typer.Option("--csv", help="输出 CSV：每张表一段（标题行、表头、数据）")]
AsXlsx = Annotated[
    Optional[Path],
    typer.Option("--xlsx", help="写入 Excel 文件（每张表一个工作表）", metavar="FILE"),
]


def _one_format(**chosen: Any) -> None:
    from ..errors import InputError

    picked = [name for name, value in chosen.items() if value]
    if len(picked) > 1:
        raise InputError(f"{'、'.join(picked)} 只能选一个。")


def _emit(
    doc: "Document", *, data: dict[str, Any], as_json: bool, as_csv: bool, xlsx: Optional[Path]
) -> None:
    import sys

    from .. import render

    if as_json:
        emit_json(data)
    elif as_csv:
        render.write_csv(doc, sys.stdout)
    elif xlsx is not None:
        render.write_xlsx(doc, xlsx)
        charts = f"，另有“图表”工作表（{len(doc.charts)} 幅图）" if doc.charts else ""
        done(f"已写入 {xlsx}（{len(doc.sheets)} 张工作表{charts}，统计截至 {doc.as_of}）。")
    else:
        from .tables import rich_renderables

        for renderable in rich_renderables(doc, terminal=out.is_terminal, colours=out.color_system):
            out.print(renderable)


@app.command("annual")
@guard
def annual(
    ctx: typer.Context,
    year: Annotated[
        Optional[str], typer.Option("--year", help="统计年份（默认截止日期所在年份），如 2025")
    ] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="输出年度总结开头一段（总量、同比、各类占比）")
    ] = False,
    docx: Annotated[
        Optional[Path],
        typer.Option(
            "--docx",
            help="写出年度工作总结初稿（Word）：开头一段、各项数字与表格、两幅图表，"
            "需撰稿人补写处标为【请填写：…】",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """年度统计：总量与同比、各项比率、分类占比、单位考核。

    依次列出：受理总量与同比、初信初访一次性办结率、重复访与同比、越级访、集体访、及时受理率、
    按期办结率、满意率；按分组、类别、信访形式的占比；办理结果（三到位一处理）与帮扶金额；
    各主办单位的考核表。--markdown 输出年度总结的开头一段；--docx 写出年度工作总结的 Word 初稿。
    """
    import sys

    from ..aggregates import check_year
    from ..dates import parse_year
    from ..reports import annual as annual_report
    from ..sheets import annual_document
    from ..summary import annual_markdown

    _one_format(
        **{
            "--json": as_json,
            "--csv": as_csv,
            "--xlsx": xlsx,
            "--markdown": markdown,
            "--docx": docx,
        }
    )
    when = parse_day(as_of, default=today())
    wanted = parse_year(year) if year is not None else when.year
    check_year(wanted, when)
    if docx is not None:
        from ..yearend import check_target

        check_target(docx)
    ledger = open_ledger(ctx, write=False)
    data = annual_report(ledger, year=wanted, as_of=when)
    if markdown:
        sys.stdout.write(annual_markdown(data))
        return
    if docx is not None:
        from ..yearend import listed_cases, write_summary

        cases = listed_cases(ledger, year=wanted, as_of=when)
        draft = write_summary(data, docx, cases=cases)
        for warning in draft.warnings:
            done(warning)
        done(
            f"已写入 {docx}（{wanted}年工作总结初稿：{draft.tables} 张表、{draft.charts} 幅图，"
            f"统计截至 {when}；红色【请填写】处需补写）。"
        )
        return
    _emit(annual_document(data), data=data, as_json=as_json, as_csv=as_csv, xlsx=xlsx)


@app.command("monthly")
@guard
def monthly(
    ctx: typer.Context,
    month: Annotated[
        Optional[str],
        typer.Option("--month", help="统计月份（默认截止日期所在月份），如 2025-03、2025年3月"),
    ] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
) -> None:
    """月度形势分析：环比同比、类别风险、单位超期、热点问题、风险提示。

    本月受理与上月、去年同月对比；月末（或截止日期）在办、超期、临期件数；各类别的变化与
    风险等级；各主办单位的在办与超期；热点词的出现件数；红、橙、黄三级风险提示及其原因。
    """
    from ..aggregates import check_month
    from ..dates import parse_month
    from ..monthly import monthly as monthly_report
    from ..sheets import monthly_document

    _one_format(**{"--json": as_json, "--csv": as_csv, "--xlsx": xlsx})
    when = parse_day(as_of, default=today())
    y, m = parse_month(month, today=today()) if month is not None else (when.year, when.month)
    check_month(y, m, when)
    ledger = open_ledger(ctx, write=False)
    data = monthly_report(ledger, year=y, month=m, as_of=when)
    _emit(monthly_document(data), data=data, as_json=as_json, as_csv=as_csv, xlsx=xlsx)
