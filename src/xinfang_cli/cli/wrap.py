"""Chinese text that wraps where a reader expects it to: between characters of Chinese text and
at spaces, never inside a number, a date, a case number or a Latin word, and never with a
closing mark (，。、；：）…) at the start of a line.

Rich wraps only at whitespace and folds a longer "word" anywhere, and a run of Chinese text has
no whitespace: a table at 80 columns would print "其中一次性办结24" and "2件" on two lines. `Wrap`
is a renderable that measures itself by its longest unbreakable piece (so a table column is
never narrower than a case number) and lays its lines out itself, keeping the text's styles.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# An unbreakable run: a number (with its separators, sign and percent), a date, a case number,
# a Latin word, an e-mail or a path; or one other character.
_ATOM = re.compile(
    r"[+\-]?[0-9A-Za-z¥￥][0-9A-Za-z_.,:/@%+\-*]*[0-9A-Za-z%*]|[0-9A-Za-z]|\s+|.",
    re.DOTALL,
)
# A measure word after a number stays with it (241件, 30天, 5人).
_UNITS = set("件次天日月年人名元万亿个条项场倍岁号时分秒")
# Marks that may not start a line (they stay with what comes before) or end one.
_NO_START = set("，。、；：！？）」』》〉】〕”’%‰·…—,.;:!?)]}")
_NO_END = set("（「『《〈【〔“‘([{")


def atoms(text: str) -> list[str]:
    """The pieces a line may break between."""
    pieces: list[str] = []
    glue_next = False
    for match in _ATOM.finditer(text):
        piece = match.group(0)
        after_number = piece in _UNITS and pieces and pieces[-1][-1:].isdigit()
        closing = piece[0] in _NO_START
        if closing and len(pieces) > 1 and pieces[-1].isspace():
            space = pieces.pop()
            pieces[-1] += space + piece  # “2025-12-31 ，”: the mark stays with the date
        elif pieces and (glue_next or ((closing or after_number) and not pieces[-1].isspace())):
            pieces[-1] += piece
        else:
            pieces.append(piece)
        glue_next = piece[-1] in _NO_END
    return pieces


def break_offsets(line: str, width: int, *, whole: bool = False) -> list[int]:
    """Where to break one line (no newlines) so that each part fits `width` cells once the
    spaces at a break are dropped; a piece wider than a whole line is folded. `whole`: break
    only after “、” and at spaces (a list of names, each kept in one piece)."""
    width = max(width, 1)
    offsets: list[int] = []
    visible = 0  # cells of the current line up to its last piece that is not a space
    pending = 0  # cells of the spaces after it
    fresh = True  # nothing but (dropped) spaces on the current line yet
    first = True  # the first line keeps its leading spaces (an indent)
    position = 0
    for piece in _items(line) if whole else atoms(line):
        size = cell_len(piece)
        if piece.isspace():
            if first and fresh:
                visible += size
            elif not fresh:
                pending += size
        elif not fresh and visible + pending + size > width:
            offsets.append(position)
            visible, pending, first = _place(piece, size, width, position, offsets), 0, False
        elif fresh and visible + size > width:
            if visible:  # an indent the piece does not fit after: the piece starts a new line
                offsets.append(position)
            visible = _place(piece, size, width, position, offsets)
            fresh = first = False
        else:
            visible += pending + size
            pending, fresh = 0, False
        position += len(piece)
    return [o for o in offsets if 0 < o < len(line)]


def _items(line: str) -> list[str]:
    return [p for p in re.split(r"(?<=、)|(\s+)", line) if p]


def _place(piece: str, size: int, width: int, position: int, offsets: list[int]) -> int:
    """A piece starting a line: folded when wider than the line; returns the cells it leaves."""
    if size <= width:
        return size
    chunks = chop_cells(piece, width)
    for chunk in chunks[:-1]:
        position += len(chunk)
        offsets.append(position)
    return cell_len(chunks[-1])


def wrap_text(text: Text, width: int, *, whole: bool = False) -> list[Text]:
    """A styled text laid out in lines of at most `width` cells."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        offsets = break_offsets(paragraph.plain, width, whole=whole)
        for index, part in enumerate(paragraph.divide(offsets)):
            if index:
                part = part[len(part.plain) - len(part.plain.lstrip()) :]
            part.rstrip()
            lines.append(part)
    return lines


def wrap_lines(text: str, width: int) -> list[str]:
    """`text` laid out in lines of at most `width` cells."""
    return [line.plain for line in wrap_text(Text(text), width)]


class Wrap:
    """A renderable text (plain or styled) wrapped by `wrap_text` to the width it is given."""

    def __init__(
        self, text: str | Text, style: str = "", *, justify: str = "left", whole: bool = False
    ) -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)
        self.justify = justify
        self.whole = whole  # a list of names: break only between them

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        flat = plain.replace("\n", " ")
        pieces = [p for p in (_items(flat) if self.whole else atoms(flat)) if not p.isspace()]
        longest = max((cell_len(p) for p in pieces), default=0)
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(longest, options.max_width), min(widest, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap_text(self.text, options.max_width, whole=self.whole)
        text = Text("\n").join(lines)
        text.justify = self.justify  # type: ignore[assignment]
        text.no_wrap = True
        text.overflow = "ignore"
        yield text
