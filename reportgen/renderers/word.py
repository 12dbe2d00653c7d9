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
from xml.parsers import expat
from functools import lru_cache
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError as JinjaError
from lxml import etree
from markupsafe import Markup, escape

from reportgen.renderers.fonts import Fonts, font_table_entry
from reportgen.draft.document import PARAGRAPH, TABLE, Draft, PrintedTable
from reportgen import untrusted
from reportgen.errors import InputError, RenderError, TemplateError
from reportgen.model import NOT_XML
from reportgen.formats.layout import CAPTION, HEADER, LABEL, VALUE, Grid, GridCell, Skeleton
from reportgen.renderers.markers import PREFIX
from reportgen.renderers.zipwriter import Member, package

DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
FONT_TABLE = "word/fontTable.xml"
CORE = "docProps/core.xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"



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

# Styles that take the font of a role when the role's font is chosen (--fonts, --font-body …):
# the 落款 and the table note are set in the body's font, the 【数据待核】 flag in the heading's.
# A template without them is fine: they are optional.
FOLLOWERS = {
    "body": (("Signature", "署名"), ("TableNote", "表注")),
    "heading": (("Flag", "数据待核"),),
}

_THEME_FONT = re.compile(r'\s+w:(?:ascii|hAnsi|eastAsia|cs)Theme="[^"]*"')


def fix_fonts(styles_xml: bytes, fonts: Fonts) -> tuple[bytes, dict[str, str]]:
    """Set the East Asian font of each 公文 style explicitly and drop theme fonts.

    Theme font attributes (``w:eastAsiaTheme`` …) override explicit fonts, and Word adds
    them back when a template is saved; without them, ``w:eastAsia`` is what prints.
    Returns the new styles part and the style id of each role.
    """
    root = etree.fromstring(_THEME_FONT.sub("", styles_xml.decode("utf-8")).encode("utf-8"))
    found: dict[str, object] = {}
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
            raise TemplateError(f"Word 模板的样式“{STYLE_ROLES[role][1]}”没有设置中文字体（w:eastAsia）。")
        used.append(rfonts.get(f"{W}eastAsia"))
        if role == "title":  # the title's digits (2025) in the title's own face, not a Latin regular one
            for attribute in ("ascii", "hAnsi"):
                rfonts.set(f"{W}{attribute}", rfonts.get(f"{W}eastAsia"))
        if role == "title" and fonts.title_bold and rpr.find(f"{W}b") is None:
            rfonts.addnext(etree.Element(f"{W}b"))
    _follow(root, fonts)
    ids = {role: style.get(f"{W}styleId") for role, style in found.items()}
    ids["_fonts"] = "\t".join(dict.fromkeys(used))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), ids


def _follow(root, fonts: Fonts) -> None:
    """The styles that go with a role's font (``FOLLOWERS``), and the document's default
    font (what a paragraph without a style prints in), switched with it."""
    for role, styles in FOLLOWERS.items():
        font = getattr(fonts, role)
        if not font:
            continue
        for style in root.iter(f"{W}style"):
            name = style.find(f"{W}name")
            if any(style.get(f"{W}styleId") == style_id or (name is not None and name.get(f"{W}val") == style_name)
                   for style_id, style_name in styles):
                _east_asian(style, font)
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault")
    if fonts.body and defaults is not None:
        _east_asian(defaults, fonts.body)


