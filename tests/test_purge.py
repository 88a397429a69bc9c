"""Retention: `purge` erases the personal data of cases finished long ago — from the cases, the
events and the file's bytes — while every report figure and `verify` stay as they were."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, build_template, copy_ledger, ok

Xf = Callable[..., Run]
SAMPLE = Path(__file__).parent.parent / "sample_data" / "cases.csv"
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
CUTOFF = "2025-07-01"


def synthetic(path: Path, count: int = 2300) -> None:
    """More cases in the sample's years: some petitioners come back (same phone) within 90 days."""
    rng = random.Random(7)
    header = ["编号", "信访日期", "信访形式", "信访人", "单位", "联系电话", "反映问题", "事项类别",
              "受理日期", "主办单位", "办结日期", "办理结果类型", "办理结果", "满意度"]  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(count):
            year = 2024 if i < count // 2 else 2025
            month, day = rng.randint(1, 11), rng.randint(1, 28)
            received = f"{year}-{month:02d}-{day:02d}"
            accepted = f"{year}-{month:02d}-{min(day + 2, 28):02d}"
            closed = f"{year}-{month + 1:02d}-{day:02d}"
            phone = f"1390000{rng.randint(0, 4000):04d}"
            writer.writerow(
                [f"XF{year}-{5000 + i}", received, "来信", f"测试{i:04d}", f"学院{i % 30}",
                 phone, "宿舍水龙头漏水", "宿舍与住宿", accepted, "后勤处", closed,
                 "解决到位", "已修复", rng.choice(["满意", "基本满意", "不满意"])]
            )  # fmt: skip


def build(run: Callable[..., Run], tmp: Path) -> None:
    extra = tmp / "synthetic.csv"
    synthetic(extra)
    for file in (SAMPLE, extra):
        r = run("import", str(file))
        assert r.exit_code == 0, r.stderr


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("purge")
    return build_template(tmp_path_factory, lambda run: build(run, tmp))


@pytest.fixture
def big(xf: Xf, template: Path, ledger_path: Path) -> Xf:
    copy_ledger(template, ledger_path)
    return xf


def reports(xf: Xf) -> dict[str, object]:
    out: dict[str, object] = {}
    for year in ("2024", "2025"):
        data = json.loads(ok(xf("report", "annual", "--year", year, "--json")).stdout)
        # the largest aid cases name their (masked) petitioner: personal data, which a purge
        # removes; every figure of them stays
        for item in data["largest_aid"]:
            item.pop("name")
        out[year] = data
    for month in MONTHS:
        out[month] = json.loads(ok(xf("report", "monthly", "--month", month, "--json")).stdout)
    return out


def test_a_purge_keeps_every_figure_and_leaves_no_trace_in_the_file(
    big: Xf, ledger_path: Path
) -> None:
    cases = json.loads(ok(big("list", "--json", "--reveal")).stdout)
    assert len(cases) > 3000
    before = reports(big)
    assert any(a.get("rules") == ["petitioner"] for m in MONTHS for a in before[m]["alerts"])  # type: ignore[index]
    r = ok(big("purge", "--closed-before", CUTOFF))
    assert "统计数字不变" in r.stderr
    assert reports(big) == before  # every key of both reports, every year and month
    assert ok(big("verify")).exit_code == 0

    finished = [c for c in cases if (c["closed_on"] or c["rejected_on"] or "9999") < CUTOFF]
    kept = [c for c in cases if c not in finished]
    assert len(finished) > 1000 and kept
    kept_values = {c[k] for c in kept for k in ("phone", "id_number", "name") if c[k]}
    secrets = {c[k] for c in finished for k in ("phone", "id_number") if c[k]} - kept_values
    names = {c["name"] for c in finished if c["name"]} - kept_values
    # a purged name may still occur inside a kept one (王龙 in 王龙鹏): only whole ones are looked for
    names = {n for n in names if not any(n in other for other in kept_values)}
    assert len(secrets) > 500 and len(names) > 300
    data = ledger_path.read_bytes()
    wal = Path(str(ledger_path) + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    leaked = [value for value in secrets | names if value.encode() in data]
    assert leaked == []

    after = {c["number"]: c for c in json.loads(ok(big("list", "--json", "--reveal")).stdout)}
    one = finished[0]["number"]
    assert all(after[one][k] is None for k in ("name", "phone", "id_number", "unit"))
    assert after[one]["category"] == finished[0]["category"]
    assert after[one]["purged_on"] == "2025-12-31"
    history = ok(big("history", one)).stdout
    assert "清除个人信息" in history and "（已清除）" in history


def test_a_dry_run_lists_and_changes_nothing(big: Xf, snapshot: Callable[[], object]) -> None:
    before = snapshot()
    r = ok(big("purge", "--closed-before", "2024-03-01", "--dry-run"))
    assert "未作改动" in r.stderr and r.stdout.count("\n") > 10
    assert "\t信访人" in r.stdout or "信访人、" in r.stdout
    assert snapshot() == before


def test_a_purge_twice_finds_nothing_more(big: Xf) -> None:
    ok(big("purge", "--closed-before", "2024-03-01"))
    r = ok(big("purge", "--closed-before", "2024-03-01"))
    assert "没有需要清除的案件" in r.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("purge", "--closed-before", "2025-13-01"), ("无法识别的日期",)),
        (("purge", "--closed-before", "2026-02-01"), ("晚于今天",)),
        (("purge",), ("--closed-before",)),
    ],
)
def test_a_bad_date_is_exit_2(xf: Xf, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    ok(xf("init"))
    r = xf(*args)
    assert r.exit_code == 2
    for word in words:
        assert word in r.stderr


def test_the_default_data_directory_is_private(xf: Xf, tmp_path: Path) -> None:
    import os

    r = xf("add", "--channel", "来信", "--summary", "x", db="")
    assert r.exit_code == 0, r.stderr
    home = Path(os.environ["XDG_DATA_HOME"]) / "xinfang"
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / "ledger.db").stat().st_mode & 0o777 == 0o600
