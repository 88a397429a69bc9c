"""Commands that change a case: add, classify, assign, reject, extend, close, rate."""

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..errors import XinfangError
from . import options as o
from .common import (
    done,
    err,
    guard,
    interactive,
    open_ledger,
    parse_day,
    print_table,
    stderr_is_terminal,
    today,
    warn_provisional,
)

if TYPE_CHECKING:
    from ..fields import CaseInput
    from ..ledger import Ledger
    from ..models import Case
    from ..taxonomy import Taxonomy

CASE_PANEL = "案件"


def register(app: typer.Typer) -> None:
    app.command("add", rich_help_panel=CASE_PANEL)(add)
    app.command("classify", rich_help_panel=CASE_PANEL)(classify)
    app.command("assign", rich_help_panel=CASE_PANEL)(assign)
    app.command("reject", rich_help_panel=CASE_PANEL)(reject)
    app.command("extend", rich_help_panel=CASE_PANEL)(extend)
    app.command("close", rich_help_panel=CASE_PANEL)(close)
    app.command("rate", rich_help_panel=CASE_PANEL)(rate)


Number = Annotated[str, typer.Argument(help="案件编号，如 XF2025-0001", show_default=False)]
OnDate = Annotated[
    Optional[str], typer.Option("--on", help="办理日期（默认今天），如 2025-03-04、3月4日、昨天")
]


def _prompt(label: str, *, choices: list[str] | None = None, default: str = "") -> str:
    from rich.prompt import Prompt

    if choices:
        from .wrap import Wrap

        err.print(Wrap(f"可选：{'、'.join(choices)}", style="dim", whole=True))
    prompt = Prompt(label, console=err, show_default=False)
    prompt.prompt_suffix = "："
    answer = prompt(default=default)
    return answer.strip()


def _ask(
    label: str,
    check: Callable[[str], object],
    *,
    choices: list[str] | None = None,
    default: str = "",
    optional: bool = False,
) -> str:
    """Prompt until the answer passes `check` (or is blank, when optional). After
    “您是不是要找：X？” Enter takes X."""
    from ..errors import NotFoundError

    shown = label
    while True:
        answer = _prompt(shown, choices=choices, default=default)
        if not answer and optional:
            return ""
        if not answer:
            done("此项必填。")
            continue
        try:
            check(answer)
        except XinfangError as exc:
            done(exc.message)
            choices = None  # the message already lists them
            if isinstance(exc, NotFoundError) and exc.suggestions:
                default = exc.suggestions[0]
                shown = f"{label.split('（')[0]}（回车采用：{default}）"
            continue
        return answer


