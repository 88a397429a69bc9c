"""Text as people type it and as a grid shows it: full-width digits and punctuation folded to
their ASCII forms, and how many columns a text takes in a spreadsheet or a terminal cell grid
(CJK characters count double). Pure functions.
"""

from __future__ import annotations

import re
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


# --- control characters ---------------------------------------------------------------------------
# One-line fields (names, units, summaries, reasons…) take no control character at all; the
# multi-line ones (具体内容, 办理结果) keep line breaks and tabs. An escape sequence in a name
# would reach the clerk's terminal; a line break would split a one-line CSV or TSV cell.
# The bidirectional overrides and isolates (U+202A–202E, U+2066–2069) are refused in both: they
# turn the rest of a line around on screen (a name shown back to front), in the table and in
# every export. Lone surrogates are bytes that were not UTF-8 (a terminal in another encoding).
MULTILINE = frozenset({"content", "result"})
_ALWAYS_BAD = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ONE_LINE_BAD = re.compile(rf"[\x00-\x1f{_ALWAYS_BAD}]")
_MULTILINE_BAD = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_ALWAYS_BAD}]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# Stored lengths (models.Case): longer text fails on PostgreSQL, so every way in (a command, an
# import) refuses it up front, and an `export --reveal` always imports again.
MAX_LENGTH = {
    "number": 32,
    "name": 64,
    "unit": 128,
    "leader": 64,
    "referral": 128,
    "extend_approver": 64,
}


def length_problem(key: str, value: str | None) -> str | None:
    """“内容过长：最多 64 个字…” when `value` is longer than field `key` is stored, else None."""
    limit = MAX_LENGTH.get(key)
    if value is not None and limit is not None and len(value) > limit:
        return f"内容过长：最多 {limit} 个字，现为 {len(value)} 个字。"
    return None


def field_problem(key: str, value: str | None) -> str | None:
    """What keeps a text a person typed into field `key` from being stored: a control character
    the field may not hold, or more characters than it is stored with. None when it can be."""
    return control_problem(value, multiline=key in MULTILINE) or length_problem(key, value)


def control_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The control characters in `value` a field of its kind may not hold, as \\x1b etc."""
    pattern = _MULTILINE_BAD if multiline else _ONE_LINE_BAD
    found = dict.fromkeys(pattern.findall(value.replace("\r\n", "\n") if multiline else value))
    return [f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" for ch in found]


def control_problem(value: str | None, *, multiline: bool = False) -> str | None:
    """“含有控制字符（\\x1b）…” when `value` holds one, else None."""
    if not value or value.isprintable():  # (every character it looks for is unprintable)
        return None
    if _SURROGATE.search(value):
        return "含有无法识别的字节（不是 UTF-8 文字，请检查终端或文件的编码），不能保存。"
    shown = control_characters(value, multiline=multiline)
    if not shown:
        return None
    return f"含有控制字符（{'、'.join(shown)}），不能保存：请删除后重试。"


_SHOWN = {**{i: 0x2400 + i for i in range(0x20) if chr(i) not in "\n\t"}, 0x7F: 0x2421}
_SHOWN.update({i: 0xFFFD for i in range(0x80, 0xA0)})


def line_cell(value: str) -> str:
    """A value as one cell of a tab-separated line: a tab or a line break inside it would split
    it (whitespace runs become one space), a control character would reach the terminal."""
    return printable(" ".join(value.split()))


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (but line breaks and tabs) shown as
    their symbols (␛ for ESC), so a value from the ledger can never drive the terminal."""
    return text.translate(_SHOWN)


# --- text a spreadsheet would run -------------------------------------------------------------
# A cell starting with = + - @ (or a tab or CR) is a formula to Excel and WPS: a name like
# =HYPERLINK("http://…","点此") becomes a live link. Exports write such text with the usual
# leading ' (OWASP's CSV-injection advice); `import` takes exactly that ' off again.
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def needs_guard(value: str) -> bool:
    return value.startswith(_TRIGGERS) or (value.startswith("'") and needs_guard(value[1:]))


def guard_cell(value: str) -> str:
    """Text for a CSV cell a spreadsheet will not evaluate (a value that already starts with ' and
    then a trigger gets one more ', so that `unguard_cell` gives back exactly the value)."""
    return "'" + value if needs_guard(value) else value


def unguard_cell(value: str) -> str:
    """What `guard_cell` wrote, as it was."""
    return value[1:] if value.startswith("'") and needs_guard(value[1:]) else value
