"""The published PDF and web page carry exactly the text that was written (issue 25).

For every example of every document kind, the Word draft is printed by LibreOffice: the
text of the PDF (``pdftotext -layout``, which keeps a hyphen that ends a line; whitespace and
page numbers aside) holds exactly the characters of the .docx, each as many times, and the
header rows of a table that runs onto further pages once more for each of them (a PDF's
reading order interleaves the lines of wrapped table cells, so the order of table text
cannot be compared); and the text of the web page is the .docx's text, in order, character
for character (the captions above its tables, the page's own labels, aside)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from cli_helpers import run
from conftest import ALL_EXAMPLES, REPO
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CASES = ALL_EXAMPLES + sorted((REPO / "tests" / "golden").glob("*.toml"))
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


def document(path: Path):
    import zipfile

    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def docx_text(path: Path) -> str:
    return "".join(node.text or "" for node in document(path).iter(f"{W}t"))


def repeated_headers(path: Path) -> list[Counter]:
    """The characters of each table's header rows (repeated at the top of every page)."""
    found = []
    for table in document(path).iter(f"{W}tbl"):
        rows = [row for row in table.iter(f"{W}tr") if row.find(f"{W}trPr/{W}tblHeader") is not None]
        if rows:
            found.append(Counter(plain("".join(t.text or "" for row in rows for t in row.iter(f"{W}t")))))
    return found


def explained_by_repeats(extra: Counter, headers: list[Counter]) -> bool:
    """Whether the extra characters are whole repeats of the tables' header rows."""
    if not extra:
        return True
    for header in headers:
        if header and all(extra[ch] >= n for ch, n in header.items()):
            if explained_by_repeats(extra - header, headers):
                return True
    return False


def plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    result = run("build", *CASES, "-o", out, "--to", "docx,html,pdf", "--allow-errors")
    assert result.exit_code == 0 and f"生成 {len(CASES)} 份草稿，0 个未生成" in result.output, result.output
    drafts = {}
    for case in CASES:
        [word] = [p for p in out.glob("*.docx") if _source_of(p, out) == case.resolve()]
        drafts[case] = word
    return drafts


def _source_of(word: Path, out: Path) -> Path:
    from reportgen.output.manifest import Manifest

    return Manifest(out).source_of(word).resolve()


def test_every_draft_was_printed(published):
    assert len(published) == len(CASES)
    for word in published.values():
        assert word.with_suffix(".pdf").exists(), word


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_pdf_holds_every_character_of_the_docx(published, case):
    word = published[case]
    printed = subprocess.run(
        ["pdftotext", "-layout", str(word.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    want, got = Counter(plain(docx_text(word))), Counter(plain(PAGE_NUMBER.sub("", printed)))
    assert not want - got, {"lost": dict(want - got)}
    assert explained_by_repeats(got - want, repeated_headers(word)), {"extra": dict(got - want)}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_web_page_holds_the_docx_text_in_order(published, case):
    word = published[case]
    page = lxml.html.parse(str(word.with_suffix(".html"))).getroot()
    for caption in page.xpath("//p[starts-with(@id, 'reportgen-table-')]"):
        caption.getparent().remove(caption)
    body = page.xpath("//body")[0]
    assert plain(body.text_content()) == plain(docx_text(word))
