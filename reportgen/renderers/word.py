"""The Word draft, rendered from the docxtpl template in ``templates/report.docx``.

The template is prepared once (``WordTemplate``): docxtpl turns its tags into Jinja, the
Jinja is compiled with autoescape on and undefined names as errors, and the fonts of the
公文 styles are fixed (``w:eastAsia`` set, theme fonts removed, on the parsed XML). Each
draft then costs one Jinja render, one parse of what it gives (which is the check that it is
well-formed XML), the tables put in as elements, one serialisation and one zip write. The
statutory tables are built here as lxml elements from the shared layout grid, with
``w:gridSpan`` and ``w:vMerge`` for merged cells: each table's skeleton once, copied and
filled with the figures per draft. No XML is edited as text.

Output is deterministic: zip entries carry a fixed time and every date comes from the
data.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from functools import lru_cache
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, TemplateError as JinjaError
from lxml import etree
from markupsafe import Markup, escape

from reportgen.renderers.fonts import Fonts, follow_roles, font_table_entry, run_fonts
from reportgen.draft.report_draft import PARAGRAPH, TABLE, Draft, PrintedTable
from reportgen import untrusted
from reportgen.errors import InputError, RenderError, TemplateError
from reportgen.model import NOT_XML
from reportgen.formats.layout import CAPTION, HEADER, LABEL, VALUE, Grid, GridCell
from reportgen.renderers.markers import PREFIX
from reportgen.renderers.zipwriter import Member, package

DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
FONT_TABLE = "word/fontTable.xml"
CORE = "docProps/core.xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NSMAP = {"w": W_NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


# The styles reportgen relies on, by role: (style id in our template, style name). Word,
# WPS and LibreOffice keep a style's name when they save a template but may change its id
# (LibreOffice turns 表格文字 into Style12), so a style is found by either.
STYLE_ROLES = {
    "title": ("Title", "Title"),
    "body": ("Normal", "Normal"),
    "heading": ("Heading1", "heading 1"),
    "subheading": ("Heading2", "heading 2"),
    "table": ("TableText", "表格文字"),
    "page_number": ("Footer", "footer"),
}


THEME_FONTS = tuple(f"{W}{script}Theme" for script in ("ascii", "hAnsi", "eastAsia", "cs"))


def drop_theme_fonts(root) -> None:
    """Remove the theme font attributes (``w:eastAsiaTheme`` …) of every ``w:rFonts``."""
    for fonts in root.iter(f"{W}rFonts"):
        for name in THEME_FONTS:
            fonts.attrib.pop(name, None)


def _element(tag: str, parent=None, **values):
    """A ``w:`` element with ``w:`` attributes, appended to ``parent`` if given."""
    attributes = {f"{W}{name}": str(value) for name, value in values.items()}
    if parent is None:
        return etree.Element(f"{W}{tag}", attributes, nsmap=NSMAP)
    return etree.SubElement(parent, f"{W}{tag}", attributes)


def _tostring(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def fix_fonts(styles_xml: bytes, fonts: Fonts) -> tuple[bytes, dict[str, str]]:
    """Set the East Asian font of each 公文 style explicitly and drop theme fonts.

    Theme font attributes (``w:eastAsiaTheme`` …) override explicit fonts, and Word adds
    them back when a template is saved; without them, ``w:eastAsia`` is what prints.
    Returns the new styles part and the style id of each role.
    """
    root = etree.fromstring(styles_xml)
    drop_theme_fonts(root)
    found: dict[str, Any] = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        for role, (style_id, style_name) in STYLE_ROLES.items():
            if style.get(f"{W}styleId") == style_id or (name is not None and name.get(f"{W}val") == style_name):
                found.setdefault(role, style)
    missing = [STYLE_ROLES[role][1] for role in STYLE_ROLES if role not in found]
    if missing:
        raise TemplateError(f"Word 模板缺少样式：{'、'.join(missing)}（reportgen 用这些样式排版）。")
    used = []
    for role in STYLE_ROLES:
        font = getattr(fonts, role)
        style = found[role]
        rfonts = run_fonts(style)
        rpr = rfonts.getparent()
        if font:
            rfonts.set(f"{W}eastAsia", font)
        elif not rfonts.get(f"{W}eastAsia"):
            raise TemplateError(f"Word 模板的样式“{STYLE_ROLES[role][1]}”没有设置中文字体（w:eastAsia）。")
        used.append(rfonts.get(f"{W}eastAsia"))
        if role == "title":  # the title's digits (2025) in the title's own face, not a Latin regular one
            for attribute in ("ascii", "hAnsi"):
                rfonts.set(f"{W}{attribute}", rfonts.get(f"{W}eastAsia"))
        if role == "title" and fonts.title_bold and rpr.find(f"{W}b") is None:
            rfonts.addnext(etree.Element(f"{W}b"))
    follow_roles(root, fonts)
    ids = {role: style.get(f"{W}styleId") for role, style in found.items()}
    ids["_fonts"] = "\t".join(dict.fromkeys(used))
    return _tostring(root), ids


def fix_font_table(font_table: bytes, names: list[str]) -> bytes:
    """The document's font table with an entry for each font the styles use, giving its
    family kind, PANOSE and Windows alternative (``reportgen.renderers.fonts``)."""
    root = etree.fromstring(font_table)
    for font in root.findall(f"{W}font"):
        if font.get(f"{W}name") in names:
            root.remove(font)
    for name in names:
        root.append(etree.fromstring(f'<w:fonts xmlns:w="{W_NS}">{font_table_entry(name)}</w:fonts>')[0])
    return _tostring(root)


# ------------------------------------------------------------------ tables

BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


# Table text: exactly 12 pt a line (五号 is 10.5 pt), so that table 三 with its heading and
# lead sentence fits on one A4 page.
TABLE_LINE = {"before": 0, "after": 0, "line": 240, "lineRule": "exact"}
# A list table (the task table) runs over pages anyway: its long texts get 15 pt lines and a
# little space above and below, to be read rather than to fit.
LIST_LINE = {"before": 30, "after": 30, "line": 300, "lineRule": "exact"}
FIGURE_WIDTH = 539  # twips (9.5 mm): a figure column holds four or five digits of 五号
LABEL_WEIGHTS = (1.0, 1.8, 4.6)  # row-label columns, outermost first: the deepest holds the long labels


def column_widths(grid: Grid, kind: str, total: int) -> list[int]:
    """Grid column widths in twips. Figures get what four or five digits need; row labels
    get the rest, most of it to the deepest label column, whose labels are longest, so that
    table 三 fits on one A4 page."""
    if grid.weights:  # a list table: widths in proportion
        widths = [int(total * w / sum(grid.weights)) for w in grid.weights]
        widths[-1] += total - sum(widths)
        return widths
    labels = grid.label_columns
    data = grid.width - labels
    if kind == "blocks":
        first = round(total * 0.28)
        rest = [(total - first) // data] * data
        return [first, *rest]
    if not labels:
        return [total // data] * data
    figure = min(FIGURE_WIDTH, total // (2 * data))
    label_share = total - figure * data
    weights = LABEL_WEIGHTS[-labels:] if labels <= len(LABEL_WEIGHTS) else [1.0] * labels
    label_widths = [int(label_share * w / sum(weights)) for w in weights]
    label_widths[-1] += label_share - sum(label_widths)
    return label_widths + [figure] * data


_R, _T = f"{W}r", f"{W}t"


def _run(text: str, parent=None, bold: bool = False):
    """A run of text (plain, not escaped), appended to ``parent`` if given."""
    run = etree.Element(_R, nsmap=NSMAP) if parent is None else etree.SubElement(parent, _R)
    if bold:
        _element("b", _element("rPr", run))
    t = etree.SubElement(run, _T)
    if text != text.strip():
        t.set(XML_SPACE, "preserve")
    t.text = text
    return run


# NOT_XML: the schema refuses these characters in data files; this is the last guard.


def _checked(text: str, where: str) -> str:
    if NOT_XML.search(text):
        raise RenderError(f"{where}含有不能写入 Word 文档的字符，已停止写出。")
    return text


def _cell(row, width: int, colspan: int, merge: str | None, align: str, style: str, keep: bool, line: dict):
    """A ``w:tc`` of ``row``; its paragraph, for the text. ``merge``: None, "" (continues a
    vertical merge from above) or "restart"."""
    cell = _element("tc", row)
    properties = _element("tcPr", cell)
    _element("tcW", properties, w=width, type="dxa")
    if colspan > 1:
        _element("gridSpan", properties, val=colspan)
    if merge is not None:
        _element("vMerge", properties, **({"val": merge} if merge else {}))
    _element("vAlign", properties, val="center")
    paragraph = _element("p", cell)
    paragraph_properties = _element("pPr", paragraph)
    _element("pStyle", paragraph_properties, val=style)
    if keep:
        _element("keepNext", paragraph_properties)  # the row stays on the page of the row below it
    _element("spacing", paragraph_properties, **line)
    _element("jc", paragraph_properties, val=align)
    return paragraph


def table_element(printed: PrintedTable, total_width: int, style: str = "TableText"):
    """A printed table as a ``w:tbl`` element: merges as gridSpan/vMerge, header rows
    repeated, rows kept whole on a page. ``style`` is the id of the table-text paragraph style."""
    skeleton, gaps = _word_skeleton(printed.grid, printed.table.kind, total_width, style)
    table = copy.deepcopy(skeleton)
    texts = list(table.iter(_T))
    for index, text in zip(gaps, printed.values):
        t = texts[index]
        if not text:
            t.getparent().getparent().remove(t.getparent())  # a blank figure: no run
            continue
        if text != text.strip():
            t.set(XML_SPACE, "preserve")
        t.text = _checked(text, f"表格中的“{text!r}”")
    return table


def word_rows(grid: Grid) -> list[list[tuple[GridCell, bool]]]:
    """Each row's cells as Word writes them, one per ``w:tc``: (cell, starts here). A cell
    that continues a vertical merge from above is a ``w:tc`` of its own in every row it spans."""
    starts = [{cell.column: cell for cell in row} for row in grid.rows]
    covering: list[dict[int, GridCell]] = [{} for _ in grid.rows]
    for r, row in enumerate(grid.rows):
        for cell in row:
            for dr in range(1, cell.rowspan):
                covering[r + dr][cell.column] = cell
    rows = []
    for r in range(len(grid.rows)):
        cells, column = [], 0
        while column < grid.width:
            cell = starts[r].get(column) or covering[r][column]
            cells.append((cell, column in starts[r]))
            column += cell.colspan
        rows.append(cells)
    return rows


@lru_cache(maxsize=64)
def _word_skeleton(grid: Grid, kind: str, total_width: int, style: str) -> tuple[Any, tuple[int, ...]]:
    """A table's ``w:tbl`` with an empty run for each figure, and the positions of their
    ``w:t`` among the table's (in document order); copied for each draft."""
    widths = column_widths(grid, kind, total_width)
    table = _element("tbl")
    properties = _element("tblPr", table)
    _element("tblW", properties, w=sum(widths), type="dxa")
    _element("jc", properties, val="center")
    borders = _element("tblBorders", properties)
    for side in BORDER_SIDES:
        _element(side, borders, val="single", sz=4, space=0, color="000000")
    _element("tblLayout", properties, type="fixed")
    margins = _element("tblCellMar", properties)
    _element("left", margins, w=40, type="dxa")
    _element("right", margins, w=40, type="dxa")
    columns = _element("tblGrid", table)
    for width in widths:
        _element("gridCol", columns, w=width)
    last = len(grid.rows) - 1
    line = TABLE_LINE if grid.whole else LIST_LINE
    gaps, texts = [], 0  # where the figures go, among the table's w:t in document order
    for r, cells in enumerate(word_rows(grid)):
        row = _element("tr", table)
        row_properties = _element("trPr", row)
        _element("cantSplit", row_properties)
        if r < grid.header_rows:
            _element("tblHeader", row_properties)
        # Every row keeps with the next, so that the table is printed on one page and starts
        # on a new page when it would not fit below the text above it; a table longer than
        # a page then splits between rows, its header repeated.
        # A list table (the task table) runs over pages: only its header and each group
        # heading row keep with the row below them.
        keep = r < last and (grid.whole or r < grid.header_rows or any(c.role == CAPTION for c, _ in cells))
        for cell, starts_here in cells:
            width = sum(widths[cell.column : cell.column + cell.colspan])
            if not starts_here:  # continues a vertical merge from above
                _cell(row, width, cell.colspan, "", "center", style, keep, line)
            else:
                align = cell.align or ("left" if cell.role == LABEL else "center")
                paragraph = _cell(
                    row, width, cell.colspan, "restart" if cell.rowspan > 1 else None, align, style, keep, line
                )
                if cell.role == VALUE:
                    _run("", paragraph)  # its text set for each draft
                    gaps.append(texts)
                    texts += 1
                elif cell.text:  # list tables: bold header and groups
                    _run(cell.text, paragraph, bold=not grid.whole and cell.role in (HEADER, CAPTION))
                    texts += 1
    if len(gaps) != len(grid.values):
        raise ValueError("a table skeleton lost or gained a figure")
    return table, tuple(gaps)


