"""Report documents (`sheets.Document`) as Rich renderables for the terminal: headline figures
first, each sheet a bold title line, its table and its caption; free text folds inside its
column (never padded by hand), numbers are right-aligned, level words keep their colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sheets import LEVEL_STYLES_16, NUMERIC, Cell, Document, cell_text
from .wrap import Wrap

if TYPE_CHECKING:
    from rich.console import RenderableType


def rich_renderables(doc: Document, *, colours: str | None = None) -> list[RenderableType]:
    """Each sheet as a bold title line, its table and its caption; titles are printed on their own
    line (not as the table's title) so a narrow table never folds a long title. `colours`: the
    console's colour system; with 16 colours the level styles change so the three stay apart."""
    few = colours in ("standard", "windows")
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = []
    for index, sheet in enumerate(doc.sheets):
        if index:
            out.append(Text(""))
        out.append(Wrap(sheet.title, style="bold"))
        if index == 0:
            out.extend(Wrap(note, style="italic") for note in doc.notes)
        table = Table(
            header_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
        )
        for column in sheet.columns:
            numeric = column.kind in NUMERIC
            table.add_column(
                column.brief or column.header,
                justify="right" if numeric else "left",
                no_wrap=numeric or column.keep,
                ratio=column.ratio if column.fold else None,
                min_width=8 if column.fold else None,
                max_width=column.max_width,
            )
        for row in sheet.rows:
            table.add_row(*[_cell(c, few) for c in sheet.cells(row)])
        if not sheet.rows:
            table.add_row(*[Text("（无）", style="dim")] + [Text("")] * (len(sheet.columns) - 1))
        out.append(table)
        if sheet.caption:
            out.append(Wrap(sheet.caption, style="dim"))
    return out


def _cell(cell: Cell, few_colours: bool) -> RenderableType:
    """Numbers never wrap; text wraps between words and characters, never inside a number."""
    from rich.text import Text

    style = cell.style or ""
    if few_colours:
        style = LEVEL_STYLES_16.get(style, style)
    if cell.kind in NUMERIC:
        return Text(cell_text(cell), style=style, justify="right", no_wrap=True)
    return Wrap(cell_text(cell), style=style)
