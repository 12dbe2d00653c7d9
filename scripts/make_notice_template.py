"""Write templates/notice.docx, the Word template of a 整改通知 (and 退回修改 notice).

    python scripts/make_notice_template.py

The notice shares the report template's styles, page and page numbers (make_word_template):
A4 with GB/T 9704 margins, 公文 fonts. Its body is docxtpl tags: the title, the unit as
addressee, the opening, a table of the findings (序号, 位置, 原文, 应为, 说明), the deadline,
how to re-publish, the sender and date. An office may open it in Word or WPS, add its
letterhead or change the words around the tags, save it as notice.docx in its own templates
folder and pass that folder with --templates.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("make_word_template", Path(__file__).with_name("make_word_template.py"))
base = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(base)

OUT = base.OUT.with_name("notice.docx")
WIDTHS = (700, 2400, 1350, 1350, 3045)  # twips: 序号, 位置, 原文, 应为, 说明 (the text width is 8845)
HEADS = ("序号", "位置", "原文", "应为", "说明")
BORDER = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def cell(text: str, width: int, bold: bool = False, center: bool = False) -> str:
    run_pr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    jc = f'<w:jc w:val="{"center" if center else "left"}"/>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}</w:pPr><w:r>{run_pr}'
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
    )


def row(cells: list[str], header: bool = False) -> str:
    trpr = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def control_row(tag: str) -> str:
    """A row holding only a docxtpl row tag; docxtpl removes the row itself."""
    return row([cell(tag, WIDTHS[0])] + [cell("", w) for w in WIDTHS[1:]])


TABLE = (
    f'<w:tbl><w:tblPr><w:tblW w:w="{sum(WIDTHS)}" w:type="dxa"/><w:jc w:val="center"/>'
    f'<w:tblBorders>{BORDER}</w:tblBorders><w:tblLayout w:type="fixed"/>'
    '<w:tblCellMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    "<w:tblGrid>"
    + "".join(f'<w:gridCol w:w="{w}"/>' for w in WIDTHS)
    + "</w:tblGrid>"
    + row([cell(h, w, bold=True, center=True) for h, w in zip(HEADS, WIDTHS)], header=True)
    + control_row("{%tr for item in findings %}")
    + row(
        [
            cell("{{ item.number }}", WIDTHS[0], center=True),
            cell("{{ item.position }}", WIDTHS[1]),
            cell("{{ item.published }}", WIDTHS[2]),
            cell("{{ item.expected }}", WIDTHS[3]),
            cell("{{ item.message }}", WIDTHS[4]),
        ]
    )
    + control_row("{%tr endfor %}")
    + "</w:tbl>"
)

para, tag, kept = base.para, base.tag, base.kept
FLUSH = '<w:p><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>'

BODY = "".join(
    [
        para("{{ title }}", "Title"),
        FLUSH.format("{{ unit }}："),
        tag("{%p for paragraph in opening %}"),
        para("{{ paragraph }}"),
        tag("{%p endfor %}"),
        TABLE,
        para(""),
        tag("{%p for paragraph in closing %}"),
        para("{{ paragraph }}"),
        tag("{%p endfor %}"),
        kept(""),
        kept("{{ sender }}", "Signature"),
        para("{{ date }}", "Signature"),
    ]
)


def main(out: Path = OUT) -> None:
    document = base.XML + (
        f'<w:document xmlns:w="{base.W}" xmlns:r="{base.R}"><w:body>{BODY}{base.SECTION}</w:body></w:document>'
    )
    core = base.CORE.replace("政府信息公开工作年度报告（模板）", "整改通知（模板）")
    parts = base.PARTS | {"word/document.xml": document, "docProps/core.xml": core}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
