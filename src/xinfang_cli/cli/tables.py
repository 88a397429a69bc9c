"""Report documents (`sheets.Document`) as Rich renderables for the terminal: headline figures
first, each sheet a bold title line, its table and its caption; free text folds inside its
column (never padded by hand), numbers are right-aligned, level words keep their colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sheets import NUMERIC, Document, cell_text

if TYPE_CHECKING:
    from rich.console import RenderableType


def rich_renderables(doc: Document) -> list[RenderableType]:
    """Each sheet as a bold title line, its table and its caption; titles are printed on their own
    line (not as the table's title) so a narrow table never folds a long title."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = []
    for index, sheet in enumerate(doc.sheets):
        if index:
            out.append(Text(""))
        out.append(Text(sheet.title, style="bold"))
        if index == 0:
            out.extend(Text(note, style="italic") for note in doc.notes)
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        for column in sheet.columns:
            numeric = column.kind in NUMERIC
            table.add_column(
                column.header,
                justify="right" if numeric else "left",
                no_wrap=not column.fold,
                overflow="fold" if column.fold else "ellipsis",
                ratio=column.ratio if column.fold else None,
                min_width=8 if column.fold else None,
                max_width=column.max_width,
            )
        for row in sheet.rows:
            table.add_row(
                *[
                    Text(
                        cell_text(c),
                        style=c.style or "",
                        justify="right" if c.kind in NUMERIC else "left",
                    )
                    for c in sheet.cells(row)
                ]
            )
        if not sheet.rows:
            table.add_row(*[Text("（无）", style="dim")] + [Text("")] * (len(sheet.columns) - 1))
        out.append(table)
        if sheet.caption:
            out.append(Text(sheet.caption, style="dim"))
    return out
