"""The written side of a case: letters (.docx) for each step, their delivery, 复查/复核 with their
30-day windows, overdue reviews, the repeat warning after 复核, follow-up (回访) and the office's
own templates — driven through the CLI, letters read back with python-docx."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from conftest import (
    Run,
    accept,
    add_case,
    close_case,
    extend_case,
    ok,
    rate_case,
    reject_case,
    show,
)

Xf = Callable[..., Run]
SENTENCE = "可以自收到本意见书之日起30日内向学校信访工作领导小组书面请求复查"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Letters go to the current directory by default: a fresh one per test."""
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def letter(xf: Xf, number: str, kind: str, *extra: str) -> tuple[Path, str]:
    r = ok(xf("notice", number, kind, *extra))
    path = Path(r.stdout.strip())
    assert path.exists() and path.suffix == ".docx"
    assert path.stat().st_mode & 0o777 == 0o600
    return path, text_of(path)


def closed_case(xf: Xf, *extra: str) -> str:
    number = add_case(
        xf, "--name", "张三", "--phone", "13812345678", "--content", "三号楼302宿舍屋顶漏水两周",
        *extra, category="宿舍与住宿",
    )  # fmt: skip
    accept(xf, number)
    close_case(xf, number, result="已更换屋顶防水层")
    return number


# --- the letters ---------------------------------------------------------------------------------
def test_each_letter_says_what_the_ledger_says(xf: Xf) -> None:
    number = add_case(xf, "--name", "张三", summary="宿舍漏水", category="宿舍与住宿")
    accept(xf, number)
    path, text = letter(xf, number, "受理", "--on", "2025-03-03")
    assert path.name == f"{number}-受理告知书.docx"
    for shown in (number, "张三：", "受理告知书", "2025年3月1日", "宿舍漏水", "2025年3月2日",
                  "后勤处", "2025年5月1日", "2025年3月3日", "信访办公室"):  # fmt: skip
        assert shown in text, shown
    extend_case(xf, number, days=30, reason="需会同基建处勘查")
    _path, text = letter(xf, number, "extend", "--on", "2025-03-05")
    assert "延期告知书" in text and "需会同基建处勘查" in text and "30日" in text
    assert "2025年5月31日" in text  # the new due date
    close_case(xf, number, result="已更换屋顶防水层")
    _path, text = letter(xf, number, "答复", "--on", "2025-03-11")
    assert "处理意见书" in text and "已更换屋顶防水层" in text and "解决到位" in text
    assert "2025年3月10日办结" in text and SENTENCE in text
    other = add_case(xf, "--name", "李四", summary="要求改判成绩")
    reject_case(xf, other, reason="属于学术评价事项", referral="学术委员会")
    _path, text = letter(xf, other, "不予受理")
    assert "不予受理告知书" in text and "属于学术评价事项" in text and "向学术委员会提出" in text
    assert "李四：" in text and "2025年12月31日" in text  # letter dated today by default
    history = ok(xf("history", number)).stdout
    assert history.count("生成告知书") == 3 and "受理告知书" in history


