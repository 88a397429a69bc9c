"""Commands that move cases between the ledger and case files: import and export."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import done, err, guard, open_ledger, settings, today

if TYPE_CHECKING:
    from ..casefile import Layout

TRANSFER_PANEL = "导入导出"


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel=TRANSFER_PANEL)(import_file)
    app.command("export", rich_help_panel=TRANSFER_PANEL)(export_file)


@guard
def import_file(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="案件文件：.csv（UTF-8 或 GB18030）、.xlsx 或 .json", show_default=False
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="只校验并列出读取方式（表头、列的对应）和可导入、跳过的件数，不写入账本",
        ),
    ] = False,
    sheet: Annotated[
        Optional[str], typer.Option("--sheet", help="Excel 文件中要导入的工作表（默认第一张）")
    ] = None,
    all_sheets: Annotated[
        bool, typer.Option("--all-sheets", help="导入 Excel 文件的全部工作表（如每年或每月一张）")
    ] = False,
    maps: Annotated[
        Optional[list[str]],
        typer.Option(
            "--map", help="表头=列：指明某个表头对应哪一列，如 --map 来访事由=反映问题（可重复）"
        ),
    ] = None,
    ignores: Annotated[
        Optional[list[str]],
        typer.Option("--ignore", help="不导入的表头，如 --ignore 备注（可重复）"),
    ] = None,
    value_maps: Annotated[
        Optional[list[str]],
        typer.Option(
            "--value-map",
            help="列=旧值:新值：把文件中的旧写法改为正式名称，如 --value-map 主办单位=学工处:学生工作部（可重复）",
        ),
    ] = None,
    defaults: Annotated[
        Optional[list[str]],
        typer.Option(
            "--default",
            help="列=值：文件中没有该项时取此值，如 --default outcome=解决到位、--default 信访形式=来信（可重复）",
        ),
    ] = None,
) -> None:
    """从台账文件导入案件：先全部校验，有误则一件不导入。

    表头可用中文列名或英文键，列的顺序不限；必需的列：信访日期、信访形式、反映问题。
    各单位自己的台账也可以直接导入：标题行下面的表头会被找到，序号列、合计行略去，
    信访时间、来信来访形式、承办单位等常见写法（分类体系的 [headers]）和学工部等别称
    （[aliases]）都认得；其余用 --map、--ignore、--value-map、--default 指明。
    只有主办单位、没有受理日期的行按信访当日受理（记入操作日志“导入时推定”）。
    编号已在账本中的行跳过，因此同一文件导入两次不会重复。
    导出文件中的事项分组、状态、受理期限、办结期限、超期、期限暂定、个人信息清除日期为计算列，导入时忽略。
    """
    from ..importer import import_cases

    layout = _layout(sheet, all_sheets, maps or [], ignores or [], value_maps or [], defaults or [])
    with _progress_bar("校验" if dry_run else "导入") as progress:
        result = import_cases(
            file,
            db=settings(ctx).db,
            open_ledger=lambda write: open_ledger(ctx, write=write),
            today=today(),
            dry_run=dry_run,
            progress=progress,
            layout=layout,
        )
    for line in result.plan:
        done(line)
    for warning in result.warnings[:20]:
        done(f"注意：{warning}")
    if len(result.warnings) > 20:
        done(f"……另有 {len(result.warnings) - 20} 行同样的提示。")
    if result.look_alikes:
        shown = "、".join(
            f"第{line}{result.unit}（{number}）" for line, number in result.look_alikes[:10]
        )
        more = f"等 {len(result.look_alikes)} 处" if len(result.look_alikes) > 10 else ""
        done(
            f"注意：{shown}{more}没有编号，且与账本中已有案件的信访日期、形式、问题、信访人相同，"
            "可能已经导入过；" + ("仍会导入。" if result.dry_run else "已照常导入。")
        )
    if result.dry_run:
        done(f"校验通过：可导入 {result.imported} 件，跳过 {result.skipped} 件（未写入）。")
        return
    done(f"已导入 {result.imported} 件，跳过 {result.skipped} 件（编号已存在）。")
    if result.provisional:
        years = "、".join(f"{y} 年" for y in result.provisional_years)
        done(
            f"注意：其中 {result.provisional} 件的期限涉及{years}，该年节假日安排尚未收录，暂按仅跳过"
            "周末计算；写入分类体系的 [calendar] 并运行 xinfang taxonomy load 后会自动更正。"
        )


@contextmanager
def _progress_bar(verb: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal (a large file takes a while);
    nothing at all for a script or cron."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        f"[progress.description]{verb}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        auto_refresh=False,  # no refresh thread: a large import forks a second process
    ) as bar:
        task = bar.add_task(verb, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            bar.refresh()

        yield advance


@guard
def export_file(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="写入的文件，按扩展名决定格式：.csv（UTF-8 带 BOM，Excel 可直接打开）、.xlsx、.json",
            show_default=False,
        ),
    ],
    year: Annotated[
        Optional[int], typer.Option("--year", help="只导出该年收到的案件，如 2025")
    ] = None,
    reveal: Annotated[
        bool,
        typer.Option("--reveal", help="导出完整的电话、身份证号和保密案件的姓名（逐件记入日志）"),
    ] = False,
) -> None:
    """把案件导出为台账文件；个人信息默认脱敏。

    列与导入相同，另加计算列（事项分组、状态、受理期限、办结期限、超期）；
    export --reveal 导出的文件可原样导入空账本。"""
    from ..casefile import file_format
    from ..exporter import export_cases

    file_format(file)  # an unknown extension is refused before the ledger is opened
    ledger = open_ledger(ctx, write=False)
    result = export_cases(ledger, file, year=year, reveal=reveal, today=today())
    privacy = (
        "含完整个人信息，已记入操作日志"
        if result.revealed
        else "个人信息已脱敏；如需完整信息请加 --reveal"
    )
    done(f"已导出 {result.count} 件到 {result.path}（{privacy}）。")


def _pair(text: str, option: str, example: str) -> tuple[str, str]:
    from ..errors import InputError

    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise InputError(f"{option} 的写法是“{example}”，现为“{text}”。")
    return left.strip(), right.strip()


def _column(text: str, option: str) -> str:
    from ..casefile import CASE_COLUMNS, resolve_key
    from ..errors import InputError

    key = resolve_key(text)
    if key is None:
        columns = "、".join(header for _, header in CASE_COLUMNS)
        raise InputError(f"{option} 中的“{text}”不是台账的列。可用的列：{columns}（或其英文键）。")
    return key


def _layout(
    sheet: Optional[str],
    all_sheets: bool,
    maps: list[str],
    ignores: list[str],
    value_maps: list[str],
    defaults: list[str],
) -> "Layout":
    """The layout options, each checked before any file is read."""
    from ..casefile import Layout
    from ..errors import InputError

    if sheet is not None and all_sheets:
        raise InputError("--sheet 和 --all-sheets 只能选一个。")
    layout = Layout(
        sheet=sheet, all_sheets=all_sheets, ignore=frozenset(i.strip() for i in ignores)
    )
    for text in maps:
        header, column = _pair(text, "--map", "表头=列，如 来访事由=反映问题")
        layout.maps[header] = _column(column, "--map")
    for text in value_maps:
        column, change = _pair(text, "--value-map", "列=旧值:新值，如 主办单位=学工处:学生工作部")
        old, sep, new = change.replace("：", ":").partition(":")
        if not sep or not old.strip() or not new.strip():
            raise InputError(f"--value-map 的写法是“列=旧值:新值”，现为“{text}”。")
        layout.value_maps.setdefault(_column(column, "--value-map"), {})[old.strip()] = new.strip()
    for text in defaults:
        column, value = _pair(text, "--default", "列=值，如 outcome=解决到位")
        layout.defaults[_column(column, "--default")] = value
    return layout
