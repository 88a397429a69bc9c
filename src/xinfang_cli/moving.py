"""Moving a ledger to another database (`xinfang migrate-to URL`): an office's SQLite file onto the
school's PostgreSQL server, with every case, co-department, handover, taxonomy version and audit
event copied as stored — ids, timestamps, salts and hashes included — so the hash chain and
`verify` hold on the target exactly as on the source.

The target is brought to the newest schema first and must hold no cases or events; the copy is
one transaction on the target (all or nothing). On PostgreSQL the id sequences are set past the
copied ids afterwards. No Typer, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from . import models  # noqa: F401  (the tables on SQLModel.metadata)
from .db import describe, explain, open_engine, resolve_url
from .errors import InputError, LedgerUnavailable

CHUNK = 5000


@dataclass
class MoveResult:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)


def tables() -> list[Table]:
    """The ledger's tables, parents before children."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]


def move(source_db: str | None, target_url: str) -> MoveResult:
    """Copy the ledger at `source_db` into the empty ledger at `target_url`."""
    source = resolve_url(source_db)
    target = resolve_url(target_url)
    if source == target:
        raise InputError("目标账本就是当前账本，请给出另一个数据库地址。")
    src, _ = open_engine(source, create=False)
    dst, _ = open_engine(target, create=True)
    result = MoveResult(describe(source), describe(target))
    try:
        with dst.connect() as check:
            for name in ("cases", "events"):
                count = check.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                if count:
                    raise InputError(
                        f"目标账本 {result.target} 不是空的（已有 {count} 条 {name} 记录），未复制。"
                        "请给出一个新建的空数据库。"
                    )
        with src.connect() as reader, dst.begin() as writer:
            for table in tables():
                result.rows[table.name] = _copy(reader, writer, table)
            if dst.dialect.name == "postgresql":
                for table in tables():
                    if "id" in table.c and table.c.id.autoincrement is not False:
                        writer.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                            )
                        )
    except SQLAlchemyError as exc:
        raise LedgerUnavailable(f"复制到 {result.target} 失败，目标未改动：{explain(exc)}") from exc
    finally:
        src.dispose()
        dst.dispose()
    return result


def _copy(reader: Connection, writer: Connection, table: Table) -> int:
    """Every row of `table`, in primary-key order, in batches of CHUNK."""
    copied = 0
    rows = reader.execute(select(table).order_by(*table.primary_key.columns)).mappings()
    while batch := [dict(row) for row in rows.fetchmany(CHUNK)]:
        writer.execute(insert(table), batch)
        copied += len(batch)
    return copied


def count_rows(url: str) -> dict[str, int]:
    engine, _ = open_engine(url, create=False)
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in tables()
            }
    finally:
        engine.dispose()
