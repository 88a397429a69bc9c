"""Correcting a case: amend, reassign, void, reopen — each audited, each refused where it makes no
sense, and every report and check seeing the corrected ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, build_template, copy_ledger, ok, show

Xf = Callable[..., Run]
Snapshot = Callable[[], list[tuple[str, list[tuple[object, ...]]]]]


def build(run: Callable[..., Run]) -> None:
    """XF2025-0001 handling (后勤处, accepted 03-02, due 05-01); XF2025-0002 closed and rated;
    XF2025-0003 rejected; XF2025-0004 registered; XF2025-0005 registered, a repeat of 0001."""
    for args in (
        ("add", "--received", "2025-03-01", "--channel", "来访", "--name", "张三", "--unit",
         "计算机学院", "--phone", "13812349882", "--summary", "宿舍水龙头漏水", "--category",
         "宿舍与住宿"),
        ("assign", "XF2025-0001", "--on", "2025-03-02", "--co", "资产处"),
        ("add", "--received", "2025-03-01", "--channel", "来信", "--summary", "食堂饭菜涨价",
         "--category", "餐饮与食堂"),
        ("assign", "XF2025-0002", "--on", "2025-03-02"),
        ("close", "XF2025-0002", "--outcome", "解决到位", "--result", "已协调", "--on",
         "2025-03-10"),
        ("rate", "XF2025-0002", "满意", "--on", "2025-03-11"),
        ("add", "--received", "2025-03-03", "--channel", "来电", "--summary", "劳动合同纠纷"),
        ("reject", "XF2025-0003", "--reason", "属仲裁范围", "--on", "2025-03-04"),
        ("add", "--received", "2025-03-05", "--channel", "来信", "--summary", "图书馆空调不制冷"),
        ("add", "--received", "2025-03-20", "--channel", "来访", "--summary", "宿舍水龙头又漏水",
         "--repeat-of", "XF2025-0001", "--category", "宿舍与住宿"),
    ):  # fmt: skip
        r = run(*args)
        assert r.exit_code == 0, (args, r.stderr)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build)


@pytest.fixture
def xc(xf: Xf, template: Path, ledger_path: Path) -> Xf:
    copy_ledger(template, ledger_path)
    return xf


def history(xf: Xf, number: str) -> str:
    return ok(xf("history", number)).stdout


# --- amend ----------------------------------------------------------------------------------
def test_amend_corrects_registration_fields_with_one_audited_event(xc: Xf) -> None:
    r = ok(
        xc(
            "amend", "XF2025-0001", "--phone", "139 1234 5678", "--unit", "", "--persons", "6",
            "--summary", "宿舍307水龙头漏水", "--reason", "登记时记错",
        )
    )  # fmt: skip
    assert "联系电话：138****9882 → 139****5678" in r.stderr
    case = show(xc, "XF2025-0001", "--reveal")
    assert (case["phone"], case["unit"], case["persons"]) == ("13912345678", None, 6)
    assert case["summary"] == "宿舍307水龙头漏水"
    h = history(xc, "XF2025-0001")
    assert h.count("更正登记信息") == 1 and "理由：登记时记错" in h
    assert ok(xc("verify")).exit_code == 0


def test_amending_the_received_date_recomputes_the_acceptance_deadline(xc: Xf) -> None:
    ok(xc("amend", "XF2025-0004", "--received", "2025-03-01", "--reason", "补正"))
    case = show(xc, "XF2025-0004")
    assert (case["received_on"], case["accept_due"]) == ("2025-03-01", "2025-03-16")


def test_amend_names_the_nature_accusation_confidential(xc: Xf) -> None:
    ok(xc("amend", "XF2025-0004", "--nature", "检举控告", "--reason", "实为举报"))
    assert show(xc, "XF2025-0004")["confidential"] is True


AMEND_REFUSED = [
    # (args, exit code, words in the message)
    (("amend", "XF2099-0001", "--phone", "13812345678", "--reason", "x"), 2, ("XF2099-0001",)),
    (("amend", "XF2025-0001", "--phone", "1381234567", "--reason", "x"), 2, ("--phone", "11位")),
    (("amend", "XF2025-0001", "--received", "2025-03-3O", "--reason", "x"), 2, ("--received",)),
    (("amend", "XF2025-0001", "--summary", "", "--reason", "x"), 2, ("--summary", "反映问题")),
    (("amend", "XF2025-0001", "--channel", "飞鸽", "--reason", "x"), 2, ("--channel", "信访形式")),
    (("amend", "XF2025-0001", "--phone", "13812345678"), 2, ("原因", "--reason")),
    (("amend", "XF2025-0001", "--reason", "x"), 2, ("至少",)),
    (("amend", "XF2025-0001", "--colour", "red", "--reason", "x"), 2, ("--colour", "--phone")),
    (("amend", "XF2025-0001", "--phone", "13812349882", "--reason", "x"), 2, ("相同",)),
    # a new date of receipt after the acceptance: the ledger says no
    (("amend", "XF2025-0001", "--received", "2025-03-05", "--reason", "x"), 1, ("受理日期",)),
    # the original may not end up later than its repeat
    (
        (
            "amend",
            "XF2025-0001",
            "--received",
            "2025-03-01",
            "--repeat-of",
            "XF2025-0005",
            "--reason",
            "x",
        ),
        2,
        ("原件",),
    ),  # fmt: skip
    (("amend", "XF2025-0004", "--repeat-of", "XF2025-0004", "--reason", "x"), 2, ("本件自己",)),
]


@pytest.mark.parametrize(("args", "code", "words"), AMEND_REFUSED)
def test_amend_refusals_change_nothing(
    xc: Xf, snapshot: Snapshot, args: tuple[str, ...], code: int, words: tuple[str, ...]
) -> None:
    before = snapshot()
    r = xc(*args)
    assert r.exit_code == code, r.stderr
    assert r.stderr.startswith("错误：") and "Traceback" not in r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


# --- reassign -------------------------------------------------------------------------------
def test_reassign_hands_over_without_moving_the_deadline(xc: Xf) -> None:
    r = ok(
        xc(
            "reassign", "XF2025-0001", "--dept", "资产处", "--co", "后勤处", "--leader", "王副校长",
            "--reason", "属资产处职责", "--on", "2025-03-05",
        )
    )  # fmt: skip
    assert "办结期限仍为 2025-05-01" in r.stderr
    case = show(xc, "XF2025-0001")
    assert (case["lead_dept"], case["co_depts"], case["leader"]) == (
        "资产处",
        ["后勤处"],
        "王副校长",
    )
    assert case["due_on"] == "2025-05-01"
    assert "改派" in history(xc, "XF2025-0001")
    assert ok(xc("verify")).exit_code == 0


def test_the_scorecard_counts_a_case_under_the_department_that_had_it_then(xc: Xf) -> None:
    ok(xc("reassign", "XF2025-0001", "--dept", "资产处", "--reason", "x", "--on", "2025-04-01"))

    def departments(as_of: str) -> dict[str, int]:
        data = json.loads(
            ok(xc("report", "annual", "--year", "2025", "--as-of", as_of, "--json")).stdout
        )
        return {d["name"]: d["assigned"] for d in data["by_department"] if not d.get("pending")}

    assert departments("2025-03-31") == {"后勤处": 2}  # before the handover
    assert departments("2025-04-01") == {"后勤处": 1, "资产处": 1}
    month = json.loads(
        ok(xc("report", "monthly", "--month", "2025-03", "--as-of", "2025-12-31", "--json")).stdout
    )
    # at the month's end (the office's own row holds the cases not yet accepted)
    assert {d["name"] for d in month["by_department"] if not d.get("pending")} == {"后勤处"}


REASSIGN_REFUSED = [
    (("reassign", "XF2025-0002", "--dept", "资产处", "--reason", "x"), 1, ("已办结", "改派")),
    (("reassign", "XF2025-0004", "--dept", "资产处", "--reason", "x"), 1, ("xinfang assign",)),
    (("reassign", "XF2025-0001", "--dept", "资产部", "--reason", "x"), 2, ("资产处",)),
    (("reassign", "XF2025-0001", "--dept", "资产处"), 2, ("--reason",)),
    (("reassign", "XF2025-0001", "--dept", "后勤处", "--reason", "x"), 2, ("相同",)),
    (
        ("reassign", "XF2025-0001", "--dept", "资产处", "--reason", "x", "--on", "2025-03-01"),
        2,
        ("早于受理日期",),
    ),  # fmt: skip
    (("reassign", "XF2099-0001", "--dept", "资产处", "--reason", "x"), 2, ("XF2099-0001",)),
]


@pytest.mark.parametrize(("args", "code", "words"), REASSIGN_REFUSED)
def test_reassign_refusals_change_nothing(
    xc: Xf, snapshot: Snapshot, args: tuple[str, ...], code: int, words: tuple[str, ...]
) -> None:
    before = snapshot()
    r = xc(*args)
    assert r.exit_code == code, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


# --- void -----------------------------------------------------------------------------------
def test_a_voided_case_leaves_every_list_report_and_check_but_keeps_its_number(xc: Xf) -> None:
    before = json.loads(ok(xc("report", "annual", "--year", "2025", "--json")).stdout)
    ok(xc("void", "XF2025-0004", "--reason", "重复登记"))
    numbers = [c["number"] for c in json.loads(ok(xc("list", "--json")).stdout)]
    assert "XF2025-0004" not in numbers
    voided = json.loads(ok(xc("list", "--voided", "--json")).stdout)
    assert [c["number"] for c in voided] == ["XF2025-0004"]
    assert voided[0]["status"] == "voided" and voided[0]["void_reason"] == "重复登记"
    after = json.loads(ok(xc("report", "annual", "--year", "2025", "--json")).stdout)
    assert after["total"] == before["total"] - 1
    assert after["open"] == before["open"] - 1
    monthly = json.loads(ok(xc("report", "monthly", "--month", "2025-03", "--json")).stdout)
    assert monthly["received"] == 4
    r = xc("overdue", "--json")
    assert "XF2025-0004" not in r.stdout
    assert "XF2025-0004" not in xc("overdue", "--as-of", "2025-04-01", "--json").stdout
    # the number is never reused
    assert ok(xc("add", "--received", "2025-04-01", "--channel", "来信", "--summary", "新件")).stdout.strip() == "XF2025-0006"  # fmt: skip
    assert "作废" in history(xc, "XF2025-0004")
    assert ok(xc("verify")).exit_code == 0


def test_void_is_refused_twice_and_needs_a_reason(xc: Xf, snapshot: Snapshot) -> None:
    before = snapshot()
    r = xc("void", "XF2025-0004")
    assert r.exit_code == 2 and "--reason" in r.stderr
    assert snapshot() == before
    ok(xc("void", "XF2025-0004", "--reason", "误登记"))
    before = snapshot()
    r = xc("void", "XF2025-0004", "--reason", "误登记")
    assert r.exit_code == 1 and "已经作废" in r.stderr
    r = xc("assign", "XF2025-0004")
    assert r.exit_code == 1 and "已作废" in r.stderr
    assert snapshot() == before


def test_export_and_import_keep_a_voided_case_voided(xc: Xf, tmp_path: Path) -> None:
    ok(xc("void", "XF2025-0004", "--reason", "误登记"))
    file = tmp_path / "all.csv"
    ok(xc("export", str(file), "--reveal"))
    other = tmp_path / "other.db"
    ok(xc("import", str(file), db=other))
    voided = json.loads(ok(xc("list", "--voided", "--json", db=other)).stdout)
    assert [(c["number"], c["voided_on"]) for c in voided] == [("XF2025-0004", "2025-12-31")]
    assert ok(xc("verify", db=other)).exit_code == 0


# --- reopen ---------------------------------------------------------------------------------
def test_reopening_a_closed_case_withdraws_its_close_and_rating(xc: Xf) -> None:
    ok(xc("reopen", "XF2025-0002", "--reason", "信访人反映未解决", "--on", "2025-04-01"))
    case = show(xc, "XF2025-0002")
    assert case["status"] == "handling"
    assert (case["closed_on"], case["outcome"], case["rating"]) == (None, None, None)
    h = history(xc, "XF2025-0002")
    assert "办结" in h and "撤销办结/不予受理" in h  # the undone close stays in the history
    data = json.loads(ok(xc("report", "annual", "--year", "2025", "--json")).stdout)
    assert (data["closed"], data["rated"]) == (0, 0)
    ok(xc("close", "XF2025-0002", "--outcome", "解决到位", "--result", "已再次协调", "--on", "2025-04-10"))  # fmt: skip
    assert ok(xc("verify")).exit_code == 0


def test_reopening_a_rejection_puts_the_case_back_to_registered(xc: Xf) -> None:
    ok(xc("reopen", "XF2025-0003", "--reason", "经核实属于本校职责"))
    case = show(xc, "XF2025-0003")
    assert (case["status"], case["rejected_on"], case["reject_reason"]) == (
        "registered",
        None,
        None,
    )
    ok(xc("assign", "XF2025-0003", "--dept", "人事处"))


REOPEN_REFUSED = [
    (("reopen", "XF2025-0001", "--reason", "x"), 1, ("办理中", "reassign")),
    (("reopen", "XF2025-0004", "--reason", "x"), 1, ("void",)),
    (("reopen", "XF2025-0002"), 2, ("--reason",)),
    (("reopen", "XF2025-0002", "--reason", "x", "--on", "2025-03-09"), 2, ("早于办结日期",)),
]


@pytest.mark.parametrize(("args", "code", "words"), REOPEN_REFUSED)
def test_reopen_refusals_change_nothing(
    xc: Xf, snapshot: Snapshot, args: tuple[str, ...], code: int, words: tuple[str, ...]
) -> None:
    before = snapshot()
    r = xc(*args)
    assert r.exit_code == code, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot() == before


# --- search and show ------------------------------------------------------------------------
def test_search_takes_several_words_the_last_four_digits_and_a_number_prefix(xc: Xf) -> None:
    def found(*words: str) -> list[str]:
        return [c["number"] for c in json.loads(ok(xc("list", "--json", "--search", *words)).stdout)]  # fmt: skip

    assert found("宿舍 漏水") == ["XF2025-0001", "XF2025-0005"]
    assert found("宿舍 食堂") == []  # every word must match
    assert found("9882") == ["XF2025-0001"]  # what the masked phone 138****9882 shows
    assert found("xf2025-000") == ["XF2025-0001", "XF2025-0002", "XF2025-0003", "XF2025-0004", "XF2025-0005"]  # fmt: skip
    assert found("138 1234 9882") == ["XF2025-0001"]  # a whole phone, typed with spaces


def test_a_confidential_case_is_never_found_by_name(xc: Xf) -> None:
    ok(xc("amend", "XF2025-0001", "--confidential", "--reason", "当事人要求保密"))
    assert json.loads(ok(xc("list", "--json", "--search", "张三")).stdout) == []


def test_show_lists_the_repeats_of_a_case(xc: Xf) -> None:
    assert show(xc, "XF2025-0001")["repeats"] == ["XF2025-0005"]
    assert "重复信访" in ok(xc("show", "XF2025-0001")).stdout


# --- independent count ----------------------------------------------------------------------
def independent_annual(cases: list[dict], year: int) -> dict[str, int]:  # type: ignore[type-arg]
    """The annual figures by the written rules (domain.md), from `list --json` as of today."""
    cohort = [c for c in cases if c["received_on"].startswith(str(year))]
    closed = [c for c in cohort if c["status"] == "closed"]
    return {
        "total": len(cohort),
        "repeat": sum(1 for c in cohort if c["repeat_of"]),
        "accepted": sum(1 for c in cohort if c["accepted_on"]),
        "not_accepted": sum(1 for c in cohort if c["status"] == "not_accepted"),
        "closed": len(closed),
        "open": sum(1 for c in cohort if c["status"] in ("registered", "handling")),
        "overdue_open": sum(1 for c in cohort if c["overdue"]),
        "closed_on_time": sum(1 for c in closed if c["closed_on"] <= c["due_on"]),
        "rated": sum(1 for c in closed if c["rating"]),
        "dissatisfied": sum(1 for c in closed if c["rating"] == "dissatisfied"),
        "bypass": sum(1 for c in cohort if c["bypass"]),
        "collective": sum(1 for c in cohort if c["persons"] >= 5),
    }


def test_after_corrections_on_the_sample_ledger_reports_equal_an_independent_count(
    xf: Xf,
) -> None:
    sample = Path(__file__).parent.parent / "sample_data" / "cases.csv"
    ok(xf("import", str(sample)))
    ok(xf("amend", "XF2025-0010", "--persons", "7", "--bypass", "--reason", "核实为集体越级访"))
    ok(xf("amend", "XF2025-0020", "--received", "2025-01-02", "--reason", "补正日期"))
    handling = [c["number"] for c in json.loads(ok(xf("list", "--json", "--status", "办理中")).stdout)]  # fmt: skip
    ok(xf("reassign", handling[0], "--dept", "财务处", "--reason", "交错单位", "--on", "2025-12-31"))  # fmt: skip
    ok(xf("void", "XF2025-0030", "--reason", "重复登记"))
    ok(xf("void", handling[1], "--reason", "误登记"))
    ok(xf("reopen", "XF2025-0040", "--reason", "回访未解决", "--on", "2025-12-31"))
    ok(xf("reopen", "XF2024-0001", "--reason", "复核", "--on", "2025-12-31"))
    assert ok(xf("verify")).exit_code == 0
    cases = json.loads(ok(xf("list", "--json")).stdout)
    assert "XF2025-0030" not in {c["number"] for c in cases}
    for year in (2024, 2025):
        report = json.loads(ok(xf("report", "annual", "--year", str(year), "--json")).stdout)
        expected = independent_annual(cases, year)
        assert {key: report[key] for key in expected} == expected, year
        departments = {
            d["name"]: d["assigned"] for d in report["by_department"] if not d.get("pending")
        }
        leads: dict[str, int] = {}
        for c in cases:
            if c["received_on"].startswith(str(year)) and c["accepted_on"]:
                leads[c["lead_dept"]] = leads.get(c["lead_dept"], 0) + 1
        assert departments == leads
