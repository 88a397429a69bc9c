"""An open ledger: where it is, its engine, the taxonomy and calendar in force, who is acting;
opening (and creating) it, units of work, replacing the taxonomy, and the one way a case row is
changed (`touch`, with the old → new pairs an audit event records). No Typer, no Rich.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from . import deadlines
from .audit import AuditLog, utc_now
from .db import WRITE, describe, explain, open_engine, resolve_url, sqlite_path
from .errors import FileFormatError, LedgerUnavailable, XinfangError
from .models import Case, TaxonomyVersion
from .taxonomy import Taxonomy, default_source, parse_taxonomy


# --- opening ------------------------------------------------------------------------------
@dataclass
class Ledger:
    """An open ledger: its engine, the taxonomy in force, and who is acting."""

    engine: Engine
    url: str
    actor: str
    taxonomy: Taxonomy
    created: bool = False
    # Whether a unit of work of this command has committed: a Ctrl-C after it cannot be reported
    # as leaving the ledger unchanged.
    committed: bool = field(default=False, init=False)
    calendar: deadlines.WorkCalendar = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = deadlines.load_calendar(self.taxonomy.holidays, self.taxonomy.workdays)

    @property
    def location(self) -> str:
        return describe(self.url)

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, AuditLog]]:
        """One unit of work: everything in it, audit events included, commits or none of it."""
        with Session(self.engine.execution_options(**WRITE), expire_on_commit=False) as session:
            try:
                if self.engine.dialect.name == "postgresql":
                    # Writers queue up front, as SQLite's BEGIN IMMEDIATE makes them: the next case
                    # number and the audit chain's tip are read by one writer at a time. (Plain
                    # reads take no lock this conflicts with.)
                    session.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
                yield session, AuditLog(session, self.actor)
                with _interrupt_held():
                    session.commit()
                    self.committed = True
            except XinfangError:
                session.rollback()
                raise
            except SQLAlchemyError as exc:
                session.rollback()
                raise LedgerUnavailable(f"写入账本失败：{explain(exc)}") from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except SQLAlchemyError as exc:
                raise LedgerUnavailable(f"读取账本失败：{explain(exc)}") from exc


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl-C held back while a commit runs and raised right after it, so that whoever catches
    it knows from `Ledger.committed` whether the ledger changed (never a commit half-told)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # a handler not set from Python: leave it alone
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def open_ledger(
    db: str | None, *, actor: str, create: bool, taxonomy_source: str | None = None
) -> Ledger:
    """Open (and with `create`, make) the ledger; a new ledger gets the given or default taxonomy."""
    url = resolve_url(db)
    engine, created = open_engine(url, create=create)
    try:
        bind = engine.execution_options(**WRITE) if create else engine
        with Session(bind, expire_on_commit=False) as session:
            row = session.exec(
                select(TaxonomyVersion).order_by(col(TaxonomyVersion.id).desc()).limit(1)
            ).first()
            if row is None:
                if not create:
                    raise LedgerUnavailable(
                        f"账本 {describe(url)} 尚未初始化。请先运行 xinfang init。"
                    )
                source = taxonomy_source or default_source()
                taxonomy = parse_taxonomy(source)
                store_taxonomy(session, AuditLog(session, actor), taxonomy, action="init")
                session.commit()
            else:
                taxonomy = stored_taxonomy(row.source, row.sha256, url)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise LedgerUnavailable(f"无法读取账本 {describe(url)}：{explain(exc)}") from exc
    return Ledger(engine=engine, url=url, actor=actor, taxonomy=taxonomy, created=created)


def stored_taxonomy(source: str, sha256: str, url: str) -> Taxonomy:
    """The taxonomy a ledger keeps, read back; a stored text that no longer matches its own
    digest or no longer parses means the file itself is damaged, and is said so."""
    damaged = f"账本 {describe(url)} 已损坏：其中保存的分类体系无法读取。请用备份恢复（xinfang restore）。"
    if hashlib.sha256(source.encode("utf-8")).hexdigest() != sha256:
        raise LedgerUnavailable(damaged)
    try:
        return parse_taxonomy(source)
    except FileFormatError as exc:
        raise LedgerUnavailable(damaged) from exc


def discard_if_unused(ledger: Ledger) -> bool:
    """Delete a SQLite ledger this command created, when the command failed before any case was
    written: a failed first command must not leave an empty ledger at a (perhaps mistyped) path,
    where the next read would find it instead of failing. Returns whether it was deleted."""
    path = sqlite_path(ledger.url)
    if not ledger.created or path is None:
        return False
    try:
        with Session(ledger.engine) as session:
            if session.exec(select(func.count()).select_from(Case)).one():
                return False
    except SQLAlchemyError:
        return False
    finally:
        ledger.engine.dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return True


def store_taxonomy(session: Session, log: AuditLog, taxonomy: Taxonomy, *, action: str) -> None:
    at = utc_now()
    session.add(
        TaxonomyVersion(
            loaded_at=at, actor=log.actor, source=taxonomy.source, sha256=taxonomy.sha256
        )
    )
    log.record(
        action,
        changes={"taxonomy_sha256": (None, taxonomy.sha256)},
        reason="分类体系" + ("初始化" if action == "init" else "更新"),
        at=at,
    )


# --- changing a case row ------------------------------------------------------------------------
def diff(case: Case, **values: Any) -> dict[str, tuple[Any, Any]]:
    """The (old, new) pairs of the values that differ from the case's."""
    return {k: (getattr(case, k), v) for k, v in values.items() if getattr(case, k) != v}


def touch(case: Case, session: Session, changes: dict[str, tuple[Any, Any]]) -> None:
    """Apply (old, new) pairs to the case row."""
    for name, (_old, new) in changes.items():
        setattr(case, name, new)
    case.updated_at = utc_now()
    session.add(case)