def test_a_letter_the_state_does_not_allow_is_refused(
    xf: Xf, snapshot: Callable[[], object]
) -> None:
    number = add_case(xf, "--name", "张三", category="宿舍与住宿")
    before = snapshot()
    for kind, words in (
        ("受理", "尚未受理"),
        ("答复", "尚未办结"),
        ("延期", "没有延期"),
        ("不予受理", "不予受理"),
        ("复查意见", "没有已作出决定的复查"),
        ("复核意见", "没有已作出决定的复核"),
    ):
        r = xf("notice", number, kind)
        assert r.exit_code == 1, (kind, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr
    accept(xf, number)
    r = xf("notice", number, "答复")
    assert r.exit_code == 1 and "xinfang close" in r.stderr
    assert list(Path.cwd().iterdir()) == []
    assert snapshot() != before  # only the acceptance changed it
    after = snapshot()
    assert xf("notice", number, "reply").exit_code == 1
    assert snapshot() == after


def test_anonymous_and_confidential_letters_name_nobody(xf: Xf) -> None:
    anonymous = add_case(xf, "--anonymous", summary="食堂卫生差")
    accept(xf, anonymous, dept="后勤处")
    _p, text = letter(xf, anonymous, "受理")
    assert "信访人（匿名）：" in text and "食堂卫生差" in text
    secret = add_case(
        xf, "--name", "王五", "--nature", "检举控告", "--content", "举报赵六老师收受礼金",
        summary="举报赵六收礼",
    )  # fmt: skip
    accept(xf, secret, dept="纪委办公室")
    close_case(xf, secret, result="经查赵六收受礼金属实，已立案")
    for kind in ("受理", "答复"):
        _p, text = letter(xf, secret, kind)
        assert "王五" not in text and "赵六" not in text
        assert "保密件" in text
    assert "检举控告" in text and "内容从略" in text and SENTENCE in text


def test_what_the_public_wrote_is_text_in_the_letter(xf: Xf) -> None:
    number = add_case(
        xf, "--name", "<w:t>张&三", summary="食堂 <饭菜> & “价格” {{ office }}",
        category="餐饮与食堂",
    )  # fmt: skip
    accept(xf, number)
    _p, text = letter(xf, number, "受理")
    assert "<w:t>张&三：" in text and "食堂 <饭菜> & “价格” {{ office }}" in text


def test_output_file_and_letter_date(xf: Xf, tmp_path: Path) -> None:
    number = closed_case(xf)
    target = tmp_path / "意见书.docx"
    r = ok(xf("notice", number, "答复", "-o", str(target), "--on", "2025-03-12"))
    assert r.stdout.strip() == str(target) and "2025年3月12日" in text_of(target)
    r = xf("notice", number, "答复", "--on", "2025-03-09")  # before the case was closed
    assert r.exit_code == 2 and "早于办结日期" in r.stderr
    r = xf("notice", number, "答复", "-o", str(tmp_path / "意见书.pdf"))
    assert r.exit_code == 2 and ".docx" in r.stderr


# --- delivery and the review windows -----------------------------------------------------------
def test_review_window_counts_from_delivery_30th_day_in_31st_out(
    xf: Xf, snapshot: Callable[[], object]
) -> None:
    number = closed_case(xf)
    ok(xf("deliver", number, "答复", "--on", "2025-03-12", "--method", "邮寄"))
    before = snapshot()
    r = xf("review", "request", number, "--on", "2025-04-12")  # the 31st day after delivery
    assert r.exit_code == 1
    assert "已于 2025-04-11 届满" in r.stderr and "处理意见书送达" in r.stderr
    assert snapshot() == before
    ok(xf("review", "request", number, "--on", "2025-04-11"))  # the 30th day
    data = show(xf, number)
    assert data["reviews"] == [
        {
            "level": "review",
            "requested_on": "2025-04-11",
            "due_on": "2025-05-11",
            "decided_on": None,
            "decision": None,
            "result": None,
        }
    ]
    assert data["notices"] == [
        {"kind": "reply", "generated_on": None, "delivered_on": "2025-03-12", "method": "post"}
    ]


def test_without_a_delivery_the_window_counts_from_the_answer(xf: Xf) -> None:
    number = closed_case(xf)  # closed 2025-03-10
    r = xf("review", "request", number, "--on", "2025-04-10")
    assert r.exit_code == 1 and "已于 2025-04-09 届满" in r.stderr and "办结答复" in r.stderr
    ok(xf("review", "request", number, "--on", "2025-04-09"))


def test_review_then_final_review_then_no_more(xf: Xf, snapshot: Callable[[], object]) -> None:
    number = closed_case(xf)
    ok(xf("notice", number, "答复", "--on", "2025-03-11"))
    ok(xf("deliver", number, "reply", "--on", "2025-03-12", "--method", "当面"))
    ok(xf("review", "request", number, "--on", "2025-03-20"))
    r = xf("review", "request", number, "--on", "2025-03-25")
    assert r.exit_code == 1 and "复查尚未作出决定" in r.stderr
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-10",
          "--result", "原处理意见认定事实清楚"))  # fmt: skip
    _p, text = letter(xf, number, "复查意见", "--on", "2025-04-11")
    assert "复查意见书" in text and "维持原处理意见" in text and "原处理意见认定事实清楚" in text
    assert "30日内向上级主管部门书面请求复核" in text
    ok(xf("deliver", number, "复查意见", "--on", "2025-04-15", "--method", "短信"))
    # 复核: 30 days from the delivery of the 复查意见书 (04-15) → last day 05-15
    r = xf("review", "request", number, "--on", "2025-05-16")
    assert r.exit_code == 1 and "复核申请期限已于 2025-05-15 届满" in r.stderr
    ok(xf("review", "request", number, "--on", "2025-05-15"))
    r = xf("review", "decide", number, "--decision", "变更", "--on", "2025-05-14")
    assert r.exit_code == 2 and "早于申请日期" in r.stderr
    ok(xf("review", "decide", number, "--decision", "changed", "--on", "2025-06-01",
          "--result", "补发维修补偿"))  # fmt: skip
    _p, text = letter(xf, number, "复核意见", "--on", "2025-06-02")
    assert "复核意见书" in text and "变更复查意见" in text and "不再受理" in text
    before = snapshot()
    r = xf("review", "request", number, "--on", "2025-06-10")
    assert r.exit_code == 1 and "复核后同一事实和理由不再受理" in r.stderr
    r = xf("review", "decide", number, "--decision", "维持", "--on", "2025-06-10")
    assert r.exit_code == 1 and "没有待决定的申请" in r.stderr
    assert snapshot() == before
    data = show(xf, number)
    assert [(v["level"], v["requested_on"], v["due_on"], v["decided_on"], v["decision"])
            for v in data["reviews"]] == [
        ("review", "2025-03-20", "2025-04-19", "2025-04-10", "upheld"),
        ("final_review", "2025-05-15", "2025-06-14", "2025-06-01", "changed"),
    ]  # fmt: skip
    assert [(n["kind"], n["generated_on"], n["delivered_on"], n["method"])
            for n in data["notices"]] == [
        ("reply", "2025-03-11", "2025-03-12", "in_person"),
        ("review_answer", "2025-04-11", "2025-04-15", "sms"),
        ("final_review_answer", "2025-06-02", None, None),
    ]  # fmt: skip
    shown = ok(xf("show", number)).stdout
    assert "复查意见书" in shown and "2025-04-15 短信送达" in shown and "决定：变更" in shown
    assert ok(xf("verify", "-v")).exit_code == 0


