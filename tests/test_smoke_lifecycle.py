"""A case worked through its whole life at the CLI."""

from conftest import Run


def test_whole_lifecycle(xf) -> None:  # type: ignore[no-untyped-def]
    r: Run = xf(
        "add",
        "--received",
        "2025-03-01",
        "--channel",
        "来访",
        "--name",
        "张三",
        "--unit",
        "计算机学院",
        "--phone",
        "13812345678",
        "--summary",
        "宿舍307水龙头漏水多日未修",
        "--category",
        "宿舍与住宿",
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == "XF2025-0001"
    assert "2025-03-16" in r.stderr
    assert xf("assign", "XF2025-0001", "--on", "2025-03-02").exit_code == 0
    r = xf("extend", "XF2025-0001", "--days", "10", "--reason", "需更换管道", "--on", "2025-03-10")
    assert r.exit_code == 0, r.stderr
    assert "2025-05-11" in r.stderr
    r = xf(
        "close", "XF2025-0001", "--outcome", "解决到位", "--result", "已更换", "--on", "2025-03-20"
    )
    assert r.exit_code == 0, r.stderr
    assert xf("rate", "XF2025-0001", "满意", "--on", "2025-03-21").exit_code == 0
    r = xf("show", "XF2025-0001")
    assert "138****5678" in r.stdout and "13812345678" not in r.stdout
    assert "已办结" in r.stdout
