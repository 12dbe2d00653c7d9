"""The Word draft, rendered from the docxtpl template in ``templates/report.docx``.

The template is prepared once (``WordTemplate``): docxtpl turns its tags into Jinja, the
Jinja is compiled with autoescape on and undefined names as errors, and the fonts of the
公文 styles are fixed (``w:eastAsia`` set, theme fonts removed). Each draft then costs one
Jinja render, one XML well-formedness check and one zip write. The statutory tables are
built here as WordprocessingML from the shared layout grid, with ``w:gridSpan`` and
``w:vMerge`` for merged cells.

Output is deterministic: zip entries carry a fixed time and every date comes from the
data.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError as JinjaError
from lxml import etree
from markupsafe import Markup, escape

from .draft import TABLE, Draft, PrintedTable
from .errors import RenderError, TemplateError
from .layout import CAPTION, CORNER, HEADER, LABEL

DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
CORE = "docProps/core.xml"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

TABLE_STYLE = "TableText"  # the paragraph style of table text; the template must define it


@dataclass(frozen=True)
class Fonts:
    """East Asian fonts of the 公文 styles. None keeps the template's own choice."""

    title: str | None = None  # 标题，默认 方正小标宋简体
    body: str | None = None  # 正文，默认 仿宋_GB2312
    heading: str | None = None  # 一级标题，默认 黑体
    subheading: str | None = None  # 二级标题，默认 楷体_GB2312
    table: str | None = None  # 表格，默认 宋体
    page_number: str | None = None  # 页码，默认 宋体


# Which style each font setting changes.
FONT_STYLES = {
    "title": "Title",
    "body": "Normal",
    "heading": "Heading1",
    "subheading": "Heading2",
    "table": TABLE_STYLE,
    "page_number": "Footer",
}

_THEME_FONT = re.compile(r'\s+w:(?:ascii|hAnsi|eastAsia|cs)Theme="[^"]*"')


def fix_fonts(styles_xml: bytes, fonts: Fonts) -> bytes:
    """Set the East Asian font of each 公文 style explicitly and drop theme fonts.

    Theme font attributes (``w:eastAsiaTheme`` …) override explicit fonts, and Word adds
    them back when a template is saved; without them, ``w:eastAsia`` is what prints.
    """
    root = etree.fromstring(_THEME_FONT.sub("", styles_xml.decode("utf-8")).encode("utf-8"))
    styles = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
    missing = [sid for sid in FONT_STYLES.values() if sid not in styles]
    if missing:
        raise TemplateError(f"Word 模板缺少样式：{'、'.join(missing)}（reportgen 用这些样式排版）。")
    for field in fields(fonts):
        font = getattr(fonts, field.name)
        style = styles[FONT_STYLES[field.name]]
        rpr = style.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(style, f"{W}rPr")
        rfonts = rpr.find(f"{W}rFonts")
        if rfonts is None:
            rfonts = etree.Element(f"{W}rFonts")
            rpr.insert(0, rfonts)
        if font:
            rfonts.set(f"{W}eastAsia", font)
        elif not rfonts.get(f"{W}eastAsia"):
            raise TemplateError(f"Word 模板的样式 {FONT_STYLES[field.name]} 没有设置中文字体（w:eastAsia）。")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------ tables