def test_final_review_window_from_the_decision_when_not_delivered(xf: Xf) -> None:
    number = closed_case(xf)
    ok(xf("review", "request", number, "--on", "2025-03-20"))
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-01"))
    r = xf("review", "request", number, "--on", "2025-05-02")
    assert r.exit_code == 1 and "2025-05-01 届满" in r.stderr and "复查决定" in r.stderr
    ok(xf("review", "request", number, "--on", "2025-05-01"))


def test_verify_finds_a_changed_review_or_delivery(xf: Xf, ledger_path: Path) -> None:
    import sqlite3

    number = closed_case(xf)
    ok(xf("deliver", number, "答复", "--on", "2025-03-12"))
    ok(xf("review", "request", number, "--on", "2025-04-01"))
    assert ok(xf("verify")).exit_code == 0
    con = sqlite3.connect(ledger_path)
    con.execute("UPDATE reviews SET due_on = '2025-12-31'")
    con.execute("UPDATE notices SET delivered_on = '2025-03-20'")
    con.commit()
    con.close()
    r = xf("verify")
    assert r.exit_code == 1
    assert f"案件 {number} 的复查记录与操作日志不符" in r.stdout
    assert f"案件 {number} 的处理意见书记录与操作日志不符" in r.stdout


# --- overdue reviews ----------------------------------------------------------------------------
def test_an_undecided_review_past_its_day_is_overdue(xf: Xf) -> None:
    number = closed_case(xf)
    ok(xf("review", "request", number, "--on", "2025-03-20"))  # due 2025-04-19
    r = ok(xf("overdue", "--as-of", "2025-04-15"))
    assert "复查临期" in r.stdout and "【信访办（复查复核）】" in r.stdout
    assert xf("overdue", "--as-of", "2025-04-19").exit_code == 0  # the due day itself
    r = xf("overdue", "--as-of", "2025-04-20")
    assert r.exit_code == 1
    assert "复查超期 1 天" in r.stdout and number in r.stdout and "复查超期 1 件" in r.stdout
    data = json.loads(xf("overdue", "--as-of", "2025-04-20", "--json").stdout)
    [item] = data["overdue"]
    assert item["number"] == number and item["kind"] == "review_overdue"
    assert item["stage"] == "review" and item["due"] == "2025-04-19"
    assert item["days_overdue"] == 1 and item["department"] == "信访办（复查复核）"
    assert data["by_department"] == [{"name": "信访办（复查复核）", "overdue": 1, "due_soon": 0}]
    # --new announces it once
    assert xf("overdue", "--as-of", "2025-04-20", "--new").exit_code == 1
    r = xf("overdue", "--as-of", "2025-04-21", "--new")
    assert r.exit_code == 0 and r.stdout == ""
    # decided: no longer overdue from its decision on; a look back still sees it
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-25"))
    assert xf("overdue", "--as-of", "2025-04-26").exit_code == 0
    assert xf("overdue", "--as-of", "2025-04-22").exit_code == 1
    assert ok(xf("verify")).exit_code == 0