# ------------------------------------------------------------------ template


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def _has_tags(xml: bytes) -> bool:
    return b"{{" in xml or b"{%" in xml


def _text_width(document) -> int:
    """The width of the text area in twips, from the template's page size and margins."""
    size, margins = document.find(f".//{W}pgSz"), document.find(f".//{W}pgMar")
    try:
        return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    except (AttributeError, TypeError, ValueError):
        return 8845  # A4 with 28 mm and 26 mm side margins


class _Bookmarks:
    """The bookmarks of one draft: ``rg_<name>`` around what comes from the data. In the
    template's text they sit inside its run (``<w:r><w:t>{{ text }}</w:t></w:r>``): the run
    is closed, the bookmark and the marked run written, and a run opened again (docxtpl's
    templates are Jinja over the XML's text). Around a table, and in the paragraph kept with
    it, they are elements."""

    def __init__(self):
        self.next = 1

    def _number(self) -> int:
        number, self.next = self.next, self.next + 1
        return number

    def inline(self, name: str, text) -> Markup:
        number = self._number()
        return Markup(
            f'</w:t></w:r><w:bookmarkStart w:id="{number}" w:name="{bookmark_name(name)}"/>'
            f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r><w:bookmarkEnd w:id="{number}"/>'
            '<w:r><w:t xml:space="preserve">'
        )

    def block(self, block) -> Markup:
        """A block's text, its figures or the whole of it marked."""
        if block.marker:
            return self.inline(block.marker, block.text)
        if block.segments:
            return Markup("").join(self.inline(name, text) if name else escape(text) for text, name in block.segments)
        return escape(block.text)

    def elements(self, name: str):
        number = self._number()
        return (_element("bookmarkStart", id=number, name=bookmark_name(name)), _element("bookmarkEnd", id=number))

    def runs(self, block, paragraph) -> None:
        """A block's text as runs of ``paragraph``, its figures or the whole of it marked."""
        pieces = [(block.text, block.marker)] if block.marker else (block.segments or [(block.text, "")])
        for text, name in pieces:
            _checked(text, "正文中")
            if name:
                start, end = self.elements(name)
                paragraph.append(start)
                _run(text, paragraph).find(f"{W}t").set(XML_SPACE, "preserve")
                paragraph.append(end)
            elif text:
                _run(text, paragraph).find(f"{W}t").set(XML_SPACE, "preserve")

    def around_table(self, table, name: str) -> None:
        """A bookmark from the table's first paragraph to its last."""
        start, end = self.elements(name)
        paragraphs = list(table.iter(f"{W}p"))
        paragraphs[0].insert(1, start)  # after its properties
        paragraphs[-1].append(end)


