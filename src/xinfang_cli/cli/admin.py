"""Commands that look after the ledger itself: init (private or shared), verify, backup, restore
and doctor. (The taxonomy and its calendar: cli/taxonomy.py.)"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import (
    done,
    done_quietly,
    emit_json,
    err,
    guard,
    ledger_url,
    out,
    read_text,
    settings,
    today,
)

if TYPE_CHECKING:
    from ..restore import RestoreResult

ADMIN_PANEL = "账本管理"


def register(app: typer.Typer) -> None:
    app.command("init", rich_help_panel=ADMIN_PANEL)(init)
    app.command("verify", rich_help_panel=ADMIN_PANEL)(verify)
    app.command("backup", rich_help_panel=ADMIN_PANEL)(backup)
    app.command("restore", rich_help_panel=ADMIN_PANEL)(restore)
    app.command("doctor", rich_help_panel=ADMIN_PANEL)(doctor)
    app.command("migrate-to", rich_help_panel=ADMIN_PANEL)(migrate_to)


@guard
def init(
    ctx: typer.Context,
    taxonomy: Annotated[
        Optional[Path],
        typer.Option("--taxonomy", help="用此 TOML 文件作为分类体系（默认内置分类）"),
    ] = None,
    shared: Annotated[
        Optional[str],
        typer.Option(
            "--shared",
            metavar="用户组",
            help="账本由该 Unix 用户组共用：账本 0660、目录 2770（setgid），组外的人无法打开；"
            "已有的账本改为该组共用",
        ),
    ] = None,
) -> None:
    """创建账本并写入分类体系：默认仅本人可读写；--shared 用户组：组内各位工作人员共用。

    账本所在目录已属于某用户组并设有 setgid 位（2770）时，新账本自动由该组共用。
    """
    from ..db import describe, sqlite_path
    from ..errors import InputError, NotAllowed
    from ..ledger import open_ledger as open_raw
    from ..sharing import prepare_shared
    from ..taxonomy import parse_taxonomy

    source = None
    if taxonomy is not None:
        source = read_text(taxonomy)
        parse_taxonomy(source)  # refuse a bad file before anything is created
    from .common import actor

    url = ledger_url(ctx)
    path = sqlite_path(url)
    existed = _has_ledger(path)
    if existed and source is not None:
        raise NotAllowed(
            f"账本 {describe(url)} 已存在；如需更换分类体系请用 xinfang taxonomy load {taxonomy}。"
        )
    setup = None
    if shared is not None:
        if path is None:
            raise InputError(
                f"--shared 只适用于 SQLite 账本文件；{describe(url)} 由数据库服务器管理权限"
                "（为每位工作人员建数据库账户并 GRANT）。"
            )
        setup = prepare_shared(path, shared)
    try:
        ledger = open_raw(url, actor=actor(ctx), create=True, taxonomy_source=source)
    except BaseException:
        if setup is not None and path is not None:  # nothing changed: not even an empty file
            if setup.file_made:
                path.unlink(missing_ok=True)
            if setup.directory_made and not any(path.parent.iterdir()):
                path.parent.rmdir()
        raise
    ledger.engine.dispose()
    made_dir = ""
    if setup is not None and setup.directory_made and path is not None:
        made_dir = f"已创建目录 {path.parent}（2770）。"
    sharing_words = _access_words(path)
    if existed and not ledger.created:
        if source is not None:
            raise NotAllowed(
                f"账本 {ledger.location} 已存在；如需更换分类体系请用 xinfang taxonomy load {taxonomy}。"
            )
        if setup is not None and setup.converted:
            done(f"{made_dir}账本 {ledger.location} 已存在，已改为{sharing_words}。")
        else:
            done(f"账本 {ledger.location} 已存在，未作改动。")
        return
    words = f"；{sharing_words}" if sharing_words else ""
    done(
        f"{made_dir}已创建账本 {ledger.location}（{len(ledger.taxonomy.categories)} 个类别、"
        f"{len(ledger.taxonomy.departments)} 个单位{words}）。"
    )


def _has_ledger(path: Optional[Path]) -> bool:
    """A non-empty file at the ledger's path (False for a server ledger: asked on opening)."""
    from ..errors import LedgerUnavailable
    from ..sharing import access_problem

    if path is None:
        return False
    try:
        return path.exists() and path.stat().st_size > 0
    except PermissionError:
        raise LedgerUnavailable(
            access_problem(path, write=True) or f"无法查看 {path}：没有权限。"
        ) from None