def test_final_review_overdue_has_its_kind(xf: Xf) -> None:
    number = closed_case(xf)
    ok(xf("review", "request", number, "--on", "2025-03-20"))
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-01"))
    ok(xf("review", "request", number, "--on", "2025-04-10"))  # due 2025-05-10
    data = json.loads(xf("overdue", "--as-of", "2025-05-12", "--json").stdout)
    assert [(i["kind"], i["label"], i["days_overdue"]) for i in data["overdue"]] == [
        ("final_review_overdue", "复核超期", 2)
    ]


# --- repeats after 复核 ----------------------------------------------------------------------
def test_a_repeat_after_final_review_is_registered_with_a_warning(xf: Xf) -> None:
    number = closed_case(xf)
    plain = xf("add", "--received", "2025-03-15", "--channel", "来电", "--summary", "漏水又来",
               "--repeat-of", number)  # fmt: skip
    assert plain.exit_code == 0 and "不再受理" not in plain.stderr
    ok(xf("review", "request", number, "--on", "2025-03-20"))
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-01"))
    ok(xf("review", "request", number, "--on", "2025-04-10"))
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-05-01"))
    r = ok(xf("add", "--received", "2025-06-01", "--channel", "来访", "--summary", "漏水再访",
              "--repeat-of", number))  # fmt: skip
    again = r.stdout.strip()
    assert "复核后同一事实和理由不再受理" in r.stderr
    assert f"xinfang reject {again} --reason 复核后同一事实和理由不再受理" in r.stderr
    assert show(xf, again)["status"] == "registered"
    # a repeat of that repeat is warned too (the chain leads to the reviewed case)
    r = ok(xf("add", "--received", "2025-06-05", "--channel", "来访", "--summary", "漏水三访",
              "--repeat-of", again))  # fmt: skip
    assert f"原件 {number} 已于 2025-05-01 作出复核决定" in r.stderr


