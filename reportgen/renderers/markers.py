"""The markers around what a draft took from the data, read back from the files.

Word drafts carry bookmarks named ``rg_<marker>``: inside a paragraph around a sentence or
a figure, or from the first to the last paragraph of a table. Markdown drafts carry paired
comments ``<!-- rg:<marker> -->`` … ``<!-- /rg:<marker> -->``. ``reportgen refresh`` finds
them here, reads the text inside each, and replaces what is inside.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# An lxml element. lxml publishes no type information, so to mypy it is Any (a library boundary).
Element = Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
PREFIX = "rg_"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def figures(text: str) -> str:
    """The figures a marker's text states, in any order and wording: what a person who
    rewords a generated sentence keeps (full-width digits read as digits)."""
    return " ".join(sorted(_FIGURE.findall(unicodedata.normalize("NFKC", text))))


def plain_lines(text: str) -> str:
    """Text as its content: line ends of any system (CRLF, CR) as LF, no byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------ Word


@dataclass
class Region:
    """What a bookmark marks: a run of elements inside one paragraph, or a whole table."""

    name: str
    table: Element | None = None  # the w:tbl
    start: Element | None = None  # the w:bookmarkStart (inline regions)
    end: Element | None = None  # the matching w:bookmarkEnd

    def elements(self) -> list:
        if self.table is not None:
            return [self.table]
        assert self.start is not None  # an inline region: between its bookmarkStart and bookmarkEnd
        found, node = [], self.start.getnext()
        while node is not None and node is not self.end:
            found.append(node)
            node = node.getnext()
        return found


def docx_regions(root) -> dict[str, Region]:
    """Every reportgen marker in a document.xml tree, by marker name (``rg_`` removed)."""
    ends = {e.get(f"{W}id"): e for e in root.iter(f"{W}bookmarkEnd")}
    regions: dict[str, Region] = {}
    for start in root.iter(f"{W}bookmarkStart"):
        name = start.get(f"{W}name", "")
        if not name.startswith(PREFIX) or name[len(PREFIX) :] in regions:
            continue
        marker = name[len(PREFIX) :]
        table = next(start.iterancestors(f"{W}tbl"), None)
        if marker.startswith("table_") and table is not None:
            regions[marker] = Region(marker, table=table)
            continue
        end = ends.get(start.get(f"{W}id"))
        if end is not None and end.getparent() is start.getparent():
            regions[marker] = Region(marker, start=start, end=end)
    return regions


def text_of(elements) -> str:
    """The text of some WordprocessingML elements, as a reader sees it."""
    parts = []
    for element in elements:
        for node in element.iter(f"{W}t", f"{W}br", f"{W}tc", f"{W}tr"):
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            elif node.tag == f"{W}br":
                parts.append("\n")
            elif node.tag == f"{W}tc":
                parts.append("|")
            else:
                parts.append("\n")
    return "".join(parts).strip()


def table_cells(table) -> list[list[str]]:
    return [
        ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")]
        for tr in table.findall(f"{W}tr")
    ]


def docx_texts(document_xml: bytes) -> dict[str, str]:
    """The text inside each marker of a Word draft's document.xml."""
    from lxml import etree  # imported when first used: start-up time

    root = etree.fromstring(document_xml)
    return {name: text_of(region.elements()) for name, region in docx_regions(root).items()}


# ------------------------------------------------------------------ Markdown

_MD_REGION = re.compile(r"<!-- rg:(?P<name>[\w.-]+) -->(?P<body>.*?)<!-- /rg:(?P=name) -->", re.S)


def md_regions(text: str) -> dict[str, re.Match]:
    regions: dict[str, re.Match] = {}
    for match in _MD_REGION.finditer(text):
        regions.setdefault(match["name"], match)
    return regions


def md_texts(text: str) -> dict[str, str]:
    """The text inside each marker of a Markdown draft, as content (CRLF and LF alike)."""
    return {name: plain_lines(match["body"]).strip() for name, match in md_regions(text).items()}