def _access_words(path: Optional[Path]) -> str:
    """仅本人可读写 / 用户组 xinfang 共用，权限 0660 — for a SQLite ledger; "" for a server."""
    from ..sharing import group_name, mode_text

    if path is None:
        return ""
    st = path.stat()
    if st.st_mode & 0o060 == 0o060:
        return f"用户组 {group_name(st.st_gid)} 共用，权限 {mode_text(st.st_mode)}"
    return f"仅本人可读写，权限 {mode_text(st.st_mode)}"


PROBLEMS_SHOWN = 200  # problems listed on screen; --json carries up to verify.MAX_KEPT


@guard
def verify(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="输出一个 JSON 对象：ok、cases、events、problems"),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="通过时也说一句（不在终端上时默认不说）")
    ] = False,
) -> None:
    """校验账本：数据库完整性、操作日志哈希链、每件案件与其操作日志是否一致。

    发现的问题逐条列出（每行一条）。退出码：0 校验通过；1 发现问题；
    2 无法校验（账本不存在、无法打开或已损坏）。通过时只在终端上说一句，
    所以放进 cron 只在出问题时才有邮件。
    """
    from ..verify import verify_ledger
    from .wrap import Wrap

    report = verify_ledger(ledger_url(ctx))
    if as_json:
        emit_json(report.to_json())
    if report.ok:
        done_quietly(
            f"账本校验通过：{report.cases} 件案件、{report.events} 条操作日志，哈希链完整。",
            verbose=verbose,
        )
        return
    if not as_json:
        for problem in report.problems[:PROBLEMS_SHOWN]:
            out.print(
                Wrap(problem.message) if out.is_terminal else problem.message,
                markup=False,
                soft_wrap=not out.is_terminal,
            )
        hidden = report.problem_count - min(len(report.problems), PROBLEMS_SHOWN)
        if hidden:
            out.print(f"……另有 {hidden} 个问题未列出（可用 --json 查看更多）。", markup=False)
    scope = (
        f"（共 {report.cases} 件案件、{report.events} 条操作日志）"
        if report.complete
        else "（账本文件受损，未再核对操作日志和案件）"
    )
    done(f"账本校验未通过：发现 {report.problem_count} 个问题{scope}。")
    raise typer.Exit(1)


@guard
def backup(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="备份文件（如 ledger-2025-12-31.db），或一个目录：在其中写入带日期时间的文件"
            "（如 ledger-2026-12-02T0730.db）",
            show_default=False,
            readable=False,  # checked by backup itself, with a message in Chinese
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="备份文件已存在时覆盖它")] = False,
    keep: Annotated[
        Optional[int],
        typer.Option(
            "--keep", help="备份到目录时只保留最新的 N 份本账本的备份，删除更早的", metavar="N"
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="成功时也说一句（不在终端上时默认不说）")
    ] = False,
) -> None:
    """备份账本：他人正在写入时也能得到一致的副本（只含已提交的内容）。

    副本仅本人可读写（0600）；共用账本的副本该用户组可读（0640），工作人员可用 --db 打开查看。
    只支持 SQLite 账本；PostgreSQL 等请用数据库自带的工具（如 pg_dump）。
    成功时只在终端上说一句，所以放进 cron 只在出问题时才有邮件。
    """
    from ..backup import backup_ledger, human_size
    from ..sharing import mode_text

    result = backup_ledger(ledger_url(ctx), file, force=force, keep=keep)
    removed = f"；已删除较早的备份 {len(result.removed)} 份" if result.removed else ""
    done_quietly(
        f"已备份到 {result.path}（{result.cases} 件案件，大小 {human_size(result.size)}，"
        f"权限 {mode_text(result.mode)}{removed}）。",
        verbose=verbose,
    )


@guard
def restore(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="备份文件（xinfang backup 做的）",
            show_default=False,
            readable=False,  # checked by restore itself, with a message in Chinese
        ),
    ],
    next_number: Annotated[
        Optional[str],
        typer.Option(
            "--next-number",
            metavar="编号",
            help="恢复后下一件新登记案件的编号（如 XF2026-0060）：备份之后已发出的编号不再使用",
        ),
    ] = None,
) -> None:
    """用备份恢复账本：先校验备份；原账本连同 -wal/-shm 移到一旁（不删除）；保留原账本的属主、用户组和权限。

    恢复前请让各位工作人员退出、暂停 cron 任务：账本正被使用时不予恢复。
    能读取原账本时，备份之后发出的编号会列出并不再使用；无法读取时须用 --next-number 指定下一个编号。
    恢复记入操作日志（“从备份恢复”），之后 xinfang verify 照常通过。
    """
    from ..restore import restore_ledger
    from .common import actor

    result = restore_ledger(ledger_url(ctx), file, actor=actor(ctx), next_number=next_number)
    for line in render_restore(result):
        done(line)