# --- follow-up (回访) ----------------------------------------------------------------------
def test_followup_queue_and_rating_participation(xf: Xf) -> None:
    """A hand-built ledger: four closed cases (one rated), one open."""
    a = closed_case(xf)  # closed 03-10, unrated
    b = add_case(xf, "--name", "李四", "--phone", "13900001111", received="2025-03-02")
    accept(xf, b, dept="后勤处")
    close_case(xf, b, on="2025-03-05")  # closed earlier: listed first
    c = add_case(xf, "--name", "王五", received="2025-03-03")
    accept(xf, c, dept="后勤处", on="2025-03-03")
    close_case(xf, c, on="2025-03-06")
    rate_case(xf, c, on="2025-03-08")
    d = add_case(xf, "--name", "赵六", received="2025-03-04")
    accept(xf, d, dept="后勤处", on="2025-03-04")
    close_case(xf, d, on="2025-03-14")  # only 3 days before the as-of date
    add_case(xf, "--name", "钱七", received="2025-03-05")
    e = add_case(xf, "--name", "孙八", received="2025-03-02")
    accept(xf, e, dept="后勤处", on="2025-03-02")
    close_case(xf, e, on="2025-03-04")
    ok(xf("void", e, "--reason", "重复登记"))  # closed, never rated, then voided: no follow-up
    rows = json.loads(ok(xf("followup", "--as-of", "2025-03-17", "--json")).stdout)
    assert [r["number"] for r in rows] == [b, a]
    assert rows[0]["phone"] == "139****1111" and rows[0]["status"] == "closed"
    wider = json.loads(ok(xf("followup", "--as-of", "2025-03-17", "--after", "3", "--json")).stdout)
    assert [r["number"] for r in wider] == [b, a, d]
    table = ok(xf("followup", "--as-of", "2025-03-17")).stdout
    assert table.index(b) < table.index(a) and "139****1111" in table and "13900001111" not in table
    revealed = ok(xf("followup", "--as-of", "2025-03-17", "--reveal")).stdout
    assert "13900001111" in revealed and "查看个人信息" in ok(xf("history", b)).stdout
    r = ok(xf("followup", "--as-of", "2025-03-01"))
    assert r.stdout == "" and "没有办结满 7 天仍未评价的案件" in r.stderr
    annual = json.loads(ok(xf("report", "annual", "--year", "2025", "--json")).stdout)
    assert annual["closed"] == 4 and annual["rated"] == 1
    assert annual["rating_participation_pct"] == 25.0
    monthly = json.loads(
        ok(xf("report", "monthly", "--month", "2025-03", "--as-of", "2025-03-17", "--json")).stdout
    )
    assert monthly["awaiting_followup"] == 2


def test_followup_days_is_a_taxonomy_setting(xf: Xf, tmp_path: Path) -> None:
    number = closed_case(xf)  # closed 03-10
    ok(xf("taxonomy", "export", str(tmp_path / "t.toml")))
    source = (tmp_path / "t.toml").read_text(encoding="utf-8")
    assert "followup_days = 7" in source
    (tmp_path / "t.toml").write_text(source.replace("followup_days = 7", "followup_days = 30"),
                                     encoding="utf-8")  # fmt: skip
    ok(xf("taxonomy", "load", str(tmp_path / "t.toml")))
    assert json.loads(ok(xf("followup", "--as-of", "2025-04-08", "--json")).stdout) == []
    rows = json.loads(ok(xf("followup", "--as-of", "2025-04-09", "--json")).stdout)
    assert [r["number"] for r in rows] == [number]


# --- templates ---------------------------------------------------------------------------------
def test_a_loaded_template_is_used_by_everyone(xf: Xf, tmp_path: Path) -> None:
    number = add_case(xf, "--name", "张三")
    accept(xf, number, dept="后勤处")
    folder = tmp_path / "模板"
    r = ok(xf("template", "export", str(folder)))
    assert "{{ petitioner }}" in r.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["受理告知书.docx", "不予受理告知书.docx", "延期告知书.docx",
                            "处理意见书.docx", "复查意见书.docx", "复核意见书.docx"])  # fmt: skip
    doc = Document(str(folder / "受理告知书.docx"))
    doc.paragraphs[0].insert_paragraph_before("某某大学党政办公室（信头）")
    doc.add_paragraph("联系电话：0571-88888888　经办：{{ office }}　案件 {{ number }}")
    doc.save(str(folder / "受理告知书.docx"))
    for other in folder.iterdir():
        if other.name != "受理告知书.docx":
            other.unlink()
    r = ok(xf("template", "load", str(folder)))
    assert "受理告知书" in r.stderr
    _p, text = letter(xf, number, "受理")
    assert "某某大学党政办公室（信头）" in text and f"案件 {number}" in text
    assert "本单位模板" in ok(xf("notice", number, "受理")).stderr
    # loading the same again changes nothing; export gives back the office's template
    assert "没有变化" in ok(xf("template", "load", str(folder))).stderr
    ok(xf("template", "export", str(tmp_path / "again")))
    assert (tmp_path / "again" / "受理告知书.docx").read_bytes() == (
        folder / "受理告知书.docx"
    ).read_bytes()
    assert "载入告知书模板" not in ok(xf("history", number)).stdout
    assert ok(xf("verify", "-v")).exit_code == 0


