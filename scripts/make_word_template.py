"""Write templates/report.docx, the Word template, from scratch.

    python scripts/make_word_template.py

The template is a small, complete WordprocessingML package written out part by part, so
that every style and setting in it is visible here: A4 with GB/T 9704 margins, 公文
fonts with the East Asian font set explicitly (no theme fonts), odd/even page numbers
"— N —", and a body of docxtpl tags. Clerks may open the result in Word or LibreOffice,
add a letterhead and save it; reportgen reads whatever they save.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from reportgen.renderers.fonts import font_table_entry

OUT = Path(__file__).resolve().parent.parent / "templates" / "report.docx"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

LATIN = "Times New Roman"
PT = 2  # half-points per point (w:sz)
TWIP = 20  # twips per point
MM = 56.7  # twips per millimetre


def fonts(east_asia: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'


def size(points: float) -> str:
    half = int(points * PT)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


BODY_PT = 16  # 三号
LINE = 28 * TWIP  # fixed 28 pt line spacing
INDENT = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'  # two characters of 三号
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def paragraph_style(style_id, name, ppr, rpr, based_on="Normal", next_style="Normal", extra=""):
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
        f'<w:next w:val="{next_style}"/>{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


STYLES = (
    XML
    + f'<w:styles xmlns:w="{W}" xmlns:r="{R}">'
    + "<w:docDefaults><w:rPrDefault><w:rPr>"
    + fonts("仿宋_GB2312")
    + '<w:kern w:val="2"/>'
    + size(BODY_PT)
    + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    + "</w:rPr></w:rPrDefault>"
    # overflowPunct stated, not left to the reader: LibreOffice reads an omitted (or a false)
    # overflowPunct as "hanging punctuation", and then prints no comma that ends a justified
    # line (“支付进度，” loses its comma in the PDF); stated true, it sets the punctuation
    # inside the line, as Word does.
    + '<w:pPrDefault><w:pPr><w:overflowPunct w:val="1"/><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>'
    + "</w:pPrDefault>"
    + "</w:docDefaults>"
    # 正文：仿宋_GB2312 三号，首行缩进两字，固定行距 28 磅
    + '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    + f'<w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>{INDENT}</w:pPr>'
    + f"<w:rPr>{fonts('仿宋_GB2312')}{size(BODY_PT)}</w:rPr></w:style>"
    + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    + '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    + '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    + '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    + '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    + '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    + '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    # 标题：方正小标宋简体 二号，居中
    + paragraph_style(
        "Title",
        "Title",
        f'<w:spacing w:before="0" w:after="{LINE}" w:line="{30 * TWIP}" w:lineRule="exact"/>{NO_INDENT}<w:jc w:val="center"/>',
        fonts("方正小标宋简体") + size(22),
    )
    # 一级标题：黑体 三号
    + paragraph_style("Heading1", "heading 1", '<w:keepNext/><w:outlineLvl w:val="0"/>', fonts("黑体") + size(BODY_PT))
    # 二级标题：楷体_GB2312 三号
    + paragraph_style(
        "Heading2", "heading 2", '<w:keepNext/><w:outlineLvl w:val="1"/>', fonts("楷体_GB2312") + size(BODY_PT)
    )
    # 表格文字：宋体 五号，单倍行距，不对齐网格
    + paragraph_style(
        "TableText",
        "表格文字",
        f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{NO_INDENT}<w:jc w:val="center"/>',
        fonts("宋体") + size(10.5),
        based_on="",
        next_style="TableText",
    )
    # 表注：仿宋_GB2312 小四
    + paragraph_style(
        "TableNote",
        "表注",
        f'<w:spacing w:before="60" w:after="120" w:line="{20 * TWIP}" w:lineRule="exact"/>{NO_INDENT}',
        fonts("仿宋_GB2312") + size(12),
    )
    # 署名、日期：右对齐，右空四字
    + paragraph_style(
        "Signature",
        "署名",
        '<w:ind w:firstLineChars="0" w:firstLine="0" w:right="1280" w:rightChars="400"/><w:jc w:val="right"/>',
        fonts("仿宋_GB2312") + size(BODY_PT),
    )
    # 【数据待核】：醒目的红色黑体
    + paragraph_style(
        "Flag",
        "数据待核",
        f'{NO_INDENT}<w:jc w:val="center"/><w:pBdr><w:top w:val="single" w:sz="12" w:space="4" w:color="FF0000"/>'
        '<w:bottom w:val="single" w:sz="12" w:space="4" w:color="FF0000"/></w:pBdr>',
        fonts("黑体") + size(BODY_PT) + '<w:b/><w:color w:val="FF0000"/>',
    )
    # 【待填写】：红字黄底
    + paragraph_style(
        "Placeholder", "待填写", "", '<w:color w:val="C00000"/><w:shd w:val="clear" w:color="auto" w:fill="FFFF00"/>'
    )
    # 页码：宋体 四号
    + paragraph_style(
        "Footer",
        "footer",
        f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{NO_INDENT}',
        fonts("宋体", "宋体") + size(14),
    )
    + "</w:styles>"
)


def page_footer(align: str) -> str:
    """A footer with the page number as "— N —": odd pages right, even pages left, one character in."""
    indent = (
        '<w:ind w:right="280" w:rightChars="100"/>' if align == "right" else '<w:ind w:left="280" w:leftChars="100"/>'
    )
    run = lambda text: f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'  # noqa: E731
    return (
        XML
        + f'<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
        + run("— ")
        + '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        + run(" —")
        + "</w:p></w:ftr>"
    )


def para(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def kept(text: str, style: str = "", widows: bool = False) -> str:
    """A paragraph kept on the same page as the next one (and, with ``widows``, whose last
    lines do not stand alone: the text before the 落款 brings at least two lines with it)."""
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + "<w:keepNext/>" + ("<w:widowControl/>" if widows else "")
    return f'<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tag(text: str) -> str:
    """A paragraph holding only a docxtpl control tag; docxtpl removes the paragraph itself."""
    return para(text)


BODY = "".join(
    [
        para("{{ title }}", "Title"),
        tag("{%p if flagged %}"),
        para("【数据待核】{{ flag_note }}", "Flag"),
        tag("{%p endif %}"),
        tag("{%p if addressee %}"),  # 主送机关, flush left (a work summary sent to the office above)
        '<w:p><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">{{ addressee }}</w:t></w:r></w:p>',
        tag("{%p endif %}"),
        tag("{%p for paragraph in opening %}"),
        para("{{ paragraph }}"),
        tag("{%p endfor %}"),
        tag("{%p for section in sections %}"),
        tag("{%p if section.heading %}"),
        para("{{ section.heading }}", "Heading1"),
        tag("{%p endif %}"),
        tag("{%p for block in section.blocks %}"),
        tag('{%p if block.kind == "subheading" %}'),
        para("{{ block.text }}", "Heading2"),
        tag('{%p elif block.kind == "table" %}'),
        tag("{{p block.xml }}"),
        tag('{%p elif block.kind == "note" %}'),
        para("{{ block.text }}", "TableNote"),
        tag('{%p elif block.kind == "placeholder" %}'),
        para("{{ block.text }}", "Placeholder"),
        tag('{%p elif block.kind == "closing" %}'),  # the last paragraph: kept on the page of the 落款
        kept("{{ block.text }}", widows=True),
        tag("{%p else %}"),
        para("{{ block.text }}"),
        tag("{%p endif %}"),
        tag("{%p endfor %}"),
        tag("{%p endfor %}"),
        tag("{%p if signed %}"),  # 落款: the agency and the date together, never alone on a page (GB/T 9704)
        kept(""),
        kept("{{ signature[0] }}", "Signature"),
        para("{{ signature[1] }}", "Signature"),
        tag("{%p endif %}"),
        tag("{%p if findings %}"),
        para("附：数据核对问题清单", "Heading1"),
        tag("{%p for line in findings %}"),
        para("{{ loop.index }}. {{ line }}", "TableNote"),
        tag("{%p endfor %}"),
        tag("{%p endif %}"),
    ]
)

SECTION = (
    '<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/>'
    '<w:pgSz w:w="11906" w:h="16838"/>'
    f'<w:pgMar w:top="{round(37 * MM)}" w:right="{round(26 * MM)}" w:bottom="{round(35 * MM)}" '
    f'w:left="{round(28 * MM)}" w:header="851" w:footer="{round(23 * MM)}" w:gutter="0"/>'
    f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr>'
)

# The task table (tasks.docx): A4 landscape with narrower margins, for its wide table.
LANDSCAPE = (
    '<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/>'
    '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
    f'<w:pgMar w:top="{round(25 * MM)}" w:right="{round(20 * MM)}" w:bottom="{round(22 * MM)}" '
    f'w:left="{round(20 * MM)}" w:header="851" w:footer="{round(12 * MM)}" w:gutter="0"/>'
    f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr>'
)


def document(section: str) -> str:
    return XML + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{BODY}{section}</w:body></w:document>'


DOCUMENT = document(SECTION)

SETTINGS = (
    XML
    + f'<w:settings xmlns:w="{W}" xmlns:r="{R}"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>'
    + '<w:characterSpacingControl w:val="compressPunctuation"/>'
    + '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    + "</w:settings>"
)


FONT_TABLE = (
    XML
    + f'<w:fonts xmlns:w="{W}" xmlns:r="{R}">'
    + '<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    + "".join(font_table_entry(name) for name in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"))
    + "</w:fonts>"
)

CONTENT_TYPES = (
    XML
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    + '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    + '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    + '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    + '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    + '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    + '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    + "</Types>"
)

PACKAGE_RELS = (
    XML
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    + '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    + "</Relationships>"
)

DOCUMENT_RELS = (
    XML
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    + '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    + '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>'
    + '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    + "</Relationships>"
)

CORE = (
    XML
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    + 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + "<dc:title>政府信息公开工作年度报告（模板）</dc:title><dc:creator>reportgen</dc:creator></cp:coreProperties>"
)

APP = (
    XML
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    + "<Application>reportgen</Application></Properties>"
)

PARTS = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": PACKAGE_RELS,
    "docProps/core.xml": CORE,
    "docProps/app.xml": APP,
    "word/document.xml": DOCUMENT,
    "word/_rels/document.xml.rels": DOCUMENT_RELS,
    "word/styles.xml": STYLES,
    "word/settings.xml": SETTINGS,
    "word/fontTable.xml": FONT_TABLE,
    "word/footer1.xml": page_footer("right"),
    "word/footer2.xml": page_footer("left"),
}


def main(out: Path = OUT) -> None:
    """Write report.docx to ``out``, and the landscape tasks.docx beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, parts in ((out, PARTS), (out.parent / "tasks.docx", PARTS | {"word/document.xml": document(LANDSCAPE)})):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, text in parts.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                package.writestr(info, text.encode("utf-8"))
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)