def marker_texts(draft: Draft) -> dict[str, str]:
    """The text inside each bookmark of a draft's Word file, as ``markers.docx_texts`` reads
    it back, worked out from the draft itself (a build records it for every draft; a test
    holds the two equal)."""
    texts = {"title": "\n".join(draft.title_lines)}
    if draft.signed:
        texts["date"] = draft.signature[1]
    if draft.opening:
        texts["opening"] = draft.opening[0]
    for section in draft.sections:
        for block in section.blocks:
            if block.kind == TABLE and block.table is not None:
                texts[bookmark_name(block.marker or "table")[len(PREFIX) :]] = _table_text(block.table)
            elif block.marker:
                texts[bookmark_name(block.marker)[len(PREFIX) :]] = block.text
            for text, name in block.segments:
                if name:
                    texts.setdefault(bookmark_name(name)[len(PREFIX) :], text)
    return {name: text.strip() for name, text in texts.items()}


def _table_text(printed: PrintedTable) -> str:
    """A table's text as the Word table holds it: a line per row, | before every cell
    (a cell continuing a merge from above is an empty cell of its own)."""
    values = iter(printed.values)
    pieces = []
    for row in word_rows(printed.grid):
        pieces.append("\n")
        for cell, starts_here in row:
            text = (next(values) if cell.role == VALUE else cell.text) if starts_here else ""
            pieces.append("|" + text)
    return "".join(pieces)