def _east_asian(element, font: str) -> None:
    """Set the East Asian font of a style (or of the document's defaults)."""
    rpr = element.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.SubElement(element, f"{W}rPr")
    rfonts = rpr.find(f"{W}rFonts")
    if rfonts is None:
        rfonts = etree.Element(f"{W}rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(f"{W}eastAsia", font)


def fix_font_table(font_table: bytes, names: list[str]) -> bytes:
    """The document's font table with an entry for each font the styles use, giving its
    family kind, PANOSE and Windows alternative (``reportgen.renderers.fonts``)."""
    root = etree.fromstring(font_table)
    for font in root.findall(f"{W}font"):
        if font.get(f"{W}name") in names:
            root.remove(font)
    for name in names:
        root.append(etree.fromstring(f'<w:fonts xmlns:w="{W_NS}">{font_table_entry(name)}</w:fonts>')[0])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------ tables

_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


# Table text: exactly 12 pt a line (五号 is 10.5 pt), so that table 三 with its heading and
# lead sentence fits on one A4 page.
TABLE_LINE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="exact"/>'
# A list table (the task table) runs over pages anyway: its long texts get 15 pt lines and a
# little space above and below, to be read rather than to fit.
LIST_LINE = '<w:spacing w:before="30" w:after="30" w:line="300" w:lineRule="exact"/>'
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


def _run(text: str) -> str:
    """A run of already escaped text ("" for none)."""
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:r><w:t{space}>{text}</w:t></w:r>"


# NOT_XML: the schema refuses these characters in data files; this is the last guard.


@lru_cache(maxsize=8192)
def _figure_run(text: str) -> str:
    """The run of a figure's text, escaped; figures repeat, so each is built once."""
    if NOT_XML.search(text):
        raise RenderError(f"表格中的“{text!r}”含有不能写入 Word 文档的字符，已停止写出。")
    return _run(str(escape(text)))


def _cell(width: int, run: str, colspan: int, merge: str, align: str, style: str, keep: bool = False,
          line: str = TABLE_LINE) -> str:
    span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
    keep_next = "<w:keepNext/>" if keep else ""  # the row stays on the page of the row below it
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}{line}<w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>'
    )


def table_xml(printed: PrintedTable, total_width: int, style: str = "TableText") -> Markup:
    """A printed table as a ``w:tbl``: merges as gridSpan/vMerge, header rows repeated,
    rows kept whole on a page. ``style`` is the id of the table-text paragraph style."""
    skeleton = _word_skeleton(printed.grid, printed.table.kind, total_width, style)
    runs = [_figure_run(text) for text in printed.values]
    return Markup(skeleton.fill(runs))


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
def _word_skeleton(grid: Grid, kind: str, total_width: int, style: str) -> Skeleton:
    widths = column_widths(grid, kind, total_width)
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_BORDERS}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="40" w:type="dxa"/>'
        '<w:right w:w="40" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    last = len(grid.rows) - 1
    line = TABLE_LINE if grid.whole else LIST_LINE
    for r, row in enumerate(word_rows(grid)):
        header = "<w:tblHeader/>" if r < grid.header_rows else ""
        # Every row keeps with the next, so that the table is printed on one page and starts
        # on a new page when it would not fit below the text above it; a table longer than
        # a page then splits between rows, its header repeated.
        # A list table (the task table) runs over pages: only its header and each group
        # heading row keep with the row below them.
        keep = r < last and (grid.whole or r < grid.header_rows or any(c.role == CAPTION for c, _ in row))
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        for cell, starts_here in row:
            width = sum(widths[cell.column : cell.column + cell.colspan])
            if starts_here:
                merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                align = cell.align or ("left" if cell.role == LABEL else "center")
                run = Skeleton.MARK if cell.role == VALUE else _run(escape(cell.text))
                if not grid.whole and cell.role in (HEADER, CAPTION) and run:  # list tables: bold header and groups
                    run = run.replace("<w:r>", "<w:r><w:rPr><w:b/></w:rPr>", 1)
                parts.append(_cell(width, run, cell.colspan, merge, align, style, keep, line))
            else:  # continues a vertical merge from above
                parts.append(_cell(width, "", cell.colspan, "<w:vMerge/>", "center", style, keep, line))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    skeleton = Skeleton("".join(parts), len(grid.values))
    probe = skeleton.fill([_run("0")] * len(grid.values))
    expat.ParserCreate().Parse(f'<w:body xmlns:w="{W_NS}">{probe}</w:body>'.encode("utf-8"), True)
    return skeleton


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