def render_restore(result: "RestoreResult") -> list[str]:
    from ..sharing import mode_text

    taken = result.taken_at.strftime("%Y-%m-%d %H:%M")
    last = ""
    if result.last_event_at:
        from datetime import datetime

        when = datetime.fromisoformat(result.last_event_at).astimezone()
        last = f"，其中最后一次改动记于 {when:%Y-%m-%d %H:%M}"
    lines = [
        f"已用备份 {result.backup}（取于 {taken}{last}）恢复账本 {result.ledger}：{result.cases} 件案件，校验通过。"
    ]
    if result.aside:
        lines.append("原账本已移到一旁（未删除）：" + "、".join(p.name for p in result.aside))
    kept = f"属主 {result.owner}、用户组 {result.group}、权限 {mode_text(result.mode)}"
    if result.not_kept:
        lines.append(f"账本为{kept}；未能保持原样的：{result.not_kept}。")
    else:
        lines.append(f"账本为{kept}（与原账本相同）。" if result.aside else f"账本为{kept}。")
    if result.after_backup:
        shown = "、".join(result.after_backup[:20])
        more = f" 等 {len(result.after_backup)} 个" if len(result.after_backup) > 20 else ""
        lines.append(
            f"备份之后发出、备份中没有的编号：{shown}{more}。这些案件需要按原编号补录"
            "（可用 xinfang import 带“编号”列导入）。"
        )
    elif result.current_readable:
        lines.append("原账本中没有备份之后发出的编号。")
    if result.next_numbers:
        lines.append(
            "新登记的编号将从 " + "、".join(result.next_numbers) + " 起，不会重复使用已发出的编号。"
        )
    return lines


@guard
def doctor(ctx: typer.Context) -> None:
    """检查账本的设置：位置及其来源、属主与权限、当前账户能否读写、-wal/-shm、结构版本、节假日数据。

    每项一行；有问题时附上修复命令（如 chgrp/chmod）。退出码：0 一切正常；1 发现问题。
    """
    from ..doctor import diagnose

    s = settings(ctx)
    report = diagnose(None if s.db_from_env else s.db, today=today())
    for finding in report.findings:
        mark = "✓" if finding.ok else "✗"
        out.print(f"{mark} {finding.topic}：{finding.text}", markup=False, soft_wrap=True)
        if finding.fix:
            out.print(f"    修复：{finding.fix}", markup=False, soft_wrap=True)
    if not report.ok:
        problems = sum(1 for f in report.findings if not f.ok)
        err.print(f"发现 {problems} 个问题，修复办法见上。", markup=False)
        raise typer.Exit(1)


@guard
def migrate_to(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            help="目标数据库地址，如 postgresql+psycopg://用户@主机/库（须是新建的空库）",
            show_default=False,
            metavar="地址",
        ),
    ],
) -> None:
    """把当前账本（通常是 SQLite 文件）整体搬到另一个数据库（如学校的 PostgreSQL）。

    案件、协办单位、改派记录、分类体系各版本和全部操作日志原样复制（编号、时间、哈希都不变），
    搬完后在目标上运行校验。目标库须为空：不要先对它运行 init。原账本不作任何改动。
    """
    from ..db import resolve_url
    from ..moving import move
    from ..verify import verify_ledger

    result = move(settings(ctx).db, url)
    report = verify_ledger(resolve_url(url))
    counts = "、".join(f"{name} {n}" for name, n in result.rows.items())
    if not report.ok:
        done(
            f"已复制到 {result.target}（{counts}），但校验发现 {report.problem_count} 个问题：请运行 xinfang --db {result.target} verify 查看。"
        )
        raise typer.Exit(1)
    done(
        f"已把 {result.source} 复制到 {result.target}（{counts}），校验通过：{report.cases} 件案件、"
        f"{report.events} 条操作日志，哈希链完整。以后请用 --db 或 XINFANG_DB 指向新地址。"
    )