CLOSING = "closing"  # the template's kind of the paragraph right before the 落款


def bookmark_name(marker: str) -> str:
    """A Word bookmark name (letters, digits and _, at most 40) for a draft's marker."""
    return (PREFIX + re.sub(r"[^A-Za-z0-9_]", "_", marker))[:40]


class WordTemplate:
    """A Word template prepared once, then rendered for any number of drafts."""

    def __init__(self, path: Path, fonts: Fonts = Fonts()):
        self.path = path
        try:
            data = untrusted.read_file(path, "Word 模板")
            with untrusted.open_package(data, path, ".docx") as package:
                self.entries = [(info.filename, package.read(info.filename)) for info in package.infolist()]
            docx = DocxTemplate(io.BytesIO(data))
            docx.init_docx()
        except InputError as problem:
            raise TemplateError(f"无法读取 Word 模板：{problem}") from None
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
            raise TemplateError(f"Word 模板 {path} 不是有效的 .docx 文件，或其中的内容已损坏。") from None
        names = dict(self.entries)
        if DOCUMENT not in names or STYLES not in names:
            raise TemplateError(f"Word 模板 {path} 不是有效的 .docx 文件（缺少 {DOCUMENT} 或 {STYLES}）。")
        self.styles, self.style_ids = fix_fonts(names[STYLES], fonts)
        used_fonts = self.style_ids.pop("_fonts").split("\t")
        if FONT_TABLE in names:
            try:
                names[FONT_TABLE] = fix_font_table(names[FONT_TABLE], used_fonts)
            except etree.XMLSyntaxError:
                raise TemplateError(f"Word 模板 {path} 的字体表已损坏，无法读取。") from None
            self.entries = [(name, names[name] if name == FONT_TABLE else data) for name, data in self.entries]
        env = _environment()
        self.compiled: dict[str, Template] = {}
        drop_theme_fonts(docx.docx.element)
        parts = {DOCUMENT: docx.get_xml()}
        for rel in docx.docx.part.rels.values():
            if rel.reltype in (docx.HEADER_URI, docx.FOOTER_URI) and _has_tags(rel.target_part.blob):
                part = etree.fromstring(rel.target_part.blob)
                drop_theme_fonts(part)
                parts[str(rel.target_part.partname).lstrip("/")] = docx.xml_to_string(part)
        for name, xml in parts.items():
            try:
                self.compiled[name] = env.from_string(docx.patch_xml(xml))
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {path} 中的标记有错误：{problem}") from None
        # docxtpl works on the body alone; the rendered body goes back into this.
        self.document = docx.docx.element
        self.text_width = _text_width(self.document)
        # What never changes is compressed once; only the rendered parts are, per draft.
        per_draft = {*self.compiled, CORE}
        self.members = [
            None if name in per_draft else Member.deflated(name, self.styles if name == STYLES else data)
            for name, data in self.entries
        ]

    def context(self, draft: Draft, tables: list[list] | None = None) -> dict:
        """The template's context. With ``tables``, each table (with the paragraph kept
        with it and the space after it) is a marker element instead of its XML, and its
        elements are appended to ``tables`` (see ``render_parts``).

        Everything that comes from the data is marked with a bookmark ``rg_…``
        (``reportgen.renderers.markers``), so that ``reportgen refresh`` can put new figures
        into a draft a person has edited: the title and date, the opening, the lead
        sentences, each figure of a placeholder, and the tables."""
        marks = _Bookmarks()

        def placed(elements: list) -> Markup:
            if tables is None:
                return Markup("".join(etree.tostring(element, encoding="unicode") for element in elements))
            tables.append(elements)
            return Markup(f'<reportgen-table n="{len(tables) - 1}"/>')

        # Namespaces rather than dicts: Jinja reads attributes, and a dict makes it fail
        # over from getattr to [] for every one.
        sections = [
            SimpleNamespace(heading=section.heading, blocks=self._blocks(section.blocks, placed, marks))
            for section in draft.sections
        ]
        if draft.signed:  # the last paragraph keeps its last lines on the page of the 落款 below it
            last = next((section.blocks[-1] for section in reversed(sections) if section.blocks), None)
            if last is not None and last.kind == PARAGRAPH:
                last.kind = CLOSING
        lines = draft.title_lines
        title = Markup('</w:t></w:r><w:r><w:br/></w:r><w:r><w:t xml:space="preserve">').join(escape(x) for x in lines)
        opening = tuple(marks.inline("opening", p) if i == 0 else p for i, p in enumerate(draft.opening))
        return {
            "title": marks.inline("title", title),  # the title's lines, with a line break between them
            "title_text": draft.title,  # the title on one line, for templates that break it themselves
            "title_lines": lines,
            "flagged": draft.flagged,
            "flag_note": draft.flag_note,
            "opening": opening,
            "sections": sections,
            "signature": (draft.signature[0], marks.inline("date", draft.signature[1])),
            "findings": draft.findings,
            "signed": draft.signed,
            "addressee": draft.addressee,
        }

    def _blocks(self, blocks, placed, marks) -> list[SimpleNamespace]:
        """The blocks of a section for the template. A paragraph right before a table goes
        with the table, kept on its page; half a line of space follows every table, as
        published reports leave before the next heading."""
        out: list[SimpleNamespace] = []
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if block.kind == PARAGRAPH and following is not None and following.kind == TABLE:
                continue  # printed with the table below
            if block.kind != TABLE:
                out.append(SimpleNamespace(kind=block.kind, text=marks.block(block), xml=""))
                continue
            previous = blocks[index - 1] if index else None
            elements = (
                [self._kept_paragraph(previous, marks)] if previous is not None and previous.kind == PARAGRAPH else []
            )
            table = table_element(block.table, self.text_width, self.style_ids["table"])
            marks.around_table(table, block.marker or "table")
            elements += [table, self._spacer()]
            out.append(SimpleNamespace(kind=block.kind, text="", xml=placed(elements)))
        return out

    def _kept_paragraph(self, block, marks):
        """A body paragraph that stays on the page of what follows it."""
        paragraph = _element("p")
        properties = _element("pPr", paragraph)
        _element("pStyle", properties, val=self.style_ids["body"])
        _element("keepNext", properties)
        marks.runs(block, paragraph)
        return paragraph

    def _spacer(self):
        paragraph = _element("p")
        properties = _element("pPr", paragraph)
        _element("pStyle", properties, val=self.style_ids["table"])
        _element("spacing", properties, before=0, after=0, line=280, lineRule="exact")
        return paragraph

    def render_parts(self, draft: Draft) -> dict[str, bytes]:
        """The XML parts that differ from the template, rendered for one draft.

        Each rendered part is parsed (it must be well-formed XML), the tables' elements put
        in place of their markers, the body put into the template's document, and the part
        serialised once."""
        tables: list[list] = []
        context = self.context(draft, tables)
        rendered = {}
        for name, template in self.compiled.items():
            try:
                xml = template.render(context)
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {self.path} 渲染出错：{problem}") from None
            try:
                root = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as problem:
                raise RenderError(f"生成的 Word 文档结构不完整（{problem}），已停止写出。") from None
            for marker in list(root.iter("reportgen-table")):
                parent, at = marker.getparent(), marker.getparent().index(marker)
                parent.remove(marker)
                for offset, element in enumerate(tables[int(marker.get("n"))]):
                    parent.insert(at + offset, element)
            rendered[name] = _tostring(self._document(root) if name == DOCUMENT else root)
        rendered[STYLES] = self.styles
        rendered[CORE] = core_properties(draft.title, draft.published)
        return rendered

    def _document(self, body):
        """The template's document with ``body`` as its body."""
        document = etree.Element(self.document.tag, dict(self.document.attrib), nsmap=self.document.nsmap)
        for child in self.document:
            document.append(body if child.tag == f"{W}body" else copy.deepcopy(child))
        return document

    def render(self, draft: Draft) -> bytes:
        """The .docx file of a draft, byte for byte the same for the same draft. The last
        document.xml written stays in ``last_document`` (for the record of its markers)."""
        rendered = self.render_parts(draft)
        self.last_document = rendered[DOCUMENT]
        members = [
            member or Member.deflated(name, rendered.get(name, data), level=1)
            for member, (name, data) in zip(self.members, self.entries)
        ]
        return package(members)


CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def core_properties(title: str, published: date | None) -> bytes:
    """docProps/core.xml: the title, reportgen as creator, the publication date (if any) as
    the time made and changed, so that the same draft is the same bytes."""

    def element(parent, prefix: str, name: str, text: str):
        made = etree.SubElement(parent, f"{{{CORE_NS[prefix]}}}{name}")
        made.text = text
        return made

    root = etree.Element(f"{{{CORE_NS['cp']}}}coreProperties", nsmap=CORE_NS)
    element(root, "dc", "title", _checked(title, "标题"))
    element(root, "dc", "creator", "reportgen")
    if published:
        moment = f"{published.isoformat()}T00:00:00Z"
        for name in ("created", "modified"):
            element(root, "dcterms", name, moment).set(f"{{{CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
    return _tostring(root)