def test_a_bad_template_is_refused_and_nothing_is_stored(
    xf: Xf, tmp_path: Path, snapshot: Callable[[], object]
) -> None:
    ok(xf("init"))
    folder = tmp_path / "模板"
    ok(xf("template", "export", str(folder)))
    doc = Document(str(folder / "处理意见书.docx"))
    doc.add_paragraph("经办人：{{ clerk_name }}")
    doc.save(str(folder / "处理意见书.docx"))
    before = snapshot()
    r = xf("template", "load", str(folder))
    assert r.exit_code == 2 and "未知的占位符" in r.stderr and "{{ clerk_name }}" in r.stderr
    assert snapshot() == before
    (folder / "处理意见书.docx").write_bytes(b"not a word file")
    r = xf("template", "load", str(folder))
    assert r.exit_code == 2 and "不是有效的 Word" in r.stderr
    (folder / "处理意见书.docx").unlink()
    bad = Document(str(folder / "受理告知书.docx"))
    bad.add_paragraph("{{ number ")
    bad.save(str(folder / "受理告知书.docx"))
    r = xf("template", "load", str(folder))
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    r = xf("template", "load", str(tmp_path / "空"))
    assert r.exit_code == 2 and "找不到模板目录" in r.stderr
    assert snapshot() == before


# --- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (
            ("notice", "{n}", "感谢信"),
            2,
            ("未知的告知书类型", "受理、不予受理、延期、答复、复查意见、复核意见"),
        ),
        (
            ("deliver", "{n}", "答复", "--on", "2025-03-12", "--method", "飞鸽"),
            2,
            ("未知的送达方式", "当面、邮寄、短信、电子邮件、平台"),
        ),
        (("deliver", "{n}", "答复", "--on", "2025-03-09"), 2, ("早于办结日期",)),
        (("deliver", "{n}", "答复", "--on", "2026-01-05"), 2, ("晚于今天",)),
        (("deliver", "{n}", "复查意见", "--on", "2025-04-01"), 1, ("没有已作出决定的复查",)),
        (("deliver", "{n}", "答复", "--on", "明年"), 2, ("日期",)),
        (
            ("review", "decide", "{n}", "--decision", "驳回", "--on", "2025-04-01"),
            2,
            ("未知的复查/复核决定", "维持、撤销、变更"),
        ),
        (
            ("review", "decide", "{n}", "--decision", "维持", "--on", "2025-04-01"),
            1,
            ("没有复查或复核申请",),
        ),
        (("review", "request", "{n}", "--on", "2025-03-01"), 2, ("早于办结答复",)),
        (("review", "request", "XF2025-9999", "--on", "2025-03-20"), 2, ("没有编号为",)),
        (("notice", "XF2025-9999", "答复"), 2, ("没有编号为",)),
        (("followup", "--after", "七"), 2, ("不是整数",)),
    ],
)
def test_bad_input_is_one_message_and_changes_nothing(
    xf: Xf,
    snapshot: Callable[[], object],
    args: tuple[str, ...],
    code: int,
    words: tuple[str, ...],
) -> None:
    number = closed_case(xf)
    before = snapshot()
    r = xf(*(a.replace("{n}", number) for a in args))
    assert r.exit_code == code, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before
    assert list(Path.cwd().iterdir()) == []


def test_a_review_of_a_case_never_closed_is_refused(xf: Xf, snapshot: Callable[[], object]) -> None:
    number = add_case(xf, category="宿舍与住宿")
    accept(xf, number)
    before = snapshot()
    r = xf("review", "request", number, "--on", "2025-03-20")
    assert r.exit_code == 1 and "尚未办结答复，不能申请复查" in r.stderr
    r = xf("deliver", number, "答复", "--on", "2025-03-20")
    assert r.exit_code == 1 and "尚未办结" in r.stderr
    assert snapshot() == before


