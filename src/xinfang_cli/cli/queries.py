"""Commands that read cases: list, show, history. Reveals of personal data are audited."""

import os
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..labels import SEARCHED
from . import options as o
from .common import done, emit_csv, emit_json, guard, open_ledger, out, parse_day, today

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..models import Case

QUERY_PANEL = "查询"


def register(app: typer.Typer) -> None:
    app.command("list", rich_help_panel=QUERY_PANEL)(list_cases)
    app.command("show", rich_help_panel=QUERY_PANEL)(show)
    app.command("history", rich_help_panel=QUERY_PANEL)(history)


AsOf = Annotated[Optional[str], typer.Option("--as-of", help="以该日为准判断是否超期（默认今天）")]
Reveal = Annotated[
    bool, typer.Option("--reveal", help="显示完整的电话、身份证号和保密案件的姓名（记入日志）")
]


@guard
def list_cases(
    ctx: typer.Context,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status",
            help="状态：已登记、办理中、已办结、不予受理、未办结",
            autocompletion=o.complete_status,
        ),
    ] = None,
    category: o.Category = None,
    group: Annotated[
        Optional[str],
        typer.Option(
            "--group",
            help="分组：教学管理、后勤服务、权益保障、其他",
            autocompletion=o.complete_group,
        ),
    ] = None,
    dept: Annotated[
        Optional[str],
        typer.Option("--dept", help="主办或协办单位", autocompletion=o.complete_department),
    ] = None,
    received_from: Annotated[Optional[str], typer.Option("--from", help="信访日期起（含）")] = None,
    received_to: Annotated[Optional[str], typer.Option("--to", help="信访日期止（含）")] = None,
    month: Annotated[Optional[str], typer.Option("--month", help="信访月份，如 2025-03")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="信访年份，如 2025")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列超期未办结的案件")] = False,
    search: Annotated[
        Optional[str],
        typer.Option("--search", "-s", help="查找：" + SEARCHED),
    ] = None,
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="输出 CSV（台账列）")] = False,
    reveal: Reveal = False,
    voided: Annotated[bool, typer.Option("--voided", help="只列已作废的案件")] = False,
    as_table: Annotated[
        bool, typer.Option("--table", help="输出到管道时也画表格（默认每件一行、以制表符分隔）")
    ] = False,
    figure: Annotated[
        Optional[str],
        typer.Option(
            "--figure",
            help="列出报表某项计数背后的案件：年度指标（配合 --year，如 repeat、overdue_open）"
            "或月度指标（配合 --month，如 received、due_soon），与报表同一口径、同一截止日期",
            metavar="KEY",
            autocompletion=o.complete_figure,
        ),
    ] = None,
    limit: Annotated[
        Optional[int],
        typer.Option("--limit", "-n", min=1, help="最多列出多少件（按信访日期先后，取最早的）"),
    ] = None,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="在终端上也不分页（默认超过一屏时用 $PAGER 分页）")
    ] = False,
) -> None:
    """列出案件（可按状态、类别、单位、日期、超期、关键词筛选）。

    在终端上画成表格，超过一屏时交给 $PAGER（默认 less）分页；输出到管道或文件时每件一行、
    以制表符分隔，首行为表头。
    --figure KEY 列出年报（--year）或月报（--month）某项计数所含的全部案件，件数与报表一致。"""
    from ..dates import parse_month, window
    from ..errors import InputError
    from ..records import CaseFilter, find_records

    if as_json and as_csv:
        raise InputError("--json 与 --csv 只能选一个。")
    picked_month = parse_month(month, today=today()) if month else None
    if figure is not None:
        if year is not None and picked_month is not None:
            raise InputError(
                "--figure 与 --year、--month 只能选一个：年度指标用 --year，月度指标用 --month。"
            )
        if year is None and picked_month is None:
            raise InputError("--figure 需要 --year（年度指标）或 --month（月度指标）。")
    start, end = window(
        start=parse_day(received_from) if received_from else None,
        end=parse_day(received_to) if received_to else None,
        month=picked_month if figure is None else None,
        year=year if figure is None else None,
    )
    when = parse_day(as_of, default=today())
    if figure is not None:
        from ..aggregates import check_month
        from ..aggregates import check_year as check_year_reached
        from ..dates import check_year

        if picked_month is not None:
            check_month(*picked_month, when)
        else:
            assert year is not None
            check_year_reached(check_year(year), when)
    ledger = open_ledger(ctx, write=False)
    flt = CaseFilter(
        status=status,
        category=category,
        group=group,
        dept=dept,
        received_from=start,
        received_to=end,
        overdue=overdue,
        text=search,
        as_of=when,
        voided=voided,
    )
    if figure is None:
        cases, records = find_records(ledger, flt, as_of=when, reveal=reveal, limit=limit)
    else:
        from ..figure_keys import cases_behind
        from ..records import filter_conditions

        fig_year, fig_month = picked_month if picked_month else (year, None)
        assert fig_year is not None
        cases, records = cases_behind(
            ledger,
            figure.strip(),
            as_of=when,
            year=fig_year,
            month=fig_month,
            extra=filter_conditions(ledger, flt),
            reveal=reveal,
        )
    if as_json:
        emit_json(records)
    elif as_csv:
        _emit_case_csv(ledger, records)
    else:
        _render_table(ledger, cases, records, table=as_table, page=not no_pager)
    if limit is not None and len(cases) == limit:
        done(f"只列出了前 {limit} 件（--limit {limit}），可能还有更多。")


