"""Several clerks on one ledger: a reader never blocks a writer, writers queue instead of failing."""

import threading
from datetime import date
from pathlib import Path

from sqlmodel import select

from conftest import add_case
from xinfang_cli.ledger import open_ledger
from xinfang_cli.models import Case


def test_a_long_read_does_not_block_a_write(xf, ledger_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_case(xf, received="2025-03-01", summary="第一件")
    reader = open_ledger(str(ledger_path), actor="读者", create=False)
    writer = open_ledger(str(ledger_path), actor="写者", create=False)
    with reader.reading() as session:
        assert len(list(session.exec(select(Case)))) == 1  # the read transaction is open now
        done = threading.Event()

        def write() -> None:
            from xinfang_cli.fields import build_input
            from xinfang_cli.lifecycle import register

            data = build_input(
                writer.taxonomy,
                {"received_on": date(2025, 3, 2), "channel": "来电", "summary": "第二件"},
            )
            with writer.transaction() as (s, log):
                register(writer, s, log, data, today=date(2025, 12, 31))
            done.set()

        thread = threading.Thread(target=write)
        thread.start()
        # With a read holding the write lock this would wait out the 10 s busy timeout and fail.
        assert done.wait(timeout=5), "the write waited for the reader"
        thread.join()
    r = xf("list", "--json")
    assert r.stdout.count('"number"') == 2


def test_two_writers_at_once_both_land(xf, ledger_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_case(xf, received="2025-03-01", summary="起始")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        from xinfang_cli.fields import build_input
        from xinfang_cli.lifecycle import register

        ledger = open_ledger(str(ledger_path), actor=f"文员{n}", create=False)
        try:
            for i in range(5):
                data = build_input(
                    ledger.taxonomy,
                    {"received_on": date(2025, 3, 3), "channel": "来信", "summary": f"{n}-{i}"},
                )
                with ledger.transaction() as (s, log):
                    register(ledger, s, log, data, today=date(2025, 12, 31))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(c["number"] for c in __import__("json").loads(xf("list", "--json").stdout))
    assert numbers == [f"XF2025-{n:04d}" for n in range(1, 17)]
