"""`make bench`: every figure of issue 8 measured as a ratio to a floor measured in the same run.

For each size (BENCH_SIZES, default "10000,100000"; 1M is "1000000") a seeded case file is
generated (`bench/generate.py`, a backlog of 3% open cases), then timed side by side:

- floors: the `sqlite3` shell's `.import` of the file into a bare table; `sqlite-utils insert
  --csv` (a peer, when installed: `pip install -e '.[bench]'`); `python -c "import sqlmodel"`;
  the reports' aggregates in hand SQL on the bare table; a bare Typer app with 16 commands.
- xinfang: `import` into a new ledger (time and peak memory), `report annual --json`,
  `report monthly --json`, `overdue --json` with the backlog and with a few hundred open (against
  a 1k ledger), `add`, `show`, `--help`, `--version`, and `verify` (shown, no target).
- a reference for `show` (shown, no target): the least a `show` can be on this stack — Typer
  parsing one argument and one option, one SQLModel table of four columns, one row by number,
  JSON out — against `import sqlmodel`, so that the table says how much of the 1.2× the stack
  itself takes.

Every command runs as a subprocess (its peak memory read with wait4); quick ones run in turns
with their floor (command, floor, command, floor…, BENCH_REPS times) and the medians are
compared, so that the load of a shared machine weighs on both alike; the import's floor is
measured before and after it. One table is printed; the exit status is 1 when a target is missed.
Work files live in BENCH_DIR (default: a temporary directory, removed afterwards).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import AS_OF  # noqa: E402

BIN = Path(sys.executable).parent
XINFANG = [str(BIN / "xinfang")]
REPS = int(os.environ.get("BENCH_REPS", "5"))
ENV = {
    **os.environ,
    "XINFANG_USER": "bench",
    "XINFANG_TODAY": "2026-01-05",
    "NO_COLOR": "1",
}
ENV.pop("XINFANG_DB", None)
# Measured as installed: with bytecode (pip compiles it; an editable checkout under
# PYTHONDONTWRITEBYTECODE would compile every module from source on every command).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
FEW_OPEN = 300

BARE_TYPER = '''
import typer
app = typer.Typer()
def _version(value: bool) -> None:
    if value:
        print("1.0")
        raise typer.Exit()
@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True)):
    """A bare app."""
'''
BARE_TYPER += "".join(
    f'@app.command("c{i}")\ndef c{i}(x: int = 1) -> None:\n    """Command {i}."""\n'
    for i in range(16)
)
BARE_TYPER += "app()\n"

# The least `show` on this stack: what is left of the 1.2× for everything else is the difference.
LEAST_SHOW = """
import json
import sys
from typing import Optional
import typer
from sqlmodel import Field, Session, SQLModel, create_engine, select
class Case(SQLModel, table=True):
    __tablename__ = "cases"
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str
    summary: str
    status: str
app = typer.Typer()
@app.command()
def show(number: str, db: str = "", as_json: bool = typer.Option(False, "--json")) -> None:
    with Session(create_engine(f"sqlite:///{db}")) as session:
        case = session.exec(select(Case).where(Case.number == number)).one_or_none()
        if case is None:
            sys.exit("no such case")
        print(json.dumps(case.model_dump(), ensure_ascii=False, indent=2))
@app.command()
def other() -> None:
    pass
