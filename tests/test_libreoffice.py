"""A LibreOffice round trip: the Word drafts open in LibreOffice and print everything.

Each draft is converted to PDF headless; the PDF's text must hold the title, the six
section headings, every label of the statutory tables, and the figures. CI installs
libreoffice-writer-nogui, poppler-utils and fonts-noto-cjk (see .ci/run); elsewhere the
test is skipped when they are missing.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import REPO

from reportgen import check_file
from reportgen.formats import layout
from reportgen.workflows.build import Renderers, render_drafts

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
GOLDEN = REPO / "tests" / "golden"

if not (SOFFICE and PDFTOTEXT):  # never skipped: .ci/run installs them
    pytest.fail(
        "LibreOffice and pdftotext are needed: apt-get install libreoffice-writer-nogui poppler-utils "
        "fonts-noto-cjk (as .ci/run does)",
        pytrace=False,
    )


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory):
    """Convert the golden drafts of both formats to PDF once; their text, squeezed."""
    folder = tmp_path_factory.mktemp("lo")
    renderers = Renderers.prepare()
    sources = {
        case: check_file(GOLDEN / f"{case}.toml")
        for case in ("small-department-2021", "government-2019", "collapsed-other-2021")
    }
    for case, result in sources.items():
        (folder / f"{case}.docx").write_bytes(render_drafts(result.report, renderers, ("docx",))["docx"])
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{case}.docx") for case in sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    texts = {}
    for case, result in sources.items():
        pdf = folder / f"{case}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {case}"
        raw = subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        texts[case] = (squeeze(raw), result.report)
    return texts


@pytest.mark.parametrize("case", ["small-department-2021", "government-2019"])
def test_the_pdf_holds_title_headings_and_every_table_label(pdf_texts, case):
    text, report = pdf_texts[case]
    assert squeeze(f"{report.agency}{report.year}年政府信息公开工作年度报告") in text
    for section in report.format.sections:
        assert squeeze(section.heading) in text, section.heading
    for table in report.format.tables.values():
        for row in layout.grid(table).rows:
            for cell in row:
                if cell.text:
                    assert squeeze(cell.text) in text, cell.text


def test_the_pdf_holds_the_figures(pdf_texts):
    text, _ = pdf_texts["small-department-2021"]
    for figure in ("22（其中修订16件）", "1534", "5949.088667"):
        assert figure in text
    # table 三, row 一: 自然人 7, 商业企业 2, … 总计 9
    assert "一、本年新收政府信息公开申请数量7200009" in text
    text, _ = pdf_texts["government-2019"]
    assert "行政许可312-1420581" in text
    assert "政府集中采购4612876.53" in text
    # a blank cell prints nothing, and the single （六） row prints its figures once
    text, _ = pdf_texts["collapsed-other-2021"]
    assert "二、上年结转政府信息公开申请数量100001" in text
    assert "（六）其他处理10001（七）总计7200009" in text


def test_a_template_saved_by_libreoffice_still_renders(tmp_path):
    """Clerks edit the Word template in LibreOffice or Word. LibreOffice renames our custom
    styles (表格文字 becomes Style12) and writes quotes in tags as &quot;; both must work."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    shutil.copy(REPO / "templates" / "report.md.j2", folder)
    source = tmp_path / "report.docx"
    shutil.copy(REPO / "templates" / "report.docx", source)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    import zipfile

    with zipfile.ZipFile(folder / "report.docx") as resaved:
        assert b"&quot;" in resaved.read("word/document.xml")  # what LibreOffice did to our tags
    renderers = Renderers.prepare(folder)
    data = render_drafts(check_file(GOLDEN / "small-department-2021.toml").report, renderers, ("docx",))["docx"]
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "示例县市场监督管理局\n2023年政府信息公开工作年度报告"
    assert len(document.tables) == 3
    style = document.tables[1].rows[3].cells[3].paragraphs[0].style
    assert style.name == "表格文字"
