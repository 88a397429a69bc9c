"""Text as people type it and as a grid shows it: full-width digits and punctuation folded to
their ASCII forms, and how many columns a text takes in a spreadsheet or a terminal cell grid
(CJK characters count double). Pure functions.
"""

from __future__ import annotations

import unicodedata

# Full-width digits and the punctuation Chinese input methods produce.
_HALF_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "ｘ": "x",
        "Ｘ": "X",
        "－": "-",
        "／": "/",
        "．": ".",
        "。": ".",
        "＋": "+",
        "\u3000": " ",
    }
)


def half_width(text: str) -> str:
    """Full-width digits, ｘ, －／．。＋ and the ideographic space as ASCII; stripped."""
    return text.translate(_HALF_WIDTH).strip()


def display_width(text: str) -> int:
    """Columns the widest line of `text` takes: East Asian wide and full-width characters 2."""
    return max((_line_width(line) for line in text.splitlines()), default=0)


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