_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def column_widths(printed: PrintedTable, total: int) -> list[int]:
    """Grid column widths in twips: row labels get room, figures share the rest evenly."""
    grid = printed.grid
    labels = grid.label_columns
    data = grid.width - labels
    if printed.table.kind == "blocks":
        first = round(total * 0.28)
        rest = [(total - first) // data] * data
        return [first, *rest]
    if not labels:
        return [total // data] * data
    label_share = round(total * 0.5)
    weights = [2 ** i for i in range(labels)]  # deeper label columns hold longer labels
    label_widths = [label_share * w // sum(weights) for w in weights]
    return label_widths + [(total - label_share) // data] * data


def _cell(width: int, text: str, colspan: int, merge: str, align: str) -> str:
    span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE}"/><w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>'
    )


def table_xml(printed: PrintedTable, total_width: int) -> Markup:
    """A printed table as a ``w:tbl``: merges as gridSpan/vMerge, header rows repeated,
    rows kept whole on a page."""
    widths = column_widths(printed, total_width)
    grid = printed.grid
    starts = [{cell.column: cell for cell in row} for row in printed.rows]
    covering: list[dict[int, object]] = [{} for _ in printed.rows]
    for r, row in enumerate(printed.rows):
        for cell in row:
            for dr in range(1, cell.rowspan):
                covering[r + dr][cell.column] = cell
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_BORDERS}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    for r in range(len(printed.rows)):
        header = "<w:tblHeader/>" if r < grid.header_rows else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        column = 0
        while column < grid.width:
            cell = starts[r].get(column) or covering[r].get(column)
            width = sum(widths[column : column + cell.colspan])
            if column in starts[r]:
                merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                align = "left" if cell.role == LABEL else "center"
                parts.append(_cell(width, cell.text, cell.colspan, merge, align))
            else:  # continues a vertical merge from above
                parts.append(_cell(width, "", cell.colspan, "<w:vMerge/>", "center"))
            column += cell.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return Markup("".join(parts))


# ------------------------------------------------------------------ template

_HAS_TAGS = re.compile(rb"\{\{|\{%")


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def _text_width(document_xml: str) -> int:
    """The width of the text area in twips, from the template's page size and margins."""
    size = re.search(r'<w:pgSz [^>]*w:w="(\d+)"', document_xml)
    margins = re.search(r"<w:pgMar [^>]*>", document_xml)
    if not size or not margins:
        return 8845  # A4 with 28 mm and 26 mm side margins
    left = int(re.search(r'w:left="(\d+)"', margins.group()).group(1))
    right = int(re.search(r'w:right="(\d+)"', margins.group()).group(1))
    return int(size.group(1)) - left - right


class WordTemplate:
    """A Word template prepared once, then rendered for any number of drafts."""

    def __init__(self, path: Path, fonts: Fonts = Fonts()):
        self.path = path
        try:
            with zipfile.ZipFile(path) as package:
                self.entries = [(info.filename, package.read(info.filename)) for info in package.infolist()]
            docx = DocxTemplate(str(path))
            docx.init_docx()
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as problem:
            raise TemplateError(f"无法读取 Word 模板 {path}：{problem}") from None
        names = dict(self.entries)
        if DOCUMENT not in names or STYLES not in names:
            raise TemplateError(f"Word 模板 {path} 不是有效的 .docx 文件（缺少 {DOCUMENT} 或 {STYLES}）。")
        self.styles = fix_fonts(names[STYLES], fonts)
        env = _environment()
        self.compiled: dict[str, object] = {}
        parts = {DOCUMENT: docx.get_xml()}
        for rel in docx.docx.part.rels.values():
            if rel.reltype in (docx.HEADER_URI, docx.FOOTER_URI) and _HAS_TAGS.search(rel.target_part.blob):
                parts[str(rel.target_part.partname).lstrip("/")] = docx.get_part_xml(rel.target_part)
        for name, xml in parts.items():
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", docx.patch_xml(_THEME_FONT.sub("", xml)))
            try:
                self.compiled[name] = env.from_string(source)
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {path} 中的标记有错误：{problem}") from None
        self.text_width = _text_width(parts[DOCUMENT])
        # docxtpl works on the body alone; the rendered body goes back between these.
        document = names[DOCUMENT].decode("utf-8")
        body = re.search(r"<w:body\b.*</w:body>", document, re.S)
        self.document_around = (document[: body.start()], document[body.end() :])

    def context(self, draft: Draft) -> dict:
        sections = [
            {
                "heading": section.heading,
                "blocks": [
                    {
                        "kind": block.kind,
                        "text": block.text,
                        "xml": table_xml(block.table, self.text_width) if block.kind == TABLE else "",
                    }
                    for block in section.blocks
                ],
            }
            for section in draft.sections
        ]
        return {
            "title": draft.title,
            "flagged": draft.flagged,
            "flag_note": draft.flag_note,
            "opening": draft.opening,
            "sections": sections,
            "signature": draft.signature,
            "findings": draft.findings,
        }

    def render_parts(self, draft: Draft) -> dict[str, bytes]:
        """The XML parts that differ from the template, rendered for one draft."""
        context = self.context(draft)
        rendered = {}
        for name, template in self.compiled.items():
            try:
                xml = template.render(context)
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {self.path} 渲染出错：{problem}") from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            if name == DOCUMENT:
                before, after = self.document_around
                xml = before + xml + after
            data = xml.encode("utf-8")
            try:
                etree.fromstring(data)
            except etree.XMLSyntaxError as problem:
                raise RenderError(f"生成的 Word 文档结构不完整（{problem}），已停止写出。") from None
            rendered[name] = data
        rendered[STYLES] = self.styles
        rendered[CORE] = core_properties(draft.title, draft.published)
        return rendered

    def render(self, draft: Draft) -> bytes:
        """The .docx file of a draft, byte for byte the same for the same draft."""
        rendered = self.render_parts(draft)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in self.entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                package.writestr(info, rendered.get(name, data))
        return buffer.getvalue()


def core_properties(title: str, published: date | None) -> bytes:
    stamp = ""
    if published:
        moment = f"{published.isoformat()}T00:00:00Z"
        stamp = (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>reportgen</dc:creator>{stamp}"
        "</cp:coreProperties>"
    ).encode("utf-8")
