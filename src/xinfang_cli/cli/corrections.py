"""Commands that correct a case: amend, reassign, void, reopen. Each parses its options, calls
one correction of `corrections.py` through `lifecycle.on_case`, and says what changed."""

from typing import Annotated, Any, Optional

import typer

from . import options as o
from .common import done, guard, open_ledger, parse_day, today

CORRECT_PANEL = "更正"

Number = Annotated[str, typer.Argument(help="案件编号，如 XF2025-0001", show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("amend", rich_help_panel=CORRECT_PANEL)(amend)
    app.command("reassign", rich_help_panel=CORRECT_PANEL)(reassign)
    app.command("void", rich_help_panel=CORRECT_PANEL)(void)
    app.command("reopen", rich_help_panel=CORRECT_PANEL)(reopen)


def _changed(ledger: Any, changes: dict[str, Any]) -> str:
    from ..audit import describe_value
    from ..labels import FIELD_LABELS

    parts = []
    for field, (old, new) in changes.items():
        before = describe_value(field, old, taxonomy=ledger.taxonomy)
        after = describe_value(field, new, taxonomy=ledger.taxonomy)
        parts.append(f"{FIELD_LABELS.get(field, field)}：{before} → {after}")
    return "；".join(parts)


@guard
def amend(
    ctx: typer.Context,
    number: Number,
    reason: o.Reason = None,
    received: o.Received = None,
    channel: o.Channel = None,
    name: o.Name = None,
    anonymous: o.Anonymous = False,
    identity: o.Identity = None,
    unit: o.Unit = None,
    phone: o.Phone = None,
    id_number: o.IdNumber = None,
    persons: o.Persons = None,
    summary: o.Summary = None,
    content: o.Content = None,
    nature: o.Nature = None,
    category: o.Category = None,
    repeat_of: o.RepeatOf = None,
    bypass: Annotated[
        Optional[bool],
        typer.Option(
            "--bypass/--not-bypass", help="越级信访（或更正为非越级）", show_default=False
        ),
    ] = None,
    confidential: o.Confidential = None,
) -> None:
    """更正登记信息（信访人、电话、信访日期、反映问题……），须写明原因。

    各项的写法与校验同 add；给出空值（如 --phone ""）可清除可选项。更正是改正记录，
    不是办理环节：此后任何截止日期的统计都按更正后的内容计算。改信访日期会按原时限
    重算受理期限。
    """
    from ..corrections import amend as do_amend
    from ..errors import InputError
    from ..fields import read_fields
    from ..lifecycle import on_case

    if anonymous and name is not None:
        raise InputError("--name 与 --anonymous 不能同时使用。")
    given: dict[str, str | None] = {
        "received_on": received,
        "channel": channel,
        "name": name,
        "identity": identity,
        "unit": unit,
        "phone": phone,
        "id_number": id_number,
        "persons": persons,
        "summary": summary,
        "content": content,
        "nature": nature,
        "category": category,
        "repeat_of": repeat_of,
    }
    ledger = open_ledger(ctx, write=True)
    values = read_fields(ledger.taxonomy, given, today=today())
    if anonymous:
        values["name"] = None
    if bypass is not None:
        values["bypass"] = bypass
    if confidential is not None:
        values["confidential"] = confidential
    case, changes = on_case(ledger, number, do_amend, values=values, reason=reason, today=today())
    done(f"{case.number} 已更正：{_changed(ledger, changes)}。")


@guard
def reassign(
    ctx: typer.Context,
    number: Number,
    dept: Annotated[
        str,
        typer.Option(
            "--dept",
            help="新的主办单位",
            show_default=False,
            autocompletion=o.complete_department,
        ),
    ],
    reason: o.Reason = None,
    co: o.CoDepts = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="包案领导")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="改派日期（默认今天）")] = None,
) -> None:
    """改派：把办理中的案件交给另一个主办单位（办结期限不变）。

    统计时，改派日期之前的截止日期仍按原主办单位计。未给出 --co 时协办单位不变，给出则替换。
    """
    from ..corrections import reassign as do_reassign
    from ..lifecycle import on_case

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger,
        number,
        do_reassign,
        dept=dept,
        co_depts=co,
        leader=leader,
        reason=reason,
        on=parse_day(on, default=today()),
        today=today(),
    )
    done(f"{case.number} 已改派，主办：{case.lead_dept}，办结期限仍为 {case.due_on}。")


@guard
def void(ctx: typer.Context, number: Number, reason: o.Reason = None) -> None:
    """作废：误登记、重复登记的案件。

    作废的案件不再出现在列表、统计、督办检查和回访中（xinfang list --voided 可查），
    编号不再使用，操作日志全部保留。
    """
    from ..corrections import void as do_void
    from ..lifecycle import on_case

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(ledger, number, do_void, reason=reason, today=today())
    done(f"{case.number} 已作废（原因：{case.void_reason}）。")


@guard
def reopen(
    ctx: typer.Context,
    number: Number,
    reason: o.Reason = None,
    on: Annotated[Optional[str], typer.Option("--on", help="撤销日期（默认今天）")] = None,
) -> None:
    """撤销办结或不予受理：案件回到“办理中”或“已登记”。

    撤销办结时，办结日期、结果和满意度评价一并撤回；原记录保留在操作日志中。
    """
    from ..corrections import reopen as do_reopen
    from ..labels import STATUS_LABELS
    from ..lifecycle import on_case

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger, number, do_reopen, reason=reason, on=parse_day(on, default=today()), today=today()
    )
    due = case.due_on if case.status == "handling" else case.accept_due
    done(f"{case.number} 已恢复为“{STATUS_LABELS[case.status]}”，期限 {due}。")
