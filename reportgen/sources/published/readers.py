"""Reading published reports into a ``Document``: HTML pages, Word files, PDFs with a text
layer, our own Markdown drafts and plain text. Each reader uses the library built for the
format: lxml for HTML, python-docx's package and lxml for Word, pdfplumber for PDF.

Whatever cannot be read raises ``ImportProblem`` with a Chinese message naming the file.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from reportgen import untrusted
from reportgen.errors import InputError
from reportgen.sources.published import pdfrows
from reportgen.sources.published.blocks import Cell, Document, Grid, expand, ideographs


class ImportProblem(InputError):
    """A published report that cannot be read."""


def read(path: Path) -> Document:
    """The document in a file, by its kind (the suffix, then the first bytes)."""
    try:
        data = untrusted.read_file(path, "年度报告")
    except InputError as problem:
        raise ImportProblem(str(problem)) from None
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps", ".et", ".xls"):
        raise ImportProblem(
            f"{path}：这是旧版 Office/WPS 格式（{suffix}），请在 Word 或 WPS 中“另存为”.docx 后再导入。"
        )
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return read_pdf(path, data)
    if suffix == ".docx" or (data.startswith(b"PK") and suffix not in (".html", ".htm", ".md", ".txt")):
        return read_docx(path, data)
    if suffix == ".md":
        return read_markdown(path, decode(data, path))
    text = decode(data, path)
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or re.search(r"<(html|body|table|p|div)\b", text[:5000], re.I):
        return read_html(path, text)
    return read_text(path, text)


# ------------------------------------------------------------------ text encodings

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def decode(data: bytes, path: Path) -> str:
    """Text in whatever encoding a page declares, or UTF-8, or GB18030 (which covers GBK
    and GB2312), the encodings Chinese portals use."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    declared = _DECLARED.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in ("gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise ImportProblem(f"{path}：无法识别文字编码（不是 UTF-8，也不是 GBK/GB18030）。")


# ------------------------------------------------------------------ HTML

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "iframe",
    "object",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "form",
}
_BREAK_AFTER = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "center",
    "ul",
    "ol",
    "table",
    "td",
    "th",
    "caption",
    "main",
    "aside",
    "title",
}
_MARK = "\ue000表{}\ue000"  # a private-use character: never in a report, allowed in XML
_EMPTY = "\ue004"  # marks an empty paragraph, which may be a flattened table's blank cell
_PUBLISHED = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "articlepubdate", "dcterms.issued")


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_TABLE_ROWS = 2000  # a statutory table has about 30 rows; a page's table of thousands is not one


def read_html(path: Path, text: str) -> Document:
    import lxml.html
    from lxml import etree

    text = _XML_DECLARATION.sub("", text, count=1)  # an XHTML page: its declaration names the encoding already read
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        raise ImportProblem(f"{path}：网页无法解析，可能已损坏。") from None
    meta = {}
    for element in root.iter("meta"):
        if (element.get("name") or "").strip().lower() in _PUBLISHED and element.get("content"):
            meta["published"] = element.get("content").strip()
            break
    for element in list(root.iter(*_SKIP, etree.Comment)):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree() if hasattr(element, "drop_tree") else parent.remove(element)
    grids: list[Grid] = []
    for table in list(root.iter("table")):
        if not _is_data_table(table):
            continue  # a layout table: its cells are read as text
        grids.append(html_grid(table, f"第{len(grids) + 1}个表格"))
        marker = lxml.html.Element("p")
        marker.text = _MARK.format(len(grids) - 1)
        table.getparent().replace(table, marker) if table.getparent() is not None else None
    for paragraph in root.iter("p", "li"):
        if len(paragraph) == 0 and not (paragraph.text or "").replace("\xa0", " ").strip():
            paragraph.text = _EMPTY
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for element in root.iter(*_BREAK_AFTER):
        element.tail = "\n" + (element.tail or "")
    body = root.find("body") if root.find("body") is not None else root
    document = _document(path, body.text_content(), grids)
    document.meta.update(meta)
    return document