def _emit_case_csv(ledger: "Ledger", records: list[dict[str, Any]]) -> None:
    from ..casefile import CASE_COLUMNS, DERIVED_COLUMNS
    from ..records import labelled

    columns = CASE_COLUMNS + DERIVED_COLUMNS
    rows = []
    for record in records:
        text = labelled(record, ledger.taxonomy)
        rows.append([text[key] for key, _ in columns])
    emit_csv([header for _, header in columns], rows)


def _render_table(
    ledger: "Ledger",
    cases: "list[Case]",
    records: list[dict[str, Any]],
    *,
    table: bool,
    page: bool = True,
) -> None:
    """A table on a terminal (or with --table), laid out for the width there is, through the
    pager when it is longer than the screen (as git does); piped, one tab-separated line per
    case under a header line, as `ls` and `git` do."""
    if not cases:
        done("没有符合条件的案件。")
        return
    if out.is_terminal and page and len(cases) + 4 > out.height and os.environ.get("PAGER") != "":
        # less: quit when it fits one screen, keep the colours, leave the text on the screen
        os.environ.setdefault("LESS", "FRX")
        with out.pager(styles=True):
            _print_table(ledger, cases, records)
    elif table or out.is_terminal:
        _print_table(ledger, cases, records)
    else:
        _print_lines(ledger, cases, records)
    overdue = sum(1 for r in records if r["overdue"])
    done(f"共 {len(cases)} 件" + (f"，其中超期 {overdue} 件" if overdue else "") + "。")


LINE_HEADERS = (
    "编号",
    "信访日期",
    "信访人",
    "事项类别",
    "反映问题",
    "主办单位",
    "状态",
    "期限",
    "超期",
)


def _print_lines(ledger: "Ledger", cases: "list[Case]", records: list[dict[str, Any]]) -> None:
    import sys

    from ..labels import STATUS_LABELS
    from ..records import due_text
    from ..text import line_cell

    tax = ledger.taxonomy
    lines = ["\t".join(LINE_HEADERS)]
    for case, record in zip(cases, records, strict=True):
        values = (
            case.number,
            case.received_on.isoformat(),
            record["name"] or "匿名",
            tax.category_name(case.category) or "未分类",
            case.summary,
            case.lead_dept or "",
            STATUS_LABELS[case.status],
            due_text(case),
            "是" if record["overdue"] else "否",
        )
        lines.append("\t".join(map(line_cell, values)))
    sys.stdout.write("\n".join(lines) + "\n")


SHORT_STATUS = {"registered": "待受理", "handling": "办理中", "closed": "已办结"}


