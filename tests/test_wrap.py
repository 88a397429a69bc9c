"""Wrapping Chinese text for a terminal: between characters and at spaces, never inside a
number, a date or a case number, never a closing mark at the start of a line."""

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from xinfang_cli.cli.wrap import atoms, wrap_lines

PIECES = st.sampled_from(
    ["信", "访", "办", "结", "，", "。", "（", "）", "、", " ", "241", "95.7%", "2025-12-31",
     "XF2025-0282", "件", "1,200.00", "abc"]
)  # fmt: skip


@given(st.lists(PIECES, max_size=40), st.integers(min_value=11, max_value=60))
def test_lines_fit_and_keep_every_number_whole(pieces: list[str], width: int) -> None:
    text = "".join(pieces)
    lines = wrap_lines(text, width)
    assert all(cell_len(line) <= width for line in lines)
    # nothing is lost but the spaces at a break
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for atom in atoms(text):
        word = atom.strip()
        if word and any(ch.isdigit() for ch in word) and cell_len(word) <= width:
            assert any(word in line for line in lines), (word, lines)
    if all(cell_len(a) <= width for a in atoms(text)):  # (a piece wider than a line is folded)
        for line in lines[1:]:
            assert line[:1] not in "，。、）", lines


def test_the_reported_case() -> None:
    text = "初信初访305件，已办结261件，其中一次性办结241件（办结后无重复信访）"
    for width in range(12, 40):
        assert any("241件" in line for line in wrap_lines(text, width))
