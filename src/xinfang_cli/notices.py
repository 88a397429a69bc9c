"""The letters themselves (.docx): what each letter says, filled from the ledger into the
office's template (docxtpl: Jinja placeholders inside a Word document), and the templates — the
package's defaults, or the office's own ones stored in the ledger (`template export/load`), so
every clerk prints the same letter.

A letter addresses the petitioner by full name (it is sent to them); an anonymous case's letter
says so instead, and a confidential case's (检举控告, Art. 30) names nobody and leaves the matter
out, so it can never name the accused. Dates are written the Chinese way (2025年3月3日).
Writing a letter records its generation (`letters.record_notice`) in the same transaction.
No Typer, no Rich.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from .audit import utc_now
from .correspondence import case_reviews
from .errors import FileFormatError, InputError, os_reason
from .labels import DECISION_LABELS, NOTICE_LABELS
from .ledger import Ledger
from .letters import record_notice
from .models import Case, NoticeTemplate
from .numbering import find_case
from .rules import REVIEW_DAYS
from .standing import current_due

# Every placeholder a template may use, and what it holds (the help of `template export`).
PLACEHOLDERS: dict[str, str] = {
    "number": "案件编号",
    "title": "告知书名称",
    "office": "落款单位（分类体系 settings.office_name）",
    "letter_date": "落款日期",
    "petitioner": "信访人姓名（匿名、保密件写明）",
    "received_on": "信访日期",
    "summary": "反映问题（保密件从略）",
    "facts": "反映的事实（具体内容，保密件从略）",
    "accepted_on": "受理日期",
    "lead_dept": "主办单位",
    "due_on": "办结期限（含延期）",
    "rejected_on": "不予受理日期",
    "reject_reason": "不予受理理由",
    "referral": "告知的途径（法院、仲裁等）",
    "extended_on": "延期日期",
    "extended_days": "延期天数",
    "extend_reason": "延期理由",
    "closed_on": "办结日期",
    "outcome": "办理结果类型（三到位一处理）",
    "result": "办理结果（保密件从略）",
    "review_days": "申请复查、复核的期限（30）",
    "review_body": "复查机关（settings.review_body）",
    "final_review_body": "复核机关（settings.final_review_body）",
    "requested_on": "复查/复核申请日期",
    "decided_on": "复查/复核决定日期",
    "decision": "复查/复核决定（维持、撤销、变更）",
    "review_result": "复查/复核意见（保密件从略）",
}
SECRET = "（保密事项，内容从略；详情请到信访工作机构当面了解）"


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def file_name(kind: str) -> str:
    """The template's file name in an exported folder: 受理告知书.docx …"""
    return f"{NOTICE_LABELS[kind]}.docx"


# --- what a letter says ---------------------------------------------------------------------
def letter_context(
    ledger: Ledger, session: Session, case: Case, kind: str, on: date
) -> dict[str, Any]:
    """The values of the placeholders for this case's letter of this kind."""
    tax = ledger.taxonomy
    secret = case.confidential
    if secret:
        petitioner = "信访人（保密件，姓名从略）"
    elif not case.name:
        petitioner = "信访人（匿名）"
    else:
        petitioner = case.name
    assert case.id is not None
    reviews = {r.level: r for r in case_reviews(session, case.id)}
    review = reviews.get("final_review" if kind == "final_review_answer" else "review")
    return {
        "number": case.number,
        "title": NOTICE_LABELS[kind],
        "office": tax.office_name,
        "letter_date": chinese_date(on),
        "petitioner": petitioner,
        "received_on": chinese_date(case.received_on),
        "summary": "检举控告" if secret else case.summary,
        "facts": SECRET if secret else (case.content or case.summary),
        "accepted_on": chinese_date(case.accepted_on),
        "lead_dept": case.lead_dept or "",
        "due_on": chinese_date(current_due(case)),
        "rejected_on": chinese_date(case.rejected_on),
        "reject_reason": case.reject_reason or "",
        "referral": case.referral or "",
        "extended_on": chinese_date(case.extended_on),
        "extended_days": str(case.extended_days or ""),
        "extend_reason": case.extend_reason or "",
        "closed_on": chinese_date(case.closed_on),
        "outcome": tax.label("outcomes", case.outcome) if case.outcome else "",
        "result": SECRET if secret else (case.result or ""),
        "review_days": str(REVIEW_DAYS),
        "review_body": tax.review_body,
        "final_review_body": tax.final_review_body,
        "requested_on": chinese_date(review.requested_on) if review else "",
        "decided_on": chinese_date(review.decided_on) if review else "",
        "decision": DECISION_LABELS.get(review.decision or "", "") if review else "",
        "review_result": (SECRET if secret else (review.result or "")) if review else "",
    }


# --- templates --------------------------------------------------------------------------------
def default_template(kind: str) -> bytes:
    return (resources.files("xinfang_cli") / "templates" / f"{kind}.docx").read_bytes()


def stored_template(session: Session, kind: str) -> NoticeTemplate | None:
    return session.exec(
        select(NoticeTemplate)
        .where(col(NoticeTemplate.kind) == kind)
        .order_by(col(NoticeTemplate.id).desc())
        .limit(1)
    ).first()