app()
"""

# The reports' aggregates in hand SQL on the bare, unindexed table (the files' Chinese headers).
HAND_SQL = (
    """SELECT count(*), sum("原件编号" <> ''), sum(CAST("人数" AS INT) >= 5), sum("越级" = '是'),
       sum("不予受理日期" <> ''), sum("受理日期" <> ''), sum("办结日期" <> ''),
       sum("满意度" <> ''), sum("满意度" IN ('满意', '基本满意')), sum(CAST("帮扶金额" AS REAL))
       FROM cases WHERE "信访日期" BETWEEN '2025-01-01' AND '2025-12-31'""",
    """SELECT "事项类别", count(*) FROM cases WHERE "信访日期" BETWEEN '2025-01-01' AND '2025-12-31'
       GROUP BY 1""",
    """SELECT "信访形式", count(*) FROM cases WHERE "信访日期" BETWEEN '2025-01-01' AND '2025-12-31'
       GROUP BY 1""",
    """SELECT "主办单位", count(*), sum("办结日期" <> '') FROM cases
       WHERE "信访日期" BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY 1""",
    """SELECT count(*) FROM cases WHERE "信访日期" BETWEEN '2024-01-01' AND '2024-12-31'""",
)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int


def run(args: list[str], *, db: Path | None = None, stdin: str | None = None) -> Run:
    env = dict(ENV)
    if db is not None:
        env["XINFANG_DB"] = str(db)
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({code}):\n{err}")
    return Run(seconds, usage.ru_maxrss / 1024, code)


def median(args: list[str], *, db: Path | None = None, reps: int = REPS) -> Run:
    runs = [run(args, db=db) for _ in range(reps)]
    return Run(
        statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs), runs[-1].code
    )


def paired(
    a: list[str], b: list[str], *, db_a: Path | None = None, db_b: Path | None = None
) -> tuple[Run, Run]:
    """A command and its floor run in turns (a, b, a, b…), so that a shared machine's load
    weighs on both alike; the median of each."""
    runs_a, runs_b = [], []
    for _ in range(REPS):
        runs_a.append(run(a, db=db_a))
        runs_b.append(run(b, db=db_b))
    return tuple(  # type: ignore[return-value]
        Run(statistics.median(r.seconds for r in rs), max(r.peak_mb for r in rs), rs[-1].code)
        for rs in (runs_a, runs_b)
    )


def hand_sql(bare: Path) -> float:
    con = sqlite3.connect(bare)
    try:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for query in HAND_SQL:
                con.execute(query).fetchall()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        con.close()


def few_open_copy(ledger: Path, out: Path) -> None:
    """The same ledger with all but FEW_OPEN of its open cases finished (a bench fixture: the
    overdue check reads only the case rows, so no events are written for it)."""
    shutil.copy(ledger, out)
    con = sqlite3.connect(out)
    with con:
        keep = [
            row[0]
            for row in con.execute(
                "SELECT id FROM cases WHERE status IN ('registered','handling') ORDER BY id DESC"
                f" LIMIT {FEW_OPEN}"
            )
        ]
        con.execute("CREATE TEMP TABLE keep (id INTEGER PRIMARY KEY)")
        con.executemany("INSERT INTO keep VALUES (?)", [(i,) for i in keep])
        con.execute(
            "UPDATE cases SET status='closed', closed_on=coalesce(accepted_on, received_on)"
            " WHERE status='handling' AND id NOT IN (SELECT id FROM keep)"
        )
        con.execute(
            "UPDATE cases SET status='not_accepted', rejected_on=received_on,"
            " reject_reason='bench' WHERE status='registered' AND id NOT IN (SELECT id FROM keep)"
        )
    con.execute("PRAGMA optimize")
    con.close()


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.missed: list[str] = []

    def add(
        self,
        size: int,
        what: str,
        value: float,
        floor: str = "",
        floor_value: float | None = None,
        target: str = "",
        ok: bool | None = None,
        peak: float | None = None,
    ) -> None:
        ratio = f"{value / floor_value:.2f}×" if floor_value else ""
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        if ok is False:
            self.missed.append(f"{size} {what}")
        self.rows.append(
            (
                f"{size:,}",
                what,
                f"{value:.2f} s",
                f"{peak:.0f} MB" if peak is not None else "",
                f"{floor} {floor_value:.2f} s" if floor_value is not None else floor,
                ratio,
                target,
                mark,
            )
        )

    def print(self) -> None:
        head = ("cases", "operation", "time", "peak", "floor (same run)", "ratio", "target", "")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(len(head))]
        print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    sqlite_version = sqlite3.sqlite_version
    return (
        f"{os.cpu_count()} CPU ({model}), {mem:.0f} GB RAM, Python {sys.version.split()[0]}, "
        f"SQLite {sqlite_version}"
    )


def bench_size(size: int, work: Path, table: Table, small: dict[str, float]) -> None:
    csv_file = work / f"cases-{size}.csv"
    if not csv_file.exists():
        # in a child process: the runner stays small, and the peak memory wait4 reports for
        # each command (which counts what a forked child held before exec) stays that command's
        subprocess.run(
            [
                str(BIN / "python"),
                str(Path(__file__).parent / "generate.py"),
                str(size),
                str(csv_file),
            ],
            check=True,
        )
    mb = csv_file.stat().st_size / 2**20
    print(f"… {size:,} cases ({mb:.0f} MB)", file=sys.stderr, flush=True)

    bare = work / f"bare-{size}.db"
    bare.unlink(missing_ok=True)
    floor_import = run(["sqlite3", str(bare), "-cmd", ".mode csv", f".import {csv_file} cases"])
    table.add(size, "floor: sqlite3 .import", floor_import.seconds)
    peer: Run | None = None
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    if sqlite_utils and os.environ.get("BENCH_PEER", "1") != "0":
        peer_db = work / f"peer-{size}.db"
        peer_db.unlink(missing_ok=True)
        peer = run([sqlite_utils, "insert", str(peer_db), "cases", str(csv_file), "--csv"])
        peer_db.unlink(missing_ok=True)
        table.add(size, "peer: sqlite-utils insert --csv", peer.seconds)
    sqlmodel = median([str(BIN / "python"), "-c", "import sqlmodel"])
    table.add(size, 'floor: python -c "import sqlmodel"', sqlmodel.seconds)
    sql = hand_sql(bare)
    table.add(size, "floor: hand SQL aggregates", sql)

    ledger = work / f"ledger-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ledger}{suffix}").unlink(missing_ok=True)
    imported = run([*XINFANG, "import", str(csv_file)], db=ledger)
    bare.unlink(missing_ok=True)  # the floor again, after, and the mean of both (a shared machine)
    again = run(["sqlite3", str(bare), "-cmd", ".mode csv", f".import {csv_file} cases"])
    floor_import = Run((floor_import.seconds + again.seconds) / 2, 0, 0)
    ok = imported.seconds <= 10 * floor_import.seconds and imported.peak_mb < 400
    target = "≤10× .import, <400 MB"
    if peer is not None:
        ok = ok and imported.seconds * 5 <= peer.seconds
        target += f"; ≤ sqlite-utils/5 ({imported.seconds / peer.seconds:.2f}×)"
    table.add(
        size,
        "xinfang import",
        imported.seconds,
        "sqlite3 .import",
        floor_import.seconds,
        target,
        ok,
        imported.peak_mb,
    )

    import_sqlmodel = [str(BIN / "python"), "-c", "import sqlmodel"]
    for name, args in (
        ("report annual --json", ["report", "annual", "--year", "2025"]),
        ("report monthly --json", ["report", "monthly", "--month", "2025-12"]),
    ):
        report, floor = paired(
            [*XINFANG, *args, "--json", "--as-of", str(AS_OF)], import_sqlmodel, db_a=ledger
        )
        report_limit = floor.seconds + sql
        table.add(
            size,
            name,
            report.seconds,
            "sqlmodel + hand SQL",
            report_limit,
            "≤1×, <200 MB",
            report.seconds <= report_limit and report.peak_mb < 200,
            report.peak_mb,
        )
    overdue_args = [*XINFANG, "overdue", "--json", "--as-of", str(AS_OF)]
    overdue, annual = paired(
        overdue_args,
        [*XINFANG, "report", "annual", "--json", "--year", "2025", "--as-of", str(AS_OF)],
        db_a=ledger,
        db_b=ledger,
    )
    table.add(
        size,
        "overdue --json (3% open)",
        overdue.seconds,
        "report annual",
        annual.seconds,
        "≤1×",
        overdue.seconds <= annual.seconds,
        overdue.peak_mb,
    )
    few = work / f"few-{size}.db"
    few_open_copy(ledger, few)
    small_db = work / "ledger-1000.db"
    if not small_db.exists():
        small_csv = work / "cases-1000.csv"
        subprocess.run(
            [
                str(BIN / "python"),
                str(Path(__file__).parent / "generate.py"),
                "1000",
                str(small_csv),
                "--open",
                str(FEW_OPEN),
            ],
            check=True,
        )
        run([*XINFANG, "import", str(small_csv)], db=small_db)
    few_run, small_run = paired(overdue_args, overdue_args, db_a=few, db_b=small_db)
    table.add(
        size,
        f"overdue --json ({FEW_OPEN} open)",
        few_run.seconds,
        "the same on 1k cases",
        small_run.seconds,
        "≤1.2×",
        few_run.seconds <= 1.2 * small_run.seconds,
    )
    few.unlink(missing_ok=True)

    show, floor = paired(
        [*XINFANG, "show", f"XF{AS_OF.year}-00001", "--json"], import_sqlmodel, db_a=ledger
    )
    table.add(
        size,
        "show --json",
        show.seconds,
        "import sqlmodel",
        floor.seconds,
        "≤1.2×",
        show.seconds <= 1.2 * floor.seconds,
    )
    least = work / "least_show.py"
    least.write_text(LEAST_SHOW)
    least_run, floor = paired(
        [
            str(BIN / "python"),
            str(least),
            "show",
            f"XF{AS_OF.year}-00001",
            "--db",
            str(ledger),
            "--json",
        ],
        import_sqlmodel,
    )
    if least_run.code != 0:
        raise SystemExit("the least show found no case")
    table.add(
        size,
        "reference: least show on this stack",
        least_run.seconds,
        "import sqlmodel",
        floor.seconds,
    )
    add_args = [
        *XINFANG,
        "add",
        "--received",
        "2025-12-30",
        "--channel",
        "来电",
        "--name",
        "测试人",
        "--phone",
        "13900001111",
        "--summary",
        "宿舍热水供应不稳定",
    ]
    add, floor = paired(add_args, import_sqlmodel, db_a=ledger)
    table.add(
        size,
        "add",
        add.seconds,
        "import sqlmodel",
        floor.seconds,
        "≤1.2×",
        add.seconds <= 1.2 * floor.seconds,
    )
    verify = run([*XINFANG, "verify"], db=ledger)
    table.add(size, "verify (no target)", verify.seconds, peak=verify.peak_mb)
    if verify.code != 0:
        table.missed.append(f"{size} verify found problems")

    if "typer_help" not in small:
        script = work / "bare_typer.py"
        script.write_text(BARE_TYPER)
        help_run, bare_help = paired(
            [*XINFANG, "--help"], [str(BIN / "python"), str(script), "--help"]
        )
        version_run, bare_version = paired(
            [*XINFANG, "--version"], [str(BIN / "python"), str(script), "--version"]
        )
        small["typer_help"] = bare_help.seconds
        small["typer_version"] = bare_version.seconds
        table.add(
            size,
            "--help",
            help_run.seconds,
            "bare Typer app",
            small["typer_help"],
            "≤1.3×",
            help_run.seconds <= 1.3 * small["typer_help"],
        )
        table.add(
            size,
            "--version",
            version_run.seconds,
            "bare Typer app",
            small["typer_version"],
            "≤1.3×",
            version_run.seconds <= 1.3 * small["typer_version"],
        )
    for path in (bare, ledger):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s]
    keep = os.environ.get("BENCH_DIR")
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="xinfang-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    table = Table()
    small: dict[str, float] = {}
    source = Path(__file__).resolve().parent.parent / "src"
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(source)], check=True)
    try:
        for size in sizes:
            bench_size(size, work, table, small)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {machine()}")
    table.print()
    if table.missed:
        print("missed: " + "; ".join(table.missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