@guard
def add(
    ctx: typer.Context,
    received: o.Received = None,
    channel: o.Channel = None,
    name: o.Name = None,
    anonymous: o.Anonymous = False,
    identity: o.Identity = None,
    unit: o.Unit = None,
    phone: o.Phone = None,
    id_number: o.IdNumber = None,
    persons: o.Persons = None,
    summary: Annotated[
        Optional[str], typer.Option("--summary", help="反映问题（必填，一句话概括）")
    ] = None,
    content: o.Content = None,
    nature: o.Nature = None,
    category: o.Category = None,
    repeat_of: o.RepeatOf = None,
    bypass: Annotated[bool, typer.Option("--bypass", help="越级信访")] = False,
    confidential: o.Confidential = None,
) -> None:
    """登记信访事项，输出案件编号。

    终端上会逐项提示缺少的必填项，登记前显示全部内容请您确认（回车即确认）；
    命令行给出的各项在提问之前先校验。没有终端时不提问：缺少必填项即报错。
    """
    from ..errors import InputError
    from ..fields import OPTIONS, build_input, read_fields
    from ..lifecycle import add_case, existing_case, petitioner_cases
    from ..privacy import validate_phone

    tty = interactive()
    if anonymous and name:
        raise InputError("--name 与 --anonymous 不能同时使用：匿名信访不记录姓名。")
    if not tty and not channel:
        raise InputError("缺少信访形式：请用 --channel 指定（如 --channel 来访）。")
    if not tty and not summary:
        raise InputError("缺少反映问题：请用 --summary 写明（一句话概括）。")
    ledger = open_ledger(ctx, write=True)
    tax = ledger.taxonomy
    typed: dict[str, str | None] = {
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
    # Everything given on the command line is checked before the first question is asked.
    given = read_fields(tax, typed, today=today())
    if given.get("repeat_of"):
        try:
            existing_case(ledger, given["repeat_of"])
        except XinfangError as exc:
            raise exc.prefixed(f"{OPTIONS['repeat_of']}：") from None
    if not channel:
        channel = _ask(
            "信访形式",
            lambda a: tax.resolve("channels", a),
            choices=list(tax.enums["channels"].values()),
        )
    if name is None and not anonymous and tty:
        name = _prompt("信访人姓名（直接回车表示匿名）") or None
        if name:
            if identity is None:
                identity = (
                    _ask(
                        "身份（可回车跳过）",
                        lambda a: tax.resolve("identities", a),
                        choices=list(tax.enums["identities"].values()),
                        optional=True,
                    )
                    or None
                )
            if unit is None:
                unit = _prompt("单位：学院/部门/班级（可回车跳过）") or None
            if phone is None:
                phone = _ask("联系电话（可回车跳过）", validate_phone, optional=True) or None
    if anonymous:
        name = None
    if not summary:
        summary = _ask("反映问题（一句话概括）", lambda a: a)
    if category is None and tty:
        category = _ask_category(tax, summary + (content or ""))

    raw: dict[str, Any] = {
        **typed,
        "received_on": given.get("received_on") or today(),
        "channel": channel,
        "name": name,
        "identity": identity,
        "unit": unit,
        "phone": phone,
        "summary": summary,
        "category": category,
        "bypass": bypass,
        "confidential": confidential,
    }
    data = build_input(tax, raw)
    earlier = petitioner_cases(ledger, data)
    if earlier and not data.repeat_of:
        _warn_earlier(ledger, earlier)
        if tty:
            numbers = {c.number.upper() for c in earlier}

            def check_original(answer: str) -> object:
                if answer.strip().upper() not in numbers:
                    raise InputError(
                        f"请从上表中选择原件编号（{'、'.join(sorted(numbers))}），或直接回车。"
                    )
                return answer

            answer = _ask(
                "如为重复信访，请输入原件编号（直接回车表示不是）", check_original, optional=True
            )
            data.repeat_of = answer.strip().upper() or None
    if tty and not _confirm(ledger, data):
        done("已取消，未登记。")
        return
    case = add_case(ledger, data, today=today())
    sys.stdout.write(case.number + "\n")  # (what a script reads; Rich is not needed for it)
    done(
        f"已登记 {case.number}（{tax.label('channels', case.channel)}，{case.received_on}）。"
        f"应于 {case.accept_due} 前作出是否受理的决定并告知信访人。"
    )
    warn_provisional(case, "accept_due")
    if case.repeat_of:
        _warn_after_final_review(ledger, case.number, case.repeat_of)


def _warn_after_final_review(ledger: "Ledger", number: str, original: str) -> None:
    """A repeat of a matter whose 复核 is decided is registered, but the clerk is told that it
    is not accepted again on the same facts (Art. 36) and how to say so."""
    from ..letters import final_review_decided
    from ..rules import NO_MORE

    found = final_review_decided(ledger, original)
    if found is None:
        return
    reviewed, on = found
    done(
        f"注意：原件 {reviewed} 已于 {on} 作出复核决定，{NO_MORE}。"
        f"如本件确属同一事实和理由，请用 xinfang reject {number} "
        f"--reason {NO_MORE} 作出不予受理决定。"
    )


def _ask_category(tax: "Taxonomy", text: str) -> Optional[str]:
    """The category, offering the one the taxonomy's keywords suggest (Enter takes it)."""
    suggested, hits = tax.suggest_category(text)
    default = suggested.name if suggested else ""
    if suggested:
        done(f"根据“{'、'.join(hits)}”建议类别：{default}（输入 - 暂不分类）")
    hint = f"（回车采用：{default}）" if suggested else "（回车暂不分类）"

    def check_category(answer: str) -> object:
        return None if answer == "-" else tax.category(answer)

    answer = _ask(
        f"事项类别{hint}",
        check_category,
        choices=[c.name for c in tax.categories.values()],
        default=default,
        optional=True,
    )
    return None if answer in ("", "-") else answer


def _confirm(ledger: "Ledger", data: "CaseInput") -> bool:
    """What will be registered, shown once; Enter registers it."""
    from rich.prompt import Confirm
    from rich.table import Table

    from ..privacy import mask_id_number, mask_phone
    from .wrap import Wrap

    tax = ledger.taxonomy
    table = Table(
        show_header=False, box=None, padding=(0, 1), title="即将登记", title_justify="left"
    )
    table.add_column("项", style="bold", no_wrap=True)
    table.add_column("值")
    rows = [
        ("信访日期", data.received_on.isoformat()),
        ("信访形式", tax.label("channels", data.channel)),
        ("信访人", data.name or "匿名"),
        ("身份", tax.label("identities", data.identity)),
        ("单位", data.unit or ""),
        ("联系电话", mask_phone(data.phone)),
        ("身份证号", mask_id_number(data.id_number)),
        ("人数", str(data.persons)),
        ("反映问题", data.summary),
        ("具体内容", data.content or ""),
        ("性质", tax.label("natures", data.nature)),
        ("事项类别", tax.category_name(data.category) or "未分类"),
        ("原件编号", data.repeat_of or ""),
        (
            "标记",
            "、".join(w for w, on in (("越级", data.bypass), ("保密", data.confidential)) if on),
        ),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, Wrap(value))
    err.print(table)
    return Confirm.ask("确认登记？", console=err, default=True)


def _warn_earlier(ledger: "Ledger", earlier: "list[Case]") -> None:
    """The petitioner's earlier cases (the last ten): a table on a terminal; elsewhere (a log,
    a script) one plain line each, like every other message (`done`)."""
    from ..labels import STATUS_LABELS

    title = f"注意：该信访人此前已有 {len(earlier)} 件信访"
    shown = earlier[-10:]
    if stderr_is_terminal():
        from rich.table import Table

        from .wrap import Wrap

        table = Table(title=title, title_justify="left")
        table.add_column("编号", no_wrap=True)
        table.add_column("信访日期", no_wrap=True)
        table.add_column("反映问题")
        table.add_column("状态", no_wrap=True)
        for case in shown:
            table.add_row(
                case.number, str(case.received_on), Wrap(case.summary), STATUS_LABELS[case.status]
            )
        err.print(table)
    else:
        done(title + "：")
        for case in shown:
            done(f"{case.number}  {case.received_on}  {case.summary}  {STATUS_LABELS[case.status]}")
    done("如果是同一事项的重复信访，请用 --repeat-of 原件编号 登记。")


@guard
def classify(
    ctx: typer.Context,
    number: Annotated[
        Optional[str], typer.Argument(help="案件编号（与 --auto 二选一）", show_default=False)
    ] = None,
    category: o.Category = None,
    nature: Annotated[
        Optional[str], typer.Option("--nature", help="性质：建议意见、检举控告、申诉求决")
    ] = None,
    auto: Annotated[bool, typer.Option("--auto", help="按关键词为所有未分类案件给出建议")] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="与 --auto 一起使用：写入建议的类别")
    ] = False,
) -> None:
    """为案件设定事项类别与性质；--auto 按关键词批量建议，--apply 才写入。"""
    from ..errors import InputError
    from ..lifecycle import classify as do_classify
    from ..lifecycle import on_case

    if auto:
        if number or category or nature:
            raise InputError("--auto 不能与案件编号、--category、--nature 同时使用。")
        _classify_auto(ctx, apply)
        return
    if apply:
        raise InputError("--apply 只能与 --auto 一起使用。")
    if not number:
        raise InputError("请给出案件编号，或使用 --auto。")
    ledger = open_ledger(ctx, write=True)
    case, changes = on_case(ledger, number, do_classify, category=category, nature=nature)
    tax = ledger.taxonomy
    if changes:
        done(
            f"{case.number} 已归类：{tax.group_name(case.group_key)} / {tax.category_name(case.category)}"
            + (f"，性质：{tax.label('natures', case.nature)}" if case.nature else "")
            + "。"
        )
    else:
        done(f"{case.number} 的分类没有变化。")