def template_in_force(session: Session, kind: str) -> tuple[bytes, bool]:
    """(the template's bytes, whether it is the office's own)."""
    row = stored_template(session, kind)
    return (row.content, True) if row is not None else (default_template(kind), False)


def check_template(data: bytes, name: str) -> set[str]:
    """A template that can fill every letter: a readable .docx whose placeholders are all known.
    Returns the placeholders it uses."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileFormatError(f"模板 {name} 不是有效的 Word（.docx）文件。")
    try:
        template = DocxTemplate(io.BytesIO(data))
        used = set(template.get_undeclared_template_variables())
    except TemplateError as exc:
        raise FileFormatError(f"模板 {name} 中的占位符写法有误：{exc}。") from None
    except Exception as exc:  # a zip that is not a Word document, a damaged part
        raise FileFormatError(
            f"模板 {name} 不是有效的 Word（.docx）文件（{type(exc).__name__}）。"
        ) from None
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        shown = "、".join("{{ " + u + " }}" for u in unknown)
        raise FileFormatError(
            f"模板 {name} 中有未知的占位符：{shown}。可用的占位符：{'、'.join(PLACEHOLDERS)}。"
        )
    return used


def render(data: bytes, context: dict[str, Any], name: str) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    try:
        template = DocxTemplate(io.BytesIO(data))
        # A template is a file someone edited: it fills placeholders and nothing more (sandboxed);
        # what the public wrote (& < >) is text in the letter, never Word markup (autoescape).
        template.render(context, jinja_env=SandboxedEnvironment(), autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
    except Exception as exc:  # a stored template that no longer renders
        raise FileFormatError(f"无法用模板 {name} 生成告知书：{exc}") from None
    return buffer.getvalue()


@dataclass(frozen=True)
class Written:
    path: Path
    number: str
    kind: str
    own_template: bool


def write_notice(
    ledger: Ledger,
    number: str,
    kind: str,
    *,
    on: date,
    today: date,
    target: Path | None,
    directory: Path,
) -> Written:
    """`notice`: check the case's state, fill the template, write the .docx (0600) and record the
    generation — all or nothing."""
    with ledger.transaction() as (session, log):
        case = find_case(session, number)
        record_notice(ledger, session, log, case, kind=kind, on=on, today=today)
        data, own = template_in_force(session, kind)
        letter = render(data, letter_context(ledger, session, case, kind, on), file_name(kind))
        path = (
            target
            if target is not None
            else directory / f"{case.number}-{NOTICE_LABELS[kind]}.docx"
        )
        write_private(path, letter)
        try:
            session.flush()
        except Exception:
            path.unlink(missing_ok=True)
            raise
    return Written(path, case.number, kind, own)


def write_private(path: Path, data: bytes) -> None:
    """A file only its owner may read (a letter names the petitioner)."""
    if path.suffix.lower() != ".docx":
        raise InputError(f"告知书文件名应以 .docx 结尾（现为 {path.name}）。")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(path, 0o600)
    except IsADirectoryError:
        raise FileFormatError(f"{path} 是一个目录，请给出文件名。") from None
    except OSError as exc:
        raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None


def export_templates(ledger: Ledger, directory: Path) -> list[tuple[Path, bool]]:
    """`template export`: the templates in force, as 受理告知书.docx … in DIR."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileFormatError(f"无法创建目录 {directory}：{os_reason(exc)}") from None
    if not directory.is_dir():
        raise FileFormatError(f"{directory} 不是目录。")
    out = []
    with ledger.reading() as session:
        for kind in NOTICE_LABELS:
            data, own = template_in_force(session, kind)
            path = directory / file_name(kind)
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise FileFormatError(f"无法写入 {path}：{os_reason(exc)}") from None
            out.append((path, own))
    return out


def load_templates(ledger: Ledger, directory: Path) -> list[str]:
    """`template load`: every template found in DIR (by file name) is checked first; then all are
    stored, each with an event. Returns the kinds loaded."""
    if not directory.is_dir():
        raise FileFormatError(f"找不到模板目录 {directory}。")
    found: dict[str, bytes] = {}
    for kind in NOTICE_LABELS:
        path = directory / file_name(kind)
        if path.exists():
            try:
                found[kind] = path.read_bytes()
            except OSError as exc:
                raise FileFormatError(f"无法读取 {path}：{os_reason(exc)}") from None
    if not found:
        names = "、".join(file_name(k) for k in NOTICE_LABELS)
        raise FileFormatError(f"目录 {directory} 中没有告知书模板（应为：{names}）。")
    for kind, data in found.items():
        check_template(data, file_name(kind))
    loaded = []
    with ledger.transaction() as (session, log):
        for kind, data in found.items():
            sha = hashlib.sha256(data).hexdigest()
            current = stored_template(session, kind)
            if current is not None and current.sha256 == sha:
                continue
            if current is None and data == default_template(kind):
                continue
            at = utc_now()
            session.add(
                NoticeTemplate(kind=kind, loaded_at=at, actor=log.actor, content=data, sha256=sha)
            )
            log.record(
                "template_load",
                changes={"template_kind": (None, kind), "template_sha256": (None, sha)},
                reason=f"载入 {file_name(kind)}",
                at=at,
            )
            loaded.append(kind)
    return loaded
