"""Bench (issue 4): the morning overdue check costs no more on a 200,000-case ledger than on a
1,000-case one (target: ≤ 1.2×), because it reads only open, near-due cases through the
(status, accept_due) and (status, due_on) indexes.

Builds both ledgers in a temporary directory — the schema and default taxonomy through the real
`open_ledger`, then the cases by bulk `executemany` and `ANALYZE`/`PRAGMA optimize`, each ledger
with the same ~300 open cases — and times `overdue --as-of` in-process (the service, on an open
ledger and including opening it) and as a CLI subprocess, several times each, reporting medians.

Run with `make bench` (or `.venv/bin/python bench/overdue_bench.py [--reps N]`); exits 1 if the
target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from xinfang_cli.ledger import open_ledger
from xinfang_cli.overdue import check, open_near_due, window_end

AS_OF = date(2025, 12, 31)
OPEN_CASES = 300
TARGET = 1.2
SIZES = (1_000, 200_000)
FIRST_YEAR = 2016

COLUMNS = [
    "number",
    "year",
    "seq",
    "received_on",
    "channel",
    "identity",
    "persons",
    "summary",
    "nature",
    "category",
    "group_key",
    "bypass",
    "confidential",
    "status",
    "accept_days",
    "handle_days",
    "extend_max_days",
    "day_mode",
    "roll_over",
    "accept_due",
    "accepted_on",
    "lead_dept",
    "leader",
    "rejected_on",
    "reject_reason",
    "handle_due",
    "due_on",
    "closed_on",
    "outcome",
    "result",
    "rating",
    "rated_on",
    "created_at",
    "updated_at",
]
INSERT = f"INSERT INTO cases ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

CHANNELS = ("letter", "visit", "phone", "mailbox", "wechat", "app")
IDENTITIES = ("student", "staff", "retired", "parent", "alumni", "outsider")
OUTCOMES = ("resolved", "educated", "assisted", "legal")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


def case_rows(
    total: int, open_cases: int, categories: list[Any], seed: int = 4
) -> Iterator[tuple[Any, ...]]:
    """`total` cases in order of receipt: the closed or not-accepted ones spread over the years
    before, then `open_cases` open ones, drawn the same for every size so both ledgers have the
    same near-due set."""
    closed_rng, open_rng = random.Random(seed), random.Random(seed + 1)
    span = (AS_OF - date(FIRST_YEAR, 1, 1)).days - 120
    offsets = sorted(closed_rng.randint(0, span) for _ in range(total - open_cases))
    received_dates = [date(FIRST_YEAR, 1, 1) + timedelta(days=d) for d in offsets]
    open_plan = []
    for _ in range(open_cases):
        registered = open_rng.random() < 0.35  # received in the last 30 days, not yet accepted
        back = open_rng.randint(0, 30 if registered else 120)
        open_plan.append((AS_OF - timedelta(days=back), registered))
    open_plan.sort()
    seq: dict[int, int] = {}
    now = "2025-12-31T00:00:00.000000Z"
    plan = [(d, None) for d in received_dates] + open_plan
    for i, (received, registered) in enumerate(plan):
        is_open = registered is not None
        r = open_rng if is_open else closed_rng
        cat = r.choice(categories)
        year = received.year
        seq[year] = seq.get(year, 0) + 1
        row: dict[str, Any] = {
            "number": f"XF{year}-{seq[year]:05d}",
            "year": year,
            "seq": seq[year],
            "received_on": received,
            "channel": r.choice(CHANNELS),
            "identity": r.choice(IDENTITIES),
            "persons": 1,
            "summary": f"{cat.name}相关问题 #{i}",
            "nature": "claim",
            "category": cat.key,
            "group_key": cat.group,
            "bypass": 0,
            "confidential": 0,
            "accept_days": 15,
            "handle_days": 60,
            "extend_max_days": 30,
            "day_mode": "calendar",
            "roll_over": 0,
            "accept_due": received + timedelta(days=15),
            "created_at": now,
            "updated_at": now,
        }
        if registered:
            row["status"] = "registered"
        elif not is_open and r.random() < 0.05:
            row.update(
                status="not_accepted",
                rejected_on=received + timedelta(days=3),
                reject_reason="属于其他法定途径",
            )
        else:
            accepted = min(received + timedelta(days=r.randint(1, 14)), AS_OF)
            due = accepted + timedelta(days=60)
            row.update(
                status="handling",
                accepted_on=accepted,
                lead_dept=cat.lead,
                leader=r.choice((None, "王副校长", "李副书记")),
                handle_due=due,
                due_on=due,
            )
            if not is_open:
                closed = accepted + timedelta(days=r.randint(3, 70))
                row.update(
                    status="closed",
                    closed_on=closed,
                    outcome=r.choice(OUTCOMES),
                    result="已办理并答复",
                    rating=r.choice(RATINGS),
                    rated_on=closed + timedelta(days=2),
                )
        yield tuple(_sql(row.get(c)) for c in COLUMNS)


def _sql(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def build(path: Path, total: int) -> float:
    started = time.perf_counter()
    ledger = open_ledger(str(path), actor="bench", create=True)  # schema + default taxonomy
    categories = list(ledger.taxonomy.categories.values())
    ledger.engine.dispose()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode = DELETE")  # one big load: no WAL copy of every page
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -262144")
        con.executemany(INSERT, case_rows(total, OPEN_CASES, categories))
        con.commit()
        con.execute("ANALYZE")
        con.execute("PRAGMA optimize")
        con.execute("PRAGMA journal_mode = WAL")  # as the ledger is used
    finally:
        con.close()
    return time.perf_counter() - started


def cli_command(path: Path) -> list[str]:
    script = Path(sys.executable).parent / "xinfang"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "xinfang_cli"]
    return [*base, "--db", str(path), "overdue", "--as-of", AS_OF.isoformat()]


def run_cli(path: Path) -> None:
    # As cron runs it: the check is for today, so pin today to the as-of date of the generated data.
    env = {**os.environ, "XINFANG_TODAY": AS_OF.isoformat()}
    result = subprocess.run(
        cli_command(path), stdin=subprocess.DEVNULL, capture_output=True, check=False, env=env
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"overdue failed ({result.returncode}): {result.stderr.decode()}")


def interleaved(fns: dict[int, Callable[[], object]], reps: int, warmup: int) -> dict[int, float]:
    """Median milliseconds of each fn, run in alternating order round after round, so that a
    busy moment of the machine falls on both ledgers alike."""
    keys = list(fns)
    for _ in range(warmup):
        for key in keys:
            fns[key]()
    times: dict[int, list[float]] = {key: [] for key in keys}
    for rep in range(reps):
        for key in keys if rep % 2 == 0 else reversed(keys):
            started = time.perf_counter()
            fns[key]()
            times[key].append(time.perf_counter() - started)
    return {key: statistics.median(values) * 1000 for key, values in times.items()}


def describe(path: Path) -> dict[str, Any]:
    ledger = open_ledger(str(path), actor="bench", create=False)
    try:
        report = check(ledger, as_of=AS_OF, today=AS_OF)
        horizon = window_end(ledger, AS_OF, ledger.taxonomy.warn_days)
        with ledger.reading() as session:
            loaded = len(open_near_due(session, horizon))
        raw = ledger.engine.raw_connection()
        try:
            plan = [
                str(row[-1])
                for status, column in (("registered", "accept_due"), ("handling", "due_on"))
                for row in raw.cursor().execute(
                    f"EXPLAIN QUERY PLAN SELECT number FROM cases WHERE status = ? AND {column} <= ?",
                    (status, horizon.isoformat()),
                )
            ]
            counts = raw.cursor().execute("SELECT count(*) FROM cases").fetchone()
        finally:
            raw.close()
    finally:
        ledger.engine.dispose()
    return {
        "cases": counts[0],
        "size_mb": path.stat().st_size / 1e6,
        "rows_loaded": loaded,
        "overdue": len(report.overdue),
        "due_soon": len(report.due_soon),
        "plan": plan,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=51, help="in-process rounds (median)")
    parser.add_argument("--cli-reps", type=int, default=11, help="CLI subprocess rounds (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xinfang-bench-") as tmp:
        paths = {total: Path(tmp) / f"ledger-{total}.db" for total in SIZES}
        for total, path in paths.items():
            seconds = build(path, total)
            print(
                f"built a {total:,}-case ledger ({OPEN_CASES} open) in {seconds:.1f} s", flush=True
            )
        facts = {total: describe(path) for total, path in paths.items()}

        ledgers = {t: open_ledger(str(p), actor="bench", create=False) for t, p in paths.items()}
        try:
            service = interleaved(
                {
                    t: (lambda led=led: check(led, as_of=AS_OF, today=AS_OF))
                    for t, led in ledgers.items()
                },
                args.reps,
                warmup=3,
            )
        finally:
            for led in ledgers.values():
                led.engine.dispose()

        def open_and_check(path: Path) -> None:
            fresh = open_ledger(str(path), actor="bench", create=False)
            try:
                check(fresh, as_of=AS_OF, today=AS_OF)
            finally:
                fresh.engine.dispose()

        opened = interleaved(
            {t: (lambda p=p: open_and_check(p)) for t, p in paths.items()}, args.reps, warmup=2
        )
        cli = interleaved({t: (lambda p=p: run_cli(p)) for t, p in paths.items()}, args.cli_reps, 1)

    small, big = SIZES
    print()
    print(
        f"xinfang overdue --as-of {AS_OF}: median of {args.reps} in-process rounds, "
        f"{args.cli_reps} CLI rounds (alternating ledgers)"
    )
    header = f"{'':28}{f'{small:,} cases':>14}{f'{big:,} cases':>16}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    print(f"{'cases in ledger':28}{facts[small]['cases']:>14,}{facts[big]['cases']:>16,}")
    print(f"{'ledger file (MB)':28}{facts[small]['size_mb']:>14.1f}{facts[big]['size_mb']:>16.1f}")
    for key, label in (
        ("rows_loaded", "open near-due rows read"),
        ("overdue", "overdue"),
        ("due_soon", "due soon (7 days)"),
    ):
        print(f"{label:28}{facts[small][key]:>14}{facts[big][key]:>16}")
    met = True
    for label, figures in (
        ("service check (ms)", service),
        ("open ledger + check (ms)", opened),
        ("CLI subprocess (ms)", cli),
    ):
        ratio = figures[big] / figures[small]
        met = met and ratio <= TARGET
        print(f"{label:28}{figures[small]:>14.2f}{figures[big]:>16.2f}{ratio:>8.2f}")
    print()
    print(f"query plan ({big:,}-case ledger):")
    for line in facts[big]["plan"]:
        print(f"  {line}")
    print()
    print(f"target: {big:,} cases ≤ {small:,} cases × {TARGET} — {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
