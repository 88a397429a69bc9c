"""Text from the public kept harmless: formula-looking text never runs in a spreadsheet and comes
back unchanged, control characters are refused at every door and never reach a terminal, and
hostile files get one clear message."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, ok, show

Xf = Callable[..., Run]
Snapshot = Callable[[], object]

FORMULAS = {
    "name": '=HYPERLINK("http://example.invalid","点此")',
    "summary": "=1+2",
    "unit": "'=已有引号",
    "content": "@SUM(A1:A9)",
    "leader": "+86领导",
}


@pytest.fixture
def hostile(xf: Xf) -> Xf:
    ok(
        xf(
            "add", "--received", "2025-03-01", "--channel", "来信", "--name", FORMULAS["name"],
            "--unit", FORMULAS["unit"], "--summary", FORMULAS["summary"],
            "--content", FORMULAS["content"], "--category", "宿舍与住宿",
        )
    )  # fmt: skip
    ok(xf("assign", "XF2025-0001", "--leader", FORMULAS["leader"], "--on", "2025-03-02"))
    return xf


def _formula_cells(path: Path) -> int:
    with zipfile.ZipFile(path) as book:
        return sum(
            book.read(name).count(b"<f>") + book.read(name).count(b"<f ")
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_looking_text_is_never_a_formula_and_round_trips(
    hostile: Xf, tmp_path: Path, suffix: str
) -> None:
    file = tmp_path / f"导出{suffix}"
    ok(hostile("export", str(file), "--reveal"))
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        assert _formula_cells(file) == 0
        sheet = load_workbook(file).active
        assert sheet is not None
        types = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row}
        assert types[FORMULAS["name"]] == "s" and types[FORMULAS["summary"]] == "s"
    else:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert "'" + FORMULAS["name"] in cells and "'=1+2" in cells
        assert "''=已有引号" in cells  # a value already starting with ' and = gets one more '
        assert not any(c.startswith(("=", "+", "@")) for c in cells)
    other = tmp_path / "other.db"
    ok(hostile("import", str(file), db=other))
    case = json.loads(ok(hostile("show", "XF2025-0001", "--reveal", "--json", db=other)).stdout)
    for key, value in FORMULAS.items():
        assert case[key] == value, key


def test_report_workbooks_hold_no_formula(hostile: Xf, tmp_path: Path) -> None:
    for kind, extra in (("annual", ("--year", "2025")), ("monthly", ("--month", "2025-03"))):
        file = tmp_path / f"{kind}.xlsx"
        ok(hostile("report", kind, *extra, "--as-of", "2025-12-31", "--xlsx", str(file)))
        assert _formula_cells(file) == 0
    r = ok(hostile("report", "monthly", "--month", "2025-03", "--as-of", "2025-12-31", "--csv"))
    assert "\n=1+2" not in r.stdout and ",=1+2" not in r.stdout


CONTROL = [
    (("add", "--channel", "来信", "--summary", "x", "--name", "张三\x1b[2J"), ("--name", "信访人", "\\x1b")),
    (("add", "--channel", "来信", "--summary", "宿舍\n漏水"), ("--summary", "\\x0a")),
    (("add", "--channel", "来信", "--summary", "x", "--unit", "学院\x00"), ("--unit", "\\x00")),
    (("add", "--channel", "来信", "--summary", "x", "--content", "第一行\n\x1b[31m"), ("--content", "\\x1b")),
    (("assign", "XF2025-0001", "--leader", "王\x07"), ("--leader", "包案领导")),
    (("reject", "XF2025-0001", "--reason", "重复\r"), ("--reason", "\\x0d")),
    (("amend", "XF2025-0001", "--name", "李\x9b四", "--reason", "x"), ("--name", "\\x9b")),
    (("void", "XF2025-0001", "--reason", "误\u2028登记"), ("--reason", "\\u2028")),
]  # fmt: skip


@pytest.mark.parametrize(("args", "words"), CONTROL)
def test_control_characters_are_refused_with_the_field_named(
    xf: Xf, snapshot: Snapshot, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    ok(xf("add", "--received", "2025-03-01", "--channel", "来信", "--summary", "宿舍漏水"))
    before = snapshot()
    r = xf(*args)
    assert r.exit_code == 2, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


def test_multi_line_fields_keep_line_breaks_and_tabs(xf: Xf) -> None:
    ok(xf("add", "--channel", "来信", "--summary", "x", "--content", "第一行\n\t第二行"))
    assert show(xf, "XF2025-0001")["content"] == "第一行\n\t第二行"


def test_an_import_row_with_a_control_character_names_line_and_column(
    xf: Xf, tmp_path: Path
) -> None:
    file = tmp_path / "cases.csv"
    file.write_text("信访日期,信访形式,反映问题,信访人\n2025-03-01,来信,漏水,张三\n2025-03-02,来信,停电,李\x1b四\n", "utf-8")  # fmt: skip
    r = xf("import", str(file))
    assert r.exit_code == 2
    assert "第3行 〔信访人〕：信访人含有控制字符（\\x1b）" in r.stderr


def test_a_stored_escape_sequence_never_reaches_the_terminal(xf: Xf, ledger_path: Path) -> None:
    import sqlite3

    ok(xf("add", "--channel", "来信", "--summary", "宿舍漏水", "--name", "张三"))
    con = sqlite3.connect(ledger_path)  # a value written before the checks (or by hand)
    con.execute("UPDATE cases SET summary = '漏水' || char(27) || '[2J', name = '张' || char(7)")
    con.commit()
    con.close()
    for args in (("list",), ("list", "--table"), ("show", "XF2025-0001", "--reveal")):
        r = ok(xf(*args))
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout, args
        assert "␛[2J" in r.stdout, args


def test_sql_looking_text_is_stored_literally(xf: Xf) -> None:
    text = "'); DROP TABLE cases; --"
    ok(xf("add", "--channel", "来信", "--summary", text, "--name", "Robert'); --"))
    assert show(xf, "XF2025-0001")["summary"] == text
    found = json.loads(ok(xf("list", "--json", "--search", "DROP TABLE")).stdout)
    assert [c["number"] for c in found] == ["XF2025-0001"]


def test_a_huge_cell_is_a_clear_message(xf: Xf, tmp_path: Path, snapshot: Snapshot) -> None:
    ok(xf("init"))
    before = snapshot()
    file = tmp_path / "huge.csv"
    file.write_text(
        '信访日期,信访形式,反映问题\n2025-03-01,来信,"' + "漏" * 200_000 + '"\n', "utf-8"
    )
    r = xf("import", str(file))
    assert r.exit_code == 2 and "第2行有一个单元格超过" in r.stderr and "Traceback" not in r.stderr
    assert snapshot() == before


# --- hostile input at every door (property tests) -----------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_the_date_parser_reads_or_refuses_anything(text: str) -> None:
    from datetime import date

    from xinfang_cli.dates import parse_date, parse_month
    from xinfang_cli.errors import InputError

    for parse in (parse_date, parse_month):
        try:
            parse(text, today=date(2025, 3, 15))
        except InputError as exc:
            assert exc.message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_phone_and_id_validators_read_or_refuse_anything(text: str) -> None:
    from xinfang_cli.errors import InputError
    from xinfang_cli.privacy import validate_id_number, validate_phone

    for validate in (validate_phone, validate_id_number):
        try:
            assert validate(text).isascii()
        except InputError as exc:
            assert exc.message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_the_header_mapper_maps_or_refuses_any_header(names: list[str]) -> None:
    from xinfang_cli.casefile import _map_header
    from xinfang_cli.errors import FileFormatError

    try:
        mapping = _map_header(names, "x.csv")
    except FileFormatError as exc:
        assert "表头" in exc.message
    else:
        assert len(set(mapping.values())) == len(mapping)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: ("信访日期,信访形式,反映问题\n" + t).encode("utf-8")),
        st.text(max_size=200).map(
            lambda t: ("信访日期,信访形式,反映问题\n2025-03-01,来信," + t).encode(
                "gb18030", "replace"
            )
        ),
        st.text(alphabet="\x00\n\r\t,\"'=", max_size=80).map(lambda t: t.encode()),
    ),
    st.sampled_from([".csv", ".xlsx", ".json"]),
)
def test_the_importer_never_crashes_nor_writes_half_a_file(
    xf: Xf, tmp_path: Path, data: bytes, suffix: str
) -> None:
    import sqlite3

    db = tmp_path / "hostile.db"
    if not db.exists():
        ok(xf("init", db=db))
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    con.close()
    file = tmp_path / f"input{suffix}"
    file.write_bytes(data)
    r = xf("import", str(file), db=db)
    assert r.exit_code in (0, 2), r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr, r.stderr
    con = sqlite3.connect(db)
    after = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    con.close()
    if r.exit_code == 2:
        assert after == before  # all or nothing
    assert ok(xf("verify", db=db)).exit_code == 0
