"""Commands that move cases between the ledger and case files: import and export."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import done, err, guard, open_ledger, settings, today

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
        bool, typer.Option("--dry-run", help="只校验并报告可导入、跳过的件数，不写入账本")
    ] = False,
) -> None:
    """从台账文件导入案件：先全部校验，有误则一件不导入。

    表头可用中文列名或英文键，列的顺序不限；必需的列：信访日期、信访形式、反映问题。
    编号已在账本中的行跳过，因此同一文件导入两次不会重复。
    导出文件中的事项分组、状态、受理期限、办结期限、超期、期限暂定、个人信息清除日期为计算列，导入时忽略。
    """
    from ..importer import import_cases

    with _progress_bar("校验" if dry_run else "导入") as progress:
        result = import_cases(
            file,
            db=settings(ctx).db,
            open_ledger=lambda write: open_ledger(ctx, write=write),
            today=today(),
            dry_run=dry_run,
            progress=progress,
        )
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
    ) as bar:
        task = bar.add_task(verb, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

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
