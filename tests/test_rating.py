"""满意率 depends on ratings: a second rating is refused unless it is a reasoned correction."""

from conftest import accept, add_case, close_case, rate_case


def _closed_case(xf) -> None:  # type: ignore[no-untyped-def]
    number = add_case(xf, received="2025-03-01", category="宿舍与住宿")
    accept(xf, number, on="2025-03-02")
    close_case(xf, number, on="2025-03-10")
    rate_case(xf, number, rating="基本满意", on="2025-03-11")


def test_a_second_rating_is_refused_and_changes_nothing(xf, snapshot) -> None:  # type: ignore[no-untyped-def]
    _closed_case(xf)
    before = snapshot()
    r = xf("rate", "XF2025-0001", "满意")
    assert r.exit_code == 1
    assert "已于 2025-03-11 评价为“基本满意”" in r.stderr and "--replace" in r.stderr
    assert snapshot() == before


def test_a_correction_needs_a_reason(xf, snapshot) -> None:  # type: ignore[no-untyped-def]
    _closed_case(xf)
    before = snapshot()
    r = xf("rate", "XF2025-0001", "满意", "--replace")
    assert r.exit_code == 2 and "--reason" in r.stderr
    assert snapshot() == before


def test_a_reasoned_correction_is_applied_and_logged(xf) -> None:  # type: ignore[no-untyped-def]
    _closed_case(xf)
    r = xf(
        "rate",
        "XF2025-0001",
        "满意",
        "--replace",
        "--reason",
        "回访时信访人更正评价",
        "--on",
        "2025-03-12",
    )
    assert r.exit_code == 0, r.stderr
    assert '"rating": "satisfied"' in xf("show", "XF2025-0001", "--json").stdout
    history = xf("history", "XF2025-0001").stdout
    assert "满意度：基本满意 → 满意" in history and "理由：回访时信访人更正评价" in history