def _classify_auto(ctx: typer.Context, apply: bool) -> None:
    from rich.table import Table

    from ..lifecycle import classify_auto
    from .wrap import Wrap

    ledger = open_ledger(ctx, write=apply)
    suggestions = classify_auto(ledger, apply=apply)
    if not suggestions:
        done("没有未分类的案件。")
        return
    table = Table(
        title="按关键词的分类建议" + ("（已写入）" if apply else "（未写入；加 --apply 写入）")
    )
    table.add_column("编号", no_wrap=True)
    table.add_column("反映问题")
    table.add_column("建议类别", no_wrap=True)
    table.add_column("命中关键词")
    for s in suggestions:
        name = s.category.name if s.category else "—"
        table.add_row(s.case.number, Wrap(s.case.summary), name, Wrap("、".join(s.hits)))
    print_table(table)
    suggested = sum(1 for s in suggestions if s.category)
    written = "，已写入。" if apply and suggested else "。"
    done(f"{len(suggestions)} 件未分类，{suggested} 件有建议{written}")


@guard
def assign(
    ctx: typer.Context,
    number: Number,
    dept: Annotated[
        Optional[str],
        typer.Option(
            "--dept",
            help="主办单位（默认为类别的牵头单位）",
            autocompletion=o.complete_department,
        ),
    ] = None,
    co: o.CoDepts = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="包案领导")] = None,
    on: Annotated[
        Optional[str],
        typer.Option("--on", help="受理日期（默认今天），如 2025-03-04、3月4日、昨天"),
    ] = None,
) -> None:
    """受理并交办：确定主办、协办单位，开始计算办理期限。"""
    from ..lifecycle import assign as do_assign
    from ..lifecycle import on_case
    from ..standing import decided_late

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger,
        number,
        do_assign,
        dept=dept,
        co_depts=co or [],
        leader=leader,
        on=parse_day(on, default=today()),
        today=today(),
    )
    late = " （受理超过告知期限）" if decided_late(case) else ""
    done(f"{case.number} 已受理{late}，主办：{case.lead_dept}，应于 {case.due_on} 前办结。")
    warn_provisional(case, "handle_due")


