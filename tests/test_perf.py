"""The bulk paths stay the same ledger and stay bounded (issue 8).

- Importing a generated 5,000-row case file gives the same ledger as entering the same cases
  one by one through the single-case services: the same `list --json`, the same reports, and a
  clean `verify` for both.
- A report over 20,000 cases issues a bounded number of SQL statements: the same number as
  over a few hundred (no query per case), counted with a SQLAlchemy event listener.
- The reports' queries over the case table are answered through an index (EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from conftest import Run, ok
from xinfang_cli import corrections, importer, lifecycle, monthly, overdue, reports
from xinfang_cli.casefile import read_case_file
from xinfang_cli.ledger import Ledger, open_ledger
from xinfang_cli.models import Case
from xinfang_cli.rowcheck import check_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

AS_OF = date(2025, 12, 31)
Xf = Callable[..., Run]


def by_services(ledger: Ledger, csv_file: Path) -> None:
    """Enter every row of the file through the single-case services, step by step, as a clerk
    would with add, assign, reject, extend, close, rate (and void)."""
    with ledger.transaction() as (session, log):
        plan = check_rows(
            read_case_file(csv_file),
            taxonomy=ledger.taxonomy,
            calendar=ledger.calendar,
            known={},
            today=AS_OF,
        )
        for item in plan.cases:
            case = lifecycle.register(ledger, session, log, item.data, today=AS_OF)
            if item.accepted_on is not None:
                lifecycle.assign(
                    ledger,
                    session,
                    log,
                    case,
                    dept=item.lead_dept,
                    co_depts=item.co_depts,
                    leader=item.leader,
                    on=item.accepted_on,
                    today=AS_OF,
                )
            elif item.rejected_on is not None:
                lifecycle.reject(
                    ledger,
                    session,
                    log,
                    case,
                    reason=item.reject_reason or "",
                    referral=item.referral,
                    on=item.rejected_on,
                    today=AS_OF,
                )
            if item.extended_days is not None and item.extended_on is not None:
                lifecycle.extend(
                    ledger,
                    session,
                    log,
                    case,
                    days=item.extended_days,
                    reason=item.extend_reason or "",
                    approver=item.extend_approver,
                    on=item.extended_on,
                    today=AS_OF,
                )
            if item.closed_on is not None:
                lifecycle.close(
                    ledger,
                    session,
                    log,
                    case,
                    outcome=item.outcome or "",
                    result=item.result or "",
                    aid=item.aid,
                    on=item.closed_on,
                    today=AS_OF,
                )
            if item.rating is not None and item.rated_on is not None:
                lifecycle.rate(
                    ledger, session, log, case, grade=item.rating, on=item.rated_on, today=AS_OF
                )
            if item.voided_on is not None:
                corrections.void(ledger, session, log, case, reason=item.void_reason, today=AS_OF)


@pytest.fixture(params=["one process", "two processes"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The import in one process, or checked and prepared in a forked child while this process
    writes (what a file of 5,000 rows or more gets), a few hundred rows to a chunk."""
    if request.param == "one process":
        monkeypatch.setattr(importer, "PARALLEL_FROM", 10**9)
    if request.param == "two processes":
        if not hasattr(os, "fork"):
            pytest.skip("no fork on this system: every import runs in one process")
        monkeypatch.setattr(importer, "PARALLEL_FROM", 0)
        monkeypatch.setattr(importer, "CHUNK", 300)
    return str(request.param)


def test_import_equals_entering_the_cases_one_by_one(
    xf: Xf, tmp_path: Path, processes: str
) -> None:
    csv_file = tmp_path / "cases.csv"
    generate(5000, csv_file, open_cases=400, seed=3)
    bulk, single = tmp_path / "bulk.db", tmp_path / "single.db"
    r = xf("import", str(csv_file), db=bulk)
    assert r.exit_code == 0, r.stderr
    ledger = open_ledger(str(single), actor="测试员", create=True)
    try:
        by_services(ledger, csv_file)
    finally:
        ledger.engine.dispose()

    def out(db: Path, *args: str) -> Any:
        r = xf(*args, db=db)
        assert r.exit_code in (0, 1), r.stderr
        return json.loads(r.stdout)

    for args in (
        ("list", "--json", "--as-of", "2025-12-31"),
        ("report", "annual", "--json", "--year", "2025", "--as-of", "2025-12-31"),
        ("report", "annual", "--json", "--year", "2024", "--as-of", "2025-06-30"),
        ("report", "monthly", "--json", "--month", "2025-12", "--as-of", "2025-12-31"),
        ("report", "monthly", "--json", "--month", "2025-03", "--as-of", "2025-12-31"),
        ("overdue", "--json", "--as-of", "2025-12-31"),
    ):
        assert out(bulk, *args) == out(single, *args), args
    for db in (bulk, single):
        r = xf("verify", "--json", db=db)
        assert r.exit_code == 0, r.stdout
        assert json.loads(r.stdout)["cases"] == 5000


