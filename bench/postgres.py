"""The PostgreSQL column of `make bench`: the same generated case file imported into a SQLite
ledger and into a throwaway PostgreSQL server (tests/pgserver.py: initdb into a temporary
directory, a Unix socket, trust authentication), then both reports on each — every time measured
side by side in one run, the reports' JSON compared key by key.

Sizes from BENCH_PG_SIZES (default 100000). Without the server programs it says so and exits 0:
PostgreSQL is optional for an office, and `make test` is where its correctness is required.
Exits 1 when the two backends report differently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

from generate import generate  # noqa: E402

XINFANG = str(Path(sys.executable).with_name("xinfang"))
AS_OF = "2025-12-31"


def timed(db: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "XINFANG_USER": "bench", "XINFANG_TODAY": AS_OF, "NO_COLOR": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [XINFANG, "--db", db, *args], capture_output=True, text=True, env=env, check=False
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"xinfang {' '.join(args)} 失败（{done.returncode}）：{done.stderr[:500]}")
    return took, done.stdout


def bench(size: int, server: object, work: Path) -> tuple[list[tuple[str, float, float]], bool]:
    cases = work / f"cases-{size}.csv"
    generate(size, cases)
    sqlite = str(work / f"ledger-{size}.db")
    postgres = server.url(server.database())  # type: ignore[attr-defined]
    rows: list[tuple[str, float, float]] = []
    same = True
    for db in (sqlite, postgres):
        timed(db, "init")
    imports = [timed(db, "import", str(cases))[0] for db in (sqlite, postgres)]
    rows.append((f"import {size:,} 行", imports[0], imports[1]))
    for name, args in (
        ("report annual --json", ("report", "annual", "--year", "2025", "--as-of", AS_OF)),
        ("report monthly --json", ("report", "monthly", "--month", "2025-12", "--as-of", AS_OF)),
        ("overdue --json", ("overdue", "--as-of", AS_OF)),
    ):
        results = []
        for db in (sqlite, postgres):
            try:
                results.append(timed(db, *args, "--json"))
            except SystemExit as exc:  # overdue exits 1 when something is overdue
                if "（1）" not in str(exc):
                    raise
                env = {**os.environ, "XINFANG_USER": "bench", "XINFANG_TODAY": AS_OF}
                start = time.perf_counter()
                out = subprocess.run(
                    [XINFANG, "--db", db, *args, "--json"],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                ).stdout
                results.append((time.perf_counter() - start, out))
        rows.append((name, results[0][0], results[1][0]))
        if json.loads(results[0][1]) != json.loads(results[1][1]):
            same = False
            print(f"不一致：{name} 在 SQLite 和 PostgreSQL 上的结果不同", file=sys.stderr)
    return rows, same


def main() -> int:
    import pgserver

    sizes = [int(s) for s in os.environ.get("BENCH_PG_SIZES", "100000").split(",") if s]
    try:
        servers = pgserver.start()
        server = next(servers)
    except BaseException as exc:  # pytest's skip outside a test: no server programs here
        print(f"PostgreSQL 基准未运行：{exc}", file=sys.stderr)
        return 0
    same = True
    try:
        with tempfile.TemporaryDirectory(prefix="xinfang-bench-pg-") as tmp:
            print("| 操作 | SQLite (s) | PostgreSQL (s) | PostgreSQL ÷ SQLite |")
            print("|---|---:|---:|---:|")
            for size in sizes:
                rows, ok = bench(size, server, Path(tmp))
                same = same and ok
                for name, lite, pg in rows:
                    print(f"| {name} | {lite:.2f} | {pg:.2f} | {pg / lite:.1f}× |", flush=True)
    finally:
        next(servers, None)  # stops the server
    print("两种数据库的报表与超期检查结果逐键相同。" if same else "结果不一致！", file=sys.stderr)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
