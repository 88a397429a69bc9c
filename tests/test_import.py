"""Import and export of case files, driven through the real CLI against a temp ledger."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Run, accept, add_case, reject_case

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_data" / "cases.csv"
SAMPLE_GB = ROOT / "sample_data" / "cases_small_gb18030.csv"

HEADER = [
    "编号",
    "信访日期",
    "信访形式",
    "信访人",
    "单位",
    "联系电话",
    "反映问题",
    "性质",
    "事项类别",
    "原件编号",
    "受理日期",
    "主办单位",
    "协办单位",
    "延期天数",
    "延期理由",
    "办结日期",
    "办理结果类型",
    "办理结果",
    "帮扶金额",
    "满意度",
]
ROWS = [
    # closed and rated, with an extension and co-departments
    [
        "XF2025-0001",
        "2025-03-01",
        "来访",
        "张三",
        "计算机学院",
        "13812345678",
        "宿舍307水龙头漏水",
        "申诉求决",
        "宿舍与住宿",
        "",
        "2025-03-02",
        "后勤处",
        "资产处、保卫处",
        "10",
        "需更换管道",
        "2025-03-20",
        "解决到位",
        "已更换水龙头",
        "",
        "满意",
    ],
    # registered only, an accusation (confidential by default)
    [
        "XF2025-0002",
        "2025/4/1",
        "来信",
        "李四",
        "",
        "",
        "某教师收受学生礼品",
        "检举控告",
        "师德师风与作风",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # a repeat of the first row, accepted and handling
    [
        "XF2025-0003",
        "2025年4月2日",
        "来电",
        "张三",
        "计算机学院",
        "13812345678",
        "宿舍又漏水",
        "",
        "宿舍与住宿",
        "XF2025-0001",
        "2025-04-03",
        "后勤处",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # closed with aid, no number: the ledger assigns one
    [
        "",
        "2025-05-06",
        "校长信箱",
        "",
        "",
        "",
        "家庭困难申请帮扶",
        "",
        "奖助评定与资助",
        "",
        "2025-05-07",
        "学生工作部",
        "",
        "",
        "",
        "2025-05-20",
        "帮扶到位",
        "发放临时困难补助",
        "800",
        "基本满意",
    ],
]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def cases(xf, db: Path | None = None) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    r: Run = xf("list", "--json", "--reveal", db=db)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_a_number_kept_in_lower_case_is_found_however_it_is_typed(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An old sheet's numbers are kept as written; `show` finds them in any case (through the
    number index when typed as stored or in upper case, by reading the cases otherwise)."""
    header = ["number", "received_on", "channel", "summary"]
    rows = [
        ["jx2023-17", "2023-05-06", "来信", "宿舍漏水"],
        ["XF2023-0018", "2023-05-07", "来信", "食堂涨价"],
    ]
    assert xf("import", str(write_csv(tmp_path / "old.csv", header, rows))).exit_code == 0
    for typed, stored in (
        ("jx2023-17", "jx2023-17"),
        ("JX2023-17", "jx2023-17"),
        ("Jx2023-17", "jx2023-17"),
        (" xf2023-0018 ", "XF2023-0018"),
    ):
        r = xf("show", typed, "--json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["number"] == stored
    r = xf("show", "JX2023-18")
    assert r.exit_code != 0 and "没有编号为 JX2023-18 的案件" in r.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_detects_the_encoding(xf, tmp_path: Path, encoding: str) -> None:  # type: ignore[no-untyped-def]
    file = write_csv(tmp_path / "台账.csv", HEADER, ROWS, encoding)
    r = xf("import", str(file))
    assert r.exit_code == 0, r.stderr
    assert "已导入 4 件，跳过 0 件（编号已存在）。" in r.stderr
    by_number = {c["number"]: c for c in cases(xf)}
    assert set(by_number) == {"XF2025-0001", "XF2025-0002", "XF2025-0003", "XF2025-0004"}
    first = by_number["XF2025-0001"]
    assert first["name"] == "张三" and first["status"] == "closed"
    assert first["co_depts"] == ["保卫处", "资产处"]
    assert first["extended_days"] == 10 and first["extended_on"] == "2025-03-02"
    assert first["rating"] == "satisfied" and first["rated_on"] == "2025-03-20"
    assert first["due_on"] == "2025-05-11"
    assert by_number["XF2025-0002"]["confidential"] is True
    assert by_number["XF2025-0002"]["status"] == "registered"
    assert by_number["XF2025-0003"]["repeat_of"] == "XF2025-0001"
    assert by_number["XF2025-0003"]["status"] == "handling"
    assert by_number["XF2025-0004"]["aid_yuan"] == 800.0
    assert by_number["XF2025-0004"]["rating"] == "basically_satisfied"


def test_import_is_audited_like_the_commands(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # One registration event per imported case holds its whole imported state, every step's
    # fields with it, and names the file and line it came from.
    file = write_csv(tmp_path / "台账.csv", HEADER, ROWS)
    assert xf("import", str(file)).exit_code == 0
    r = xf("history", "XF2025-0001")
    assert "登记" in r.stdout and "共 1 条" in r.stdout
    for field in ("受理日期", "主办单位", "延期天数", "办结日期", "满意度"):
        assert field in r.stdout
    flat = r.stdout.replace("\n", "").replace("│", "").replace(" ", "")
    assert "导入自台账.csv第2行" in flat
    r = xf("verify")
    assert r.exit_code == 0, r.stdout + r.stderr


def test_headers_by_key_in_any_order_with_spaces(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = [" summary ", "channel", "received_on", "Number", "lead_dept", "accepted_on", "bypass"]
    rows = [
        ["食堂饭菜涨价", "wechat", "2025-06-01", "XF2025-0101", "后勤处", "2025-06-02", "是"],
        ["自习室座位紧张", "来访", "20250602", "", "", "", "false"],
    ]
    r = xf("import", str(write_csv(tmp_path / "keys.csv", header, rows)))
    assert r.exit_code == 0, r.stderr
    got = {c["summary"]: c for c in cases(xf)}
    assert got["食堂饭菜涨价"]["channel"] == "wechat" and got["食堂饭菜涨价"]["bypass"] is True
    assert got["食堂饭菜涨价"]["lead_dept"] == "后勤处"
    assert got["自习室座位紧张"]["number"] == "XF2025-0102"


def test_bad_rows_are_all_reported_and_nothing_is_written(xf, tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    assert xf("import", str(write_csv(tmp_path / "ok.csv", HEADER, ROWS[:1]))).exit_code == 0
    before = snapshot()
    header = [
        "编号",
        "信访日期",
        "信访形式",
        "联系电话",
        "身份证号",
        "反映问题",
        "受理日期",
        "主办单位",
        "办结日期",
        "满意度",
        "评价日期",
        "原件编号",
        "越级",
    ]
    rows = [
        ["XF2025-0200", "2025-02-30", "来访", "1381234567", "", "甲", "", "", "", "", "", "", ""],
        [
            "XF2025-0201",
            "2025-03-01",
            "飞鸽",
            "",
            "110105194912310021",
            "乙",
            "2025-02-01",
            "后勤处",
            "2025-03-05",
            "满意",
            "2025-03-04",
            "",
            "也许",
        ],
        ["XF2025-0202", "2025-03-01", "来访", "", "", "", "2025-03-02", "", "", "", "", "", ""],
        [
            "XF2025-0202",
            "2026-01-05",
            "来访",
            "",
            "",
            "丙",
            "",
            "",
            "",
            "满意",
            "",
            "XF2025-0999",
            "",
        ],
        [
            "XF2025-0204",
            "2025-03-05",
            "来访",
            "138****5678",
            "",
            "丁",
            "",
            "",
            "",
            "",
            "",
            "XF2025-0205",
            "",
        ],
        ["XF2025-0205", "2025-03-06", "来访", "", "", "戊", "", "", "", "", "", "", ""],
    ]
    r = xf("import", str(write_csv(tmp_path / "bad.csv", header, rows)))
    assert r.exit_code == 2
    assert r.stdout == ""
    expected = [
        "第2行 〔信访日期〕：无法识别的日期“2025-02-30”",
        "第2行 〔联系电话〕：无法识别的电话号码“1381234567”",
        "第3行 〔信访形式〕：未知的信访形式“飞鸽”",
        "第3行 〔身份证号〕：身份证号“110105194912310021”有误：校验位应为X",
        "第3行 〔越级〕：“也许”不是是/否",
        "第3行 〔受理日期〕：受理日期 2025-02-01 早于信访日期 2025-03-01",
        "第3行 〔办理结果类型〕：办结必须填写办理结果类型",
        "第3行 〔办理结果〕：办结必须填写办理结果",
        "第3行 〔评价日期〕：评价日期 2025-03-04 早于办结日期 2025-03-05",
        "第4行 〔反映问题〕：必填，不能为空",
        "第4行 〔主办单位〕：填写了受理日期，须同时填写主办单位",
        "第5行 〔编号〕：编号 XF2025-0202 与第4行重复",
        "第5行 〔信访日期〕：信访日期 2026-01-05 晚于今天（2025-12-31）",
        "第5行 〔原件编号〕：账本和本文件中都没有编号为 XF2025-0999 的案件",
        "第5行 〔满意度〕：只有已办结（填写了办结日期）的案件才有此项",
        "第6行 〔联系电话〕：“138****5678”是脱敏后的值",
        "第6行 〔原件编号〕：原件 XF2025-0205 在本文件第7行，应排在本件之前",
    ]
    for line in expected:
        assert line in r.stderr, line
    assert "\n第7行" not in r.stderr  # the last row is fine
    assert "未导入任何案件" in r.stderr
    assert snapshot() == before


def test_a_bad_file_does_not_create_the_ledger(xf, tmp_path: Path, ledger_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_csv(
        tmp_path / "bad.csv", ["信访日期", "信访形式", "反映问题"], [["明天", "来访", "x"]]
    )
    r = xf("import", str(bad))
    assert r.exit_code == 2 and "第2行 〔信访日期〕" in r.stderr
    assert not ledger_path.exists()


def test_the_problem_list_is_capped(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [[f"2025-13-{i % 28 + 1:02d}{'日' * (i // 28)}", "来访", "x"] for i in range(70)]
    r = xf(
        "import", str(write_csv(tmp_path / "many.csv", ["信访日期", "信访形式", "反映问题"], rows))
    )
    assert r.exit_code == 2
    assert "第51行 〔信访日期〕" in r.stderr and "第52行" not in r.stderr
    assert "另有 20 处问题未列出" in r.stderr


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["信访日期", "信访形式", "反映问题", "备注"], "未知的列：备注"),
        (["信访日期", "反映问题"], "缺少必需的列：信访形式"),
        (["信访日期", "received_on", "信访形式", "反映问题"], "重复的列"),
    ],
)
def test_header_problems(xf, tmp_path: Path, header: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = xf("import", str(write_csv(tmp_path / "h.csv", header, [])))
    assert r.exit_code == 2
    assert message in r.stderr
    if "未知" in message:
        assert "信访日期、信访形式" in r.stderr  # lists the valid headers


def test_an_unreadable_encoding_is_refused(xf, tmp_path: Path, ledger_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "utf16.csv"
    file.write_bytes("信访日期,信访形式,反映问题\n".encode("utf-16"))
    r = xf("import", str(file))
    assert r.exit_code == 2
    assert "无法识别文件 utf16.csv 的编码" in r.stderr
    assert not ledger_path.exists()


def test_missing_file_and_unknown_type(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = xf("import", str(tmp_path / "nope.csv"))
    assert r.exit_code == 2 and "找不到文件" in r.stderr
    (tmp_path / "a.txt").write_text("x")
    r = xf("import", str(tmp_path / "a.txt"))
    assert r.exit_code == 2 and "无法识别的文件类型" in r.stderr


def test_reimport_skips_every_row_and_changes_nothing(xf, tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    file = write_csv(tmp_path / "台账.csv", HEADER, ROWS[:3])
    assert xf("import", str(file)).exit_code == 0
    before = snapshot()
    r = xf("import", str(file))
    assert r.exit_code == 0, r.stderr
    assert "已导入 0 件，跳过 3 件（编号已存在）。" in r.stderr
    assert snapshot() == before


def test_a_row_without_number_seen_before_is_pointed_out(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = write_csv(tmp_path / "台账.csv", HEADER, ROWS[3:])
    assert xf("import", str(file)).exit_code == 0
    r = xf("import", str(file), "--dry-run")
    assert r.exit_code == 0
    assert "第2行（XF2025-0001）" in r.stderr and "可能已经导入过" in r.stderr


def test_dry_run_writes_nothing(xf, tmp_path: Path, ledger_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    file = write_csv(tmp_path / "台账.csv", HEADER, ROWS)
    r = xf("import", str(file), "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "校验通过：可导入 4 件，跳过 0 件（未写入）。" in r.stderr
    assert not ledger_path.exists()
    assert xf("import", str(write_csv(tmp_path / "one.csv", HEADER, ROWS[:1]))).exit_code == 0
    before = snapshot()
    r = xf("import", str(file), "--dry-run")
    assert "校验通过：可导入 3 件，跳过 1 件（未写入）。" in r.stderr
    assert snapshot() == before


def test_repeat_of_an_earlier_row_and_of_a_ledger_case(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert xf("import", str(write_csv(tmp_path / "a.csv", HEADER, ROWS[:1]))).exit_code == 0
    header = ["编号", "信访日期", "信访形式", "反映问题", "原件编号"]
    rows = [
        ["XF2025-0050", "2025-06-01", "来访", "第一次", ""],
        ["XF2025-0051", "2025-06-05", "来访", "第二次", "xf2025-0050"],
        ["XF2025-0052", "2025-06-06", "来访", "再次", "XF2025-0001"],
    ]
    r = xf("import", str(write_csv(tmp_path / "b.csv", header, rows)))
    assert r.exit_code == 0, r.stderr
    got = {c["number"]: c["repeat_of"] for c in cases(xf)}
    assert got["XF2025-0051"] == "XF2025-0050" and got["XF2025-0052"] == "XF2025-0001"


def test_lifecycle_rules(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = [
        "信访日期",
        "信访形式",
        "反映问题",
        "受理日期",
        "主办单位",
        "不予受理日期",
        "不予受理理由",
        "延期天数",
        "延期理由",
        "延期日期",
        "办结日期",
        "办理结果类型",
        "办理结果",
        "帮扶金额",
    ]
    rows = [
        [
            "2025-01-01",
            "来访",
            "a",
            "2025-01-02",
            "后勤处",
            "2025-01-02",
            "x",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["2025-01-01", "来访", "b", "", "", "2025-01-02", "", "", "", "", "", "", "", ""],
        ["2025-01-01", "来访", "c", "2025-01-02", "后勤处", "", "", "31", "", "", "", "", "", ""],
        [
            "2025-01-01",
            "来访",
            "d",
            "2025-01-02",
            "后勤处",
            "",
            "",
            "5",
            "x",
            "2025-03-20",
            "",
            "",
            "",
            "",
        ],
        [
            "2025-01-01",
            "来访",
            "e",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "2025-02-01",
            "解决到位",
            "好",
            "1.234",
        ],
        ["2025-01-01", "来访", "f", "2025-01-02", "后勤处", "", "", "", "", "", "", "", "好", ""],
    ]
    r = xf("import", str(write_csv(tmp_path / "l.csv", header, rows)))
    assert r.exit_code == 2
    for line in [
        "第2行 〔不予受理日期〕：同一案件不能既受理又不予受理",
        "第3行 〔不予受理理由〕：不予受理必须写明理由",
        "第4行 〔延期天数〕：延期天数必须在 1 到 30 天之间（现为 31）",
        "第4行 〔延期理由〕：延期必须写明理由",
        "第5行 〔延期日期〕：延期日期 2025-03-20 晚于原办结期限 2025-03-03",
        "第6行 〔办结日期〕：只有已受理",
        "第6行 〔帮扶金额〕：帮扶金额“1.234”最多两位小数",
        "第7行 〔办理结果〕：只有已办结",
    ]:
        assert line in r.stderr, line


def _build_ledger(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The four ROWS imported (XF2025-0001…0004), then through the CLI: XF2025-0005, a collective
    bypass with personal data and awkward content, handled by 教务处; XF2025-0006 rejected and
    referred; XF2024-0001 an accusation from a higher office, made not confidential."""
    assert xf("import", str(write_csv(tmp_path / "seed.csv", HEADER, ROWS))).exit_code == 0
    wang = ("--name", "王五", "--phone", "010-12345678", "--id-number", "11010519491231002X")
    crowd = ("--content", "第一行\n第二行，含“引号”, 和逗号", "--persons", "6", "--bypass")
    exam = add_case(
        xf, *wang, *crowd, received="2025-06-01", summary="考试成绩有误", category="考试与成绩"
    )
    accept(xf, exam, dept="教务处", co=["研究生院"], leader="赵副校长", on="2025-06-02")
    labour = add_case(xf, "--nature", "申诉求决", received="2025-07-01", summary="劳动合同纠纷")
    tribunal = "劳动人事争议仲裁委员会"
    reject_case(xf, labour, reason="属劳动争议仲裁范围", referral=tribunal, on="2025-07-03")
    ouyang = ("--name", "欧阳娜娜", "--nature", "检举控告", "--not-confidential")
    add_case(xf, *ouyang, received="2024-11-20", channel="上级转办", summary="反映招生收费")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_export_reveal_then_import_gives_back_the_same_cases(
    xf, tmp_path: Path, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    _build_ledger(xf, tmp_path)
    out = tmp_path / f"导出{suffix}"
    r = xf("export", str(out), "--reveal")
    assert r.exit_code == 0, r.stderr
    assert "已导出 7 件" in r.stderr
    other = tmp_path / "other.db"
    r = xf("import", str(out), db=other)
    assert r.exit_code == 0, r.stderr
    assert "已导入 7 件，跳过 0 件" in r.stderr
    assert cases(xf, other) == cases(xf)
    # and importing the export back into its own ledger changes nothing
    r = xf("import", str(out))
    assert "已导入 0 件，跳过 7 件" in r.stderr


def test_export_csv_is_excel_friendly_and_masked(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _build_ledger(xf, tmp_path)
    out = tmp_path / "x.csv"
    r = xf("export", str(out), "--year", "2025")
    assert r.exit_code == 0, r.stderr
    assert "已导出 6 件" in r.stderr and "脱敏" in r.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "信访日期", "信访形式"]
    assert rows[0][-7:] == [
        "事项分组", "状态", "受理期限", "办结期限", "超期", "期限暂定", "个人信息清除日期"
    ]  # fmt: skip
    text = data.decode("utf-8-sig")
    assert "138****5678" in text and "13812345678" not in text
    assert "110105********002X" in text
    assert "李*" in text and "李四" not in text  # confidential accusation
    assert "已办结" in text and "后勤服务" in text and "来访" in text
    r = xf("history", "XF2025-0001")
    assert "查看个人信息" not in r.stdout
    # a masked export cannot come back into an empty ledger: it says why
    r = xf("import", str(out), db=tmp_path / "other.db")
    assert r.exit_code == 2 and "脱敏" in r.stderr
    assert not (tmp_path / "other.db").exists()


def test_export_reveal_is_recorded(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _build_ledger(xf, tmp_path)
    assert xf("export", str(tmp_path / "x.json"), "--reveal").exit_code == 0
    records = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert {r["phone"] for r in records} >= {"13812345678", "010-12345678"}
    r = xf("history", "XF2025-0002")
    assert "查看个人信息" in r.stdout


def test_export_xlsx_has_typed_cells(xf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from openpyxl import load_workbook

    _build_ledger(xf, tmp_path)
    out = tmp_path / "x.xlsx"
    assert xf("export", str(out)).exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["编号", "信访日期"]
    rows = [{h: c.value for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(2)]
    first = next(row for row in rows if row["编号"] == "XF2025-0001")
    assert isinstance(first["信访日期"], datetime)
    assert first["人数"] == 1 and isinstance(first["人数"], int)
    assert first["联系电话"] == "138****5678"
    assert next(row for row in rows if row["编号"] == "XF2025-0004")["帮扶金额"] == 800
    assert sheet.column_dimensions["J"].width >= 10


def test_export_refuses_an_unknown_type_and_a_missing_ledger(
    xf, tmp_path: Path, ledger_path: Path
) -> None:  # type: ignore[no-untyped-def]
    r = xf("export", str(tmp_path / "x.csv"))
    assert r.exit_code == 2 and not ledger_path.exists()
    _build_ledger(xf, tmp_path)
    r = xf("export", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2 and "无法识别的文件类型" in r.stderr


def test_the_sample_file_imports_cleanly_and_reimports_as_skips(xf) -> None:  # type: ignore[no-untyped-def]
    r = xf("import", str(SAMPLE))
    assert r.exit_code == 0, r.stderr
    rows = sum(1 for _ in csv.reader(io.StringIO(SAMPLE.read_bytes().decode("utf-8-sig")))) - 1
    assert f"已导入 {rows} 件，跳过 0 件" in r.stderr
    r = xf("import", str(SAMPLE))
    assert r.exit_code == 0 and f"已导入 0 件，跳过 {rows} 件" in r.stderr


def test_the_gb18030_sample_imports(xf) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnicodeDecodeError):
        SAMPLE_GB.read_bytes().decode("utf-8")
    r = xf("import", str(SAMPLE_GB))
    assert r.exit_code == 0, r.stderr
    assert "已导入" in r.stderr and cases(xf)


@pytest.mark.parametrize(
    ("value", "said"),
    [({"x": 1}, "JSON 的对象"), (["宿舍", "漏水"], "只有协办单位可以是数组")],
    ids=["object", "array"],
)
def test_a_json_object_or_array_is_not_taken_as_text(xf, tmp_path: Path, value, said) -> None:  # type: ignore[no-untyped-def]
    """Not Python's own text for it ("{'x': 1}") in the ledger: the file is refused."""
    file = tmp_path / "cases.json"
    item = {"received_on": "2025-01-02", "channel": "来信", "summary": value}
    file.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    r = xf("import", str(file))
    assert r.exit_code == 2 and "第1条" in r.stderr and "“summary”" in r.stderr and said in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    listed = xf("list", "--json")
    assert listed.exit_code == 2 or json.loads(listed.stdout) == []