def _is_data_table(table) -> bool:
    """A table of figures, not one that lays out a page: no table inside it, at least two
    rows of at least two cells, and no cell holding a whole article."""
    if table.xpath(".//table"):
        return False
    rows = [tr for tr in table.iter("tr") if len(tr.xpath("./td|./th")) >= 2]
    if len(rows) < 2:
        return False
    return all(len(cell.text_content()) < 400 for cell in table.iter("td", "th"))


def html_grid(table, where: str) -> Grid:
    rows = []
    for tr in itertools.islice(table.iter("tr"), MAX_TABLE_ROWS):
        cells = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            text = " ".join(part for part in cell.itertext())
            cells.append((text, untrusted.count(cell.get("colspan")), untrusted.count(cell.get("rowspan"), high=200)))
        rows.append(cells)
    return expand(rows, where)


def _document(path: Path, text: str, grids: list[Grid]) -> Document:
    document = Document(str(path))
    for line in text.split("\n"):
        line = line.replace("\xa0", " ").replace("\u3000", " ").strip()
        if line == _EMPTY:
            document.blocks.append("")  # an empty paragraph: in a flattened table, a blank cell
            continue
        for piece in re.split("(\ue000表\\d+\ue000)", line.replace(_EMPTY, "")):
            piece = piece.strip()
            if match := re.fullmatch("\ue000表(\\d+)\ue000", piece):
                document.blocks.append(grids[int(match.group(1))])
            elif piece:
                document.blocks.append(piece)
    document.flat = not grids
    return document


# ------------------------------------------------------------------ Markdown (our drafts)

_TABLE_BLOCK = re.compile(r"<table\b.*?</table>", re.S | re.I)


def read_markdown(path: Path, text: str) -> Document:
    import lxml.html

    grids: list[Grid] = []
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)  # reportgen's markers and any other comment

    def table(match: re.Match) -> str:
        grids.append(html_grid(lxml.html.fragment_fromstring(match.group()), f"第{len(grids) + 1}个表格"))
        return "\n" + _MARK.format(len(grids) - 1) + "\n"

    text = _TABLE_BLOCK.sub(table, text)
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}(#{1,6}\s+|>\s?)", "", line)
        line = re.sub(r"<br\s*/?>", "\n", line)
        line = re.sub(r"</?p[^>]*>", "", line)
        line = re.sub(r"^\*\*(.*)\*\*$|^\*(.*)\*$", lambda m: m.group(1) or m.group(2) or "", line.strip())
        line = re.sub(r"\\([\\`*_\[\]<>&|~#>+\-.!()])", r"\1", line)
        line = line.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        lines.append(line)
    return _document(path, "\n".join(lines), grids)


# ------------------------------------------------------------------ plain text


def read_text(path: Path, text: str) -> Document:
    """Text copied or saved from a page: one paragraph or one table cell per line (an empty
    line may be a blank cell), a table's row with tabs between its cells, or the whole body
    on one line."""
    document = Document(str(path), flat=True)
    for line in text.splitlines():
        line = line.replace("\u3000", " ")
        document.blocks.append(line.rstrip("\r\n") if "\t" in line.strip() else line.strip())
    return document


# ------------------------------------------------------------------ Word

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, data: bytes) -> Document:
    try:
        package = untrusted.open_package(data, path, ".docx")
        if "word/document.xml" not in package.namelist():
            raise ImportProblem(f"{path}：不是 Word 文档（.docx 中没有 word/document.xml）。")
        root = untrusted.parse_xml(package.read("word/document.xml"), path, "word/document.xml")
    except InputError as problem:
        raise ImportProblem(str(problem)) from None
    body = root.find(f"{W}body")
    document = Document(str(path))
    tables = 0
    for element in body if body is not None else []:
        if element.tag == f"{W}p":
            for line in _paragraph_text(element).split("\n"):
                if line.strip():
                    document.blocks.append(line.strip())
        elif element.tag == f"{W}tbl":
            tables += 1
            document.blocks.append(_docx_grid(element, f"第{tables}个表格"))
        elif element.tag == f"{W}sdt":  # content controls: read what they hold
            for inner in element.iter(f"{W}p"):
                if inner.getparent().tag != f"{W}tc" and _paragraph_text(inner).strip():
                    document.blocks.append(_paragraph_text(inner).strip())
    return document


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr", f"{W}delText"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif node.tag == f"{W}tab":
            parts.append(" ")
    return "".join(parts)