def in_word_package(out: Path, template: Path = OUT) -> None:
    """The template as a clerk's copy saved by Word would be: our body, styles and page
    numbers inside Word's own blank-document package (its theme, latent styles,
    stylesWithEffects, theme fonts in the document defaults …).

    Used by the benchmark and the tests, to see reportgen cope with such a template.
    """
    from copy import deepcopy

    import docx
    from docx.oxml.ns import qn
    from docx.shared import Mm

    word = docx.Document()  # python-docx ships Word's blank document
    ours = docx.Document(str(template))
    styles = word.styles.element
    for style in ours.styles.element.findall(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        existing = [s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == style_id]
        if existing:
            styles.replace(existing[0], deepcopy(style))
        else:
            styles.append(deepcopy(style))
    body = word.element.body
    section_properties = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not section_properties:
            body.remove(child)
    for child in ours.element.body:
        if child.tag != qn("w:sectPr"):
            section_properties.addprevious(deepcopy(child))
    section, source = word.sections[0], ours.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin", "footer_distance"):
        setattr(section, side, getattr(source, side))
    word.settings.odd_and_even_pages_header_footer = True
    for target, origin in ((section.footer, source.footer), (section.even_page_footer, source.even_page_footer)):
        target.is_linked_to_previous = False
        element = target._element
        for child in list(element):
            element.remove(child)
        for child in origin._element:
            element.append(deepcopy(child))
    word.save(str(out))