# --- LibreOffice ----------------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_every_kind_of_letter_opens_in_libreoffice(xf: Xf, tmp_path: Path) -> None:
    number = closed_case(xf)
    other = add_case(xf, "--name", "李四", summary="要求改判成绩")
    reject_case(xf, other, reason="属于学术评价事项", referral="学术委员会")
    late = add_case(xf, "--name", "王五", summary="实验室开放时间不足")
    accept(xf, late, dept="教务处")
    extend_case(xf, late)
    ok(xf("review", "request", number, "--on", "2025-03-20"))
    ok(xf("review", "decide", number, "--decision", "维持", "--on", "2025-04-01"))
    ok(xf("review", "request", number, "--on", "2025-04-10"))
    ok(xf("review", "decide", number, "--decision", "撤销", "--on", "2025-05-01"))
    letters = [
        letter(xf, number, "受理")[0],
        letter(xf, other, "不予受理")[0],
        letter(xf, late, "延期")[0],
        letter(xf, number, "答复")[0],
        letter(xf, number, "复查意见")[0],
        letter(xf, number, "复核意见")[0],
    ]
    out = tmp_path / "pdf"
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, letters)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdfs = [out / (p.stem + ".pdf") for p in letters]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDFs were written but not read back")
    for path, title in zip(
        pdfs,
        ("受理告知书", "不予受理告知书", "延期告知书", "处理意见书", "复查意见书", "复核意见书"),
        strict=True,
    ):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.replace(" ", "")
        assert title in text and "XF2025-" in text and "信访办公室" in text, title


def test_the_shipped_templates_are_what_the_build_script_writes() -> None:
    """`make templates` was run after the wording last changed, and every placeholder is known."""
    import runpy
    from importlib import resources

    from xinfang_cli.notices import check_template

    tool = runpy.run_path(str(Path(__file__).parent.parent / "tools" / "build_notice_templates.py"))
    for kind, (title, body) in tool["LETTERS"].items():
        shipped = resources.files("xinfang_cli") / "templates" / f"{kind}.docx"
        data = shipped.read_bytes()
        check_template(data, shipped.name)
        built = tool["build"](kind, title, body)
        expected = [p.text for p in built.paragraphs]
        assert [p.text for p in Document(str(shipped)).paragraphs] == expected, kind


def test_verify_finds_a_changed_template(xf: Xf, ledger_path: Path, tmp_path: Path) -> None:
    import sqlite3

    ok(xf("init"))
    ok(xf("template", "export", str(tmp_path / "t")))
    doc = Document(str(tmp_path / "t" / "延期告知书.docx"))
    doc.add_paragraph("（本单位）")
    doc.save(str(tmp_path / "t" / "延期告知书.docx"))
    ok(xf("template", "load", str(tmp_path / "t")))
    assert ok(xf("verify")).exit_code == 0
    con = sqlite3.connect(ledger_path)
    con.execute("UPDATE notice_templates SET content = X'00'")
    con.commit()
    con.close()
    r = xf("verify")
    assert r.exit_code == 1 and "告知书模板第 1 版（延期告知书）的内容与其校验值不符" in r.stdout


def test_the_review_window_is_30_days_after_its_start_whatever_the_dates() -> None:
    """Pure rules: from a delivery on any day, days 1..30 after it are in, the 31st is out and
    says the day the window closed; the request is due 30 days after it is made."""
    from dataclasses import dataclass
    from datetime import date, timedelta

    from hypothesis import given
    from hypothesis import strategies as st

    from xinfang_cli.rules import check_review_request, review_due

    @dataclass
    class Closed:
        number: str = "XF2025-0001"
        status: str = "closed"
        closed_on: date = date(2025, 1, 1)

    @given(
        closed=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
        after=st.integers(0, 60),
        offset=st.integers(0, 40),
    )
    def check(closed: date, after: int, offset: int) -> None:
        delivered = closed + timedelta(days=after)
        on = delivered + timedelta(days=offset)
        problems = check_review_request(
            Closed(closed_on=closed),  # type: ignore[arg-type]
            [],
            {"reply": delivered},
            on=on,
            today=date(2031, 12, 31),
        )
        if offset <= 30:
            assert problems == []
        else:
            [problem] = problems
            last = delivered + timedelta(days=30)
            assert problem.refusal and f"已于 {last} 届满" in problem.message
        assert review_due(on) == on + timedelta(days=30)

    check()
