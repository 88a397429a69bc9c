"""Build the default letter templates shipped in the package (src/xinfang_cli/templates/*.docx).

Each is a plain Word document with docxtpl placeholders ({{ number }}, {{ petitioner }}, …; the
full list is `notices.PLACEHOLDERS`). Run `make templates` after changing the wording here and
commit the .docx files; an office replaces them with its own (`xinfang template export/load`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "xinfang_cli" / "templates"

FONT = "仿宋"
TITLE_FONT = "宋体"

CLOSING = "特此告知。"

# kind → (title, body paragraphs). The body is written in the words of 《信访工作条例》.
LETTERS: dict[str, tuple[str, list[str]]] = {
    "accept": (
        "受理告知书",
        [
            "您于{{ received_on }}反映的“{{ summary }}”事项，经审查，符合《信访工作条例》规定的"
            "受理条件，本机关已于{{ accepted_on }}依法受理，交由{{ lead_dept }}主办。",
            "依照《信访工作条例》第三十四条，该事项将于{{ due_on }}前办理完毕，并书面答复您。",
            CLOSING,
        ],
    ),
    "reject": (
        "不予受理告知书",
        [
            "您于{{ received_on }}反映的“{{ summary }}”事项，经审查，本机关于{{ rejected_on }}"
            "决定不予受理。理由：{{ reject_reason }}。",
            "{% if referral %}请您依照法律法规规定的途径，向{{ referral }}提出。"
            "{% else %}请您依照法律法规规定的途径提出。{% endif %}",
            CLOSING,
        ],
    ),
    "extend": (
        "延期告知书",
        [
            "您于{{ received_on }}反映的“{{ summary }}”事项，本机关已于{{ accepted_on }}受理。"
            "因{{ extend_reason }}，经单位负责人批准，办理期限延长{{ extended_days }}日，"
            "将于{{ due_on }}前办理完毕，并书面答复您。",
            "依照《信访工作条例》第三十四条，" + CLOSING,
        ],
    ),
    "reply": (
        "处理意见书",
        [
            "您于{{ received_on }}反映的“{{ summary }}”事项，本机关于{{ accepted_on }}受理，"
            "交由{{ lead_dept }}办理，已于{{ closed_on }}办结。现将处理意见告知如下：",
            "一、反映的事实：{{ facts }}",
            "二、办理结果：{{ result }}",
            "三、处理结论：{{ outcome }}。",
            "如对本处理意见不服，可以自收到本意见书之日起{{ review_days }}日内"
            "向{{ review_body }}书面请求复查。",
        ],
    ),
    "review_answer": (
        "复查意见书",
        [
            "您于{{ requested_on }}对“{{ summary }}”事项的处理意见（{{ closed_on }}办结）"
            "提出复查请求。经复查，本机关于{{ decided_on }}决定：{{ decision }}原处理意见。",
            "复查意见：{{ review_result }}",
            "如对本复查意见不服，可以自收到本意见书之日起{{ review_days }}日内"
            "向{{ final_review_body }}书面请求复核。",
        ],
    ),
    "final_review_answer": (
        "复核意见书",
        [
            "您于{{ requested_on }}对“{{ summary }}”事项的复查意见提出复核请求。经复核，"
            "于{{ decided_on }}决定：{{ decision }}复查意见。",
            "复核意见：{{ review_result }}",
            "依照《信访工作条例》第三十六条，复核意见为最终意见；信访人对复核意见不服，"
            "仍以同一事实和理由提出信访的，不再受理。",
        ],
    ),
}


def _font(run, name: str, size: float, *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def build(kind: str, title: str, body: list[str]) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run("{{ office }}"), TITLE_FONT, 18, bold=True)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(title), TITLE_FONT, 22, bold=True)
    ref = doc.add_paragraph()
    ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(ref.add_run("编号：{{ number }}"), FONT, 14)

    _font(doc.add_paragraph().add_run("{{ petitioner }}："), FONT, 16)
    for text in body:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing = Pt(28)
        _font(paragraph.add_run(text), FONT, 16)

    doc.add_paragraph()
    for text in ("{{ office }}", "{{ letter_date }}"):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(paragraph.add_run(text), FONT, 16)
    core = doc.core_properties
    core.title = title
    core.author = "xinfang"
    core.comments = f"xinfang 告知书模板：{kind}"
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, (title, body) in LETTERS.items():
        path = OUT / f"{kind}.docx"
        build(kind, title, body).save(str(path))
        print(f"{path.relative_to(OUT.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