def test_a_bad_row_far_down_leaves_the_ledger_untouched(
    xf: Xf, tmp_path: Path, processes: str
) -> None:
    """Rows were already written when the bad one is reached (in two processes: by the parent,
    while the child checked on); the transaction rolls all of them back."""
    csv_file = tmp_path / "cases.csv"
    generate(2000, csv_file, open_cases=100, seed=4)
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1800].split(",")
    cells[header.index("信访日期")] = "2025-13-45"
    lines[1800] = ",".join(cells)
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    db = tmp_path / "ledger.db"
    ok(xf("add", "--received", "2025-12-01", "--channel", "来信", "--summary", "先有的一件", db=db))
    before = xf("list", "--json", db=db).stdout, xf("verify", "--json", db=db).stdout
    r = xf("import", str(csv_file), db=db)
    assert r.exit_code == 2
    assert "第1801行 〔信访日期〕" in r.stderr and "Traceback" not in r.stderr
    assert (xf("list", "--json", db=db).stdout, xf("verify", "--json", db=db).stdout) == before


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Ledger]]:
    """A ledger of 300 cases and one of 20,000, loaded through the bulk import."""
    from xinfang_cli.importer import import_cases

    folder = tmp_path_factory.mktemp("perf")
    opened: dict[int, Ledger] = {}
    for size in (300, 20_000):
        csv_file = folder / f"cases-{size}.csv"
        generate(size, csv_file, open_cases=max(50, size // 30), seed=5)
        db = str(folder / f"ledger-{size}.db")

        def opener(write: bool, db: str = db) -> Ledger:
            return open_ledger(db, actor="测试员", create=write)

        import_cases(csv_file, db=db, open_ledger=opener, today=AS_OF, dry_run=False)
        opened[size] = opener(False)
    yield opened
    for ledger in opened.values():
        ledger.engine.dispose()


@contextmanager
def statements(ledger: Ledger) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(ledger.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(ledger.engine, "before_cursor_execute", count)


REPORTS: dict[str, Callable[[Ledger], Any]] = {
    "annual": lambda ledger: reports.annual(ledger, year=2025, as_of=AS_OF),
    "monthly": lambda ledger: monthly.monthly(ledger, year=2025, month=12, as_of=AS_OF),
    "overdue": lambda ledger: overdue.check(ledger, as_of=AS_OF),
}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_report_issues_the_same_few_statements_at_any_size(
    ledgers: dict[int, Ledger], name: str
) -> None:
    counts = {}
    for size, ledger in ledgers.items():
        with statements(ledger) as seen:
            REPORTS[name](ledger)
        counts[size] = len(seen)
    assert counts[20_000] == counts[300], counts
    assert counts[20_000] <= 60, counts


MILLION_CASE_STATISTICS = [
    ("ix_cases_rated_on", "3088260 75"),
    ("ix_cases_rating_closed_on", "5925608 1001 41"),
    ("ix_cases_petitioner_ref", "1008678 1001"),
    ("ix_cases_provisional", "1008678 1001"),
    ("ix_cases_status_due_on", "1033200 1001 96"),
    ("ix_cases_status_accept_due", "1105440 1001 223"),
    ("ix_cases_repeat_of", "1849243 2"),
    ("ix_cases_received_on", "1070550 334"),
    ("ix_cases_phone", "4019200 6"),
    ("ix_cases_name_unit", "5845840 41 14"),
    ("ix_cases_lead_dept", "3148782 1001"),
    ("ix_cases_id_number", "2813058 6"),
    ("ix_cases_closed_on", "3127320 84"),
    ("ix_cases_category", "1733312 1001"),
    ("sqlite_autoindex_cases_2", "1185900 1001 1"),
    ("sqlite_autoindex_cases_1", "1147185 1"),
]


def test_the_reports_read_the_cases_through_indexes(ledgers: dict[int, Ledger]) -> None:
    ledger = ledgers[20_000]
    captured: list[tuple[str, Any]] = []
    for name in ("annual", "monthly"):
        with statements(ledger) as seen:
            REPORTS[name](ledger)
        captured += seen
    path = ledger.engine.url.database
    assert path is not None
    copy = Path(path).with_name("statistics-of-a-million.db")
    shutil.copy(path, copy)
    con = sqlite3.connect(copy)
    try:
        # the statistics a sampled ANALYZE left on a generated ledger of a million cases (row
        # counts far off): the plans must not hang on the planner's guesses being good
        con.execute("ANALYZE")
        with con:
            con.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases'")
            con.executemany(
                "INSERT INTO sqlite_stat1 VALUES ('cases', ?, ?)", MILLION_CASE_STATISTICS
            )
        con.execute("ANALYZE sqlite_schema")  # reload the statistics
        scans = []
        checked = 0
        for statement, parameters in captured:
            if "FROM cases" not in statement:
                continue
            checked += 1
            plan = con.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            lines = [str(row[-1]) for row in plan]
            # every read of the case table goes through one of its indexes, and none reads
            # every case received up to a date (the month's backlog goes by closed_on instead)
            if any(
                (line.startswith("SCAN cases") and "INDEX" not in line)
                or "ix_cases_received_on (received_on<?)" in line
                for line in lines
            ):
                scans.append((statement.split("FROM cases")[1][:200], lines))
    finally:
        con.close()
    assert checked >= 5
    assert not scans, scans


def test_list_takes_a_limit(xf: Xf, tmp_path: Path) -> None:
    csv_file = tmp_path / "cases.csv"
    generate(60, csv_file, open_cases=10, seed=2)
    assert xf("import", str(csv_file)).exit_code == 0
    everything = json.loads(xf("list", "--json").stdout)
    r = xf("list", "--json", "--limit", "5")
    assert r.exit_code == 0 and json.loads(r.stdout) == everything[:5]
    assert "前 5 件" in r.stderr
    r = xf("list", "--limit", "0")
    assert r.exit_code == 2 and "应不小于 1" in r.stderr


def test_topic_words_are_counted_as_like_counts_them(xf: Xf, tmp_path: Path) -> None:
    """The reports count topic words in Python (one read of the period's cases); the count must
    be the SQL rule's (`mentions`, LIKE): in the summary or the content, ASCII letters in either
    case, never across the end of the summary and the start of the content."""
    from sqlalchemy import func, select, update
    from sqlmodel import col

    from xinfang_cli.aggregates import count_if, received_between
    from xinfang_cli.figure_keys import _tally, mention_counts, mentions

    db = tmp_path / "ledger.db"
    for received, summary, content in (
        ("2025-03-02", "宿舍WiFi信号差", None),
        ("2025-03-05", "校园网收费", "晚上wifi经常断线"),
        ("2025-03-09", "食堂价格偏高", "希望降价"),
        ("2025-03-12", "反映宿舍", "维修不及时"),  # 宿舍 + 维修 only across the boundary
        ("2025-03-15", "宿舍楼宿舍楼", "宿"),  # 宿舍 twice: one case
        ("2025-03-16", "舍管问题", None),  # 宿 + 舍 only across two cases
        ("2025-02-20", "上月的WIFI", "宿舍维修"),
        ("2025-01-20", "更早的宿舍维修", None),
    ):
        args = ["add", "--received", received, "--channel", "来信", "--summary", summary]
        ok(xf(*args, *(["--content", content] if content else []), db=db))
    terms = ["wifi", "WiFi", "宿舍维修", "宿舍", "食堂价格", "校园网", "停车"]
    # a month, a month, and a quarter (read a month at a time)
    periods = [
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 1, 1), date(2025, 3, 31)),
    ]
    ledger = open_ledger(str(db), actor="测试员", create=False)
    try:
        with ledger.engine.connect() as conn:
            counted = mention_counts(conn, terms, periods)
            by_sql = [
                list(
                    conn.execute(
                        select(*[count_if(mentions(t)) for t in terms]).where(
                            received_between(*period)
                        )
                    ).one()
                )
                for period in periods
            ]
            assert conn.execute(select(func.count()).select_from(Case)).scalar_one() == 8
        # a text holding the separator the search joins cases with (no checked field holds
        # it): still counted case by case, never across cases
        with ledger.engine.begin() as conn:
            conn.execute(
                update(Case).where(col(Case.summary) == "校园网收费").values(content="晚\x1ewifi")
            )
        with ledger.engine.connect() as conn:
            odd = mention_counts(conn, terms, periods[:1])
            odd_sql = list(
                conn.execute(
                    select(*[count_if(mentions(t)) for t in terms]).where(
                        received_between(*periods[0])
                    )
                ).one()
            )
    finally:
        ledger.engine.dispose()
    assert counted == by_sql
    assert counted[0] == [2, 2, 0, 3, 1, 1, 0]
    assert counted[1] == [1, 1, 1, 1, 0, 0, 0]
    assert counted[2] == [3, 3, 2, 5, 1, 1, 0]
    assert odd == [odd_sql] and odd_sql == [2, 2, 0, 3, 1, 1, 0]
    # a word no taxonomy has: empty, or holding the separator — case by case
    tally = [0, 0, 0]
    _tally("a\x1eb", ["a", "", "a\x1eb"], tally)
    assert tally == [1, 2, 0]