def _print_table(ledger: "Ledger", cases: "list[Case]", records: list[dict[str, Any]]) -> None:
    """Below 100 columns: number, petitioner, summary, status, due (the summary keeps at least
    half the width); from 100 the date of receipt and the lead department; from 120 the
    category. Ids and dates never wrap, text wraps between characters, never inside a number."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..labels import STATUS_LABELS
    from ..records import due_text
    from .wrap import Wrap

    tax = ledger.taxonomy
    width = out.width
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1, 0, 0),
        header_style="bold",
        expand=True,
    )
    wide, wider = width >= 100, width >= 120
    table.add_column("编号", no_wrap=True, min_width=11)
    if wide:
        table.add_column("信访日期", no_wrap=True, min_width=10)
    table.add_column("信访人", min_width=4, max_width=6)
    if wider:
        table.add_column("类别", min_width=4, max_width=14)
    table.add_column("反映问题", min_width=8, ratio=1)
    if wide:
        table.add_column("主办", min_width=4, max_width=10)
    table.add_column("状态", no_wrap=True, min_width=6, max_width=11 if wide else 8)
    table.add_column("期限", no_wrap=True, min_width=10)
    for case, record in zip(cases, records, strict=True):
        late = bool(record["overdue"])
        if wide:
            status = Text(STATUS_LABELS[case.status] + (" 超期" if late else ""))
        else:
            status = Text(
                "超期" if late else SHORT_STATUS.get(case.status, STATUS_LABELS[case.status])
            )
        if late:
            status.stylize("bold red")
        row: list[Any] = [case.number]
        if wide:
            row.append(case.received_on.isoformat())
        row.append(Wrap(record["name"] or "匿名"))
        if wider:
            row.append(Wrap(tax.category_name(case.category) or "未分类"))
        row.append(Wrap(case.summary))
        if wide:
            row.append(Wrap(case.lead_dept or ""))
        row += [status, Text(due_text(case), style="red" if late else "")]
        table.add_row(*row)
    out.print(table)


@guard
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="案件编号", show_default=False)],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
    reveal: Reveal = False,
) -> None:
    """查看一件案件的全部信息（个人信息默认脱敏）。"""
    from ..records import show_record

    when = parse_day(as_of, default=today())
    ledger = open_ledger(ctx, write=False)
    case, record = show_record(ledger, number, as_of=when, reveal=reveal)
    if as_json:
        emit_json(record)
        return
    _render_case(ledger, case, record, when)


def _render_case(ledger: "Ledger", case: "Case", record: dict[str, Any], when: Any) -> None:
    from rich.table import Table

    from ..figures import format_yuan
    from ..labels import DAY_MODE_LABELS, STATUS_LABELS
    from ..records import labelled
    from ..standing import overdue_days
    from ..steps import read_marks
    from .wrap import Wrap

    tax = ledger.taxonomy
    text = labelled({k: v for k, v in record.items() if k not in ("notices", "reviews")}, tax)
    table = Table(
        show_header=False,
        box=None,
        padding=(0, 1),
        title=f"案件 {case.number}",
        title_justify="left",
    )
    table.add_column("项", style="bold", no_wrap=True)
    table.add_column("值")

    def row(label: str, value: str) -> None:
        if value:
            table.add_row(label, Wrap(value))

    status = STATUS_LABELS[case.status]
    if record["overdue"]:
        status += f"（已超期 {overdue_days(case, when)} 天）"
    row("状态", status)
    row("信访日期", text["received_on"])
    row("信访形式", text["channel"])
    if case.purged_on:
        row("信访人", f"（个人信息已于 {case.purged_on} 按保存期限清除）")
    else:
        row("信访人", text["name"] or "匿名")
    row("身份", text["identity"])
    row("单位", text["unit"])
    row("联系电话", text["phone"])
    row("身份证号", text["id_number"])
    row(
        "人数", text["persons"] + ("（集体访）" if case.persons >= tax.collective_threshold else "")
    )
    row("反映问题", text["summary"])
    row("具体内容", text["content"])
    row("性质", text["nature"])
    row("事项类别", f"{text['group']} / {text['category']}" if case.category else "未分类")
    row("原件编号", text["repeat_of"])
    row("重复信访", "、".join(record.get("repeats") or []))
    flags = [w for w, on in (("越级", case.bypass), ("保密", case.confidential)) if on]
    row("标记", "、".join(flags))
    mode = DAY_MODE_LABELS.get(case.day_mode, case.day_mode)
    row(
        "时限",
        f"受理 {case.accept_days} 天 / 办结 {case.handle_days} 天 / 可延期 {case.extend_max_days} 天（{mode}）",
    )
    provisional = read_marks(case.provisional)
    note = "（暂按仅跳过周末计算：{}年节假日安排尚未收录）"

    def due_row(label: str, field: str) -> None:
        years = provisional.get(field)
        shown = "、".join(str(y) for y in years or ())
        row(label, text[field] + (note.format(shown) if years else ""))

    due_row("受理期限", "accept_due")
    row("受理日期", text["accepted_on"])
    row("主办单位", text["lead_dept"])
    row("协办单位", text["co_depts"])
    row("包案领导", text["leader"])
    if case.extended_days:
        row(
            "延期",
            f"{case.extended_on} 延期 {case.extended_days} 天，理由：{case.extend_reason}"
            + (f"，批准人：{case.extend_approver}" if case.extend_approver else ""),
        )
    due_row("办结期限", "due_on")
    row("不予受理", f"{case.rejected_on}：{case.reject_reason}" if case.rejected_on else "")
    row("转办渠道", text["referral"])
    row("办结日期", text["closed_on"])
    row("办理结果类型", text["outcome"])
    row("办理结果", text["result"])
    row("帮扶金额", f"{format_yuan(case.aid_fen)} 元" if case.aid_fen else "")
    row("满意度", f"{text['rating']}（{text['rated_on']}）" if case.rating else "")
    for line in _letter_lines(record, when):
        row(*line)
    out.print(table)


def _letter_lines(record: dict[str, Any], when: Any) -> list[tuple[str, str]]:
    """The letters sent and the reviews asked for, one line each."""
    from datetime import date

    from ..labels import DECISION_LABELS, METHOD_LABELS, NOTICE_LABELS, REVIEW_LEVEL_LABELS

    lines = []
    for n in record.get("notices", []):
        parts = [f"{n['generated_on']} 生成" if n["generated_on"] else "未在本系统生成"]
        if n["delivered_on"]:
            how = METHOD_LABELS.get(n["method"] or "", "")
            parts.append(f"{n['delivered_on']} {how}送达" if how else f"{n['delivered_on']} 送达")
        else:
            parts.append("未记录送达")
        lines.append((NOTICE_LABELS.get(n["kind"], n["kind"]), "，".join(parts)))
    for r in record.get("reviews", []):
        word = REVIEW_LEVEL_LABELS.get(r["level"], r["level"])
        text = f"{r['requested_on']} 申请，应于 {r['due_on']} 前答复"
        if r["decided_on"]:
            text += f"；{r['decided_on']} 决定：{DECISION_LABELS.get(r['decision'], r['decision'])}"
            if r.get("result"):
                text += f"（{r['result']}）"
        elif date.fromisoformat(r["due_on"]) < when:
            text += "（已超期）"
        lines.append((word, text))
    return lines


@guard
def history(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="案件编号", show_default=False)],
) -> None:
    """查看案件的操作日志：谁、何时、做了什么、从什么改成什么、为什么。"""
    import json

    from rich.padding import Padding

    from ..audit import events_for
    from ..labels import ACTION_LABELS
    from ..numbering import find_case
    from .wrap import Wrap

    ledger = open_ledger(ctx, write=False)
    with ledger.reading() as session:
        case = find_case(session, number)
        events = events_for(session, case.number)
    # One block per event rather than a table: field changes and reasons stay whole at any width.
    out.print(f"[bold]案件 {case.number} 的操作日志[/]（共 {len(events)} 条）")
    for event in events:
        changes = json.loads(event.changes)
        head = f"{_local_time(event.at)}  {event.actor}  {ACTION_LABELS.get(event.action, event.action)}"
        if event.on_date:
            head += f"  （{event.on_date}）"
        out.print()
        out.print(Wrap(head, style="bold"))
        for field, (old, new) in changes.items():
            line = _change_line(ledger, case, field, old, new)
            if line:
                out.print(Padding(Wrap(line), (0, 0, 0, 4)))
        # extend and reject carry their reason as a field already; say it once
        said = {str(new) for _old, new in changes.values()}
        if event.reason and event.reason not in said:
            out.print(Padding(Wrap(f"理由：{event.reason}"), (0, 0, 0, 4)))


def _local_time(stamp: str) -> str:
    """An audit timestamp (stored in UTC) in the clerk's own time zone."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def _change_line(ledger: "Ledger", case: "Case", field: str, old: Any, new: Any) -> str:
    from ..audit import describe_value
    from ..labels import FIELD_LABELS

    def show(value: Any) -> str:
        return describe_value(field, value, taxonomy=ledger.taxonomy, hide_name=case.confidential)

    label = FIELD_LABELS.get(field, field)
    if old is None:
        return f"{label}：{show(new)}"
    return f"{label}：{show(old)} → {show(new)}"
