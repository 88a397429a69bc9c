"""The options `add` and `amend` share (the registration fields, as the case file names them),
and shell completion of the values the taxonomy enumerates.

Completion reads the taxonomy without SQLAlchemy: the ledger's own (plain sqlite3, read-only)
when a SQLite ledger is named by --db or XINFANG_DB and exists, else the default one shipped with
the package — so a TAB costs about what `--help` costs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy


# --- completion -------------------------------------------------------------------------------
def _taxonomy(ctx: Any = None) -> Taxonomy:
    from ..taxonomy import default_taxonomy, parse_taxonomy

    db = None
    root = ctx.find_root() if ctx is not None else None
    if root is not None:
        db = root.params.get("db")
    db = db or os.environ.get("XINFANG_DB")
    if db and "://" not in db and os.path.isfile(db):
        import sqlite3
        from pathlib import Path

        try:
            uri = Path(db).resolve().as_uri() + "?mode=ro"
            con = sqlite3.connect(uri, uri=True, timeout=1)
            try:
                row = con.execute(
                    "SELECT source FROM taxonomy_versions ORDER BY id DESC LIMIT 1"
                ).fetchone()
            finally:
                con.close()
            if row:
                return parse_taxonomy(row[0])
        except Exception:  # noqa: BLE001 - completion must never fail; fall back to the default
            pass
    return default_taxonomy()


def _matching(words: list[str], incomplete: str) -> list[str]:
    return [w for w in words if w.startswith(incomplete)]


def complete_category(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching([c.name for c in _taxonomy(ctx).categories.values()], incomplete)


def complete_department(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(list(_taxonomy(ctx).departments), incomplete)


def complete_group(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(list(_taxonomy(ctx).groups.values()), incomplete)


def _enum(kind: str) -> Any:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        return _matching(list(_taxonomy(ctx).enums[kind].values()), incomplete)

    return complete


complete_channel = _enum("channels")
complete_identity = _enum("identities")
complete_nature = _enum("natures")
complete_outcome = _enum("outcomes")
complete_rating = _enum("ratings")


def complete_status(incomplete: str) -> list[str]:
    from ..labels import STATUS_CHOICES

    return _matching(list(STATUS_CHOICES), incomplete)


def complete_figure(incomplete: str) -> list[tuple[str, str]]:
    from ..labels import ANNUAL_FIGURES, MONTHLY_FIGURES

    labels = {
        **ANNUAL_FIGURES,
        **{k: v for k, v in MONTHLY_FIGURES.items() if k not in ANNUAL_FIGURES},
    }
    return [(key, label) for key, label in labels.items() if key.startswith(incomplete)]


# --- the registration fields ------------------------------------------------------------------
Received = Annotated[
    Optional[str],
    typer.Option("--received", help="信访日期，如 2025-03-04、3月4日、昨天（add 默认今天）"),
]
Channel = Annotated[
    Optional[str],
    typer.Option(
        "--channel",
        help="信访形式：来信、来访、来电、校长信箱…（或英文键 letter、visit…）",
        autocompletion=complete_channel,
    ),
]
Name = Annotated[Optional[str], typer.Option("--name", help="信访人姓名")]
Anonymous = Annotated[bool, typer.Option("--anonymous", help="匿名信访（不记录姓名）")]
Identity = Annotated[
    Optional[str],
    typer.Option(
        "--identity",
        help="身份：学生、教职工、离退休、家长、校友、校外",
        autocompletion=complete_identity,
    ),
]
Unit = Annotated[Optional[str], typer.Option("--unit", help="单位：学院/部门/班级")]
Phone = Annotated[Optional[str], typer.Option("--phone", help="联系电话（手机或 0xx-xxxxxxx）")]
IdNumber = Annotated[Optional[str], typer.Option("--id-number", help="身份证号（18 位，校验）")]
Persons = Annotated[Optional[str], typer.Option("--persons", help="人数（默认 1；≥5 计为集体访）")]
Summary = Annotated[Optional[str], typer.Option("--summary", help="反映问题（一句话概括）")]
Content = Annotated[Optional[str], typer.Option("--content", help="具体内容")]
Nature = Annotated[
    Optional[str],
    typer.Option(
        "--nature", help="性质：建议意见、检举控告、申诉求决", autocompletion=complete_nature
    ),
]
Category = Annotated[
    Optional[str],
    typer.Option("--category", help="事项类别，如 宿舍与住宿", autocompletion=complete_category),
]
RepeatOf = Annotated[Optional[str], typer.Option("--repeat-of", help="重复信访：原件编号")]
Confidential = Annotated[
    Optional[bool],
    typer.Option(
        "--confidential/--not-confidential", help="保密（检举控告默认保密）", show_default=False
    ),
]
Dept = Annotated[
    Optional[str],
    typer.Option("--dept", help="主办单位", autocompletion=complete_department),
]
CoDepts = Annotated[
    Optional[list[str]],
    typer.Option(
        "--co", help="协办单位，可重复", metavar="单位", autocompletion=complete_department
    ),
]
Reason = Annotated[
    Optional[str], typer.Option("--reason", help="原因（必填，记入操作日志）", show_default=False)
]
