"""Looking back: on a past date, a step dated after it has not happened yet (docs/figures.md).

`overdue --as-of` and `list --as-of` must agree with `report monthly` about what was open and late.
"""

import json

from conftest import accept, add_case, close_case, extend_case


def _ledger(xf) -> None:  # type: ignore[no-untyped-def]
    """Three letters: XF2025-0001 accepted 01-05 and closed late (04-30); XF2025-0002 accepted
    01-05 and extended on its due day; XF2025-0003 accepted late (04-10)."""
    add_case(xf, received="2025-01-02", channel="来信", summary="甲", category="宿舍与住宿")
    add_case(xf, received="2025-01-02", channel="来信", summary="乙", category="餐饮与食堂")
    add_case(xf, received="2025-03-01", channel="来信", summary="丙", category="考试与成绩")
    accept(xf, "XF2025-0001", on="2025-01-05")  # handling due 03-06
    accept(xf, "XF2025-0002", on="2025-01-05")
    extend_case(xf, "XF2025-0002", days=30, reason="复杂", on="2025-03-06")  # → 04-05
    close_case(xf, "XF2025-0001", result="修好", on="2025-04-30")
    accept(xf, "XF2025-0003", on="2025-04-10")  # acceptance was due 03-16


def test_overdue_on_a_past_date_sees_the_cases_as_they_stood_then(xf) -> None:  # type: ignore[no-untyped-def]
    _ledger(xf)
    r = xf("overdue", "--as-of", "2025-03-31", "--json")
    assert r.exit_code == 1, r.stderr
    data = json.loads(r.stdout)
    late = {item["number"]: (item["kind"], item["due"]) for item in data["overdue"]}
    assert late == {
        "XF2025-0001": ("handle_overdue", "2025-03-06"),  # closed only on 04-30
        "XF2025-0003": ("accept_overdue", "2025-03-16"),  # accepted only on 04-10
    }
    assert [i["number"] for i in data["due_soon"]] == ["XF2025-0002"]  # extended to 04-05


def test_an_extension_granted_after_the_date_does_not_count_yet(xf) -> None:  # type: ignore[no-untyped-def]
    _ledger(xf)
    data = json.loads(xf("overdue", "--as-of", "2025-03-05", "--json").stdout)
    soon = {item["number"]: item["due"] for item in data["due_soon"]}
    assert soon == {"XF2025-0001": "2025-03-06", "XF2025-0002": "2025-03-06"}


def test_list_as_of_a_past_date_agrees_with_the_monthly_report(xf) -> None:  # type: ignore[no-untyped-def]
    _ledger(xf)
    listed = json.loads(xf("list", "--as-of", "2025-03-31", "--json").stdout)
    assert {c["number"] for c in listed if c["overdue"]} == {"XF2025-0001", "XF2025-0003"}
    late = json.loads(xf("list", "--overdue", "--as-of", "2025-03-31", "--json").stdout)
    assert [c["number"] for c in late] == ["XF2025-0001", "XF2025-0003"]
    month = json.loads(
        xf("report", "monthly", "--month", "2025-03", "--as-of", "2025-12-31", "--json").stdout
    )
    assert month["overdue"] == 2


def test_today_and_later_still_use_the_indexed_check(xf) -> None:  # type: ignore[no-untyped-def]
    _ledger(xf)
    # XINFANG_TODAY is 2025-12-31: only XF2025-0002 (due 04-05) and XF2025-0003 (due 06-09) are late now
    data = json.loads(xf("overdue", "--json").stdout)
    assert sorted(i["number"] for i in data["overdue"]) == ["XF2025-0002", "XF2025-0003"]