def _docx_grid(table, where: str) -> Grid:
    rows: list[list[Cell]] = []
    for tr in table.iter(f"{W}tr"):
        if tr.getparent() is not table and tr.getparent().getparent() is not table:
            continue  # a nested table's row
        row: list[Cell] = []
        for tc in tr.findall(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            colspan = untrusted.count(span.get(f"{W}val", "1")) if span is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            text = "\n".join(_paragraph_text(p) for p in tc.findall(f"{W}p"))
            column = len(row)
            if continues and rows and column < len(rows[-1]):
                above = rows[-1][column]
                cells = [Cell(above.text, origin=False)] * colspan
            else:
                cells = [Cell(text)] + [Cell(text, origin=False)] * (colspan - 1)
            row.extend(cells)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return Grid([r + [Cell("")] * (width - len(r)) for r in rows], where)


# ------------------------------------------------------------------ PDF


def read_pdf(path: Path, data: bytes) -> Document:
    import io
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about fonts are not the clerk's business

    try:
        untrusted.check_pdf(data, path)
    except InputError as problem:
        raise ImportProblem(str(problem)) from None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as problem:  # pdfminer raises many kinds for damaged or encrypted files
        causes = f"{type(problem).__name__} {problem!r} {problem.__cause__!r} {problem.__context__!r}".lower()
        if "password" in causes or "encrypt" in causes:
            raise ImportProblem(f"{path}：PDF 有密码保护，请先去掉密码再导入。") from None
        raise ImportProblem(f"{path}：PDF 文件已损坏，无法读取。") from None
    document = Document(str(path))
    text_seen = False
    previous: dict | None = None  # the last text line, to join the lines of a paragraph
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception:  # pdfminer's many kinds of error for a damaged file
            raise ImportProblem(f"{path}：PDF 文件已损坏，无法读取。") from None
        for number, page in enumerate(pages, 1):
            try:
                tables = page.find_tables()
                items: list[tuple[float, Grid | dict]] = []  # a table, or a line of text (pdfrows)
                for index, table in enumerate(tables):
                    items.append((table.bbox[1], _pdf_grid(table, f"第{number}页第{index + 1}个表格")))
                boxes = [t.bbox for t in tables]
                outside = [c for c in page.chars if not any(_inside(c, box) for box in boxes)]
                lines = _lines(outside)
                lines = [
                    line
                    for at, line in enumerate(lines)  # a page number: a number alone, first or last
                    if not (at in (0, len(lines) - 1) and _PAGE_NUMBER.match(line["text"]))
                ]
                for line in pdfrows.rows(lines):  # a table without ruling lines: its rows rebuilt
                    items.append((line["top"], line))
            except Exception:  # pdfminer's many kinds of error for a damaged page
                raise ImportProblem(f"{path} 第{number}页已损坏，无法读取。") from None
            if page.chars:
                text_seen = True
            lines = [item for _, item in items if isinstance(item, dict)]
            left = min((line["x0"] for line in lines), default=0)
            right = max((line["x1"] for line in lines), default=0)
            for _, item in sorted(items, key=lambda pair: pair[0]):
                if isinstance(item, Grid):
                    document.blocks.append(item)
                    previous = None
                    continue
                continues = (
                    previous is not None
                    and not item.get("tabbed")
                    and not previous.get("tabbed")
                    and _continues(previous, item, left, right)
                )
                if continues and document.blocks and isinstance(document.blocks[-1], str):
                    document.blocks[-1] += item["text"]
                else:
                    document.blocks.append(item["text"])
                previous = item
    if not text_seen:
        raise ImportProblem(
            f"{path}：PDF 没有文字层（可能是扫描件），无法读取文字和数字。"
            "reportgen 不做文字识别（OCR）；请找到报告的 Word 或网页版本导入。"
        )
    return document


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_SPACES_IN_CJK = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9A-Za-z])|(?<=[0-9A-Za-z%])[ \t]+(?=[{_CJK}])")


