"""Drafts a clerk can print unchanged (issue 16), asserted from the PDFs LibreOffice prints,
not from our own reader: table 三 on one page with its heading and lead sentence, no label
split across pages, titles broken after the agency, and the 公文 look on a machine with only
Noto CJK fonts. The PNG of each table 三 page is kept in the test's temporary folder."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from cli_helpers import run
from conftest import EXAMPLES

from reportgen import check_file
from reportgen.formats import layout
from reportgen.renderers.fonts import fontconfig


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every example in data/, and the 汇总 of the 2025 examples, printed to PDF by reportgen."""
    out = tmp_path_factory.mktemp("print")
    result = run("build", *EXAMPLES, "-o", out, "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    data = EXAMPLES[0].parents[1]
    result = run("aggregate", data, "--year", "2025", "--name", "青川市", "-o", out / "sum")
    assert result.exit_code in (0, 1), result.output
    docx = next((out / "sum").glob("*.docx"))
    assert run("build", "--help").exit_code == 0
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "sum"),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "FONTCONFIG_FILE": str(_fontconfig(out))},
    )
    pdfs = {}
    for example in EXAMPLES:
        report = check_file(example).report
        [pdf] = [p for p in out.glob("*.pdf") if p.name.startswith(f"{report.agency}{report.year}")]
        pdfs[example.parent.name + "/" + example.stem] = (pdf, report)
    return out, pdfs, next((out / "sum").glob("*.pdf"))


def _fontconfig(folder: Path) -> Path:
    path = folder / "fonts.conf"
    path.write_text(fontconfig(), encoding="utf-8")
    return path


def pages_of(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [squeeze(page.extract_text() or "") for page in document.pages]


CASES = [f"{p.parent.name}/{p.stem}" for p in EXAMPLES]


@pytest.mark.parametrize("case", CASES)
def test_table_three_is_on_one_page_with_its_heading_and_lead(printed, case):
    out, pdfs, _ = printed
    pdf, report = pdfs[case]
    pages = pages_of(pdf)
    first = [i for i, text in enumerate(pages) if "一、本年新收政府信息公开申请数量" in text]
    last = [i for i, text in enumerate(pages) if "四、结转下年度继续办理" in text]
    assert len(first) == 1 and first == last, (first, last)
    page = pages[first[0]]
    assert "（七）总计" in page
    assert "三、收到和处理政府信息公开申请情况" in page
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            str(first[0] + 1),
            "-l",
            str(first[0] + 1),
            str(pdf),
            str(out / f"table-three-{case.replace('/', '-')}"),
        ],
        check=True,
    )
    assert list(out.glob(f"table-three-{case.replace('/', '-')}*.png"))


def table_cells(pdf: Path) -> list[tuple[int, str]]:
    """(page, text) of every table cell pdfplumber finds by the ruling lines."""
    with pdfplumber.open(pdf) as document:
        return [
            (number, squeeze(text))
            for number, page in enumerate(document.pages)
            for table in page.extract_tables()
            for row in table
            for text in row
            if text
        ]


@pytest.mark.parametrize("case", CASES)
def test_no_table_label_is_split_across_pages(printed, case):
    """Every label of every table is one whole cell on one page: a merged label split by a
    page break would be two cells, each with part of the text."""
    _, pdfs, _ = printed
    pdf, report = pdfs[case]
    cells = table_cells(pdf)
    for table in report.format.tables.values():
        common = None
        for row in layout.grid(table).rows:
            for cell in row:
                if cell.text and cell.role != layout.VALUE:
                    found = {page for page, text in cells if text == squeeze(cell.text)}
                    assert found, cell.text
                    common = found if common is None else common & found
        assert common, f"表{table.number}的栏目不在同一页上"  # one page holds every label of the table


@pytest.mark.parametrize("case", CASES)
def test_the_title_breaks_after_the_agency(printed, case):
    _, pdfs, _ = printed
    pdf, report = pdfs[case]
    with pdfplumber.open(pdf) as document:
        lines = [squeeze(line) for line in (document.pages[0].extract_text() or "").splitlines()[:2]]
    assert lines == [report.agency, f"{report.year}年政府信息公开工作年度报告"]


def test_the_sum_title_breaks_before_its_last_words_without_a_stub(printed):
    _, _, pdf = printed
    with pdfplumber.open(pdf) as document:
        lines = [squeeze(line) for line in (document.pages[0].extract_text() or "").splitlines()[:2]]
    assert lines == ["青川市2025年政府信息公开工作年度报告", "统计汇总表"]


def faces(pdf: Path) -> dict[str, str]:
    """The font of the title, the body, a level-1 heading and table text, as printed."""
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)

    def font_at(needle: str) -> str:
        index = text.index(needle)
        return re.sub(r"^[A-Z]{6}\+", "", chars[index]["fontname"])

    return {
        "title": font_at("年政府信息公开工作年度报告"),
        "body": font_at("本报告根据"),
        "heading": font_at("一、总体情况"),
        "table": font_at("信息内容"),
    }


@pytest.mark.parametrize("case", CASES)
def test_a_machine_with_only_noto_prints_the_gongwen_look(printed, case):
    """Serif body, sans headings, a title in a face of its own. (Debian's Noto CJK fonts are
    collections whose faces share one CFF table, named after the Japanese face, so every
    embedded name reads ``…CJKjp…``; the next test shows that the Chinese face is chosen.)"""
    _, pdfs, _ = printed
    pdf, _ = pdfs[case]
    found = faces(pdf)
    assert "Serif" in found["body"] and "Bold" not in found["body"], found
    assert "Sans" in found["heading"], found
    assert found["title"] != found["body"], found
    assert "Serif" in found["table"], found
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", line  # every font is embedded


@pytest.mark.parametrize(
    "font, face",
    [
        ("仿宋_GB2312", "Noto Serif CJK SC"),
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
        ("楷体_GB2312", "Noto Serif CJK SC"),
        ("宋体", "Noto Serif CJK SC"),
    ],
)
def test_the_substitutions_choose_the_simplified_chinese_faces(tmp_path, font, face):
    result = subprocess.run(
        ["fc-match", "-f", "%{family[0]}|%{style}", font],
        capture_output=True,
        text=True,
        env={**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path))},
        check=True,
    )
    family, style = result.stdout.split("|")
    assert family == face
    assert ("Bold" in style) == (font == "方正小标宋简体")


def test_a_missing_libreoffice_is_explained_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("REPORTGEN_SOFFICE", raising=False)
    result = run("build", EXAMPLES[0], "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 1
    assert "生成 PDF 需要 LibreOffice" in result.output and "apt-get install libreoffice-writer-nogui" in result.output
    assert not (tmp_path / "out").exists()