_TAG = re.compile(r"\{[{%].*?[}%]\}", re.S)
_ENTITIES = {"&quot;": '"', "&apos;": "'", "&#34;": '"', "&#39;": "'", "&amp;": "&"}


def _unescape_tags(xml: str) -> str:
    """Inside {{ }} and {% %}, undo the XML escaping that Word, WPS or LibreOffice apply to
    quotes when they save a template (docxtpl itself only undoes &lt; &gt; and curly quotes)."""

    def clean(match: re.Match) -> str:
        tag = match.group()
        for entity, char in _ENTITIES.items():
            tag = tag.replace(entity, char)
        return tag

    return _TAG.sub(clean, xml)


class _Bookmarks:
    """The bookmarks of one draft: ``rg_<name>`` around what comes from the data. They sit
    inside the template's run (``<w:r><w:t>{{ text }}</w:t></w:r>``): the run is closed, the
    bookmark and the marked run written, and a run opened again."""

    def __init__(self):
        self.next = 1

    def _ids(self, name: str) -> tuple[str, str]:
        number, self.next = self.next, self.next + 1
        return (f'<w:bookmarkStart w:id="{number}" w:name="{bookmark_name(name)}"/>',
                f'<w:bookmarkEnd w:id="{number}"/>')

    def inline(self, name: str, text) -> Markup:
        start, end = self._ids(name)
        return Markup(f'</w:t></w:r>{start}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>{end}'
                      '<w:r><w:t xml:space="preserve">')

    def block(self, block) -> Markup:
        """A block's text, its figures or the whole of it marked."""
        if block.marker:
            return self.inline(block.marker, block.text)
        if block.segments:
            return Markup("").join(self.inline(name, text) if name else escape(text) for text, name in block.segments)
        return escape(block.text)

    def around_table(self, xml: str, name: str) -> str:
        """A bookmark from the table's first paragraph to its last."""
        start, end = self._ids(name)
        xml = str(xml)  # plain text: Markup would escape the bookmarks added below
        first = xml.index("</w:pPr>") + len("</w:pPr>")
        last = xml.rindex("</w:p>")
        return xml[:first] + start + xml[first:last] + end + xml[last:]


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
            if block.kind == TABLE:
                texts[bookmark_name(block.marker or "table")[len(PREFIX):]] = _table_text(block.table)
            elif block.marker:
                texts[bookmark_name(block.marker)[len(PREFIX):]] = block.text
            for text, name in block.segments:
                if name:
                    texts.setdefault(bookmark_name(name)[len(PREFIX):], text)
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
        self.compiled: dict[str, object] = {}
        parts = {DOCUMENT: docx.get_xml()}
        for rel in docx.docx.part.rels.values():
            if rel.reltype in (docx.HEADER_URI, docx.FOOTER_URI) and _HAS_TAGS.search(rel.target_part.blob):
                parts[str(rel.target_part.partname).lstrip("/")] = docx.get_part_xml(rel.target_part)
        for name, xml in parts.items():
            source = _unescape_tags(docx.patch_xml(_THEME_FONT.sub("", xml)))
            try:
                self.compiled[name] = env.from_string(source)
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {path} 中的标记有错误：{problem}") from None
        self.text_width = _text_width(parts[DOCUMENT])
        # What never changes is compressed once; only the rendered parts are, per draft.
        per_draft = {*self.compiled, CORE}
        self.members = [
            None if name in per_draft else Member.deflated(name, self.styles if name == STYLES else data)
            for name, data in self.entries
        ]
        # docxtpl works on the body alone; the rendered body goes back between these.
        document = names[DOCUMENT].decode("utf-8")
        body = re.search(r"<w:body\b.*</w:body>", document, re.S)
        self.document_around = (document[: body.start()], document[body.end() :])

    def context(self, draft: Draft, tables: list[str] | None = None) -> dict:
        """The template's context. With ``tables``, each table is a marker element instead
        of its XML, and the XML is appended to ``tables`` (see ``render_parts``).

        Everything that comes from the data is marked with a bookmark ``rg_…``
        (``reportgen.renderers.markers``), so that ``reportgen refresh`` can put new figures
        into a draft a person has edited: the title and date, the opening, the lead
        sentences, each figure of a placeholder, and the tables."""
        marks = _Bookmarks()

        def table(printed, name: str) -> Markup:
            xml = marks.around_table(table_xml(printed, self.text_width, self.style_ids["table"]), name)
            if tables is None:
                return Markup(xml)
            tables.append(xml)
            return Markup(f"<reportgen-table-{len(tables) - 1}/>")

        # Namespaces rather than dicts: Jinja reads attributes, and a dict makes it fail
        # over from getattr to [] for every one.
        sections = [SimpleNamespace(heading=section.heading, blocks=self._blocks(section.blocks, table, marks))
                    for section in draft.sections]
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

    def _blocks(self, blocks, table, marks) -> list[SimpleNamespace]:
        """The blocks of a section for the template. A paragraph right before a table goes
        into the table's XML, kept with the table on its page; half a line of space follows
        every table, as published reports leave before the next heading."""
        out: list[SimpleNamespace] = []
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if block.kind == PARAGRAPH and following is not None and following.kind == TABLE:
                continue  # printed with the table below
            if block.kind != TABLE:
                out.append(SimpleNamespace(kind=block.kind, text=marks.block(block), xml=""))
                continue
            previous = blocks[index - 1] if index else None
            lead = self._kept_paragraph(marks.block(previous)) \
                if previous is not None and previous.kind == PARAGRAPH else ""
            xml = Markup(lead) + table(block.table, block.marker or "table") + Markup(self._spacer())
            out.append(SimpleNamespace(kind=block.kind, text="", xml=xml))
        return out

    def _kept_paragraph(self, text: Markup) -> str:
        """A body paragraph that stays on the page of what follows it."""
        if NOT_XML.search(str(text)):
            raise RenderError("正文中含有不能写入 Word 文档的字符，已停止写出。")
        return (f'<w:p><w:pPr><w:pStyle w:val="{self.style_ids["body"]}"/><w:keepNext/></w:pPr>'
                f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')

    def _spacer(self) -> str:
        return (f'<w:p><w:pPr><w:pStyle w:val="{self.style_ids["table"]}"/>'
                '<w:spacing w:before="0" w:after="0" w:line="280" w:lineRule="exact"/></w:pPr></w:p>')

    def render_parts(self, draft: Draft) -> dict[str, bytes]:
        """The XML parts that differ from the template, rendered for one draft.

        Every part is checked to be well-formed XML before it is written. The statutory
        tables are checked where they are made (their skeleton once, each figure's text as
        it is escaped), so the full check runs on the document with each table still a
        marker, and the tables go in after it.
        """
        tables: list[str] = []
        context = self.context(draft, tables)
        rendered = {}
        for name, template in self.compiled.items():
            try:
                xml = template.render(context)
            except JinjaError as problem:
                raise TemplateError(f"Word 模板 {self.path} 渲染出错：{problem}") from None
            if name == DOCUMENT:
                before, after = self.document_around
                xml = before + xml + after
            try:
                expat.ParserCreate().Parse(xml.encode("utf-8"), True)
            except expat.ExpatError as problem:
                raise RenderError(f"生成的 Word 文档结构不完整（{problem}），已停止写出。") from None
            for index, table in enumerate(tables):
                xml = xml.replace(f"<reportgen-table-{index}/>", table, 1)
            rendered[name] = xml.encode("utf-8")
        rendered[STYLES] = self.styles
        rendered[CORE] = core_properties(draft.title, draft.published)
        return rendered

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