def _lines(chars: list[dict]) -> list[dict]:
    """Text lines from a page's characters. Characters belong to one line when their middles
    are within half a character's height, so that digits set in a Latin font, whose boxes sit
    a little higher or lower than the Chinese around them, stay in their line."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        size = char["bottom"] - char["top"] or 10
        if lines:
            last = lines[-1]
            last_middle = sum((c["top"] + c["bottom"]) / 2 for c in last) / len(last)
            if abs(middle - last_middle) < size / 2:
                last.append(char)
                continue
        lines.append([char])
    found = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = ""
        segments: list[dict] = []  # the line's pieces set apart by a wide gap (a table's cells)
        for index, char in enumerate(line):
            gap = char["x0"] - line[index - 1]["x1"] if index else 0
            if index and gap > (char["bottom"] - char["top"]) * 0.6:
                text += " "
            text += char["text"]
            if not index or gap > (char["bottom"] - char["top"]) * 0.6:
                segments.append(
                    {"text": "", "x0": char["x0"], "x1": char["x1"], "top": char["top"], "bottom": char["bottom"]}
                )
            segment = segments[-1]
            segment["text"] += char["text"]
            segment["x1"] = char["x1"]
            segment["top"], segment["bottom"] = min(segment["top"], char["top"]), max(segment["bottom"], char["bottom"])
        text = _unspace(ideographs(text)).strip()
        for segment in segments:
            segment["text"] = _unspace(ideographs(segment["text"])).strip()
        if text:
            found.append(
                {
                    "text": text,
                    "x0": line[0]["x0"],
                    "x1": line[-1]["x1"],
                    "segments": segments,
                    "top": min(c["top"] for c in line),
                    "bottom": max(c["bottom"] for c in line),
                }
            )
    return found


def _unspace(text: str) -> str:
    """Chinese text as typed: a PDF puts spaces where justification stretched a line and
    between Chinese and Latin text; the text itself has none there."""
    return _SPACES_IN_CJK.sub("", text)


_PAGE_NUMBER = re.compile(r"^[-—–－]?\s*\d{1,4}\s*[-—–－]?$")


def _continues(previous: dict, line: dict, left: float, right: float) -> bool:
    """Whether a PDF text line goes on with the paragraph of the line before it: the line
    before reached the right margin, and this one is not indented as a paragraph starts."""
    size = (previous["bottom"] - previous["top"]) or 10
    full = previous["x1"] >= right - 1.5 * size
    indented = line["x0"] > left + size
    centred = abs((line["x0"] - left) - (right - line["x1"])) < size and line["x0"] > left + 2 * size
    return full and not indented and not centred


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    middle_x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    middle_y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


def _pdf_grid(table, where: str) -> Grid:
    """The grid of a table pdfplumber found by its ruling lines. A position pdfplumber leaves
    empty (None) is covered by a merged cell: the cell whose box holds its middle."""
    raw = table.extract()
    boxes = [row.cells for row in table.rows]
    columns: dict[int, tuple[float, float]] = {}  # each grid column's x range: its narrowest box
    for row in boxes:
        for c, box in enumerate(row):
            if box is not None and (c not in columns or box[2] - box[0] < columns[c][1] - columns[c][0]):
                columns[c] = (box[0], box[2])
    origins = [
        (box, raw[r][c])
        for r, row in enumerate(boxes)
        for c, box in enumerate(row)
        if box is not None and r < len(raw) and c < len(raw[r])
    ]
    rows: list[list[Cell]] = []
    for r, row in enumerate(raw):
        own = [box for box in boxes[r] if box is not None] or [table.rows[r].bbox]
        top, bottom = min(own, key=lambda box: box[3] - box[1])[1::2]  # the row's y range: its lowest box
        cells = []
        for c, text in enumerate(row):
            if text is not None:
                cells.append(Cell(_unspace(ideographs(text))))
                continue
            x0, x1 = columns.get(c, (0, 0))
            x, y = (x0 + x1) / 2, (top + bottom) / 2
            cover = next((t for box, t in origins if box[0] <= x <= box[2] and box[1] <= y <= box[3]), "")
            cells.append(Cell(_unspace(ideographs(cover or "")), origin=False))
        rows.append(cells)
    return Grid(rows, where)
