"""Reading generated .docx files in tests: XML parts, XPath, tables as python-docx sees them."""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
W = "{%s}" % NS["w"]


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def xpath(node, path: str):
    return node.xpath(path, namespaces=NS)


def text_of(node) -> str:
    return "".join(xpath(node, ".//w:t/text()"))


def grid_rows(tbl) -> list[list[tuple[int, object]]]:
    """Each row's cells with the grid column they start in (gridSpan counted)."""
    rows = []
    for tr in xpath(tbl, "./w:tr"):
        column, cells = 0, []
        for tc in xpath(tr, "./w:tc"):
            cells.append((column, tc))
            span = xpath(tc, "./w:tcPr/w:gridSpan/@w:val")
            column += int(span[0]) if span else 1
        rows.append(cells)
    return rows


def table_containing(document, text: str):
    for tbl in xpath(document, "//w:tbl"):
        if text in text_of(tbl):
            return tbl
    raise AssertionError(f"no table contains {text!r}")


def read_back(data: bytes) -> list[list[list[str]]]:
    """Every table as python-docx reads it: per row, the text of each distinct cell that
    starts in that row (merged cells counted once, where they start)."""
    document = docx.Document(io.BytesIO(data))
    tables = []
    for table in document.tables:
        seen: list = []  # lxml keeps one proxy per element while it is referenced
        rows = []
        for row in table.rows:
            texts = []
            for cell in row.cells:
                if any(cell._tc is other for other in seen):
                    continue
                seen.append(cell._tc)
                texts.append(cell.text)
            rows.append(texts)
        tables.append(rows)
    return tables