@guard
def reject(
    ctx: typer.Context,
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="不予受理的理由", show_default=False)],
    referral: Annotated[
        Optional[str],
        typer.Option("--referral", help="告知信访人的途径，如 人民法院、劳动人事争议仲裁委员会"),
    ] = None,
    on: OnDate = None,
) -> None:
    """不予受理（诉访分离）：写明理由及应当转向的途径。"""
    from ..lifecycle import on_case
    from ..lifecycle import reject as do_reject

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger,
        number,
        do_reject,
        reason=reason,
        referral=referral,
        on=parse_day(on, default=today()),
        today=today(),
    )
    done(
        f"{case.number} 不予受理"
        + (f"，已告知信访人向{case.referral}提出。" if case.referral else "。")
    )


@guard
def extend(
    ctx: typer.Context,
    number: Number,
    days: Annotated[
        int, typer.Option("--days", help="延长天数（不超过时限，默认 30 天）", show_default=False)
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="延期理由（须告知信访人）", show_default=False)
    ],
    approver: Annotated[
        Optional[str], typer.Option("--approver", help="批准人（单位负责人）")
    ] = None,
    on: OnDate = None,
) -> None:
    """延期办理：限一次，须在到期前，写明理由与批准人。"""
    from ..lifecycle import extend as do_extend
    from ..lifecycle import on_case

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger,
        number,
        do_extend,
        days=days,
        reason=reason,
        approver=approver,
        on=parse_day(on, default=today()),
        today=today(),
    )
    done(f"{case.number} 已延期 {case.extended_days} 天，新的办结期限为 {case.due_on}。")
    warn_provisional(case, "due_on")


@guard
def close(
    ctx: typer.Context,
    number: Number,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            autocompletion=o.complete_outcome,
            help="办理结果类型：解决到位、教育到位、帮扶到位、依法处理",
            show_default=False,
        ),
    ],
    result: Annotated[
        str, typer.Option("--result", help="办理结果（答复内容）", show_default=False)
    ],
    aid: Annotated[
        Optional[str], typer.Option("--aid", help="帮扶金额（元，最多两位小数）")
    ] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="办结日期（默认今天）")] = None,
) -> None:
    """办结案件，记录“三到位一处理”结果类型与帮扶金额。"""
    from ..figures import format_yuan
    from ..lifecycle import close as do_close
    from ..lifecycle import on_case
    from ..standing import closed_late_days

    ledger = open_ledger(ctx, write=True)
    case, _changes = on_case(
        ledger,
        number,
        do_close,
        outcome=outcome,
        result=result,
        aid=aid,
        on=parse_day(on, default=today()),
        today=today(),
    )
    late = closed_late_days(case)
    timing = f"超期 {late} 天办结" if late else "按期办结"
    money = f"，帮扶金额 {format_yuan(case.aid_fen)} 元" if case.aid_fen else ""
    done(
        f"{case.number} 已办结（{ledger.taxonomy.label('outcomes', case.outcome)}，{timing}{money}）。"
    )


@guard
def rate(
    ctx: typer.Context,
    number: Number,
    grade: Annotated[
        str,
        typer.Argument(
            help="满意、基本满意、不满意（或 satisfied…）",
            show_default=False,
            autocompletion=o.complete_rating,
        ),
    ],
    on: Annotated[Optional[str], typer.Option("--on", help="评价日期（默认今天）")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="更正已有的评价（须同时写明 --reason）")
    ] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", help="更正评价的原因")] = None,
) -> None:
    """记录信访人对办理结果的满意度评价。"""
    from ..lifecycle import on_case
    from ..lifecycle import rate as do_rate

    ledger = open_ledger(ctx, write=True)
    case, changes = on_case(
        ledger,
        number,
        do_rate,
        grade=grade,
        on=parse_day(on, default=today()),
        today=today(),
        replace=replace,
        reason=reason,
    )
    label = ledger.taxonomy.label("ratings", case.rating)
    done(
        f"{case.number} 评价：{label}。"
        if changes
        else f"{case.number} 的评价没有变化（{label}）。"
    )
